/* Output rotation for `tscap capture -w FILE`, like dumpcap's ring buffer:
 * a new file when the current one would pass -C bytes or has been open -G
 * seconds; with -W only the newest COUNT files are kept. Files are named
 * like dumpcap's: x.pcapng -> x_00001_20250102150405.pcapng (the file's
 * number, then the local time it was opened). This module only names,
 * counts and deletes files; the capture closes and opens them. */
#ifndef TSCAP_ROTATE_H
#define TSCAP_ROTATE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define ROTATE_PATH_MAX 4096

struct tsc_rotate {
	uint64_t max_bytes; /* -C: 0 = no size limit */
	int64_t max_ns;     /* -G: 0 = no time limit */
	unsigned keep;      /* -W: 0 = keep every file */
	char base[ROTATE_PATH_MAX];
	unsigned seq;        /* number of the current file, from 1 */
	int64_t opened_mono; /* CLOCK_MONOTONIC ns when it was opened */
	char **ring;         /* the files kept, keep entries, oldest at head */
	unsigned head, n_ring;
	char first[ROTATE_PATH_MAX]; /* the oldest file still kept, for the summary */
	uint64_t deleted;            /* files removed by -W */
};

/* -C's value: a number of 1,000,000-byte units like tcpdump's -C, or
 * with a suffix k/K, m/M, g/G units of 1024, 1048576, 1073741824 bytes.
 * 0 and *bytes set, or -1 (nothing printed). */
int rotate_parse_size(const char *s, uint64_t *bytes);

/* dumpcap's name for file seq of base, opened at local time t:
 * "dir/x.pcapng" -> "dir/x_00001_YYYYmmddHHMMSS.pcapng"; a name without
 * an extension gets the suffix at its end. */
void rotate_name(const char *base, unsigned seq, time_t t, char *out, size_t len);

/* Rotation for base with the given limits (all 0: off). 0, or -ENOMEM. */
int rotate_init(struct tsc_rotate *r, const char *base, uint64_t max_bytes, int64_t max_ns,
                unsigned keep);
static inline int rotate_on(const struct tsc_rotate *r)
{
	return r->max_bytes || r->max_ns;
}

/* The name of the next file, opened at realtime_ns. */
void rotate_next(struct tsc_rotate *r, int64_t realtime_ns, char *path, size_t len);

/* The file from rotate_next is open: remember it and, with -W, delete
 * the oldest file beyond COUNT (after the new one exists, so a failed
 * open loses nothing). */
void rotate_opened(struct tsc_rotate *r, const char *path, int64_t now_mono);

/* 1 when the current file has been open for -G seconds. */
int rotate_time_due(const struct tsc_rotate *r, int64_t now_mono);
/* Milliseconds until then (rounded up), or -1 without -G. */
int64_t rotate_ms_left(const struct tsc_rotate *r, int64_t now_mono);

/* 1 when a block of `more` bytes after `bytes` already in the file (plus
 * `tail` bytes still to come at its end) would pass -C, and the file
 * holds at least one packet (a packet bigger than -C gets a file alone). */
static inline int rotate_size_due(const struct tsc_rotate *r, uint64_t bytes, uint64_t more,
                                  uint64_t tail, uint64_t pkts_in_file)
{
	return r->max_bytes && pkts_in_file && bytes + more + tail > r->max_bytes;
}

void rotate_free(struct tsc_rotate *r);

#endif
