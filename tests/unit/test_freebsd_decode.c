/* backends/freebsd/decode.h on control buffers laid out as FreeBSD's
 * kernel writes them (sbcreatecontrol: struct cmsghdr of 12 bytes, data
 * at _ALIGN(12), the next message at _ALIGN(cmsg_len); ALIGNBYTES =
 * sizeof(long) - 1), for amd64/arm64 (data at 16, 8-byte steps) and i386
 * (data at 12, 4-byte steps). Each case names the kernel structure it
 * lays out. Every buffer is decoded from an exactly-sized heap copy so
 * ASan sees any read past it. */
#include <stdlib.h>
#include <string.h>

#include "cbuf.h"
#include "check.h"
#include "freebsd/decode.h"

#define SEC     1700000000
#define NSEC    123456789
#define NS      1700000000123456789LL
#define USEC    123456
#define US_NS   1700000000123456000LL
#define MONO    5000000000LL          /* 5 s after boot */
#define BOOT_AT 1699999000000000000LL /* CLOCK_REALTIME - CLOCK_MONOTONIC */

static const struct freebsd_decode_ctx ctx64 = {&freebsd_abi_64, BOOT_AT};
static const struct freebsd_decode_ctx ctx32 = {&freebsd_abi_i386, BOOT_AT};

static unsigned decode_n(const struct freebsd_decode_ctx *ctx, const uint8_t *buf, size_t len,
                         int ctrunc, struct tsc_pkt *p)
{
	uint8_t *copy = malloc(len ? len : 1);
	unsigned r;

	if (!copy) {
		abort();
	}
	memcpy(copy, buf, len);
	memset(p, 0, sizeof(*p));
	r = freebsd_cmsg_decode(ctx, copy, len, ctrunc, p);
	free(copy);
	return r;
}

static unsigned decode(const struct freebsd_decode_ctx *ctx, const struct cbuf *c,
                       struct tsc_pkt *p)
{
	return decode_n(ctx, c->b, c->len, 0, p);
}

/* struct timeval / struct timespec: time_t, long, each of width w. */
static size_t pair(uint8_t *out, size_t w, int64_t sec, int64_t sub)
{
	put_le(out, (uint64_t)sec, w);
	put_le(out + w, (uint64_t)sub, w);
	return 2 * w;
}

/* struct bintime: time_t sec (width w), uint64_t frac. */
static size_t bintime(uint8_t *out, size_t w, int64_t sec, uint64_t frac)
{
	put_le(out, (uint64_t)sec, w);
	put_le(out + w, frac, 8);
	return w + 8;
}

/* struct sock_timestamp_info: uint32 st_info_flags, uint32 pad, uint64 rsv[7]. */
static size_t time_info(uint8_t *out, uint32_t flags)
{
	memset(out, 0, FBSD_TIME_INFO_LEN);
	put_le(out, flags, 4);
	return FBSD_TIME_INFO_LEN;
}

/* One literal buffer, as amd64 FreeBSD's ip_savecontrol writes it for a
 * datagram an mlx5en NIC stamped, with SO_TIMESTAMP + SO_TS_CLOCK =
 * SO_TS_REALTIME: SCM_REALTIME (struct timespec), then SCM_TIME_INFO. */
/* clang-format off */
static const uint8_t kernel64[] = {
	/* cmsg_len 32 = 16 + 16, SOL_SOCKET 0xffff, SCM_REALTIME 5, 4 bytes to _ALIGN */
	0x20, 0, 0, 0,  0xff, 0xff, 0, 0,  0x05, 0, 0, 0,  0, 0, 0, 0,
	/* struct timespec {1700000000, 123456789} */
	0x00, 0xf1, 0x53, 0x65, 0, 0, 0, 0,  0x15, 0xcd, 0x5b, 0x07, 0, 0, 0, 0,
	/* cmsg_len 80 = 16 + 64, SOL_SOCKET, SCM_TIME_INFO 7, 4 bytes to _ALIGN */
	0x50, 0, 0, 0,  0xff, 0xff, 0, 0,  0x07, 0, 0, 0,  0, 0, 0, 0,
	/* st_info_flags = ST_INFO_HW | ST_INFO_HW_HPREC, st_info_pad0, rsv[7] */
	0x03, 0, 0, 0,  0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0,  0, 0, 0, 0, 0, 0, 0, 0,  0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0,  0, 0, 0, 0, 0, 0, 0, 0,  0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0,
};
/* clang-format on */

