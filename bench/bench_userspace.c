/* The user-space work per packet alone, no syscalls: decode the control
 * messages of a received datagram, synthesize its headers and encode its
 * EPB into the output buffer. Beside it, in the same run, a baseline that
 * only copies the payload into the buffer (the copy no writer can avoid).
 * Prints ns/packet (median of 7 runs, with min and max) and packets/s. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "decode.h"
#include "pcapng.h"
#include "synth.h"

#define RUNS          7
#define ITERS_DEFAULT 2000000
#define OUT_CAP       (1u << 20)

static int iters = ITERS_DEFAULT;
static uint8_t ctl[128];
static size_t ctl_len;
static uint8_t payload[1500];
static uint8_t out[OUT_CAP + 70000];

static void put_cmsg(int level, int type, const void *data, size_t len)
{
	uint64_t clen = 16 + len;
	int32_t lv = level, ty = type;

	memcpy(ctl + ctl_len, &clen, 8);
	memcpy(ctl + ctl_len + 8, &lv, 4);
	memcpy(ctl + ctl_len + 12, &ty, 4);
	memcpy(ctl + ctl_len + 16, data, len);
	ctl_len += (16 + len + 7) & ~(size_t)7;
}

/* What Linux hands over for a UDP datagram on a stamping socket. */
static void build_ctl(void)
{
	int64_t ts[6] = {1795436732, 291331584, 0, 0, 0, 0};
	uint8_t pktinfo[12] = {1, 0, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1};
	uint32_t drops = 3;

	put_cmsg(LNX_SOL_SOCKET, LNX_SO_TIMESTAMPING_OLD, ts, sizeof(ts));
	put_cmsg(LNX_SOL_IP, LNX_IP_PKTINFO, pktinfo, sizeof(pktinfo));
	put_cmsg(LNX_SOL_SOCKET, LNX_SO_RXQ_OVFL, &drops, sizeof(drops));
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static const struct linux_decode_ctx dctx = {.abi = &linux_abi_64};

/* A packet record reused from one datagram to the next, as an rx path's
 * batch is: the per-packet work sets the fields linux_rx_fill sets. */
static struct tsc_pkt pkt;

static size_t work_full(size_t off, uint32_t size)
{
	struct tsc_pkt *p = &pkt;

	p->data = payload;
	p->caplen = p->len = size;
	p->flags = 0;
	p->stamp_set = 0;
	p->ifindex = 0;
	p->drops = 0;
	p->endpoint = 0;
	p->src = (struct tsc_addr){.family = TSC_AF_INET, .port = 40000, .addr = {127, 0, 0, 1}};
	p->dst = (struct tsc_addr){.family = TSC_AF_INET, .port = 9000, .addr = {127, 0, 0, 1}};
	linux_cmsg_decode(&dctx, ctl, ctl_len, 0, p);
	tsc_pkt_stamp(p, TSC_USER, 1795436732291400000, TSC_BASE_REALTIME);
	/* As src/sink_pcapng.c does it. */
	size_t hdr = synth_hdr_len(p);
	uint8_t *frame = out + off + PCAPNG_EPB_DATA_OFF;
	size_t copy = pcapng_epb_cap(p, hdr, 262144) - hdr;
	uint64_t sum = synth_copy_sum(frame + hdr, p->data, copy, p->len);
	synth_udp_headers_sum(frame, p, sum);
	return pcapng_epb_framed(out + off, 0, p, hdr, 262144, 0);
}

static size_t work_copy(size_t off, uint32_t size)
{
	memcpy(out + off, payload, size);
	return (size + 3) & ~(size_t)3;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void measure(const char *name, size_t (*fn)(size_t, uint32_t), uint32_t size)
{
	double ns[RUNS];

	for (int r = 0; r < RUNS; r++) {
		size_t off = 0;
		double t0 = now_s();
		for (int i = 0; i < iters; i++) {
			off += fn(off, size);
			if (off > OUT_CAP) {
				off = 0;
			}
		}
		ns[r] = (now_s() - t0) * 1e9 / iters;
		__asm__ volatile("" : : "r"(out) : "memory");
	}
	qsort(ns, RUNS, sizeof(ns[0]), cmp);
	printf("%-34s %5u B  %7.1f ns/pkt (min %.1f, max %.1f)  %6.2f Mpps\n", name, size,
	       ns[RUNS / 2], ns[0], ns[RUNS - 1], 1e3 / ns[RUNS / 2]);
}

int main(int argc, char **argv)
{
	unsigned only = argc > 1 ? (unsigned)atoi(argv[1]) : 0; /* one size, for profiling */
	if (argc > 2) {
		iters = atoi(argv[2]);
	}
	build_ctl();
	for (size_t i = 0; i < sizeof(payload); i++) {
		payload[i] = (uint8_t)i;
	}
	static const uint32_t sizes[] = {64, 1400};
	for (unsigned s = 0; s < 2; s++) {
		if (only && sizes[s] != only) {
			continue;
		}
		measure("baseline: copy payload only", work_copy, sizes[s]);
		measure("decode + synth + EPB encode", work_full, sizes[s]);
	}
	return 0;
}
