/* A tiny assertion helper for the unit tests: every check is counted, a
 * failing one prints file:line and the values, check_done() prints
 * "N passed, M failed" and gives the exit status (1 on any failure).
 * Exit 77 means skipped (SKIP_RETURN_CODE in CMake). */
#ifndef TSCAP_TEST_CHECK_H
#define TSCAP_TEST_CHECK_H

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static unsigned check_passed, check_failed;

static inline int check_(int ok, const char *what, const char *file, int line)
{
	if (ok) {
		check_passed++;
	} else {
		check_failed++;
		fprintf(stderr, "%s:%d: CHECK(%s) failed\n", file, line, what);
	}
	return ok;
}

static inline int check_u64_(uint64_t a, uint64_t b, const char *sa, const char *sb,
                             const char *file, int line)
{
	int ok = a == b;

	if (!check_(ok, "==", file, line)) {
		fprintf(stderr, "    %s = %" PRIu64 " (0x%" PRIx64 ", as signed %" PRId64 ")\n", sa,
		        a, a, (int64_t)a);
		fprintf(stderr, "    %s = %" PRIu64 " (0x%" PRIx64 ", as signed %" PRId64 ")\n", sb,
		        b, b, (int64_t)b);
	}
	return ok;
}

static inline int check_mem_(const void *a, const void *b, size_t n, const char *sa, const char *sb,
                             const char *file, int line)
{
	const uint8_t *x = a, *y = b;
	size_t i = 0;

	while (i < n && x[i] == y[i]) {
		i++;
	}
	if (!check_(i == n, "memory equal", file, line)) {
		size_t from = i > 8 ? i - 8 : 0, to = i + 8 < n ? i + 8 : n;
		fprintf(stderr, "    %s and %s (%zu bytes) differ first at byte %zu:\n", sa, sb, n,
		        i);
		for (const uint8_t *p = x; p; p = p == x ? y : NULL) {
			fprintf(stderr, "    %s [%zu..%zu):", p == x ? "got " : "want", from, to);
			for (size_t k = from; k < to; k++) {
				fprintf(stderr, k == i ? " [%02x]" : " %02x", p[k]);
			}
			fprintf(stderr, "\n");
		}
		return 0;
	}
	return 1;
}

static inline int check_str_(const char *a, const char *b, const char *sa, const char *sb,
                             const char *file, int line)
{
	int ok = a && b && strcmp(a, b) == 0;

	if (!check_(ok, "strings equal", file, line)) {
		fprintf(stderr, "    %s = \"%s\"\n    %s = \"%s\"\n", sa, a ? a : "(null)", sb,
		        b ? b : "(null)");
	}
	return ok;
}

static inline int check_done(void)
{
	printf("%u passed, %u failed\n", check_passed, check_failed);
	return check_failed ? 1 : 0;
}

/* Each evaluates to 1 when the check passed, so a test can stop early. */
#define CHECK(cond)        check_(!!(cond), #cond, __FILE__, __LINE__)
#define CHECK_EQ_U64(a, b) check_u64_((uint64_t)(a), (uint64_t)(b), #a, #b, __FILE__, __LINE__)
#define CHECK_MEM(a, b, n) check_mem_((a), (b), (n), #a, #b, __FILE__, __LINE__)
#define CHECK_STR(a, b)    check_str_((a), (b), #a, #b, __FILE__, __LINE__)

/* The hand-written byte vectors are little-endian. */
static inline int check_host_is_little_endian(void)
{
	const uint16_t one = 1;
	uint8_t b;

	memcpy(&b, &one, 1);
	return b == 1;
}

#define SKIP_UNLESS_LITTLE_ENDIAN()                                                                \
	do {                                                                                       \
		if (!check_host_is_little_endian()) {                                              \
			fprintf(stderr,                                                            \
			        "skipped: the byte vectors assume a little-endian host\n");        \
			return 77;                                                                 \
		}                                                                                  \
	} while (0)

#endif
