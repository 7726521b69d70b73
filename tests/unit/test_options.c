/* src/options.h: opts_parse over a table like the subcommands' — values
 * in and out of range, unknown options, missing arguments, choices,
 * --help — with the one-line messages it prints checked too. */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "options.h"

static unsigned long long batch, snaplen;
static double rate;
static int verbose, clock_i;
static const char *out;
static const char *const clocks[] = {"hw", "sw", "user", NULL};

static const struct opt_spec tab[] = {
    {"batch", 'b', OPT_UINT, &batch, 1, 1024, NULL, "N", "packets per batch"},
    {"rate", 'r', OPT_DOUBLE, &rate, 0.001, 1e6, NULL, "PPS", "packets per second"},
    {"verbose", 'v', OPT_FLAG, &verbose, 0, 0, NULL, NULL, "say more"},
    {"write", 'w', OPT_STRING, &out, 0, 0, NULL, "FILE", "write to FILE"},
    {"clock", 0, OPT_CHOICE, &clock_i, 0, 0, clocks, "CLOCK", "hw, sw or user"},
    {"snaplen", 0, OPT_UINT, &snaplen, 64, 262144, NULL, "BYTES", "bytes kept per frame"},
    {NULL, 0, OPT_END, NULL, 0, 0, NULL, NULL, NULL},
};

static void defaults(void)
{
	batch = 64;
	snaplen = 65535;
	rate = 10;
	verbose = 0;
	clock_i = -1;
	out = NULL;
}

static char argv_store[32][256];
static char *argv_[33];
static char errbuf[4096]; /* what opts_parse printed to stderr */
static int capture = 1;   /* 0: leave stderr alone (crash reports stay visible) */

/* opts_parse on a NULL-terminated list, defaults set first; stderr is
 * captured into errbuf. */
static int parse_list(const char *const *args)
{
	int argc = 0;

	defaults();
	for (; args[argc] && argc < 32; argc++) {
		snprintf(argv_store[argc], sizeof(argv_store[argc]), "%s", args[argc]);
		argv_[argc] = argv_store[argc];
	}
	argv_[argc] = NULL;

	if (!capture) {
		errbuf[0] = '\0';
		return opts_parse("capture", tab, argc, argv_);
	}
	FILE *tmp = tmpfile();
	if (!tmp) {
		perror("tmpfile");
		exit(2);
	}
	fflush(stderr);
	int saved = dup(2);
	dup2(fileno(tmp), 2);
	int r = opts_parse("capture", tab, argc, argv_);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	size_t n = fread(errbuf, 1, sizeof(errbuf) - 1, tmp);
	errbuf[n] = '\0';
	fclose(tmp);
	return r;
}

#define PARSE(...) parse_list((const char *const[]){"capture", __VA_ARGS__, NULL})

