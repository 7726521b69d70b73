/* src/stamp.h: STAMP packets (RFC 8762 unauthenticated, RFC 8972 SSID and
 * TLVs) against vectors computed by hand from the RFC figures, timestamp
 * formats across the NTP era wrap of 2036, error estimates, and what the
 * reflector does with unknown, malformed and overrunning TLVs. */
#include "check.h"
#include "stamp.h"

#define S 1000000000LL

/* 2023-11-14 22:13:20.123456789 UTC */
#define T0 (1700000000LL * S + 123456789)

static void test_timestamps(void)
{
	uint8_t b[8];
	const uint8_t epoch_ntp[8] = {0x83, 0xaa, 0x7e, 0x80, 0, 0, 0, 0}; /* 2208988800 */
	const uint8_t half_ntp[8] = {0x83, 0xaa, 0x7e, 0x80, 0x80, 0, 0, 0};
	const uint8_t t0_ptp[8] = {0x65, 0x53, 0xf1, 0x00, 0x07, 0x5b, 0xcd, 0x15};

	stamp_ts_put(b, 0, 0);
	CHECK_MEM(b, epoch_ntp, 8);
	stamp_ts_put(b, S / 2, 0);
	CHECK_MEM(b, half_ntp, 8);
	stamp_ts_put(b, T0, 1);
	CHECK_MEM(b, t0_ptp, 8);
	CHECK_EQ_U64(stamp_ts_get(t0_ptp, 1, T0 + 1000 * S), T0);

	/* NTP keeps every ns: 2^-32 s is finer than 1 ns, both ways rounded. */
	for (int64_t ns = T0; ns < T0 + 2000; ns += 7) {
		stamp_ts_put(b, ns, 0);
		CHECK_EQ_U64(stamp_ts_get(b, 0, ns), ns);
	}
	/* Era 1 starts 2036-02-07 06:28:16 UTC = 2085978496 s since 1970: the
	 * seconds field wraps to 0 and is read back by the era nearest "now". */
	const int64_t wrap = 2085978496LL * S;
	stamp_ts_put(b, wrap + 5, 0);
	CHECK(b[0] == 0 && b[1] == 0 && b[2] == 0 && b[3] == 0);
	CHECK_EQ_U64(stamp_ts_get(b, 0, wrap - 100 * S), wrap + 5);
	stamp_ts_put(b, wrap - S, 0);
	CHECK(b[0] == 0xff && b[3] == 0xff);
	CHECK_EQ_U64(stamp_ts_get(b, 0, wrap + 100 * S), wrap - S);
	/* Before 1970 (a NTP era-0 date): floor division, not truncation. */
	stamp_ts_put(b, -S / 2, 0);
	CHECK_EQ_U64(stamp_ts_get(b, 0, 0), -S / 2);
}

/* The ends of int64 ns (years 1677 and 2262), both formats, read back
 * near themselves: sec * 1e9 of the first full second below INT64_MIN
 * overflowed (tests/fuzz/corpus/stamp/regress-ts-int64-min). */
static void test_timestamps_int64_ends(void)
{
	const int64_t ends[] = {
	    INT64_MIN, INT64_MIN + 1, -9223372036000000001LL, -9223372036000000000LL,
	    INT64_MAX, INT64_MAX - S};
	uint8_t b[8];

	for (unsigned i = 0; i < sizeof(ends) / sizeof(ends[0]); i++) {
		for (int ptp = 0; ptp <= 1; ptp++) {
			stamp_ts_put(b, ends[i], ptp);
			CHECK_EQ_U64(stamp_ts_get(b, ptp, ends[i]), ends[i]);
		}
	}
}

static void test_error_estimate(void)
{
	/* 1 us: the smallest scale with multiplier <= 255 is 5 (2^-27 s =
	 * 7.45 ns), multiplier ceil(1000 / 7.45) = 135. */
	CHECK_EQ_U64(stamp_ee_make(0, 1, 1000), 0x4587);
	CHECK(stamp_ee_ns(0x4587) >= 1000 && stamp_ee_ns(0x4587) < 1010);
	CHECK_EQ_U64(stamp_ee_make(1, 0, 1000) & 0xc000, 0x8000);
	/* never a zero multiplier (RFC 4656: such a packet is corrupt); 0 is
	 * taken as 1 ns: scale 0, ceil(1 / 0.233) = 5 */
	CHECK_EQ_U64(stamp_ee_make(0, 0, 0), 0x0005);
	CHECK(stamp_ee_ns(stamp_ee_make(0, 0, 5 * S)) >= 5.0 * S);
}

