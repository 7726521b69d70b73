/* backends/xnu/decode.h on control buffers laid out as XNU writes them
 * (sbcreatecontrol: struct cmsghdr of 12 bytes, CMSG_DATA and the next
 * header at __DARWIN_ALIGN32, i.e. 4-byte steps even on 64-bit), and
 * mach_absolute_time ticks scaled with both timebases (Intel 1/1, Apple
 * silicon 125/3). Each case names the kernel structure it lays out.
 * Every buffer is decoded from an exactly-sized heap copy so ASan sees
 * any read past it. */
#include <stdlib.h>
#include <string.h>

#include "cbuf.h"
#include "check.h"
#include "xnu/decode.h"

#define SEC     1700000000
#define USEC    123456
#define US_NS   1700000000123456000LL
#define BOOT_AT 1699999000000000000LL /* CLOCK_REALTIME - ticks in ns */

static const struct xnu_timebase intel = {1, 1}, apple = {125, 3};

static unsigned decode_n(const struct xnu_decode_ctx *ctx, const uint8_t *buf, size_t len,
                         int ctrunc, struct tsc_pkt *p)
{
	uint8_t *copy = malloc(len ? len : 1);
	unsigned r;

	if (!copy) {
		abort();
	}
	memcpy(copy, buf, len);
	memset(p, 0, sizeof(*p));
	r = xnu_cmsg_decode(ctx, copy, len, ctrunc, p);
	free(copy);
	return r;
}

/* struct timeval on LP64 XNU: 8-byte tv_sec, int32 tv_usec, 4 pad. */
static size_t timeval(uint8_t *out, int64_t sec, int32_t usec)
{
	memset(out, 0, XNU_TIMEVAL_LEN);
	put_le(out, (uint64_t)sec, 8);
	put_le(out + 8, (uint32_t)usec, 4);
	return XNU_TIMEVAL_LEN;
}

/* One literal buffer, as XNU's ip_savecontrol writes SO_TIMESTAMP and
 * SO_TIMESTAMP_MONOTONIC for one datagram on an Apple silicon Mac. */
/* clang-format off */
static const uint8_t kernel[] = {
	/* cmsg_len 28 = 12 + 16, SOL_SOCKET 0xffff, SCM_TIMESTAMP 2; the
	 * data starts at 12: tv_sec is not 8-byte aligned */
	0x1c, 0, 0, 0,  0xff, 0xff, 0, 0,  0x02, 0, 0, 0,
	/* struct timeval {1700000000, 123456}, 4 bytes padding */
	0x00, 0xf1, 0x53, 0x65, 0, 0, 0, 0,  0x40, 0xe2, 0x01, 0x00,  0, 0, 0, 0,
	/* at 28 (4-byte step, not 32): cmsg_len 20 = 12 + 8,
	 * SCM_TIMESTAMP_MONOTONIC 4, uint64_t 120000001 ticks */
	0x14, 0, 0, 0,  0xff, 0xff, 0, 0,  0x04, 0, 0, 0,
	0x01, 0x0e, 0x27, 0x07, 0, 0, 0, 0,
};
/* clang-format on */

static void test_kernel_literal(void)
{
	struct xnu_decode_ctx ctx = {&xnu_abi, apple, BOOT_AT};
	struct tsc_pkt p;
	struct cbuf c;
	uint8_t d[16];

	CHECK_EQ_U64(xnu_abi.hdr_len, 12);
	CHECK_EQ_U64(xnu_abi.align, 4);
	CHECK_EQ_U64(sizeof(kernel), 48);
	CHECK_EQ_U64(decode_n(&ctx, kernel, sizeof(kernel), 0, &p), 0);
	CHECK_EQ_U64(p.flags, 0);
	CHECK_EQ_U64(p.stamp_set, 1u << TSC_SW_RX);
	/* 120000001 ticks * 125 / 3 = 5000000041.67 ns, rounded down */
	CHECK_EQ_U64(p.ns[TSC_SW_RX], BOOT_AT + 5000000041LL);
	CHECK_EQ_U64(p.base[TSC_SW_RX], TSC_BASE_MONOTONIC);

	/* cbuf.h writes the same bytes under XNU's ABI. */
	cb_init(&c, &xnu_abi);
	cb_add(&c, XNU_SOL_SOCKET, XNU_SCM_TIMESTAMP, d, timeval(d, SEC, USEC));
	put_le(d, 120000001, 8);
	cb_add(&c, XNU_SOL_SOCKET, XNU_SCM_TIMESTAMP_MONOTONIC, d, 8);
	CHECK_EQ_U64(c.len, sizeof(kernel));
	CHECK_MEM(c.b, kernel, sizeof(kernel));

	/* Read with 8-byte alignment (Linux's, FreeBSD's) the same bytes go
	 * wrong: the second header would be looked for at 32. */
	struct cmsg_abi wrong = {12, 4, 8};
	struct xnu_decode_ctx bad = {&wrong, apple, BOOT_AT};
	decode_n(&bad, kernel, sizeof(kernel), 0, &p);
	CHECK(p.ns[TSC_SW_RX] != BOOT_AT + 5000000041LL);
}

