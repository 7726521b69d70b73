#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

enum { MAX_OPTS = 64, HELP_VAL = 0x100 };

static int count(const struct opt_spec *tab)
{
	int n = 0;

	while (tab[n].type != OPT_END) {
		n++;
	}
	return n;
}

static int set_choice(const char *cmd, const struct opt_spec *o, const char *arg)
{
	char list[256] = "";

	for (int i = 0; o->choices[i]; i++) {
		if (strcmp(o->choices[i], arg) == 0) {
			*(int *)o->dst = i;
			return 0;
		}
		strncat(list, i ? "|" : "", sizeof(list) - strlen(list) - 1);
		strncat(list, o->choices[i], sizeof(list) - strlen(list) - 1);
	}
	tsc_err("%s: '%s' is not a choice for --%s: %s", cmd, arg, o->name, list);
	return -1;
}

static int set_number(const char *cmd, const struct opt_spec *o, const char *arg)
{
	char *end;
	double v;

	errno = 0;
	if (o->type == OPT_UINT) {
		if (arg[0] < '0' || arg[0] > '9') {
			end = (char *)arg;
		} else {
			unsigned long long u = strtoull(arg, &end, 10);
			v = (double)u;
			if (!*end && errno == 0 && v >= o->min && v <= o->max) {
				*(unsigned long long *)o->dst = u;
				return 0;
			}
		}
	} else {
		v = strtod(arg, &end);
		if (!*end && end != arg && errno == 0 && isfinite(v) && v >= o->min &&
		    v <= o->max) {
			*(double *)o->dst = v;
			return 0;
		}
	}
	if (*end || end == arg) {
		tsc_err("%s: '%s' is not a number for --%s", cmd, arg, o->name);
	} else {
		tsc_err("%s: '%s' is out of range for --%s: %g to %g", cmd, arg, o->name, o->min,
		        o->max);
	}
	return -1;
}

static int apply(const char *cmd, const struct opt_spec *o, const char *arg)
{
	switch (o->type) {
	case OPT_FLAG:
		*(int *)o->dst = 1;
		return 0;
	case OPT_STRING:
		*(const char **)o->dst = arg;
		return 0;
	case OPT_CHOICE:
		return set_choice(cmd, o, arg);
	default:
		return set_number(cmd, o, arg);
	}
}

static void build(const struct opt_spec *tab, int n, struct option *lopts, char *shorts)
{
	char *s = shorts;

	*s++ = ':'; /* report a missing argument as ':' */
	for (int i = 0; i < n; i++) {
		int has_arg = tab[i].type == OPT_FLAG ? no_argument : required_argument;
		lopts[i] = (struct option){tab[i].name, has_arg, NULL,
		                           tab[i].short_name ? tab[i].short_name : 0x200 + i};
		if (tab[i].short_name) {
			*s++ = tab[i].short_name;
			if (has_arg) {
				*s++ = ':';
			}
		}
	}
	lopts[n] = (struct option){"help", no_argument, NULL, HELP_VAL};
	lopts[n + 1] = (struct option){0, 0, 0, 0};
	*s++ = 'h';
	*s = '\0';
}

static const struct opt_spec *find(const struct opt_spec *tab, int n, int c)
{
	for (int i = 0; i < n; i++) {
		if ((tab[i].short_name && tab[i].short_name == c) ||
		    (!tab[i].short_name && c == 0x200 + i)) {
			return &tab[i];
		}
	}
	return NULL;
}

int opts_parse(const char *cmd, const struct opt_spec *tab, int argc, char **argv)
{
	struct option lopts[MAX_OPTS + 2];
	char shorts[MAX_OPTS * 2 + 3];
	int n = count(tab);
	int c;

	if (n > MAX_OPTS) {
		tsc_err("%s: option table has %d entries, more than %d", cmd, n, MAX_OPTS);
		return -1;
	}
	build(tab, n, lopts, shorts);
	opterr = 0;
	optind = 0; /* 0, not 1: also forget a group of short options left half-read */
	while ((c = getopt_long(argc, argv, shorts, lopts, NULL)) != -1) {
		if (c == HELP_VAL || c == 'h') {
			return -2;
		}
		if (c == '?' || c == ':') {
			/* Inside a group ("-Zv") optind still names the previous
			 * argument; the character is in optopt (0 for an unknown
			 * long option, whose text is argv[optind - 1]). */
			char shopt[3] = {'-', (char)optopt, '\0'};
			const char *bad =
			    c == '?' && optopt > 0 && optopt < 0x100 ? shopt : argv[optind - 1];
			tsc_err("%s: %s '%s' (see tscap %s --help)", cmd,
			        c == ':' ? "missing argument for" : "unknown option", bad, cmd);
			return -1;
		}
		if (apply(cmd, find(tab, n, c), optarg) < 0) {
			return -1;
		}
	}
	return optind;
}

void opts_usage(FILE *f, const char *cmd, const char *synopsis, const struct opt_spec *tab)
{
	fprintf(f, "usage: tscap %s %s\n\noptions:\n", cmd, synopsis);
	for (int i = 0; tab[i].type != OPT_END; i++) {
		const struct opt_spec *o = &tab[i];
		char lhs[64];
		char shrt[5] = "    "; /* "-w, " or blanks of the same width */
		if (o->short_name) {
			snprintf(shrt, sizeof(shrt), "-%c, ", o->short_name);
		}
		snprintf(lhs, sizeof(lhs), "%s--%s%s%s", shrt, o->name, o->arg ? " " : "",
		         o->arg ? o->arg : "");
		fprintf(f, "  %-30s %s\n", lhs, o->help);
	}
	fprintf(f, "  %-30s %s\n", "-h, --help", "show this help");
}
