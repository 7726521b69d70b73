/* One option table per subcommand (STYLE.md point 8): getopt_long's
 * table, validation and --help all come from it, so every error reads
 * the same ("'x' is out of range for --batch: 1 to 1024"). */
#ifndef TSCAP_OPTIONS_H
#define TSCAP_OPTIONS_H

#include <stdio.h>

enum opt_type {
	OPT_END = 0,
	OPT_FLAG,   /* int, set to 1 */
	OPT_UINT,   /* unsigned long long within [min, max] */
	OPT_DOUBLE, /* double within [min, max] */
	OPT_STRING, /* const char * */
	OPT_CHOICE, /* int: index into choices */
};

struct opt_spec {
	const char *name;
	char short_name; /* 0 = long only */
	enum opt_type type;
	void *dst;
	double min, max;
	const char *const *choices; /* NULL-terminated, for OPT_CHOICE */
	const char *arg;            /* argument name in --help */
	const char *help;
};

/* Parses argv[1..] of a subcommand. Returns the index of the first
 * positional argument (getopt moves them to the end), -1 after printing a
 * one-line error, or -2 when --help was printed. */
int opts_parse(const char *cmd, const struct opt_spec *tab, int argc, char **argv);

void opts_usage(FILE *f, const char *cmd, const char *synopsis, const struct opt_spec *tab);

#endif
