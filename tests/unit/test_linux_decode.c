/* backends/linux/decode.h: linux_cmsg_decode on control buffers laid out
 * as the Linux kernel writes them (put_cmsg: header, data, padding to
 * CMSG_ALIGN), for the 64-bit ABI (cmsghdr 16 bytes, 8-byte cmsg_len) and
 * the 32-bit one (12 bytes, 4-byte cmsg_len). Every buffer is decoded from
 * an exactly-sized heap copy so ASan sees any read past it. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "cbuf.h"
#include "check.h"
#include "linux/decode.h"

#if defined(__linux__)
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#endif

/* The stamps used throughout, and what they must become. */
#define SW_SEC  1700000000
#define SW_NSEC 123456789
#define SW_NS   1700000000123456789LL
#define HW_SEC  1700000037 /* a PHC on TAI, 37 s ahead of UTC */
#define HW_NSEC 500
#define HW_NS   1700000037000000500LL
#define TAI_UTC 37000000000LL
#define HW_UTC  1700000000000000500LL
#define US_USEC 123456
#define US_NS   1700000000123456000LL

/* struct scm_timestamping (w = 8: 64-bit time fields, w = 4: 32-bit):
 * ts[0] software, ts[1] legacy zero, ts[2] raw hardware. */
static size_t timestamping(uint8_t *out, size_t w, int64_t sw_sec, int64_t sw_nsec, int64_t hw_sec,
                           int64_t hw_nsec)
{
	memset(out, 0, 6 * w);
	put_le(out, (uint64_t)sw_sec, w);
	put_le(out + w, (uint64_t)sw_nsec, w);
	put_le(out + 4 * w, (uint64_t)hw_sec, w);
	put_le(out + 5 * w, (uint64_t)hw_nsec, w);
	return 6 * w;
}

/* A timespec / timeval: two fields of width w. */
static size_t pair(uint8_t *out, size_t w, int64_t sec, int64_t sub)
{
	put_le(out, (uint64_t)sec, w);
	put_le(out + w, (uint64_t)sub, w);
	return 2 * w;
}

static void fresh(struct tsc_pkt *p)
{
	memset(p, 0, sizeof(*p));
}

/* Decodes len bytes of buf from an exactly-sized heap copy. */
static unsigned decode_n(const struct linux_decode_ctx *ctx, const uint8_t *buf, size_t len,
                         int ctrunc, struct tsc_pkt *p)
{
	uint8_t *copy = malloc(len ? len : 1);
	unsigned r;

	if (!copy) {
		abort();
	}
	memcpy(copy, buf, len);
	r = linux_cmsg_decode(ctx, copy, len, ctrunc, p);
	free(copy);
	return r;
}

static unsigned decode(const struct linux_decode_ctx *ctx, const struct cbuf *c, int ctrunc,
                       struct tsc_pkt *p)
{
	return decode_n(ctx, c->b, c->len, ctrunc, p);
}

static const struct linux_decode_ctx ctx64 = {&linux_abi_64, 0, TSC_BASE_PHC_UTC};
static const struct linux_decode_ctx ctx32 = {&linux_abi_32, 0, TSC_BASE_PHC_UTC};

/* ------------------------------------------------------------------------ */

static void test_abis(void)
{
	CHECK_EQ_U64(linux_abi_64.hdr_len, 16);
	CHECK_EQ_U64(linux_abi_64.len_size, 8);
	CHECK_EQ_U64(linux_abi_64.align, 8);
	CHECK_EQ_U64(linux_abi_32.hdr_len, 12);
	CHECK_EQ_U64(linux_abi_32.len_size, 4);
	CHECK_EQ_U64(linux_abi_32.align, 4);
}

/* One literal buffer, as an x86_64 kernel writes SO_TIMESTAMPING_NEW,
 * SO_RXQ_OVFL and IP_PKTINFO for one datagram (udp_recvmsg order). */
/* clang-format off */
static const uint8_t kernel64[] = {
	/* cmsg_len 64 = 16 + 48, SOL_SOCKET 1, SO_TIMESTAMPING_NEW 65 */
	0x40, 0, 0, 0, 0, 0, 0, 0,  0x01, 0, 0, 0,  0x41, 0, 0, 0,
	/* ts[0] = {1700000000, 123456789} */
	0x00, 0xf1, 0x53, 0x65, 0, 0, 0, 0,  0x15, 0xcd, 0x5b, 0x07, 0, 0, 0, 0,
	/* ts[1] = {0, 0} */
	0, 0, 0, 0, 0, 0, 0, 0,  0, 0, 0, 0, 0, 0, 0, 0,
	/* ts[2] = {1700000037, 500} */
	0x25, 0xf1, 0x53, 0x65, 0, 0, 0, 0,  0xf4, 0x01, 0, 0, 0, 0, 0, 0,
	/* cmsg_len 20, SOL_SOCKET, SO_RXQ_OVFL 40: u32 4242, 4 bytes padding */
	0x14, 0, 0, 0, 0, 0, 0, 0,  0x01, 0, 0, 0,  0x28, 0, 0, 0,
	0x92, 0x10, 0, 0,  0, 0, 0, 0,
	/* cmsg_len 28, SOL_IP 0, IP_PKTINFO 8: ifindex 7, spec_dst 10.0.0.1,
	 * addr 239.1.2.3; 4 bytes padding */
	0x1c, 0, 0, 0, 0, 0, 0, 0,  0x00, 0, 0, 0,  0x08, 0, 0, 0,
	0x07, 0, 0, 0,  10, 0, 0, 1,  239, 1, 2, 3,  0, 0, 0, 0,
};
/* clang-format on */

