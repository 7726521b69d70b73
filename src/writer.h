/* Batched output of whole pcapng blocks: blocks are encoded into one
 * buffer and written with one write per flush, so after every flush the
 * file ends on a block boundary and is a valid pcapng. */
#ifndef TSCAP_WRITER_H
#define TSCAP_WRITER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct tsc_writer {
	int fd;
	int is_pipe;      /* stdout or a FIFO: flush after every batch */
	int is_regular;   /* a regular file: a failed write is cut back */
	const char *path; /* for messages; "-" is stdout */
	uint8_t *buf;
	size_t len, cap;
	off_t committed;    /* bytes known to be in the file */
	int64_t last_flush; /* CLOCK_MONOTONIC ns */
	int err;            /* first write error (-errno), sticky */
	uint64_t pending;   /* records (packets) in buf */
	uint64_t flushed;   /* records known to be in the file */
};

/* "-" is stdout. A file is created with mode 0644 less the umask and
 * never through a symbolic link; excl: never over an existing file
 * (O_EXCL), else an existing one is truncated. 0, or -errno after a
 * one-line error. */
int writer_open(struct tsc_writer *w, const char *path, size_t cap, int excl);

/* Room for n more bytes, flushing first if needed; NULL after an error. */
uint8_t *writer_reserve(struct tsc_writer *w, size_t n);
/* n bytes holding `records` packets (0 for other blocks) are complete. */
static inline void writer_commit(struct tsc_writer *w, size_t n, unsigned records)
{
	w->len += n;
	w->pending += records;
}

/* Write out what is buffered. On failure the file is cut back to the last
 * whole flush and the error kept in w->err (and returned as -errno). */
int writer_flush(struct tsc_writer *w);

/* Flush if the last flush is older than max_age_ns. */
int writer_tick(struct tsc_writer *w, int64_t max_age_ns);

/* Flush and close (stdout is flushed, not closed). Returns w->err. */
int writer_close(struct tsc_writer *w);

#endif
