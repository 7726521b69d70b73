/* src/options.c on arbitrary command lines: the input, one argument per
 * line, goes to opts_parse with a table of every option type the
 * subcommands use (flags, bounded integers and reals, strings, choices,
 * short and long-only names). Accepted: stderr stays empty, the first
 * positional index is inside argv, every value is in its range and finite,
 * a choice is an index into its list, a string is one of the arguments
 * (or the text after "--name=" or "-w"). Refused: exactly one line on
 * stderr, "tscap: capture: ...". --help: nothing on stderr. */
#include "fuzz.h"

#include <math.h>

#include "options.h"

#define MAX_ARGS 64

static const char *const stamps[] = {"auto", "hw", "sw", "none", NULL};

static int in_argv(const char *s, char **argv, int argc)
{
	for (int i = 0; i < argc; i++) {
		size_t n = strlen(argv[i]);
		if (s >= argv[i] && s <= argv[i] + n) {
			return 1;
		}
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned long long count = 0, batch = 64, snaplen = 65535;
	double rate = 0, duration = 0;
	const char *out = NULL, *name = NULL;
	int quiet = 0, verbose = 0, stamp = 0;
	const struct opt_spec tab[] = {
	    {"count", 'c', OPT_UINT, &count, 0, 1e18, NULL, "N", "stop after N"},
	    {"batch", 0, OPT_UINT, &batch, 1, 1024, NULL, "N", "batch"},
	    {"snaplen", 's', OPT_UINT, &snaplen, 64, 262144, NULL, "BYTES", "snap length"},
	    {"rate", 'r', OPT_DOUBLE, &rate, 0, 1e9, NULL, "PPS", "rate"},
	    {"duration", 0, OPT_DOUBLE, &duration, 0, 1e7, NULL, "SEC", "duration"},
	    {"write", 'w', OPT_STRING, &out, 0, 0, NULL, "FILE", "output"},
	    {"name", 0, OPT_STRING, &name, 0, 0, NULL, "TEXT", "name"},
	    {"stamp", 0, OPT_CHOICE, &stamp, 0, 0, stamps, "auto|hw|sw|none", "stamps"},
	    {"quiet", 'q', OPT_FLAG, &quiet, 0, 0, NULL, NULL, "quiet"},
	    {"verbose", 'v', OPT_FLAG, &verbose, 0, 0, NULL, NULL, "verbose"},
	    {0},
	};
	char *text = malloc(size + 1);
	char *argv[MAX_ARGS + 2];
	int argc = 0;
	struct fuzz_capture err;

	FUZZ_ASSERT(text != NULL, "out of memory");
	memcpy(text, data, size);
	text[size] = '\0';
	argv[argc++] = (char *)"capture";
	for (char *p = text; argc <= MAX_ARGS;) {
		char *nl = strchr(p, '\n');
		argv[argc++] = p;
		if (!nl) {
			break;
		}
		*nl = '\0';
		p = nl + 1;
	}
	argv[argc] = NULL;

	char *copy[MAX_ARGS + 2];
	memcpy(copy, argv, sizeof(argv)); /* getopt permutes argv */
	fuzz_capture_begin(&err, &stderr);
	int r = opts_parse("capture", tab, argc, argv);
	fuzz_capture_end(&err);

	if (r == -1) {
		FUZZ_ASSERT(fuzz_count_char(err.buf, err.len, '\n') == 1 &&
		                err.buf[err.len - 1] == '\n' &&
		                !strncmp(err.buf, "tscap: capture: ", 16),
		            "refusal is not one line: '%s'", err.buf);
	} else {
		FUZZ_ASSERT(err.len == 0, "parse returned %d and printed '%s'", r, err.buf);
	}
	if (r >= 0) {
		FUZZ_ASSERT(r >= 1 && r <= argc, "first positional %d of %d", r, argc);
		FUZZ_ASSERT(count <= 1000000000000000000ull, "count %llu", count);
		FUZZ_ASSERT(batch >= 1 && batch <= 1024, "batch %llu", batch);
		FUZZ_ASSERT(snaplen >= 64 && snaplen <= 262144, "snaplen %llu", snaplen);
		FUZZ_ASSERT(isfinite(rate) && rate >= 0 && rate <= 1e9, "rate %g", rate);
		FUZZ_ASSERT(isfinite(duration) && duration >= 0 && duration <= 1e7, "duration %g",
		            duration);
		FUZZ_ASSERT(stamp >= 0 && stamp < 4, "stamp choice %d", stamp);
		FUZZ_ASSERT(!out || in_argv(out, copy, argc), "--write points outside argv");
		FUZZ_ASSERT(!name || in_argv(name, copy, argc), "--name points outside argv");
		FUZZ_ASSERT(quiet == 0 || quiet == 1, "flag %d", quiet);
		/* getopt moved the positionals to the end, in order */
		for (int i = r; i < argc; i++) {
			FUZZ_ASSERT(in_argv(argv[i], copy, argc), "positional %d", i);
		}
	}
	fuzz_capture_free(&err);
	free(text);
	return 0;
}