static void test_kernel_literal(void)
{
	struct tsc_pkt p;
	struct linux_decode_ctx ctx = {&linux_abi_64, TAI_UTC, TSC_BASE_PHC_TAI};
	static const uint8_t dst[16] = {239, 1, 2, 3};

	fresh(&p);
	CHECK_EQ_U64(decode_n(&ctx, kernel64, sizeof(kernel64), 0, &p), 0);
	CHECK_EQ_U64(p.flags, 0);
	CHECK_EQ_U64(p.stamp_set, 1u << TSC_SW_RX | 1u << TSC_HW_RX);
	CHECK_EQ_U64(p.ns[TSC_SW_RX], SW_NS);
	CHECK_EQ_U64(p.ns[TSC_HW_RX], HW_UTC);
	CHECK_EQ_U64(p.base[TSC_HW_RX], TSC_BASE_PHC_TAI);
	CHECK_EQ_U64(p.drops, 4242);
	CHECK_EQ_U64(p.ifindex, 7);
	CHECK_EQ_U64(p.dst.family, TSC_AF_INET);
	CHECK_MEM(p.dst.addr, dst, 16);
}

static void test_timestamping(void)
{
	struct cbuf c;
	struct tsc_pkt p;
	uint8_t d[48];

	/* Software only: ts[2] zero. */
	cb_init(&c, &linux_abi_64);
	cb_add(&c, LNX_SOL_SOCKET, LNX_SO_TIMESTAMPING_NEW, d,
	       timestamping(d, 8, SW_SEC, SW_NSEC, 0, 0));
	CHECK_EQ_U64(c.len, 64);
	fresh(&p);
	CHECK_EQ_U64(decode(&ctx64, &c, 0, &p), 0);
	CHECK_EQ_U64(p.stamp_set, 1u << TSC_SW_RX);
	CHECK_EQ_U64(p.ns[TSC_SW_RX], SW_NS);
	CHECK_EQ_U64(p.base[TSC_SW_RX], TSC_BASE_REALTIME);
	CHECK_EQ_U64(p.flags, 0);

	/* Hardware only: ts[0] zero. */
	cb_init(&c, &linux_abi_64);
	cb_add(&c, LNX_SOL_SOCKET, LNX_SO_TIMESTAMPING_NEW, d,
	       timestamping(d, 8, 0, 0, HW_SEC, HW_NSEC));
	fresh(&p);
	CHECK_EQ_U64(decode(&ctx64, &c, 0, &p), 0);
	CHECK_EQ_U64(p.stamp_set, 1u << TSC_HW_RX);
	CHECK_EQ_U64(p.ns[TSC_HW_RX], HW_NS);
	CHECK_EQ_U64(p.base[TSC_HW_RX], TSC_BASE_PHC_UTC);

	/* Both, under the old number (37): same layout on 64-bit. */
	cb_init(&c, &linux_abi_64);
	cb_add(&c, LNX_SOL_SOCKET, LNX_SO_TIMESTAMPING_OLD, d,
	       timestamping(d, 8, SW_SEC, SW_NSEC, HW_SEC, HW_NSEC));
	fresh(&p);
	CHECK_EQ_U64(decode(&ctx64, &c, 0, &p), 0);
	CHECK_EQ_U64(p.stamp_set, 1u << TSC_SW_RX | 1u << TSC_HW_RX);
	CHECK_EQ_U64(p.ns[TSC_SW_RX], SW_NS);
	CHECK_EQ_U64(p.ns[TSC_HW_RX], HW_NS);

	/* The legacy ts[1] is ignored even when non-zero. */
	timestamping(d, 8, SW_SEC, SW_NSEC, 0, 0);
	put_le(d + 16, 99, 8);
	put_le(d + 24, 99, 8);
	cb_init(&c, &linux_abi_64);
	cb_add(&c, LNX_SOL_SOCKET, LNX_SO_TIMESTAMPING_NEW, d, 48);
	fresh(&p);
	decode(&ctx64, &c, 0, &p);
	CHECK_EQ_U64(p.stamp_set, 1u << TSC_SW_RX);

	/* All zero: no stamp at all. */
	cb_init(&c, &linux_abi_64);
	cb_add(&c, LNX_SOL_SOCKET, LNX_SO_TIMESTAMPING_NEW, d, timestamping(d, 8, 0, 0, 0, 0));
	fresh(&p);
	CHECK_EQ_U64(decode(&ctx64, &c, 0, &p), 0);
	CHECK_EQ_U64(p.stamp_set, 0);
	CHECK_EQ_U64(p.flags, 0);

	/* 32-bit: OLD has 4-byte fields (24 bytes), NEW 8-byte ones (48). */
	cb_init(&c, &linux_abi_32);
	cb_add(&c, LNX_SOL_SOCKET, LNX_SO_TIMESTAMPING_OLD, d,
	       timestamping(d, 4, SW_SEC, SW_NSEC, HW_SEC, HW_NSEC));
	CHECK_EQ_U64(c.len, 36);
	fresh(&p);
	CHECK_EQ_U64(decode(&ctx32, &c, 0, &p), 0);
	CHECK_EQ_U64(p.stamp_set, 1u << TSC_SW_RX | 1u << TSC_HW_RX);
	CHECK_EQ_U64(p.ns[TSC_SW_RX], SW_NS);
	CHECK_EQ_U64(p.ns[TSC_HW_RX], HW_NS);
	CHECK_EQ_U64(p.flags, 0);

	cb_init(&c, &linux_abi_32);
	cb_add(&c, LNX_SOL_SOCKET, LNX_SO_TIMESTAMPING_NEW, d,
	       timestamping(d, 8, SW_SEC, SW_NSEC, HW_SEC, HW_NSEC));
	CHECK_EQ_U64(c.len, 60);
	fresh(&p);
	CHECK_EQ_U64(decode(&ctx32, &c, 0, &p), 0);
	CHECK_EQ_U64(p.ns[TSC_SW_RX], SW_NS);
	CHECK_EQ_U64(p.ns[TSC_HW_RX], HW_NS);
	CHECK_EQ_U64(p.flags, 0);

	/* A 32-bit OLD field is signed: 0xffffffff nsec is -1. */
	cb_init(&c, &linux_abi_32);
	cb_add(&c, LNX_SOL_SOCKET, LNX_SO_TIMESTAMPING_OLD, d,
	       timestamping(d, 4, SW_SEC, 0xffffffff, 0, 0));
	fresh(&p);
	decode(&ctx32, &c, 0, &p);
	CHECK_EQ_U64(p.ns[TSC_SW_RX], 1700000000LL * 1000000000LL - 1);

	/* Wrong sizes for the ABI: 64-bit layout of OLD on a 32-bit ABI, and
	 * the 32-bit layout of OLD on a 64-bit one. */
	cb_init(&c, &linux_abi_32);
	cb_add(&c, LNX_SOL_SOCKET, LNX_SO_TIMESTAMPING_OLD, d,
	       timestamping(d, 8, SW_SEC, SW_NSEC, 0, 0));
	fresh(&p);
	decode(&ctx32, &c, 0, &p);
	CHECK_EQ_U64(p.flags, TSC_PKT_CBAD);
	CHECK_EQ_U64(p.stamp_set, 0);

	cb_init(&c, &linux_abi_64);
	cb_add(&c, LNX_SOL_SOCKET, LNX_SO_TIMESTAMPING_OLD, d,
	       timestamping(d, 4, SW_SEC, SW_NSEC, 0, 0));
	fresh(&p);
	decode(&ctx64, &c, 0, &p);
	CHECK_EQ_U64(p.flags, TSC_PKT_CBAD);
	CHECK_EQ_U64(p.stamp_set, 0);
}