/* The sender packet of RFC 8762 §4.2.1 + RFC 8972 §3, byte by byte. */
static void test_sender_layout(void)
{
	uint8_t p[88];
	struct stamp_test t = {.seq = 0x01020304, .ts = T0, .ee = 0x0587, .ssid = 0xbeef, .ptp = 1};

	CHECK_EQ_U64(stamp_sender_build(p, sizeof(p), &t, 1, 0), sizeof(p));
	const uint8_t head[16] = {1,    2,    3,    4,    0x65, 0x53, 0xf1, 0x00,
	                          0x07, 0x5b, 0xcd, 0x15, 0x45, 0x87, 0xbe, 0xef};
	CHECK_MEM(p, head, 16);
	for (int i = 16; i < 44; i++) {
		CHECK_EQ_U64(p[i], 0); /* MBZ */
	}
	/* Follow-Up Telemetry TLV: flags 0, type 7, length 16, zero values */
	const uint8_t fu[4] = {0, 7, 0, 16};
	CHECK_MEM(p + 44, fu, 4);
	/* Extra Padding TLV to the size asked: 88 - 64 - 4 = 20 */
	const uint8_t pad[4] = {0, 1, 0, 20};
	CHECK_MEM(p + 64, pad, 4);
	CHECK_EQ_U64(stamp_sender_build(p, 43, &t, 0, 0), 0);
	CHECK_EQ_U64(stamp_sender_build(p, 46, &t, 0, 0), 0); /* 2 bytes: no room for a TLV */
	CHECK_EQ_U64(stamp_sender_build(p, 44, &t, 0, 0), 44);
}

/* The reflector packet of RFC 8762 §4.3.1 for that request. */
static void test_reflect_layout(void)
{
	uint8_t req[88], rep[88];
	struct stamp_test t = {.seq = 7, .ts = T0, .ee = 0x0587, .ssid = 0xbeef, .ptp = 1};
	struct stamp_answer a = {.t2 = T0 + 1000,
	                         .t3 = T0 + 3000,
	                         .ee_tx = 0x0587,
	                         .ttl = 64,
	                         .follow_up = {1, 6, T0 - 5 * S, STAMP_MODE_SW}};
	struct stamp_tlv_counts c = {0};

	stamp_sender_build(req, sizeof(req), &t, 1, 0);
	CHECK_EQ_U64(stamp_reflect(req, sizeof(req), &a, rep, &c), sizeof(req));
	const uint8_t want[44] = {
	    0,    0,    0,    7,                            /* sequence (stateless: copied) */
	    0x65, 0x53, 0xf1, 0x00, 0x07, 0x5b, 0xd8, 0xcd, /* t3: +3000 ns */
	    0x45, 0x87, 0xbe, 0xef,                         /* error estimate (Z), SSID */
	    0x65, 0x53, 0xf1, 0x00, 0x07, 0x5b, 0xd0, 0xfd, /* t2: +1000 ns */
	    0,    0,    0,    7,                            /* sender's sequence */
	    0x65, 0x53, 0xf1, 0x00, 0x07, 0x5b, 0xcd, 0x15, /* sender's timestamp */
	    0x45, 0x87, 0,    0,                            /* sender's error estimate, MBZ */
	    64,   0,    0,    0,                            /* sender's TTL, MBZ */
	};
	CHECK_MEM(rep, want, 44);
	/* Follow-Up: seq 6, its real TX time in the reply's format, SW local */
	const uint8_t fu[20] = {0,    7,    0,    16,   0,    0,    0, 6, 0x65, 0x53,
	                        0xf0, 0xfb, 0x07, 0x5b, 0xcd, 0x15, 2, 0, 0,    0};
	CHECK_MEM(rep + 44, fu, 20);
	CHECK_MEM(rep + 64, req + 64, 24); /* padding echoed */
	CHECK_EQ_U64(c.unknown + c.malformed, 0);

	struct stamp_reply r;
	CHECK_EQ_U64(stamp_reply_parse(rep, sizeof(rep), T0, &r), 0);
	CHECK_EQ_U64(r.seq, 7);
	CHECK_EQ_U64(r.t2, T0 + 1000);
	CHECK_EQ_U64(r.t3, T0 + 3000);
	CHECK_EQ_U64(r.sender_ts, T0);
	CHECK_EQ_U64(r.ssid, 0xbeef);
	CHECK_EQ_U64(r.ttl, 64);
	CHECK(r.ptp && r.follow_up.present);
	CHECK_EQ_U64(r.follow_up.seq, 6);
	CHECK_EQ_U64(r.follow_up.ns, T0 - 5 * S);
	CHECK_EQ_U64(r.follow_up.mode, STAMP_MODE_SW);
}

