/* The figures `tscap ping` reports, from the four times of each probe:
 * t1 sender TX (the kernel's or NIC's real stamp), t2 reflector RX, t3
 * reflector TX, t4 sender RX. Round trip without the reflector's dwell,
 * one-way delays (meaningful only with synchronised clocks; negative
 * values are kept, not hidden), RFC 3550 interarrival jitter, loss,
 * duplicates, reordering, and where the time goes per stage. */
#ifndef TSCAP_LATENCY_H
#define TSCAP_LATENCY_H

#include <stddef.h>
#include <stdint.h>

#include "samples.h"

/* One probe. Times are ns since 1970; 0 = not known. */
struct probe_rec {
	int64_t t1_user;                      /* sender's clock just before the send */
	int64_t t1_sched;                     /* kernel: entering the qdisc */
	int64_t t1;                           /* real TX stamp: NIC, else kernel (SND) */
	int64_t t2, t3;                       /* from the reply; t3 is the reflector's estimate */
	int64_t t3_real;                      /* the reflector's real TX stamp (Follow-Up TLV) */
	int64_t t4;                           /* RX stamp of the reply: NIC, else kernel */
	int64_t t4_user;                      /* sender's clock after the receive */
	int64_t peer_rx_kernel, peer_rx_user; /* tscap reflectors only */
	uint8_t t1_hw, t4_hw;                 /* the stamps came from the NIC */
	uint8_t got;                          /* replies seen (more than 1: duplicates) */
	uint8_t ttl;                          /* reflector's copy of the request's TTL */
};

/* Per-probe derived values; valid says which. */
struct probe_figures {
	int64_t rtt, rtt_user, fwd, back;
	int valid;      /* 1 if answered */
	int kernel_rtt; /* rtt from kernel/NIC stamps at both ends (else user) */
};

void probe_figures_of(const struct probe_rec *r, struct probe_figures *f);

enum stage {
	STAGE_QDISC,     /* sender: sched -> snd */
	STAGE_FORWARD,   /* snd -> reflector rx (wire + stacks) */
	STAGE_PEER_USER, /* reflector: rx (kernel) -> its user space */
	STAGE_DWELL,     /* reflector rx -> tx */
	STAGE_BACKWARD,  /* reflector tx -> sender rx */
	STAGE_RX_USER,   /* sender: rx (kernel) -> user space */
	STAGE_COUNT
};

struct latency_summary {
	uint64_t sent, received, duplicates, reordered;
	struct tsc_samples rtt, rtt_user, fwd, back;
	struct tsc_samples stage[STAGE_COUNT];
	double jitter_fwd, jitter_back; /* RFC 3550, ns */
	uint64_t kernel_t1, hw_t1, kernel_t4, hw_t4, follow_ups;
};

/* Accumulates RFC 3550 interarrival jitter: J += (|D| - J) / 16, D the
 * change in one-way transit between consecutive packets. */
double jitter_step(double j, int64_t transit, int64_t prev_transit);

/* recs[0, n): every probe sent; order_seq[0, n_order): sequence numbers
 * in the order replies arrived (for jitter and reordering). */
void latency_summarise(const struct probe_rec *recs, size_t n, const uint32_t *order_seq,
                       size_t n_order, struct latency_summary *s);
void latency_free(struct latency_summary *s);

const char *stage_name(enum stage st);

#endif