static void test_single_stamps(void)
{
	struct cbuf c;
	struct tsc_pkt p;
	uint8_t d[16];
	static const struct {
		int type;
		const struct linux_decode_ctx *ctx;
		size_t w;
		int64_t sub, want;
	} cases[] = {
	    {LNX_SO_TIMESTAMPNS_OLD, &ctx64, 8, SW_NSEC, SW_NS},
	    {LNX_SO_TIMESTAMPNS_NEW, &ctx64, 8, SW_NSEC, SW_NS},
	    {LNX_SO_TIMESTAMPNS_OLD, &ctx32, 4, SW_NSEC, SW_NS},
	    {LNX_SO_TIMESTAMPNS_NEW, &ctx32, 8, SW_NSEC, SW_NS},
	    {LNX_SO_TIMESTAMP_OLD, &ctx64, 8, US_USEC, US_NS}, /* µs → ns */
	    {LNX_SO_TIMESTAMP_NEW, &ctx64, 8, US_USEC, US_NS},
	    {LNX_SO_TIMESTAMP_OLD, &ctx32, 4, US_USEC, US_NS},
	    {LNX_SO_TIMESTAMP_NEW, &ctx32, 8, US_USEC, US_NS},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned failed = check_failed;

		cb_init(&c, cases[i].ctx->abi);
		cb_add(&c, LNX_SOL_SOCKET, cases[i].type, d,
		       pair(d, cases[i].w, SW_SEC, cases[i].sub));
		fresh(&p);
		CHECK_EQ_U64(decode(cases[i].ctx, &c, 0, &p), 0);
		CHECK_EQ_U64(p.stamp_set, 1u << TSC_SW_RX);
		CHECK_EQ_U64(p.ns[TSC_SW_RX], cases[i].want);
		CHECK_EQ_U64(p.base[TSC_SW_RX], TSC_BASE_REALTIME);
		CHECK_EQ_U64(p.flags, 0);

		/* One byte short of the exact length: malformed, no stamp. */
		cb_init(&c, cases[i].ctx->abi);
		cb_add(&c, LNX_SOL_SOCKET, cases[i].type, d, 2 * cases[i].w - 1);
		fresh(&p);
		decode(cases[i].ctx, &c, 0, &p);
		CHECK_EQ_U64(p.flags, TSC_PKT_CBAD);
		CHECK_EQ_U64(p.stamp_set, 0);
		if (check_failed != failed) {
			fprintf(stderr, "    in single-stamp case %zu (type %d)\n", i,
			        cases[i].type);
		}
	}
}