static void test_kernel_literal(void)
{
	struct tsc_pkt p;
	struct cbuf c;
	uint8_t d[64];

	CHECK_EQ_U64(decode_n(&ctx64, kernel64, sizeof(kernel64), 0, &p), 0);
	CHECK_EQ_U64(p.flags, TSC_PKT_HPREC);
	CHECK_EQ_U64(p.stamp_set, 1u << TSC_HW_RX);
	CHECK_EQ_U64(p.ns[TSC_HW_RX], NS);
	CHECK_EQ_U64(p.base[TSC_HW_RX], TSC_BASE_REALTIME);

	/* cbuf.h writes the same bytes for the same messages. */
	cb_init(&c, &freebsd_abi_64);
	cb_add(&c, FBSD_SOL_SOCKET, FBSD_SCM_REALTIME, d, pair(d, 8, SEC, NSEC));
	cb_add(&c, FBSD_SOL_SOCKET, FBSD_SCM_TIME_INFO, d,
	       time_info(d, FBSD_ST_INFO_HW | FBSD_ST_INFO_HW_HPREC));
	CHECK_EQ_U64(c.len, sizeof(kernel64));
	CHECK_MEM(c.b, kernel64, sizeof(kernel64));
}

/* Each SO_TS_CLOCK choice, alone, as software stamps. */
static void test_each_clock(void)
{
	struct tsc_pkt p;
	struct cbuf c;
	uint8_t d[16];

	/* SO_TS_REALTIME_MICRO: SCM_TIMESTAMP, struct timeval (µs). */
	cb_init(&c, &freebsd_abi_64);
	cb_add(&c, FBSD_SOL_SOCKET, FBSD_SCM_TIMESTAMP, d, pair(d, 8, SEC, USEC));
	CHECK_EQ_U64(c.len, 32);
	CHECK_EQ_U64(decode(&ctx64, &c, &p), 0);
	CHECK_EQ_U64(p.stamp_set, 1u << TSC_SW_RX);
	CHECK_EQ_U64(p.ns[TSC_SW_RX], US_NS);
	CHECK_EQ_U64(p.base[TSC_SW_RX], TSC_BASE_REALTIME);
	CHECK_EQ_U64(p.flags, 0);

	/* SO_TS_REALTIME: SCM_REALTIME, struct timespec. */
	cb_init(&c, &freebsd_abi_64);
	cb_add(&c, FBSD_SOL_SOCKET, FBSD_SCM_REALTIME, d, pair(d, 8, SEC, NSEC));
	CHECK_EQ_U64(decode(&ctx64, &c, &p), 0);
	CHECK_EQ_U64(p.ns[TSC_SW_RX], NS);
	CHECK_EQ_U64(p.base[TSC_SW_RX], TSC_BASE_REALTIME);

	/* SO_TS_MONOTONIC: SCM_MONOTONIC, struct timespec since boot, moved
	 * to wall-clock time by the measured offset, timebase monotonic. */
	cb_init(&c, &freebsd_abi_64);
	cb_add(&c, FBSD_SOL_SOCKET, FBSD_SCM_MONOTONIC, d, pair(d, 8, 5, 0));
	CHECK_EQ_U64(decode(&ctx64, &c, &p), 0);
	CHECK_EQ_U64(p.stamp_set, 1u << TSC_SW_RX);
	CHECK_EQ_U64(p.ns[TSC_SW_RX], BOOT_AT + MONO);
	CHECK_EQ_U64(p.base[TSC_SW_RX], TSC_BASE_MONOTONIC);

	/* SO_TS_BINTIME: SCM_BINTIME, struct bintime {sec, frac}. frac 2^63
	 * is half a second. */
	cb_init(&c, &freebsd_abi_64);
	cb_add(&c, FBSD_SOL_SOCKET, FBSD_SCM_BINTIME, d, bintime(d, 8, SEC, 1ull << 63));
	CHECK_EQ_U64(c.len, 32);
	CHECK_EQ_U64(decode(&ctx64, &c, &p), 0);
	CHECK_EQ_U64(p.ns[TSC_SW_RX], 1700000000500000000LL);
	CHECK_EQ_U64(p.base[TSC_SW_RX], TSC_BASE_REALTIME);
}

/* --clock → SO_TS_CLOCK, and the message FreeBSD's ip_savecontrol /
 * ip6_savecontrol then attaches for that clock, decoded: each choice
 * lands in the file as the clock it names. */