static void test_timestamp_only(void)
{
	struct xnu_decode_ctx ctx = {&xnu_abi, intel, BOOT_AT};
	struct tsc_pkt p;
	struct cbuf c;
	uint8_t d[16];

	/* SO_TIMESTAMP alone: struct timeval, µs realtime. */
	cb_init(&c, &xnu_abi);
	cb_add(&c, XNU_SOL_SOCKET, XNU_SCM_TIMESTAMP, d, timeval(d, SEC, USEC));
	CHECK_EQ_U64(c.len, 28);
	CHECK_EQ_U64(decode_n(&ctx, c.b, c.len, 0, &p), 0);
	CHECK_EQ_U64(p.stamp_set, 1u << TSC_SW_RX);
	CHECK_EQ_U64(p.ns[TSC_SW_RX], US_NS);
	CHECK_EQ_U64(p.base[TSC_SW_RX], TSC_BASE_REALTIME);

	/* SO_TIMESTAMP_MONOTONIC alone on Intel: ticks are ns. */
	cb_init(&c, &xnu_abi);
	put_le(d, 86400000000000ull, 8); /* a day of uptime */
	cb_add(&c, XNU_SOL_SOCKET, XNU_SCM_TIMESTAMP_MONOTONIC, d, 8);
	CHECK_EQ_U64(c.len, 20);
	decode_n(&ctx, c.b, c.len, 0, &p);
	CHECK_EQ_U64(p.ns[TSC_SW_RX], BOOT_AT + 86400000000000LL);
	CHECK_EQ_U64(p.base[TSC_SW_RX], TSC_BASE_MONOTONIC);
}

/* --clock → which of SO_TIMESTAMP / SO_TIMESTAMP_MONOTONIC go on: auto
 * both (ticks win, test_kernel_literal), realtime-us only the timeval,
 * monotonic only the ticks; XNU has no ns realtime and no bintime. */
static void test_clock_choice(void)
{
	struct xnu_stamp_opts o;

	CHECK_EQ_U64(xnu_clock_choices(), 1u << TSC_CLOCKSEL_AUTO | 1u << TSC_CLOCKSEL_REALTIME_US |
	                                      1u << TSC_CLOCKSEL_MONOTONIC);
	o = xnu_stamp_opts_for(TSC_CLOCKSEL_AUTO);
	CHECK_EQ_U64(o.realtime && o.monotonic && !o.label, 1);
	o = xnu_stamp_opts_for(TSC_CLOCKSEL_REALTIME_US);
	CHECK_EQ_U64(o.realtime && !o.monotonic && o.label, 1);
	o = xnu_stamp_opts_for(TSC_CLOCKSEL_MONOTONIC);
	CHECK_EQ_U64(!o.realtime && o.monotonic && o.label, 1);
	o = xnu_stamp_opts_for(TSC_CLOCKSEL_REALTIME);
	CHECK_EQ_U64(o.realtime || o.monotonic, 0);
	o = xnu_stamp_opts_for(TSC_CLOCKSEL_BINTIME);
	CHECK_EQ_U64(o.realtime || o.monotonic, 0);
}

