/* src/rotate.h: -C sizes (tcpdump's units and suffixes, bad values),
 * dumpcap's file names, the -W ring deleting exactly the oldest files,
 * and the -G / -C triggers. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "rotate.h"

static void check_size(const char *s, uint64_t want)
{
	uint64_t b = 0;

	if (CHECK(rotate_parse_size(s, &b) == 0)) {
		CHECK_EQ_U64(b, want);
	}
}

static void sizes(void)
{
	uint64_t b;

	check_size("20", 20000000);
	check_size("1", 1000000);
	check_size("100k", 102400);
	check_size("3K", 3072);
	check_size("10M", 10485760);
	check_size("2g", 2147483648ull);
	check_size("1048576G", 1ull << 50);
	b = 7;
	const char *bad[] = {"",
	                     "0",
	                     "0k",
	                     "-1",
	                     "+1",
	                     " 1",
	                     "1 ",
	                     "1x",
	                     "1kk",
	                     "k",
	                     "1.5",
	                     "1048577G",
	                     "1073741825M",
	                     "18446744073709551616",
	                     "99999999999999999999k"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (!CHECK(rotate_parse_size(bad[i], &b) < 0)) {
			fprintf(stderr, "    accepted '%s'\n", bad[i]);
		}
	}
	CHECK_EQ_U64(b, 7); /* untouched on error */
}

static void names(void)
{
	char out[256];
	time_t t = 1735830245; /* 2025-01-02 15:04:05 UTC */

	setenv("TZ", "UTC", 1);
	tzset();
	rotate_name("x.pcapng", 1, t, out, sizeof(out));
	CHECK_STR(out, "x_00001_20250102150405.pcapng");
	rotate_name("/tmp/a.b/cap.v2.pcapng", 42, t, out, sizeof(out));
	CHECK_STR(out, "/tmp/a.b/cap.v2_00042_20250102150405.pcapng");
	rotate_name("/tmp/a.b/cap", 7, t, out, sizeof(out));
	CHECK_STR(out, "/tmp/a.b/cap_00007_20250102150405");
	rotate_name("dir/.hidden", 3, t, out, sizeof(out));
	CHECK_STR(out, "dir/.hidden_00003_20250102150405");
	rotate_name("c.0.pcapng", 123456, t, out, sizeof(out));
	CHECK_STR(out, "c.0_123456_20250102150405.pcapng");
	setenv("TZ", "UTC-2", 1); /* local time, like dumpcap */
	tzset();
	rotate_name("x.pcapng", 1, t, out, sizeof(out));
	CHECK_STR(out, "x_00001_20250102170405.pcapng");
}

static int exists(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0;
}

static void ring(void)
{
	char dir[] = "/tmp/tscap-rotate-XXXXXX", base[300], path[ROTATE_PATH_MAX];
	char made[6][ROTATE_PATH_MAX];
	struct tsc_rotate r;

	if (!CHECK(mkdtemp(dir) != NULL)) {
		return;
	}
	snprintf(base, sizeof(base), "%s/r.pcapng", dir);
	CHECK(rotate_init(&r, base, 1000, 0, 2) == 0);
	CHECK(rotate_on(&r));
	for (int i = 0; i < 6; i++) {
		rotate_next(&r, (int64_t)i * 1000000000, path, sizeof(path));
		FILE *f = fopen(path, "w");
		CHECK(f != NULL);
		if (f) {
			fclose(f);
		}
		rotate_opened(&r, path, i);
		snprintf(made[i], sizeof(made[i]), "%s", path);
		/* the newest two exist, everything older is gone */
		for (int k = 0; k <= i; k++) {
			if (!CHECK(exists(made[k]) == (k >= i - 1))) {
				fprintf(stderr, "    after file %d: %s\n", i + 1, made[k]);
			}
		}
	}
	CHECK_EQ_U64(r.seq, 6);
	CHECK_EQ_U64(r.deleted, 4);
	CHECK_STR(r.first, made[4]);
	CHECK(strstr(made[5], "/r_00006_") != NULL);
	unlink(made[4]);
	unlink(made[5]);
	rotate_free(&r);
	rmdir(dir);

	/* without -W nothing is deleted; first stays the first */
	CHECK(rotate_init(&r, "/nonexistent/x.pcapng", 0, 0, 0) == 0);
	CHECK(!rotate_on(&r));
	rotate_opened(&r, "/nonexistent/x_00001_1.pcapng", 0);
	rotate_opened(&r, "/nonexistent/x_00002_1.pcapng", 0);
	CHECK_STR(r.first, "/nonexistent/x_00001_1.pcapng");
	CHECK_EQ_U64(r.deleted, 0);
	rotate_free(&r);
}

static void triggers(void)
{
	struct tsc_rotate r;

	CHECK(rotate_init(&r, "x", 0, 300000000, 0) == 0);
	rotate_opened(&r, "x_1", 1000000000);
	CHECK(!rotate_time_due(&r, 1299999999));
	CHECK(rotate_time_due(&r, 1300000000));
	CHECK_EQ_U64(rotate_ms_left(&r, 1000000000), 300);
	CHECK_EQ_U64(rotate_ms_left(&r, 1299000001), 1); /* rounded up */
	CHECK_EQ_U64(rotate_ms_left(&r, 1400000000), 0);
	CHECK(!rotate_size_due(&r, 1ull << 40, 1, 0, 5)); /* no -C */
	rotate_free(&r);

	CHECK(rotate_init(&r, "x", 1000, 0, 0) == 0);
	CHECK(rotate_ms_left(&r, 5) == -1);
	CHECK(!rotate_time_due(&r, 1ll << 62));
	CHECK(!rotate_size_due(&r, 900, 50, 50, 1));   /* exactly 1000: fits */
	CHECK(rotate_size_due(&r, 900, 51, 50, 1));    /* one more byte: next file */
	CHECK(!rotate_size_due(&r, 100, 5000, 50, 0)); /* an empty file takes any packet */
	rotate_free(&r);
}

int main(void)
{
	sizes();
	names();
	ring();
	triggers();
	return check_done();
}