static void test_clock_choice(void)
{
	static const struct {
		enum tsc_clock_sel sel;
		int so_ts_clock, scm;
		int64_t ns;
		uint8_t base;
		int labelled;
	} want[] = {
	    {TSC_CLOCKSEL_AUTO, FBSD_SO_TS_REALTIME, FBSD_SCM_REALTIME, NS, TSC_BASE_REALTIME, 0},
	    {TSC_CLOCKSEL_REALTIME, FBSD_SO_TS_REALTIME, FBSD_SCM_REALTIME, NS, TSC_BASE_REALTIME,
	     0},
	    {TSC_CLOCKSEL_REALTIME_US, FBSD_SO_TS_REALTIME_MICRO, FBSD_SCM_TIMESTAMP, US_NS,
	     TSC_BASE_REALTIME, 1},
	    {TSC_CLOCKSEL_BINTIME, FBSD_SO_TS_BINTIME, FBSD_SCM_BINTIME, 1700000000500000000LL,
	     TSC_BASE_REALTIME, 1},
	    {TSC_CLOCKSEL_MONOTONIC, FBSD_SO_TS_MONOTONIC, FBSD_SCM_MONOTONIC, BOOT_AT + MONO,
	     TSC_BASE_MONOTONIC, 1},
	};
	struct tsc_pkt p;
	struct cbuf c;
	uint8_t d[16];
	size_t n;

	CHECK_EQ_U64(freebsd_clock_choices(), (1u << TSC_CLOCKSEL_COUNT) - 1);
	CHECK_EQ_U64(freebsd_ts_clock_for(TSC_CLOCKSEL_COUNT).value, (uint64_t)-1);
	for (unsigned i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct freebsd_ts_clock clk = freebsd_ts_clock_for(want[i].sel);
		CHECK_EQ_U64(clk.value, want[i].so_ts_clock);
		CHECK_EQ_U64(clk.label != NULL, want[i].labelled);
		switch (want[i].scm) {
		case FBSD_SCM_TIMESTAMP: /* struct timeval */
			n = pair(d, 8, SEC, USEC);
			break;
		case FBSD_SCM_BINTIME: /* struct bintime, half a second */
			n = bintime(d, 8, SEC, 1ull << 63);
			break;
		case FBSD_SCM_MONOTONIC: /* struct timespec since boot */
			n = pair(d, 8, 5, 0);
			break;
		default: /* SCM_REALTIME: struct timespec */
			n = pair(d, 8, SEC, NSEC);
		}
		cb_init(&c, &freebsd_abi_64);
		cb_add(&c, FBSD_SOL_SOCKET, want[i].scm, d, n);
		CHECK_EQ_U64(decode(&ctx64, &c, &p), 0);
		CHECK_EQ_U64(p.stamp_set, 1u << TSC_SW_RX);
		CHECK_EQ_U64(p.ns[TSC_SW_RX], want[i].ns);
		CHECK_EQ_U64(p.base[TSC_SW_RX], want[i].base);
	}
}

/* Exact value of frac * 1e9 / 2^64, rounded to nearest (halves up). */
static int64_t frac_ref(uint64_t frac)
{
#ifdef __SIZEOF_INT128__
	unsigned __int128 x = (unsigned __int128)frac * 1000000000u + ((unsigned __int128)1 << 63);
	return (int64_t)(uint64_t)(x >> 64);
#else
	return freebsd_bintime_frac_ns(frac);
#endif
}

/* bintime → ns rounds to the nearest ns, halves up; a fraction within
 * half a ns of a whole second carries into the seconds. */
static void test_bintime_rounding(void)
{
	struct tsc_pkt p;
	struct cbuf c;
	uint8_t d[16];
	uint64_t x = 0x9e3779b97f4a7c15ull;

	CHECK_EQ_U64(freebsd_bintime_frac_ns(0), 0);
	CHECK_EQ_U64(freebsd_bintime_frac_ns(1), 0);
	CHECK_EQ_U64(freebsd_bintime_frac_ns(1ull << 62), 250000000);
	CHECK_EQ_U64(freebsd_bintime_frac_ns(1ull << 63), 500000000);
	/* 0.5 ns is frac 9223372036.85...: just below rounds down, just above up */
	CHECK_EQ_U64(freebsd_bintime_frac_ns(9223372036ull), 0);
	CHECK_EQ_U64(freebsd_bintime_frac_ns(9223372037ull), 1);
	/* 1.5 ns = frac 27670116110.56...: 27670116110 → 1, 27670116111 → 2 */
	CHECK_EQ_U64(freebsd_bintime_frac_ns(27670116110ull), 1);
	CHECK_EQ_U64(freebsd_bintime_frac_ns(27670116111ull), 2);
	/* FreeBSD's bintime2timespec would say 999999999 here (top 32 bits,
	 * rounded down); to the nearest ns it is the next second. */
	CHECK_EQ_U64(freebsd_bintime_frac_ns(UINT64_MAX), 1000000000);
	for (int i = 0; i < 100000; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		if (!CHECK_EQ_U64(freebsd_bintime_frac_ns(x), frac_ref(x))) {
			break;
		}
	}
	/* The carry, through the decoder: sec 5 + (1 - 2^-64) s = 6 s. */
	cb_init(&c, &freebsd_abi_64);
	cb_add(&c, FBSD_SOL_SOCKET, FBSD_SCM_BINTIME, d, bintime(d, 8, 5, UINT64_MAX));
	decode(&ctx64, &c, &p);
	CHECK_EQ_U64(p.ns[TSC_SW_RX], 6000000000LL);
}

