/* Shared by the libFuzzer targets: an assertion that makes libFuzzer keep
 * the input as a crash, and capture of what a function prints on stdio.
 *
 * A target checks more than "does not crash": every FUZZ_ASSERT states a
 * property the code promises for any input (bounds, round trips, "one
 * clear line" on bad input), and a violated one is a finding like a
 * sanitizer report. */
#ifndef TSCAP_FUZZ_H
#define TSCAP_FUZZ_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Written with dprintf to fd 2, which stays libFuzzer's stderr even
 * while a target has swapped the stderr FILE. */
#define FUZZ_ASSERT(cond, ...)                                                                     \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			dprintf(2, "fuzz: %s:%d: property violated: %s: ", __FILE__, __LINE__,     \
			        #cond);                                                            \
			dprintf(2, __VA_ARGS__);                                                   \
			dprintf(2, "\n");                                                          \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* What a function wrote to a stdio stream while it was swapped for a
 * memory stream. */
struct fuzz_capture {
	FILE **slot; /* &stdout or &stderr */
	FILE *saved;
	char *buf;
	size_t len;
};

static inline void fuzz_capture_begin(struct fuzz_capture *c, FILE **slot)
{
	c->slot = slot;
	c->saved = *slot;
	c->buf = NULL;
	c->len = 0;
	FILE *m = open_memstream(&c->buf, &c->len);
	FUZZ_ASSERT(m != NULL, "open_memstream failed");
	*slot = m;
}

/* Restores the stream; c->buf (NUL-terminated, c->len bytes) is the
 * caller's to free with fuzz_capture_free. */
static inline void fuzz_capture_end(struct fuzz_capture *c)
{
	fclose(*c->slot);
	*c->slot = c->saved;
}

static inline void fuzz_capture_free(struct fuzz_capture *c)
{
	free(c->buf);
	c->buf = NULL;
}

static inline size_t fuzz_count_char(const char *s, size_t len, char ch)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		n += s[i] == ch;
	}
	return n;
}

/* Reads every byte of [p, p + n) so ASan sees a range that is not all
 * valid memory; the result only keeps the compiler from dropping it. */
static inline unsigned fuzz_touch(const uint8_t *p, size_t n)
{
	volatile unsigned sum = 0;

	for (size_t i = 0; i < n; i++) {
		sum += p[i];
	}
	return sum;
}

#endif