static void test_ticks(void)
{
	/* Intel: one tick is one ns, up to the int64 limit. */
	CHECK_EQ_U64(xnu_ticks_to_ns(0, intel), 0);
	CHECK_EQ_U64(xnu_ticks_to_ns(123456789, intel), 123456789);
	CHECK_EQ_U64(xnu_ticks_to_ns((uint64_t)INT64_MAX, intel), INT64_MAX);
	CHECK_EQ_U64(xnu_ticks_to_ns(UINT64_MAX, intel), INT64_MAX); /* saturates */
	/* Apple silicon: 24 MHz, 125/3 ns a tick, rounded down. */
	CHECK_EQ_U64(xnu_ticks_to_ns(1, apple), 41);
	CHECK_EQ_U64(xnu_ticks_to_ns(3, apple), 125);
	CHECK_EQ_U64(xnu_ticks_to_ns(24000000, apple), 1000000000);
	CHECK_EQ_U64(xnu_ticks_to_ns(2073600000000ull, apple), 86400000000000ull); /* a day */
	/* ticks * 125 overflows 64 bits beyond 1.47e17 ticks; the result
	 * still fits: (2e17 + 1) * 125 / 3 = 8333333333333333375 exactly. */
	CHECK_EQ_U64(xnu_ticks_to_ns(200000000000000001ull, apple), 8333333333333333375ull);
	CHECK_EQ_U64(xnu_ticks_to_ns(200000000000000002ull, apple), 8333333333333333416ull);
	/* Beyond int64 ns: saturate, never wrap. */
	CHECK_EQ_U64(xnu_ticks_to_ns(1ull << 60, apple), INT64_MAX);
	CHECK_EQ_U64(xnu_ticks_to_ns(UINT64_MAX, apple), INT64_MAX);
	/* The largest tick count that still fits: 221360928884514619 *
	 * 125 / 3 = 9223372036854775791.67 */
	CHECK_EQ_U64(xnu_ticks_to_ns(221360928884514619ull, apple), 9223372036854775791ull);
	/* A zero denominator is taken as 1 rather than dividing by zero. */
	CHECK_EQ_U64(xnu_ticks_to_ns(7, (struct xnu_timebase){1, 0}), 7);
}

static void test_several_and_malformed(void)
{
	struct xnu_decode_ctx ctx = {&xnu_abi, apple, 0};
	struct tsc_pkt p;
	struct cbuf c;
	uint8_t d[16];

	/* SCM_RIGHTS (not a stamp: counted), then the two stamps. */
	cb_init(&c, &xnu_abi);
	cb_add(&c, XNU_SOL_SOCKET, XNU_SCM_RIGHTS, (const uint8_t[]){3, 0, 0, 0}, 4);
	put_le(d, 24, 8);
	cb_add(&c, XNU_SOL_SOCKET, XNU_SCM_TIMESTAMP_MONOTONIC, d, 8);
	cb_add(&c, XNU_SOL_SOCKET, XNU_SCM_TIMESTAMP, d, timeval(d, SEC, USEC));
	CHECK_EQ_U64(c.len, 16 + 20 + 28);
	CHECK_EQ_U64(decode_n(&ctx, c.b, c.len, 1, &p), 1);
	CHECK_EQ_U64(p.ns[TSC_SW_RX], 1000); /* 24 ticks, the monotonic one wins */
	CHECK_EQ_U64(p.flags, TSC_PKT_CTRUNC);

	/* A timeval of 8 bytes (a 32-bit layout XNU no longer writes). */
	cb_init(&c, &xnu_abi);
	cb_add(&c, XNU_SOL_SOCKET, XNU_SCM_TIMESTAMP, d, 8);
	decode_n(&ctx, c.b, c.len, 0, &p);
	CHECK_EQ_U64(p.stamp_set, 0);
	CHECK_EQ_U64(p.flags, TSC_PKT_CBAD);

	/* Ticks of 7 bytes. */
	cb_init(&c, &xnu_abi);
	cb_add(&c, XNU_SOL_SOCKET, XNU_SCM_TIMESTAMP_MONOTONIC, d, 7);
	decode_n(&ctx, c.b, c.len, 0, &p);
	CHECK_EQ_U64(p.stamp_set, 0);
	CHECK_EQ_U64(p.flags, TSC_PKT_CBAD);

	/* cmsg_len 11: shorter than the header. */
	cb_init(&c, &xnu_abi);
	cb_add_len(&c, XNU_SOL_SOCKET, XNU_SCM_TIMESTAMP, d, 4, 11);
	decode_n(&ctx, c.b, c.len, 0, &p);
	CHECK_EQ_U64(p.flags, TSC_PKT_CBAD);

	/* Every cut of the literal: a cut inside the timeval message is
	 * malformed; inside the ticks message, the µs stamp remains. */
	ctx.mono_to_real_ns = BOOT_AT;
	for (size_t cut = 0; cut <= sizeof(kernel); cut++) {
		decode_n(&ctx, kernel, cut, 0, &p);
		if (cut < 12) {
			CHECK_EQ_U64(p.flags | p.stamp_set, 0);
		} else if (cut < 28) {
			CHECK_EQ_U64(p.flags, TSC_PKT_CBAD);
			CHECK_EQ_U64(p.stamp_set, 0);
		} else if (cut < sizeof(kernel)) {
			CHECK_EQ_U64(p.flags, cut < 40 ? 0 : TSC_PKT_CBAD);
			CHECK_EQ_U64(p.ns[TSC_SW_RX], US_NS);
		} else {
			CHECK_EQ_U64(p.base[TSC_SW_RX], TSC_BASE_MONOTONIC);
		}
	}
}