/* SCM_TIME_INFO decides hardware or not, before or after the stamp. */
static void test_time_info(void)
{
	struct tsc_pkt p;
	struct cbuf c;
	uint8_t d[64];

	/* ST_INFO_HW alone: a hardware stamp, not high precision. */
	cb_init(&c, &freebsd_abi_64);
	cb_add(&c, FBSD_SOL_SOCKET, FBSD_SCM_TIME_INFO, d, time_info(d, FBSD_ST_INFO_HW));
	cb_add(&c, FBSD_SOL_SOCKET, FBSD_SCM_REALTIME, d, pair(d, 8, SEC, NSEC));
	CHECK_EQ_U64(decode(&ctx64, &c, &p), 0);
	CHECK_EQ_U64(p.stamp_set, 1u << TSC_HW_RX);
	CHECK_EQ_U64(p.ns[TSC_HW_RX], NS);
	CHECK_EQ_U64(p.flags, 0);

	/* Flags 0: the driver did not stamp it; a software stamp. */
	cb_init(&c, &freebsd_abi_64);
	cb_add(&c, FBSD_SOL_SOCKET, FBSD_SCM_REALTIME, d, pair(d, 8, SEC, NSEC));
	cb_add(&c, FBSD_SOL_SOCKET, FBSD_SCM_TIME_INFO, d, time_info(d, 0));
	CHECK_EQ_U64(decode(&ctx64, &c, &p), 0);
	CHECK_EQ_U64(p.stamp_set, 1u << TSC_SW_RX);
	CHECK_EQ_U64(p.flags, 0);

	/* HPREC without HW marks nothing: it qualifies a hardware stamp. */
	cb_init(&c, &freebsd_abi_64);
	cb_add(&c, FBSD_SOL_SOCKET, FBSD_SCM_REALTIME, d, pair(d, 8, SEC, NSEC));
	cb_add(&c, FBSD_SOL_SOCKET, FBSD_SCM_TIME_INFO, d, time_info(d, FBSD_ST_INFO_HW_HPREC));
	decode(&ctx64, &c, &p);
	CHECK_EQ_U64(p.stamp_set, 1u << TSC_SW_RX);
	CHECK_EQ_U64(p.flags, 0);

	/* A monotonic hardware stamp keeps its timebase. */
	cb_init(&c, &freebsd_abi_64);
	cb_add(&c, FBSD_SOL_SOCKET, FBSD_SCM_MONOTONIC, d, pair(d, 8, 5, 0));
	cb_add(&c, FBSD_SOL_SOCKET, FBSD_SCM_TIME_INFO, d, time_info(d, 3));
	decode(&ctx64, &c, &p);
	CHECK_EQ_U64(p.stamp_set, 1u << TSC_HW_RX);
	CHECK_EQ_U64(p.ns[TSC_HW_RX], BOOT_AT + MONO);
	CHECK_EQ_U64(p.base[TSC_HW_RX], TSC_BASE_MONOTONIC);
	CHECK_EQ_U64(p.flags, TSC_PKT_HPREC);

	/* SCM_TIME_INFO of the wrong size (sock_timestamp_info is 64). */
	cb_init(&c, &freebsd_abi_64);
	cb_add(&c, FBSD_SOL_SOCKET, FBSD_SCM_REALTIME, d, pair(d, 8, SEC, NSEC));
	cb_add(&c, FBSD_SOL_SOCKET, FBSD_SCM_TIME_INFO, d, 8);
	decode(&ctx64, &c, &p);
	CHECK_EQ_U64(p.stamp_set, 1u << TSC_SW_RX);
	CHECK_EQ_U64(p.flags, TSC_PKT_CBAD);
}

/* Several messages in one buffer: the finest stamp wins, others at other
 * levels are counted, not errors. */