static void test_rxq_ovfl(void)
{
	struct cbuf c;
	struct tsc_pkt p;
	uint8_t d[8];

	put_le(d, 0xfffffffe, 4);
	cb_init(&c, &linux_abi_64);
	cb_add(&c, LNX_SOL_SOCKET, LNX_SO_RXQ_OVFL, d, 4);
	fresh(&p);
	CHECK_EQ_U64(decode(&ctx64, &c, 0, &p), 0);
	CHECK_EQ_U64(p.drops, 0xfffffffe);
	CHECK_EQ_U64(p.flags, 0);

	cb_init(&c, &linux_abi_32);
	put_le(d, 17, 4);
	cb_add(&c, LNX_SOL_SOCKET, LNX_SO_RXQ_OVFL, d, 4);
	fresh(&p);
	decode(&ctx32, &c, 0, &p);
	CHECK_EQ_U64(p.drops, 17);

	/* 8 bytes is not a u32: malformed, drops untouched. */
	put_le(d, 5, 8);
	cb_init(&c, &linux_abi_64);
	cb_add(&c, LNX_SOL_SOCKET, LNX_SO_RXQ_OVFL, d, 8);
	fresh(&p);
	p.drops = 3;
	decode(&ctx64, &c, 0, &p);
	CHECK_EQ_U64(p.drops, 3);
	CHECK_EQ_U64(p.flags, TSC_PKT_CBAD);
}