/* SCM_RIGHTS under XNU's 4-byte steps, through the common collector. */
static void test_rights(void)
{
	struct cmsg_rights r;
	struct cbuf c;
	uint8_t d[12];

	put_le(d, 10, 4);
	put_le(d + 4, 11, 4);
	put_le(d + 8, 12, 4);
	cb_init(&c, &xnu_abi);
	cb_add(&c, XNU_SOL_SOCKET, XNU_SCM_RIGHTS, d, 12); /* 24 bytes, no padding */
	cb_add(&c, XNU_SOL_SOCKET, XNU_SCM_RIGHTS, d, 4);
	CHECK_EQ_U64(c.len, 24 + 16);
	CHECK_EQ_U64(c.b[24], 16); /* the second cmsg_len, right after the first */
	uint8_t *copy = malloc(c.len);
	memcpy(copy, c.b, c.len);
	cmsg_rights_collect(&xnu_abi, copy, c.len, XNU_SOL_SOCKET, XNU_SCM_RIGHTS, &r);
	free(copy);
	CHECK_EQ_U64(r.msgs, 2);
	CHECK_EQ_U64(r.n, 4);
	CHECK_EQ_U64(r.fds[2], 12);
	CHECK_EQ_U64(r.fds[3], 10);
	CHECK_EQ_U64(r.bad + r.other + (unsigned)r.malformed, 0);
}

/* LOCAL_PEERCRED's struct xucred: u_int cr_version, uid_t cr_uid, short
 * cr_ngroups (+2 pad), gid_t cr_groups[16] = 76 bytes. */
static void test_xucred(void)
{
	uint8_t b[XNU_XUCRED_LEN];
	struct xnu_cred cr;

	memset(b, 0, sizeof(b));
	put_le(b + 4, 501, 4);
	put_le(b + 8, 2, 2);
	put_le(b + 12, 20, 4);
	put_le(b + 16, 12, 4);
	CHECK_EQ_U64(xnu_xucred_decode(b, sizeof(b), &cr), 0);
	CHECK_EQ_U64(cr.uid, 501);
	CHECK_EQ_U64(cr.ngroups, 2);
	CHECK_EQ_U64(cr.groups[0], 20);
	CHECK_EQ_U64(cr.groups[1], 12);
	CHECK_EQ_U64(xnu_xucred_decode(b, sizeof(b) - 1, &cr), (uint64_t)-1);
	put_le(b + 8, 17, 2);
	CHECK_EQ_U64(xnu_xucred_decode(b, sizeof(b), &cr), (uint64_t)-1);
	put_le(b + 8, 2, 2);
	put_le(b, 1, 4); /* another cr_version */
	CHECK_EQ_U64(xnu_xucred_decode(b, sizeof(b), &cr), (uint64_t)-1);
}

/* Built on macOS itself: the written-out layout is the system's own. */
static void test_native(void)
{
#if defined(__APPLE__)
	const struct cmsg_abi *a = &xnu_abi;

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
	test_timestamp_only();
	test_ticks();
	test_clock_choice();
	test_several_and_malformed();
	test_rights();
	test_xucred();
	return check_done();
}