static void test_several(void)
{
	struct tsc_pkt p;
	struct cbuf c;
	uint8_t d[16];

	cb_init(&c, &freebsd_abi_64);
	cb_add(&c, FBSD_SOL_SOCKET, FBSD_SCM_TIMESTAMP, d, pair(d, 8, SEC, USEC));
	/* IPPROTO_IP 0, IP_RECVDSTADDR 7: struct in_addr (4 bytes, padded to 8) */
	cb_add(&c, 0, 7, (const uint8_t[]){127, 0, 0, 1}, 4);
	cb_add(&c, FBSD_SOL_SOCKET, FBSD_SCM_BINTIME, d, bintime(d, 8, SEC, 1ull << 63));
	cb_add(&c, FBSD_SOL_SOCKET, FBSD_SCM_MONOTONIC, d, pair(d, 8, 5, 0));
	CHECK_EQ_U64(c.len, 32 + 24 + 32 + 32);
	CHECK_EQ_U64(decode(&ctx64, &c, &p), 1);
	CHECK_EQ_U64(p.stamp_set, 1u << TSC_SW_RX);
	CHECK_EQ_U64(p.ns[TSC_SW_RX], 1700000000500000000LL);
	CHECK_EQ_U64(p.flags, 0);

	/* A realtime ns stamp beats monotonic and µs. */
	cb_init(&c, &freebsd_abi_64);
	cb_add(&c, FBSD_SOL_SOCKET, FBSD_SCM_MONOTONIC, d, pair(d, 8, 5, 0));
	cb_add(&c, FBSD_SOL_SOCKET, FBSD_SCM_TIMESTAMP, d, pair(d, 8, SEC, USEC));
	cb_add(&c, FBSD_SOL_SOCKET, FBSD_SCM_REALTIME, d, pair(d, 8, SEC, NSEC));
	decode(&ctx64, &c, &p);
	CHECK_EQ_U64(p.ns[TSC_SW_RX], NS);

	/* MSG_CTRUNC is reported whatever arrived. */
	decode_n(&ctx64, c.b, c.len, 1, &p);
	CHECK_EQ_U64(p.flags, TSC_PKT_CTRUNC);
}

/* i386: 12-byte header with data right after it, 4-byte steps, 4-byte
 * time_t and long; struct bintime is 12 bytes there. */
static void test_i386(void)
{
	static const uint8_t want[] = {
	    /* cmsg_len 20 = 12 + 8, SOL_SOCKET, SCM_TIMESTAMP, timeval {SEC, USEC} */
	    0x14,
	    0,
	    0,
	    0,
	    0xff,
	    0xff,
	    0,
	    0,
	    0x02,
	    0,
	    0,
	    0,
	    0x00,
	    0xf1,
	    0x53,
	    0x65,
	    0x40,
	    0xe2,
	    0x01,
	    0x00,
	    /* cmsg_len 24 = 12 + 12, SCM_BINTIME: bintime {SEC, 2^62} */
	    0x18,
	    0,
	    0,
	    0,
	    0xff,
	    0xff,
	    0,
	    0,
	    0x04,
	    0,
	    0,
	    0,
	    0x00,
	    0xf1,
	    0x53,
	    0x65,
	    0,
	    0,
	    0,
	    0,
	    0,
	    0,
	    0,
	    0x40,
	};
	struct tsc_pkt p;
	struct cbuf c;
	uint8_t d[16];

	cb_init(&c, &freebsd_abi_i386);
	cb_add(&c, FBSD_SOL_SOCKET, FBSD_SCM_TIMESTAMP, d, pair(d, 4, SEC, USEC));
	cb_add(&c, FBSD_SOL_SOCKET, FBSD_SCM_BINTIME, d, bintime(d, 4, SEC, 1ull << 62));
	CHECK_EQ_U64(c.len, sizeof(want));
	CHECK_MEM(c.b, want, sizeof(want));
	CHECK_EQ_U64(decode(&ctx32, &c, &p), 0);
	CHECK_EQ_U64(p.ns[TSC_SW_RX], 1700000000250000000LL);
	CHECK_EQ_U64(p.flags, 0);

	/* A 64-bit timespec (16 bytes) is the wrong length on i386. */
	cb_init(&c, &freebsd_abi_i386);
	cb_add(&c, FBSD_SOL_SOCKET, FBSD_SCM_REALTIME, d, pair(d, 8, SEC, NSEC));
	decode(&ctx32, &c, &p);
	CHECK_EQ_U64(p.stamp_set, 0);
	CHECK_EQ_U64(p.flags, TSC_PKT_CBAD);
}

