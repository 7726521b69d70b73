/* The payload `tscap send` puts in every datagram, so a receiver can tell
 * loss, reordering, duplicates and one-way delay:
 *   0  "TSCP" magic
 *   4  u32 session: random per sender run (tells runs apart)
 *   8  u64 sequence number, from 0
 *   16 i64 sender's CLOCK_REALTIME ns just before the send call
 *   24 pattern bytes: offset & 0xff, up to the datagram size
 * All little-endian. Datagrams shorter than 24 bytes carry the pattern
 * only. */
#ifndef TSCAP_PROBE_H
#define TSCAP_PROBE_H

#include <stddef.h>
#include <stdint.h>

#define TSC_PROBE_HDR 24

struct tsc_probe {
	uint32_t session;
	uint64_t seq;
	int64_t send_ns;
};

/* Fill a datagram of size bytes: header (if it fits) and pattern. Only
 * the header changes from packet to packet: tsc_probe_fill_header. */
void tsc_probe_fill(uint8_t *buf, size_t size, uint32_t session, uint64_t seq);
/* Session, seq and send time of a filled datagram, just before sending. */
void tsc_probe_fill_header(uint8_t *buf, size_t size, uint32_t session, uint64_t seq,
                           int64_t send_ns);
/* 1 and *out filled if buf starts with a probe header, else 0. */
int tsc_probe_parse(const uint8_t *buf, size_t len, struct tsc_probe *out);

/* Loss, reordering and duplicates of one stream of sequence numbers.
 * The bitmap grows with the stream, never past 64 bits per number
 * received (and 2^32 bits), so a file with a few numbers far apart cannot
 * make it large; a number beyond its reach still counts as received and
 * not lost, but a duplicate of it is not noticed. */
struct tsc_seq_stats {
	uint64_t received, reordered, duplicates;
	uint64_t first, highest; /* first and highest sequence number seen */
	uint64_t unique;         /* distinct numbers in [first, highest] in the bitmap */
	uint64_t untracked;      /* numbers in [first, highest] beyond the bitmap */
	uint8_t *seen;           /* bitmap of seq - first, grown on demand */
	size_t seen_bits;
	int started;
};

void tsc_seq_add(struct tsc_seq_stats *s, uint64_t seq);
/* Sequence numbers in [first, highest] never seen (constant time). */
uint64_t tsc_seq_lost(const struct tsc_seq_stats *s);
void tsc_seq_free(struct tsc_seq_stats *s);

#endif
