/* Per-endpoint counters, the progress line and the closing summary. */
#ifndef TSCAP_STATS_H
#define TSCAP_STATS_H

#include <stdint.h>
#include <stdio.h>

#include "pkt.h"

struct tsc_ep_stats {
	uint64_t received; /* pulled from the socket */
	uint64_t written;  /* in the file */
	uint64_t drops;    /* kernel drops: counter deltas seen with packets */
	uint32_t last_counter;
	uint64_t stamps[TSC_CLOCK_COUNT];
};

/* Account one received packet; returns the kernel drops that happened
 * since the previous packet of its endpoint (for epb_dropcount). */
static inline uint64_t stats_on_pkt(struct tsc_ep_stats *s, const struct tsc_pkt *p)
{
	uint64_t d = 0;

	s->received++;
	if (p->drops > s->last_counter) {
		d = p->drops - s->last_counter;
		s->last_counter = p->drops;
		s->drops += d;
	}
	for (unsigned set = p->stamp_set; set; set &= set - 1) {
		s->stamps[__builtin_ctz(set)]++;
	}
	return d;
}

struct tsc_progress {
	int enabled;
	int printed; /* a line is on screen: end it before the summary */
	int64_t last_ns;
	uint64_t last_pkts;
};

/* Refresh the one-line progress on stderr about once a second. */
void progress_tick(struct tsc_progress *pr, int64_t now_mono, uint64_t pkts, uint64_t drops);
void progress_end(struct tsc_progress *pr);

/* "sw-rx 100000, user 100000" for the stamps seen. */
void stats_stamp_list(const uint64_t *stamps, char *out, size_t outlen);

#endif