/* Wrong, odd and lying lengths: flagged, never read past the buffer. */
static void test_malformed(void)
{
	struct tsc_pkt p;
	struct cbuf c;
	uint8_t d[16];

	/* A timespec of 12 bytes (as if time_t were 4 on amd64). */
	cb_init(&c, &freebsd_abi_64);
	cb_add(&c, FBSD_SOL_SOCKET, FBSD_SCM_REALTIME, d, 12);
	decode(&ctx64, &c, &p);
	CHECK_EQ_U64(p.stamp_set, 0);
	CHECK_EQ_U64(p.flags, TSC_PKT_CBAD);

	/* cmsg_len 13: shorter than the aligned header (16). */
	cb_init(&c, &freebsd_abi_64);
	cb_add_len(&c, FBSD_SOL_SOCKET, FBSD_SCM_REALTIME, d, 0, 13);
	decode(&ctx64, &c, &p);
	CHECK_EQ_U64(p.flags, TSC_PKT_CBAD);

	/* cmsg_len past the end of the buffer. */
	cb_init(&c, &freebsd_abi_64);
	cb_add_len(&c, FBSD_SOL_SOCKET, FBSD_SCM_REALTIME, d, pair(d, 8, SEC, NSEC), 4096);
	decode(&ctx64, &c, &p);
	CHECK_EQ_U64(p.stamp_set, 0);
	CHECK_EQ_U64(p.flags, TSC_PKT_CBAD);

	/* Every cut of the literal buffer: a cut inside the first message
	 * is malformed; a cut inside the second keeps the first's stamp as
	 * software (the SCM_TIME_INFO that would make it hardware is lost);
	 * the whole buffer decodes fully. */
	for (size_t cut = 0; cut <= sizeof(kernel64); cut++) {
		decode_n(&ctx64, kernel64, cut, 0, &p);
		if (cut < 12) {
			CHECK_EQ_U64(p.flags, 0);
			CHECK_EQ_U64(p.stamp_set, 0);
		} else if (cut < 32) {
			CHECK_EQ_U64(p.flags, TSC_PKT_CBAD);
			CHECK_EQ_U64(p.stamp_set, 0);
		} else if (cut < 44) {
			CHECK_EQ_U64(p.flags, 0);
			CHECK_EQ_U64(p.stamp_set, 1u << TSC_SW_RX);
		} else if (cut < sizeof(kernel64)) {
			CHECK_EQ_U64(p.flags, TSC_PKT_CBAD);
			CHECK_EQ_U64(p.stamp_set, 1u << TSC_SW_RX);
		} else {
			CHECK_EQ_U64(p.stamp_set, 1u << TSC_HW_RX);
		}
	}
}

/* ---- SCM_RIGHTS and the credential layouts ----------------------------- */

static unsigned aux_n(const struct cbuf *c, int local_creds, struct freebsd_aux *a)
{
	uint8_t *copy = malloc(c->len ? c->len : 1);
	unsigned r;

	if (!copy) {
		abort();
	}
	memcpy(copy, c->b, c->len);
	r = freebsd_aux_decode(c->abi, copy, c->len, local_creds, a);
	free(copy);
	return r;
}

/* struct cmsgcred: pid, uid, euid, gid, short ngroups, (pad), groups[16]. */
static size_t cmsgcred(uint8_t *out, int16_t ngroups)
{
	memset(out, 0xee, FBSD_CMSGCRED_LEN); /* the pad byte is whatever the sender had */
	put_le(out, 4321, 4);
	put_le(out + 4, 1001, 4);
	put_le(out + 8, 1002, 4);
	put_le(out + 12, 2001, 4);
	put_le(out + 16, (uint16_t)ngroups, 2);
	for (int i = 0; i < FBSD_CMGROUP_MAX; i++) {
		put_le(out + 20 + 4 * i, 3000u + (unsigned)i, 4);
	}
	return FBSD_CMSGCRED_LEN;
}

/* struct sockcred: uid, euid, gid, egid, int ngroups, groups[ngroups];
 * SOCKCREDSIZE(n) = 20 + 4n bytes. */
static size_t sockcred(uint8_t *out, uint32_t ngroups)
{
	put_le(out, 1001, 4);
	put_le(out + 4, 1002, 4);
	put_le(out + 8, 2001, 4);
	put_le(out + 12, 2002, 4);
	put_le(out + 16, ngroups, 4);
	for (uint32_t i = 0; i < ngroups; i++) {
		put_le(out + 20 + 4 * i, 3000 + i, 4);
	}
	return 20 + 4 * (size_t)ngroups;
}

/* struct sockcred2: version, pid, uid, euid, gid, egid, int ngroups,
 * groups[ngroups]; SOCKCRED2SIZE(n) = 28 + 4n bytes. */