static void test_pktinfo(void)
{
	struct cbuf c;
	struct tsc_pkt p;
	uint8_t d[20];
	static const uint8_t want4[16] = {239, 1, 2, 3};
	static const uint8_t ff02_1[16] = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
	static const uint8_t mapped[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 77};
	static const uint8_t want_mapped[16] = {192, 0, 2, 77};

	/* struct in_pktinfo: ipi_ifindex 7, ipi_spec_dst 10.0.0.1 (the local
	 * address that routed it), ipi_addr 239.1.2.3 (the header's dst). */
	put_le(d, 7, 4);
	d[4] = 10, d[5] = 0, d[6] = 0, d[7] = 1;
	d[8] = 239, d[9] = 1, d[10] = 2, d[11] = 3;
	cb_init(&c, &linux_abi_64);
	cb_add(&c, LNX_SOL_IP, LNX_IP_PKTINFO, d, 12);
	fresh(&p);
	memset(p.dst.addr, 0xaa, sizeof(p.dst.addr));
	p.dst.port = 9000;
	CHECK_EQ_U64(decode(&ctx64, &c, 0, &p), 0);
	CHECK_EQ_U64(p.ifindex, 7);
	CHECK_EQ_U64(p.dst.family, TSC_AF_INET);
	CHECK_MEM(p.dst.addr, want4, 16);
	CHECK_EQ_U64(p.dst.port, 9000);
	CHECK_EQ_U64(p.flags, 0);

	/* Same on the 32-bit ABI (data at 12). */
	cb_init(&c, &linux_abi_32);
	cb_add(&c, LNX_SOL_IP, LNX_IP_PKTINFO, d, 12);
	fresh(&p);
	decode(&ctx32, &c, 0, &p);
	CHECK_EQ_U64(p.ifindex, 7);
	CHECK_MEM(p.dst.addr, want4, 16);

	/* 8 bytes: malformed, nothing taken. */
	cb_init(&c, &linux_abi_64);
	cb_add(&c, LNX_SOL_IP, LNX_IP_PKTINFO, d, 8);
	fresh(&p);
	decode(&ctx64, &c, 0, &p);
	CHECK_EQ_U64(p.flags, TSC_PKT_CBAD);
	CHECK_EQ_U64(p.ifindex, 0);
	CHECK_EQ_U64(p.dst.family, TSC_AF_NONE);

	/* struct in6_pktinfo: ipi6_addr ff02::1, ipi6_ifindex 3. */
	memcpy(d, ff02_1, 16);
	put_le(d + 16, 3, 4);
	cb_init(&c, &linux_abi_64);
	cb_add(&c, LNX_SOL_IPV6, LNX_IPV6_PKTINFO, d, 20);
	fresh(&p);
	CHECK_EQ_U64(decode(&ctx64, &c, 0, &p), 0);
	CHECK_EQ_U64(p.ifindex, 3);
	CHECK_EQ_U64(p.dst.family, TSC_AF_INET6);
	CHECK_MEM(p.dst.addr, ff02_1, 16);
	CHECK_EQ_U64(p.flags, 0);

	/* ::ffff:192.0.2.77 on a dual-stack socket comes out as IPv4. */
	memcpy(d, mapped, 16);
	put_le(d + 16, 2, 4);
	cb_init(&c, &linux_abi_64);
	cb_add(&c, LNX_SOL_IPV6, LNX_IPV6_PKTINFO, d, 20);
	fresh(&p);
	memset(p.dst.addr, 0xaa, sizeof(p.dst.addr));
	decode(&ctx64, &c, 0, &p);
	CHECK_EQ_U64(p.ifindex, 2);
	CHECK_EQ_U64(p.dst.family, TSC_AF_INET);
	CHECK_MEM(p.dst.addr, want_mapped, 16);

	/* ::192.0.2.77 (v4-compatible, deprecated) is not mapped: IPv6. */
	d[10] = 0, d[11] = 0;
	cb_init(&c, &linux_abi_64);
	cb_add(&c, LNX_SOL_IPV6, LNX_IPV6_PKTINFO, d, 20);
	fresh(&p);
	decode(&ctx64, &c, 0, &p);
	CHECK_EQ_U64(p.dst.family, TSC_AF_INET6);
	CHECK_MEM(p.dst.addr, d, 16);

	/* 16 bytes: malformed. */
	cb_init(&c, &linux_abi_64);
	cb_add(&c, LNX_SOL_IPV6, LNX_IPV6_PKTINFO, d, 16);
	fresh(&p);
	decode(&ctx64, &c, 0, &p);
	CHECK_EQ_U64(p.flags, TSC_PKT_CBAD);
	CHECK_EQ_U64(p.dst.family, TSC_AF_NONE);

	/* struct scm_ts_pktinfo: if_index 9, pkt_length 1234, reserved. */
	memset(d, 0, sizeof(d));
	put_le(d, 9, 4);
	put_le(d + 4, 1234, 4);
	cb_init(&c, &linux_abi_64);
	cb_add(&c, LNX_SOL_SOCKET, LNX_SCM_TIMESTAMPING_PKTINFO, d, 16);
	fresh(&p);
	CHECK_EQ_U64(decode(&ctx64, &c, 0, &p), 0);
	CHECK_EQ_U64(p.ifindex, 9);
	CHECK_EQ_U64(p.flags, 0);

	/* It only fills in an interface nothing else named: IP_PKTINFO's
	 * ifindex (7) stays. */
	cb_init(&c, &linux_abi_64);
	{
		uint8_t pi[12] = {7, 0, 0, 0, 10, 0, 0, 1, 239, 1, 2, 3};
		cb_add(&c, LNX_SOL_IP, LNX_IP_PKTINFO, pi, 12);
	}
	cb_add(&c, LNX_SOL_SOCKET, LNX_SCM_TIMESTAMPING_PKTINFO, d, 16);
	fresh(&p);
	CHECK_EQ_U64(decode(&ctx64, &c, 0, &p), 0);
	CHECK_EQ_U64(p.ifindex, 7);

	cb_init(&c, &linux_abi_64);
	cb_add(&c, LNX_SOL_SOCKET, LNX_SCM_TIMESTAMPING_PKTINFO, d, 12);
	fresh(&p);
	decode(&ctx64, &c, 0, &p);
	CHECK_EQ_U64(p.flags, TSC_PKT_CBAD);
	CHECK_EQ_U64(p.ifindex, 0);
}

/* Messages the decoder does not know are counted, not errors. */
/* IP_TTL and IPV6_HOPLIMIT: an int each; a wrong length marks the
 * packet, a value outside 0..255 is clamped. */
static void test_ttl(void)
{
	struct cbuf c;
	struct tsc_pkt p;
	uint8_t d[4];

	put_le(d, 63, 4);
	cb_init(&c, &linux_abi_64);
	cb_add(&c, LNX_SOL_IP, LNX_IP_TTL, d, 4);
	fresh(&p);
	CHECK_EQ_U64(decode(&ctx64, &c, 0, &p), 0);
	CHECK_EQ_U64(p.ttl, 63);
	put_le(d, 255, 4);
	cb_init(&c, &linux_abi_32);
	cb_add(&c, LNX_SOL_IPV6, LNX_IPV6_HOPLIMIT, d, 4);
	fresh(&p);
	CHECK_EQ_U64(decode(&ctx32, &c, 0, &p), 0);
	CHECK_EQ_U64(p.ttl, 255);
	put_le(d, 0xffffffffu, 4);
	cb_init(&c, &linux_abi_64);
	cb_add(&c, LNX_SOL_IP, LNX_IP_TTL, d, 4);
	fresh(&p);
	decode(&ctx64, &c, 0, &p);
	CHECK_EQ_U64(p.ttl, 0);
	cb_init(&c, &linux_abi_64);
	cb_add(&c, LNX_SOL_IP, LNX_IP_TTL, d, 2);
	fresh(&p);
	decode(&ctx64, &c, 0, &p);
	CHECK(p.flags & TSC_PKT_CBAD);
	CHECK_EQ_U64(p.ttl, 0);
}

