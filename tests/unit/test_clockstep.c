/* src/clockstep.h with injected clocks: no report while CLOCK_REALTIME
 * and CLOCK_MONOTONIC advance together (however long between samples),
 * steps forward and back beyond the threshold reported once with their
 * size, sampling blur widening the threshold, wrapping values harmless;
 * and src/pcapng.h's comment added to an encoded block, byte for byte,
 * read back by src/pcapng_read.h. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "clockstep.h"
#include "pcapng.h"
#include "pcapng_read.h"

#define S 1000000000LL

static void detection(void)
{
	struct tsc_clockstep c;
	char txt[32];
	int64_t real0 = 1700000000LL * S, mono = 5000 * S;

	clockstep_init(&c, CLOCKSTEP_THRESHOLD_NS);
	CHECK_EQ_U64(clockstep_feed(&c, mono, real0 + 500, mono + 1000), 0); /* first: reference */
	/* together for an hour, samples 100 ms to 10 min apart: nothing */
	int64_t t = 0;
	for (int i = 0; i < 200; i++) {
		t += i % 2 ? 100000000 : 18 * S;
		CHECK_EQ_U64(clockstep_feed(&c, mono + t, real0 + t + 500, mono + t + 1000), 0);
	}
	/* forward 5 s between two samples */
	t += 100000000;
	int64_t st = clockstep_feed(&c, mono + t, real0 + 5 * S + t + 500, mono + t + 1000);
	CHECK_EQ_U64(st, 5 * S);
	CHECK_EQ_U64(c.steps, 1);
	/* the new offset is the reference now: no second report */
	t += 100000000;
	CHECK_EQ_U64(clockstep_feed(&c, mono + t, real0 + 5 * S + t + 500, mono + t + 1000), 0);
	/* back 2.5 ms: beyond 1 ms + blur */
	t += 100000000;
	st = clockstep_feed(&c, mono + t, real0 + 5 * S - 2500000 + t + 500, mono + t + 1000);
	CHECK_EQ_U64(st, -2500000);
	CHECK_EQ_U64(c.steps, 2);
	CHECK_EQ_U64(c.largest, 5 * S);
	CHECK_EQ_U64(c.last, -2500000);
	/* 0.9 ms: under the threshold */
	t += 100000000;
	CHECK_EQ_U64(
	    clockstep_feed(&c, mono + t, real0 + 5 * S - 1600000 + t + 500, mono + t + 1000), 0);
	/* 1.5 ms, but read during a 2 ms preemption: blurred, not reported */
	t += 100000000;
	CHECK_EQ_U64(
	    clockstep_feed(&c, mono + t, real0 + 5 * S - 100000 + t + 1000000, mono + t + 2000000),
	    0);
	CHECK_EQ_U64(c.steps, 2);

	clockstep_format(5 * S, txt, sizeof(txt));
	CHECK_STR(txt, "+5.000000000");
	clockstep_format(-2500000, txt, sizeof(txt));
	CHECK_STR(txt, "-0.002500000");
	clockstep_format(INT64_MIN, txt, sizeof(txt));
	CHECK_STR(txt, "-9223372036.854775808");

	/* hostile values wrap without undefined behaviour */
	clockstep_init(&c, CLOCKSTEP_THRESHOLD_NS);
	clockstep_feed(&c, INT64_MAX, INT64_MIN, INT64_MIN);
	clockstep_feed(&c, INT64_MIN, INT64_MAX, INT64_MAX);
	CHECK(c.have);

	/* the real clocks, sampled back to back, do not step */
	clockstep_init(&c, CLOCKSTEP_THRESHOLD_NS);
	for (int i = 0; i < 1000; i++) {
		CHECK_EQ_U64(clockstep_sample(&c), 0);
	}
}

/* clang-format off */
static const uint8_t isb_in[28] = {
	0x05, 0x00, 0x00, 0x00, 0x1c, 0x00, 0x00, 0x00, /* ISB, 28 bytes */
	0x00, 0x00, 0x00, 0x00,                         /* interface 0 */
	0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, /* timestamp */
	0x00, 0x00, 0x00, 0x00,                         /* opt_endofopt */
	0x1c, 0x00, 0x00, 0x00,
};
static const uint8_t isb_noted[40] = {
	0x05, 0x00, 0x00, 0x00, 0x28, 0x00, 0x00, 0x00, /* ISB, 40 bytes */
	0x00, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x05, 0x00, 's', 't', 'e', 'p', '!', 0x00, 0x00, 0x00, /* opt_comment, padded */
	0x00, 0x00, 0x00, 0x00,
	0x28, 0x00, 0x00, 0x00,
};
/* clang-format on */

static void comment(void)
{
	uint8_t b[128];

	memset(b, 0xcc, sizeof(b));
	memcpy(b, isb_in, sizeof(isb_in));
	CHECK_EQ_U64(pcapng_comment_size("step!"), 12);
	CHECK_EQ_U64(pcapng_add_comment(b, "step!"), sizeof(isb_noted));
	CHECK_MEM(b, isb_noted, sizeof(isb_noted));
	CHECK(b[sizeof(isb_noted)] == 0xcc);

	/* a block without an opt_endofopt at its end is left alone */
	uint8_t odd[28];
	memcpy(odd, isb_in, sizeof(odd));
	odd[20] = 7;
	CHECK_EQ_U64(pcapng_add_comment(odd, "x"), 28);
	CHECK(odd[20] == 7);

	/* an EPB with tscap's options: the reader sees the comment and the stamps */
	struct tsc_pkt p = {0};
	uint8_t data[4] = {1, 2, 3, 4}, blk[512], file[1024];
	p.data = data;
	p.caplen = p.len = 4;
	tsc_pkt_stamp(&p, TSC_SW_RX, 1700000000123456789LL, TSC_BASE_REALTIME);
	tsc_pkt_stamp(&p, TSC_USER, 1700000000123460000LL, TSC_BASE_REALTIME);
	memcpy(blk + PCAPNG_EPB_DATA_OFF, data, 4);
	size_t n = pcapng_epb_framed(blk, 0, &p, 0, 65535, 3);
	size_t m = pcapng_add_comment(blk, "wall clock stepped");
	CHECK_EQ_U64(m, n + pcapng_comment_size("wall clock stepped"));

	struct pcapng_shb_info shb = {0};
	size_t off = pcapng_shb(file, &shb);
	off += pcapng_idb(file + off, PCAPNG_LINKTYPE_ETHERNET, 65535, "lo", NULL);
	memcpy(file + off, blk, m);
	off += m;
	FILE *f = fmemopen(file, off, "rb");
	struct rd_file r;
	struct rd_event ev;
	if (!CHECK(f && rd_open_stream(&r, f) == 0)) {
		return;
	}
	CHECK(rd_next(&r, &ev) == 1);
	CHECK(ev.comment && ev.comment_len == 18 && !memcmp(ev.comment, "wall clock stepped", 18));
	CHECK(ev.has_tscap && ev.has_dropcount && ev.dropcount == 3);
	CHECK(tsc_pkt_has(&ev.stamps, TSC_USER));
	CHECK(rd_next(&r, &ev) == 0 && !r.truncated);
	rd_close(&r);
	fclose(f);
}

int main(void)
{
	SKIP_UNLESS_LITTLE_ENDIAN();
	detection();
	comment();
	return check_done();
}