/* -1 and a message containing `msg`. */
#define CHECK_FAILS(msg, ...)                                                                      \
	do {                                                                                       \
		int r_ = PARSE(__VA_ARGS__);                                                       \
		if (!CHECK_EQ_U64(r_, (uint64_t)-1) || !CHECK(strstr(errbuf, msg) != NULL)) {      \
			fprintf(stderr, "    args: %s; printed: %s\n", #__VA_ARGS__, errbuf);      \
		}                                                                                  \
	} while (0)

static void test_valid(void)
{
	int r = PARSE("-b", "16", "--rate=2.5", "-v", "--clock", "sw", "-w", "x.pcapng",
	              "--snaplen", "1500", "pos1");
	CHECK_EQ_U64(r, 11);
	CHECK_STR(argv_[r], "pos1");
	CHECK_EQ_U64(batch, 16);
	CHECK(rate == 2.5);
	CHECK_EQ_U64(verbose, 1);
	CHECK_EQ_U64(clock_i, 1);
	CHECK_STR(out, "x.pcapng");
	CHECK_EQ_U64(snaplen, 1500);
	CHECK_STR(errbuf, "");

	/* No options at all: defaults stay, positional index 1. */
	r = parse_list((const char *const[]){"capture", NULL});
	CHECK_EQ_U64(r, 1);
	CHECK_EQ_U64(batch, 64);
	r = PARSE("pos");
	CHECK_EQ_U64(r, 1);

	/* Positional arguments are moved after the options. */
	r = PARSE("pos1", "-b", "8", "pos2");
	CHECK_EQ_U64(r, 3);
	CHECK_EQ_U64(batch, 8);
	CHECK_STR(argv_[3], "pos1");
	CHECK_STR(argv_[4], "pos2");

	/* "--" ends the options. */
	r = PARSE("--", "-b", "8");
	CHECK_EQ_U64(r, 2);
	CHECK_STR(argv_[2], "-b");
	CHECK_EQ_U64(batch, 64);

	/* Attached and grouped forms. */
	PARSE("-b16");
	CHECK_EQ_U64(batch, 16);
	PARSE("--batch=17");
	CHECK_EQ_U64(batch, 17);
	CHECK_EQ_U64(PARSE("-vb18"), 2);
	CHECK_EQ_U64(batch, 18);
	CHECK_EQ_U64(verbose, 1);
	PARSE("-wout.pcapng");
	CHECK_STR(out, "out.pcapng");
	PARSE("--bat=19"); /* an unambiguous prefix */
	CHECK_EQ_U64(batch, 19);

	/* The last of a repeated option wins. */
	PARSE("-b", "1", "-b", "2");
	CHECK_EQ_U64(batch, 2);
}

static void test_ranges(void)
{
	/* Bounds are inclusive. */
	CHECK_EQ_U64(PARSE("-b", "1"), 3);
	CHECK_EQ_U64(batch, 1);
	CHECK_EQ_U64(PARSE("-b", "1024"), 3);
	CHECK_EQ_U64(batch, 1024);
	CHECK_EQ_U64(PARSE("--snaplen=64"), 2);
	CHECK_EQ_U64(snaplen, 64);
	CHECK_EQ_U64(PARSE("--snaplen=262144"), 2);
	CHECK_EQ_U64(snaplen, 262144);
	CHECK_EQ_U64(PARSE("-r", "0.001"), 3);
	CHECK(rate == 0.001);
	CHECK_EQ_U64(PARSE("-r", "1e6"), 3);
	CHECK(rate == 1e6);
	CHECK_EQ_U64(PARSE("-r", "7"), 3);
	CHECK(rate == 7);

	CHECK_FAILS("'0' is out of range for --batch: 1 to 1024", "-b", "0");
	CHECK_EQ_U64(batch, 64); /* untouched */
	CHECK_FAILS("'1025' is out of range for --batch: 1 to 1024", "-b", "1025");
	CHECK_FAILS("out of range for --batch", "-b", "99999999999999999999999");
	CHECK_FAILS("out of range for --batch", "-b", "18446744073709551615");
	CHECK_FAILS("'63' is out of range for --snaplen: 64 to 262144", "--snaplen=63");
	CHECK_FAILS("out of range for --snaplen", "--snaplen", "262145");
	CHECK_FAILS("out of range for --rate", "-r", "0.0009");
	CHECK_FAILS("out of range for --rate", "-r", "1000001");
	CHECK_FAILS("out of range for --rate", "-r", "-1");
	CHECK_FAILS("out of range for --rate", "-r", "1e999");
	CHECK_FAILS("--rate", "-r", "nan");
	CHECK_FAILS("--rate", "-r", "inf");
	CHECK(rate == 10);

	CHECK_FAILS("'abc' is not a number for --batch", "-b", "abc");
	CHECK_FAILS("'-5' is not a number for --batch", "-b", "-5");
	CHECK_FAILS("'+5' is not a number for --batch", "-b", "+5");
	CHECK_FAILS("'5x' is not a number for --batch", "-b", "5x");
	CHECK_FAILS("' 5' is not a number for --batch", "-b", " 5");
	CHECK_FAILS("'' is not a number for --batch", "--batch=");
	CHECK_FAILS("'1e3' is not a number for --batch", "-b", "1e3");
	CHECK_FAILS("'2.5' is not a number for --batch", "-b", "2.5");
	CHECK_FAILS("'2.5x' is not a number for --rate", "-r", "2.5x");
	CHECK_FAILS("'' is not a number for --rate", "--rate=");
	CHECK_EQ_U64(batch, 64);
}

static void test_errors(void)
{
	CHECK_FAILS("unknown option '--nope'", "--nope");
	CHECK_FAILS("unknown option '--nope=1'", "--nope=1");
	CHECK_FAILS("unknown option '-Z'", "-Z");
	CHECK_FAILS("unknown option '-Z'", "-b", "5", "-Z");
	CHECK_FAILS("see tscap capture --help", "-Z");
	CHECK_FAILS("missing argument for '-b'", "-b");
	CHECK_FAILS("missing argument for '--batch'", "--batch");
	CHECK_FAILS("missing argument for '--clock'", "--clock");
	CHECK_FAILS("missing argument for '-w'", "-v", "-w");
	CHECK_EQ_U64(PARSE("--verbose=1"), (uint64_t)-1); /* a flag takes no value */

	/* Choices. */
	CHECK_EQ_U64(PARSE("--clock=hw"), 2);
	CHECK_EQ_U64(clock_i, 0);
	CHECK_EQ_U64(PARSE("--clock", "user"), 3);
	CHECK_EQ_U64(clock_i, 2);
	CHECK_FAILS("'bogus' is not a choice for --clock: hw|sw|user", "--clock=bogus");
	CHECK_EQ_U64(clock_i, -1);
	CHECK_FAILS("'' is not a choice for --clock", "--clock=");
	CHECK_FAILS("'HW' is not a choice for --clock", "--clock", "HW");
	CHECK_FAILS("'s' is not a choice for --clock", "--clock", "s");

	/* Errors are one line. */
	PARSE("-b", "0");
	char *nl = strchr(errbuf, '\n');
	CHECK(nl && nl[1] == '\0');

	/* Help. */
	CHECK_EQ_U64(PARSE("--help"), (uint64_t)-2);
	CHECK_EQ_U64(PARSE("-h"), (uint64_t)-2);
	CHECK_EQ_U64(PARSE("-b", "5", "--help", "-Z"), (uint64_t)-2);
	CHECK_EQ_U64(PARSE("pos", "-h"), (uint64_t)-2);
}

static void test_usage(void)
{
	char buf[4096];
	FILE *f = tmpfile();

	if (!CHECK(f)) {
		return;
	}
	opts_usage(f, "capture", "[options] ENDPOINT...", tab);
	rewind(f);
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	CHECK(strstr(buf, "usage: tscap capture [options] ENDPOINT...") != NULL);
	CHECK(strstr(buf, "-b, --batch N") != NULL);
	CHECK(strstr(buf, "packets per batch") != NULL);
	CHECK(strstr(buf, "--snaplen BYTES") != NULL);
	CHECK(strstr(buf, "-v, --verbose ") != NULL);
	CHECK(strstr(buf, "-h, --help") != NULL);
}

/* --- Run in a child: these leave getopt's state behind ------------------ */

/* An unknown option inside a group ("-Zv") must be named in the message.
 * FAILS at the time of writing: the message names argv[optind - 1], which
 * is still the previous argument ('capture') inside a group. */
static int child_group_message(void)
{
	CHECK_FAILS("unknown option '-Z'", "-Zv");
	return check_failed ? 1 : 0;
}

/* A second opts_parse after one that stopped inside a group of short
 * options must start afresh. FAILS (crashes) at the time of writing:
 * options.c resets optind to 1, which does not reset glibc's pointer into
 * the old group; optind = 0 does. */
static int child_reparse_after_group_error(void)
{
	capture = 0;
	CHECK_EQ_U64(PARSE("-Zv"), (uint64_t)-1);
	CHECK_EQ_U64(parse_list((const char *const[]){"capture", NULL}), 1);
	CHECK_EQ_U64(verbose, 0);
	CHECK_EQ_U64(PARSE("-hv"), (uint64_t)-2);
	CHECK_EQ_U64(PARSE("-b", "5"), 3);
	CHECK_EQ_U64(batch, 5);
	CHECK_EQ_U64(verbose, 0);
	return check_failed ? 1 : 0;
}

static void in_child(int (*fn)(void), const char *name)
{
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid == 0) {
		_exit(fn());
	}
	int status = 0;
	if (!CHECK(pid > 0 && waitpid(pid, &status, 0) == pid)) {
		return;
	}
	if (!CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
		if (WIFSIGNALED(status)) {
			fprintf(stderr, "    %s: killed by signal %d\n", name, WTERMSIG(status));
		} else {
			fprintf(
			    stderr,
			    "    %s: exit status %d (failed checks or a sanitizer report above)\n",
			    name, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		}
	}
}

int main(void)
{
	test_valid();
	test_ranges();
	test_errors();
	test_usage();
	in_child(child_group_message, "unknown option in a group");
	in_child(child_reparse_after_group_error, "parse again after a group error");
	return check_done();
}