static size_t sockcred2(uint8_t *out, uint32_t version, uint32_t ngroups)
{
	put_le(out, version, 4);
	put_le(out + 4, 4321, 4);
	sockcred(out + 8, ngroups); /* uid, euid, gid, egid, ngroups, groups at 8..28.. */
	return 28 + 4 * (size_t)ngroups;
}

static void test_rights(void)
{
	struct freebsd_aux a;
	struct cbuf c;
	uint8_t d[24];

	cb_init(&c, &freebsd_abi_64);
	put_le(d, 5, 4);
	put_le(d + 4, 6, 4);
	put_le(d + 8, 7, 4);
	cb_add(&c, FBSD_SOL_SOCKET, FBSD_SCM_RIGHTS, d, 12);
	/* two ints: cmsg_len 24, so the next message starts at 24 */
	cb_add(&c, FBSD_SOL_SOCKET, FBSD_SCM_RIGHTS, d, 8);
	CHECK_EQ_U64(c.len, 32 + 24);
	CHECK_EQ_U64(aux_n(&c, 0, &a), 2);
	CHECK_EQ_U64(a.nfds, 5);
	CHECK_EQ_U64(a.fds[0], 5);
	CHECK_EQ_U64(a.fds[2], 7);
	CHECK_EQ_U64(a.fds[4], 6);
	CHECK_EQ_U64(a.bad, 0);
	CHECK_EQ_U64(a.cred, FBSD_CRED_NONE);

	/* Six bytes: not a whole number of descriptors. */
	cb_init(&c, &freebsd_abi_64);
	cb_add(&c, FBSD_SOL_SOCKET, FBSD_SCM_RIGHTS, d, 6);
	aux_n(&c, 0, &a);
	CHECK_EQ_U64(a.nfds, 1);
	CHECK_EQ_U64(a.bad, 1);
}