static void test_unknown(void)
{
	struct cbuf c;
	struct tsc_pkt p;
	uint8_t d[48], u[8] = {1, 2, 3, 4, 5, 6, 7, 8};

	cb_init(&c, &linux_abi_64);
	cb_add(&c, LNX_SOL_SOCKET, LNX_SCM_TS_OPT_ID, u, 4); /* known number, not decoded */
	cb_add(&c, LNX_SOL_SOCKET, LNX_SO_TIMESTAMPING_NEW, d,
	       timestamping(d, 8, SW_SEC, SW_NSEC, HW_SEC, HW_NSEC));
	cb_add(&c, LNX_SOL_IP, 1 /* IP_TOS */, u, 1);
	put_le(d, 12, 4);
	cb_add(&c, LNX_SOL_SOCKET, LNX_SO_RXQ_OVFL, d, 4);
	cb_add(&c, LNX_SOL_IPV6, 67 /* IPV6_TCLASS */, u, 4);
	cb_add(&c, 6 /* SOL_TCP */, LNX_IP_PKTINFO, u, 8); /* right type, wrong level */
	cb_add(&c, 0x7fffffff, 0x7fffffff, u, 0);
	fresh(&p);
	CHECK_EQ_U64(decode(&ctx64, &c, 0, &p), 5);
	CHECK_EQ_U64(p.flags, 0);
	CHECK_EQ_U64(p.ns[TSC_SW_RX], SW_NS);
	CHECK_EQ_U64(p.ns[TSC_HW_RX], HW_NS);
	CHECK_EQ_U64(p.drops, 12);
	CHECK_EQ_U64(p.ifindex, 0);
	CHECK_EQ_U64(p.dst.family, TSC_AF_NONE);
}

/* A malformed message does not stop the others being decoded. */
static void test_bad_length_among_good(void)
{
	struct cbuf c;
	struct tsc_pkt p;
	uint8_t d[48];

	cb_init(&c, &linux_abi_64);
	cb_add(&c, LNX_SOL_SOCKET, LNX_SO_TIMESTAMPING_NEW, d,
	       timestamping(d, 8, SW_SEC, SW_NSEC, 0, 0) - 8); /* 40 bytes */
	put_le(d, 77, 4);
	cb_add(&c, LNX_SOL_SOCKET, LNX_SO_RXQ_OVFL, d, 4);
	fresh(&p);
	CHECK_EQ_U64(decode(&ctx64, &c, 0, &p), 0);
	CHECK_EQ_U64(p.flags, TSC_PKT_CBAD);
	CHECK_EQ_U64(p.stamp_set, 0);
	CHECK_EQ_U64(p.drops, 77);

	/* One byte too many is as wrong as one too few. */
	cb_init(&c, &linux_abi_64);
	timestamping(d, 8, SW_SEC, SW_NSEC, 0, 0);
	cb_add(&c, LNX_SOL_SOCKET, LNX_SO_TIMESTAMPING_NEW, d, 48);
	cb_add_len(&c, LNX_SOL_SOCKET, LNX_SO_TIMESTAMPNS_NEW, d, 17, 0);
	fresh(&p);
	decode(&ctx64, &c, 0, &p);
	CHECK_EQ_U64(p.flags, TSC_PKT_CBAD);
	CHECK_EQ_U64(p.stamp_set, 1u << TSC_SW_RX); /* from the good message */
}

/* Buffers cut short: cmsg_len runs past the end. */
static void test_truncated(void)
{
	struct cbuf c;
	struct tsc_pkt p;
	uint8_t d[48];

	/* The whole message claims 64 bytes; only the first 40 are there. */
	cb_init(&c, &linux_abi_64);
	cb_add(&c, LNX_SOL_SOCKET, LNX_SO_TIMESTAMPING_NEW, d,
	       timestamping(d, 8, SW_SEC, SW_NSEC, HW_SEC, HW_NSEC));
	for (size_t len = 1; len < c.len; len++) {
		fresh(&p);
		decode_n(&ctx64, c.b, len, 0, &p);
		CHECK_EQ_U64(p.stamp_set, 0);
		/* Less than a header is an empty end, more a malformed one. */
		CHECK_EQ_U64(p.flags, len < 16 ? 0 : TSC_PKT_CBAD);
	}

	/* A good RXQ_OVFL first, then the cut message. */
	cb_init(&c, &linux_abi_64);
	put_le(d, 5, 4);
	cb_add(&c, LNX_SOL_SOCKET, LNX_SO_RXQ_OVFL, d, 4);
	cb_add(&c, LNX_SOL_SOCKET, LNX_SO_TIMESTAMPING_NEW, d,
	       timestamping(d, 8, SW_SEC, SW_NSEC, 0, 0));
	fresh(&p);
	decode_n(&ctx64, c.b, c.len - 1, 0, &p);
	CHECK_EQ_U64(p.drops, 5);
	CHECK_EQ_U64(p.stamp_set, 0);
	CHECK_EQ_U64(p.flags, TSC_PKT_CBAD);

	/* What put_cmsg does when msg_controllen is short: cmsg_len is cut to
	 * the room left, MSG_CTRUNC is set. */
	cb_init(&c, &linux_abi_64);
	cb_add_len(&c, LNX_SOL_SOCKET, LNX_SO_TIMESTAMPING_NEW, d,
	           timestamping(d, 8, SW_SEC, SW_NSEC, 0, 0), 40);
	fresh(&p);
	decode_n(&ctx64, c.b, 40, 1, &p);
	CHECK_EQ_U64(p.flags, TSC_PKT_CBAD | TSC_PKT_CTRUNC);
	CHECK_EQ_U64(p.stamp_set, 0);
}