/* NTP format when the sender's Z is clear, and tscap's private RX TLV. */
static void test_reflect_ntp_and_rx_tlv(void)
{
	uint8_t req[64], rep[64];
	struct stamp_test t = {.seq = 1, .ts = T0, .ee = 0x0101, .ptp = 0};
	struct stamp_answer a = {.t2 = T0 + 10,
	                         .t3 = T0 + 20,
	                         .ee_tx = 0x0101,
	                         .ttl = 255,
	                         .rx_kernel = T0 + 10,
	                         .rx_user = T0 + 15};
	struct stamp_tlv_counts c = {0};
	struct stamp_reply r;

	stamp_sender_build(req, sizeof(req), &t, 0, 1);
	stamp_reflect(req, sizeof(req), &a, rep, &c);
	CHECK_EQ_U64(rep[12] & 0x40, 0); /* answered in NTP, as asked */
	CHECK_EQ_U64(stamp_reply_parse(rep, sizeof(rep), T0, &r), 0);
	CHECK(!r.ptp);
	CHECK_EQ_U64(r.t2, T0 + 10);
	CHECK_EQ_U64(r.t3, T0 + 20);
	CHECK_EQ_U64(r.rx_user - r.rx_kernel, 5);
	CHECK(!r.follow_up.present);
}

static void test_bad_tlvs(void)
{
	uint8_t req[80] = {0}, rep[80];
	struct stamp_answer a = {.t2 = T0, .t3 = T0};
	struct stamp_tlv_counts c = {0};
	struct stamp_reply r;

	/* type 99 unknown (8 bytes), follow-up with length 8 (wrong), then a
	 * TLV claiming 200 bytes: U, M, M and the walk stops. */
	const uint8_t tlvs[] = {0x80 | 0x20, 99, 0, 4, 1, 2, 3, 4, 0, 7, 0, 8,
	                        0,           0,  0, 0, 0, 0, 0, 0, 0, 1, 0, 200};
	memcpy(req + 44, tlvs, sizeof(tlvs));
	CHECK_EQ_U64(stamp_reflect(req, 44 + sizeof(tlvs), &a, rep, &c), 44 + sizeof(tlvs));
	CHECK_EQ_U64(rep[44], STAMP_TLV_U); /* the sender's flags replaced */
	CHECK_MEM(rep + 48, tlvs + 4, 4);   /* unknown value echoed */
	CHECK_EQ_U64(rep[52], STAMP_TLV_M);
	CHECK_EQ_U64(rep[64], STAMP_TLV_M);
	CHECK_EQ_U64(c.unknown, 1);
	CHECK_EQ_U64(c.malformed, 2);
	CHECK_EQ_U64(stamp_reply_parse(rep, 44 + sizeof(tlvs), T0, &r), 0);
	CHECK_EQ_U64(r.tlv_flagged, 3);

	/* shorter than the base: refused, never read past */
	CHECK_EQ_U64(stamp_reflect(req, 43, &a, rep, &c), 0);
	CHECK(stamp_reply_parse(rep, 43, T0, &r) < 0);
	/* trailing bytes shorter than a TLV header are echoed and ignored */
	CHECK_EQ_U64(stamp_reflect(req, 46, &a, rep, &c), 46);
}

int main(void)
{
	test_timestamps();
	test_timestamps_int64_ends();
	test_error_estimate();
	test_sender_layout();
	test_reflect_layout();
	test_reflect_ntp_and_rx_tlv();
	test_bad_tlvs();
	return check_done();
}