static void test_creds(void)
{
	struct freebsd_aux a;
	struct cbuf c;
	uint8_t d[128];

	/* The sender's struct cmsgcred (84 bytes), 3 groups. */
	cb_init(&c, &freebsd_abi_64);
	cb_add(&c, FBSD_SOL_SOCKET, FBSD_SCM_CREDS, d, cmsgcred(d, 3));
	CHECK_EQ_U64(aux_n(&c, 0, &a), 1);
	CHECK_EQ_U64(a.cred, FBSD_CRED_CMSGCRED);
	CHECK_EQ_U64(a.pid, 4321);
	CHECK_EQ_U64(a.uid, 1001);
	CHECK_EQ_U64(a.euid, 1002);
	CHECK_EQ_U64(a.gid, 2001);
	CHECK_EQ_U64(a.egid, 3000); /* cmcred_groups[0] is the effective gid */
	CHECK_EQ_U64(a.ngroups, 3);
	CHECK_EQ_U64(a.groups[2], 3002);
	CHECK_EQ_U64(a.bad, 0);

	/* cmcred_ngroups 17 is beyond CMGROUP_MAX. */
	cb_init(&c, &freebsd_abi_64);
	cb_add(&c, FBSD_SOL_SOCKET, FBSD_SCM_CREDS, d, cmsgcred(d, 17));
	aux_n(&c, 0, &a);
	CHECK_EQ_U64(a.cred, FBSD_CRED_NONE);
	CHECK_EQ_U64(a.bad, 1);

	/* LOCAL_CREDS: struct sockcred with 2 groups, SOCKCREDSIZE(2) = 28. */
	cb_init(&c, &freebsd_abi_64);
	cb_add(&c, FBSD_SOL_SOCKET, FBSD_SCM_CREDS, d, sockcred(d, 2));
	CHECK_EQ_U64(aux_n(&c, 0, &a), 1);
	CHECK_EQ_U64(a.cred, FBSD_CRED_SOCKCRED);
	CHECK_EQ_U64(a.pid, (uint64_t)-1);
	CHECK_EQ_U64(a.egid, 2002);
	CHECK_EQ_U64(a.ngroups, 2);
	CHECK_EQ_U64(a.groups[1], 3001);

	/* 16 groups: SOCKCREDSIZE(16) = 84 = sizeof(struct cmsgcred). The
	 * receiver's LOCAL_CREDS decides. */
	cb_init(&c, &freebsd_abi_64);
	cb_add(&c, FBSD_SOL_SOCKET, FBSD_SCM_CREDS, d, sockcred(d, 16));
	CHECK_EQ_U64(c.len, 16 + 88);
	aux_n(&c, 1, &a);
	CHECK_EQ_U64(a.cred, FBSD_CRED_SOCKCRED);
	CHECK_EQ_U64(a.ngroups, 16);
	CHECK_EQ_U64(a.groups[15], 3015);
	CHECK_EQ_U64(a.bad, 0);
	cb_init(&c, &freebsd_abi_64);
	cb_add(&c, FBSD_SOL_SOCKET, FBSD_SCM_CREDS, d, cmsgcred(d, 16));
	aux_n(&c, 0, &a);
	CHECK_EQ_U64(a.cred, FBSD_CRED_CMSGCRED);
	CHECK_EQ_U64(a.ngroups, 16);

	/* A sockcred whose sc_ngroups disagrees with its length. */
	cb_init(&c, &freebsd_abi_64);
	sockcred(d, 2);
	put_le(d + 16, 3, 4);
	cb_add(&c, FBSD_SOL_SOCKET, FBSD_SCM_CREDS, d, 28);
	aux_n(&c, 1, &a);
	CHECK_EQ_U64(a.cred, FBSD_CRED_NONE);
	CHECK_EQ_U64(a.bad, 1);
	/* ... or claims 2^30 groups (no overflow of 20 + 4n). */
	put_le(d + 16, 1u << 30, 4);
	cb_init(&c, &freebsd_abi_64);
	cb_add(&c, FBSD_SOL_SOCKET, FBSD_SCM_CREDS, d, 28);
	aux_n(&c, 1, &a);
	CHECK_EQ_U64(a.bad, 1);

	/* SCM_CREDS2: struct sockcred2, version 0, 3 groups (40 bytes). */
	cb_init(&c, &freebsd_abi_64);
	cb_add(&c, FBSD_SOL_SOCKET, FBSD_SCM_CREDS2, d, sockcred2(d, 0, 3));
	CHECK_EQ_U64(aux_n(&c, 0, &a), 1);
	CHECK_EQ_U64(a.cred, FBSD_CRED_SOCKCRED2);
	CHECK_EQ_U64(a.pid, 4321);
	CHECK_EQ_U64(a.uid, 1001);
	CHECK_EQ_U64(a.euid, 1002);
	CHECK_EQ_U64(a.gid, 2001);
	CHECK_EQ_U64(a.egid, 2002);
	CHECK_EQ_U64(a.ngroups, 3);
	CHECK_EQ_U64(a.groups[2], 3002);
	CHECK_EQ_U64(a.bad, 0);

	/* An unknown sockcred2 version is not guessed at. */
	cb_init(&c, &freebsd_abi_64);
	cb_add(&c, FBSD_SOL_SOCKET, FBSD_SCM_CREDS2, d, sockcred2(d, 1, 3));
	aux_n(&c, 0, &a);
	CHECK_EQ_U64(a.cred, FBSD_CRED_NONE);
	CHECK_EQ_U64(a.bad, 1);

	/* Rights and credentials together, as a unix datagram brings them. */
	cb_init(&c, &freebsd_abi_64);
	cb_add(&c, FBSD_SOL_SOCKET, FBSD_SCM_CREDS2, d, sockcred2(d, 0, 1));
	cb_add(&c, FBSD_SOL_SOCKET, FBSD_SCM_RIGHTS, (const uint8_t[]){9, 0, 0, 0}, 4);
	CHECK_EQ_U64(aux_n(&c, 0, &a), 2);
	CHECK_EQ_U64(a.cred, FBSD_CRED_SOCKCRED2);
	CHECK_EQ_U64(a.nfds, 1);
	CHECK_EQ_U64(a.fds[0], 9);

	/* Every cut of that buffer stays inside it. */
	for (size_t cut = 0; cut <= c.len; cut++) {
		struct cbuf t = c;
		t.len = cut;
		aux_n(&t, 0, &a);
		CHECK(a.nfds <= 1);
	}
}

/* Built on FreeBSD itself: the written-out layout is the system's own. */
static void test_native(void)
{
#if defined(__FreeBSD__)
	const struct cmsg_abi *a = sizeof(long) == 8 ? &freebsd_abi_64 : &freebsd_abi_i386;

	CHECK_EQ_U64(cmsg_abi_native.hdr_len, a->hdr_len);
	CHECK_EQ_U64(cmsg_abi_native.len_size, a->len_size);
	CHECK_EQ_U64(cmsg_abi_native.align, a->align);
#endif
}

int main(void)
{
	SKIP_UNLESS_LITTLE_ENDIAN();
	test_native();
	test_kernel_literal();
	test_each_clock();
	test_clock_choice();
	test_bintime_rounding();
	test_time_info();
	test_several();
	test_i386();
	test_malformed();
	test_rights();
	test_creds();
	return check_done();
}