static void test_ctrunc_and_flags(void)
{
	struct cbuf c;
	struct tsc_pkt p;
	uint8_t d[48];

	cb_init(&c, &linux_abi_64);
	cb_add(&c, LNX_SOL_SOCKET, LNX_SO_TIMESTAMPING_NEW, d,
	       timestamping(d, 8, SW_SEC, SW_NSEC, 0, 0));
	fresh(&p);
	CHECK_EQ_U64(decode(&ctx64, &c, 1, &p), 0);
	CHECK_EQ_U64(p.flags, TSC_PKT_CTRUNC);
	CHECK_EQ_U64(p.ns[TSC_SW_RX], SW_NS); /* what did arrive is kept */

	/* Flags already set by the rx path stay set. */
	fresh(&p);
	p.flags = TSC_PKT_TRUNC;
	decode(&ctx64, &c, 0, &p);
	CHECK_EQ_U64(p.flags, TSC_PKT_TRUNC);

	/* No control data at all. */
	fresh(&p);
	CHECK_EQ_U64(linux_cmsg_decode(&ctx64, NULL, 0, 0, &p), 0);
	CHECK_EQ_U64(p.flags, 0);
	CHECK_EQ_U64(p.stamp_set, 0);
	fresh(&p);
	CHECK_EQ_U64(linux_cmsg_decode(&ctx64, NULL, 0, 1, &p), 0);
	CHECK_EQ_U64(p.flags, TSC_PKT_CTRUNC);
}

static void test_tai_correction(void)
{
	struct cbuf c;
	struct tsc_pkt p;
	uint8_t d[48];
	struct linux_decode_ctx tai = {&linux_abi_64, TAI_UTC, TSC_BASE_PHC_TAI};
	struct linux_decode_ctx tai32 = {&linux_abi_32, TAI_UTC, TSC_BASE_PHC_TAI};

	cb_init(&c, &linux_abi_64);
	cb_add(&c, LNX_SOL_SOCKET, LNX_SO_TIMESTAMPING_NEW, d,
	       timestamping(d, 8, SW_SEC, SW_NSEC, HW_SEC, HW_NSEC));
	fresh(&p);
	decode(&tai, &c, 0, &p);
	CHECK_EQ_U64(p.ns[TSC_HW_RX], HW_UTC);
	CHECK_EQ_U64(p.base[TSC_HW_RX], TSC_BASE_PHC_TAI);
	CHECK_EQ_U64(p.ns[TSC_SW_RX], SW_NS); /* software stamps are UTC already */
	CHECK_EQ_U64(p.base[TSC_SW_RX], TSC_BASE_REALTIME);

	/* Software-only timestamps are never shifted. */
	uint8_t t[16];
	cb_init(&c, &linux_abi_64);
	cb_add(&c, LNX_SOL_SOCKET, LNX_SO_TIMESTAMPNS_NEW, t, pair(t, 8, SW_SEC, SW_NSEC));
	fresh(&p);
	decode(&tai, &c, 0, &p);
	CHECK_EQ_U64(p.ns[TSC_SW_RX], SW_NS);

	cb_init(&c, &linux_abi_32);
	cb_add(&c, LNX_SOL_SOCKET, LNX_SO_TIMESTAMPING_OLD, d,
	       timestamping(d, 4, 0, 0, HW_SEC, HW_NSEC));
	fresh(&p);
	decode(&tai32, &c, 0, &p);
	CHECK_EQ_U64(p.stamp_set, 1u << TSC_HW_RX);
	CHECK_EQ_U64(p.ns[TSC_HW_RX], HW_UTC);
	CHECK_EQ_U64(p.base[TSC_HW_RX], TSC_BASE_PHC_TAI);
}

/* The layouts above against the host's own structs and CMSG macros. */
static void test_native_structs(void)
{
#if defined(__linux__) && defined(__LP64__)
	union {
		uint8_t b[256];
		struct cmsghdr align;
	} ctl;
	struct msghdr msg;
	struct cmsghdr *cm;
	struct scm_timestamping ts;
	struct in_pktinfo pi;
	uint32_t ovfl = 31;
	struct tsc_pkt p;
	static const uint8_t want[16] = {198, 51, 100, 7};

	memset(&ctl, 0, sizeof(ctl));
	memset(&msg, 0, sizeof(msg));
	memset(&ts, 0, sizeof(ts));
	memset(&pi, 0, sizeof(pi));
	ts.ts[0].tv_sec = SW_SEC;
	ts.ts[0].tv_nsec = SW_NSEC;
	ts.ts[2].tv_sec = HW_SEC;
	ts.ts[2].tv_nsec = HW_NSEC;
	pi.ipi_ifindex = 4;
	pi.ipi_spec_dst.s_addr = htonl(0x0a000001);
	pi.ipi_addr.s_addr = htonl(0xc6336407); /* 198.51.100.7 */
	msg.msg_control = ctl.b;
	msg.msg_controllen = sizeof(ctl.b);

	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SO_TIMESTAMPING;
	cm->cmsg_len = CMSG_LEN(sizeof(ts));
	memcpy(CMSG_DATA(cm), &ts, sizeof(ts));
	size_t len = CMSG_SPACE(sizeof(ts));
	cm = CMSG_NXTHDR(&msg, cm);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SO_RXQ_OVFL;
	cm->cmsg_len = CMSG_LEN(sizeof(ovfl));
	memcpy(CMSG_DATA(cm), &ovfl, sizeof(ovfl));
	len += CMSG_SPACE(sizeof(ovfl));
	cm = CMSG_NXTHDR(&msg, cm);
	cm->cmsg_level = IPPROTO_IP;
	cm->cmsg_type = IP_PKTINFO;
	cm->cmsg_len = CMSG_LEN(sizeof(pi));
	memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
	len += CMSG_SPACE(sizeof(pi));

	CHECK_EQ_U64(sizeof(struct scm_timestamping), 48);
	CHECK_EQ_U64(sizeof(struct in_pktinfo), 12);
	CHECK_EQ_U64(sizeof(struct in6_pktinfo), 20);
	CHECK_EQ_U64(SO_TIMESTAMPING_OLD, LNX_SO_TIMESTAMPING_OLD);
	CHECK_EQ_U64(SO_TIMESTAMPNS_OLD, LNX_SO_TIMESTAMPNS_OLD);
	CHECK_EQ_U64(SO_TIMESTAMP_OLD, LNX_SO_TIMESTAMP_OLD);
	CHECK_EQ_U64(SO_RXQ_OVFL, LNX_SO_RXQ_OVFL);
	CHECK_EQ_U64(IP_PKTINFO, LNX_IP_PKTINFO);
	CHECK_EQ_U64(IPV6_PKTINFO, LNX_IPV6_PKTINFO);
	CHECK_EQ_U64(SOL_IPV6, LNX_SOL_IPV6);

	fresh(&p);
	CHECK_EQ_U64(decode_n(&ctx64, ctl.b, len, 0, &p), 0);
	CHECK_EQ_U64(p.flags, 0);
	CHECK_EQ_U64(p.ns[TSC_SW_RX], SW_NS);
	CHECK_EQ_U64(p.ns[TSC_HW_RX], HW_NS);
	CHECK_EQ_U64(p.drops, 31);
	CHECK_EQ_U64(p.ifindex, 4);
	CHECK_MEM(p.dst.addr, want, 16);
#endif
}

/* Last, because under -fsanitize=undefined it may stop the program: a
 * hostile hardware stamp near INT64_MIN, minus the TAI offset, must wrap
 * (nstime.h: "a hostile value wraps instead of being undefined
 * behaviour"), not overflow a signed subtraction. */
static void test_hostile_hw_stamp(void)
{
	struct cbuf c;
	struct tsc_pkt p;
	uint8_t d[48];
	struct linux_decode_ctx tai = {&linux_abi_64, TAI_UTC, TSC_BASE_PHC_TAI};
	int64_t sec = -9223372036LL, nsec = -854775800LL; /* INT64_MIN + 8 ns */

	cb_init(&c, &linux_abi_64);
	cb_add(&c, LNX_SOL_SOCKET, LNX_SO_TIMESTAMPING_NEW, d, timestamping(d, 8, 0, 0, sec, nsec));
	fresh(&p);
	fprintf(stderr, "note: next, a hostile stamp near INT64_MIN (UBSan stops here if "
	                "decode.c subtracts in signed arithmetic)\n");
	fflush(stderr);
	decode(&tai, &c, 0, &p);
	CHECK_EQ_U64(p.ns[TSC_HW_RX], (uint64_t)INT64_MIN + 8 - (uint64_t)TAI_UTC);
}

int main(void)
{
	SKIP_UNLESS_LITTLE_ENDIAN();
	test_abis();
	test_kernel_literal();
	test_timestamping();
	test_single_stamps();
	test_rxq_ovfl();
	test_pktinfo();
	test_ttl();
	test_unknown();
	test_bad_length_among_good();
	test_truncated();
	test_ctrunc_and_flags();
	test_tai_correction();
	test_native_structs();
	test_hostile_hw_stamp();
	return check_done();
}
