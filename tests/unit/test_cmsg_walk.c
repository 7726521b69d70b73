/* src/cmsg_walk.h: the control-message walker under the layouts of
 * several kernels, on buffers written out byte by byte as those kernels
 * lay them out (little-endian hosts). Every case runs three times: on the
 * static array, on an exactly-sized malloc copy and on a copy at an odd
 * address, so AddressSanitizer sees any read past the end. */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "check.h"
#include "cmsg_walk.h"

/* hdr_len, len_size, align */
static const struct cmsg_abi abi_linux64 = {16, 8, 8}; /* x86_64, arm64: data at 16 */
static const struct cmsg_abi abi_linux32 = {12, 4, 4}; /* i386, arm: data at 12 */
static const struct cmsg_abi abi_xnu = {12, 4, 4};     /* every XNU: data at 12 */
static const struct cmsg_abi abi_fbsd64 = {12, 4, 8};  /* FreeBSD amd64: data at 16 */

#define PAD 0xee /* bytes the kernel skips (padding): never part of an item */

/* clang-format off */

/* --- Linux 64-bit: three messages, padding after the 2nd and 3rd --------- */
static const uint8_t linux64_three[88] = {
	/* [0] cmsg_len 32 (u64), level 1 SOL_SOCKET, type 29 SO_TIMESTAMP_OLD */
	0x20, 0, 0, 0, 0, 0, 0, 0,  0x01, 0, 0, 0,  0x1d, 0, 0, 0,
	/* [16] 16 data bytes */
	0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
	0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
	/* [32] cmsg_len 28, level 0 SOL_IP, type 8 IP_PKTINFO */
	0x1c, 0, 0, 0, 0, 0, 0, 0,  0x00, 0, 0, 0,  0x08, 0, 0, 0,
	/* [48] 12 data bytes, then 4 padding bytes to the next multiple of 8 */
	0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b,
	PAD, PAD, PAD, PAD,
	/* [64] cmsg_len 20, level 1, type 40 SO_RXQ_OVFL */
	0x14, 0, 0, 0, 0, 0, 0, 0,  0x01, 0, 0, 0,  0x28, 0, 0, 0,
	/* [80] 4 data bytes, 4 padding */
	0x30, 0x31, 0x32, 0x33,  PAD, PAD, PAD, PAD,
};

/* --- Linux 32-bit: four messages, one with a 5-byte payload --------------- */
static const uint8_t linux32_four[88] = {
	/* [0] cmsg_len 28 (u32), level 1, type 29; 16 data bytes */
	0x1c, 0, 0, 0,  0x01, 0, 0, 0,  0x1d, 0, 0, 0,
	0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
	0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
	/* [28] cmsg_len 17, level 1, type 99; 5 data bytes, 3 padding */
	0x11, 0, 0, 0,  0x01, 0, 0, 0,  0x63, 0, 0, 0,
	0x40, 0x41, 0x42, 0x43, 0x44,  PAD, PAD, PAD,
	/* [48] cmsg_len 24, level 0, type 8; 12 data bytes */
	0x18, 0, 0, 0,  0x00, 0, 0, 0,  0x08, 0, 0, 0,
	0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b,
	/* [72] cmsg_len 16, level 1, type 40; 4 data bytes */
	0x10, 0, 0, 0,  0x01, 0, 0, 0,  0x28, 0, 0, 0,
	0x30, 0x31, 0x32, 0x33,
};

/* --- XNU (any word size): cmsghdr is 12 bytes, 4-byte alignment ---------- */
static const uint8_t xnu_four[80] = {
	/* [0] cmsg_len 28, level 0xffff SOL_SOCKET, type 2 SCM_TIMESTAMP */
	0x1c, 0, 0, 0,  0xff, 0xff, 0, 0,  0x02, 0, 0, 0,
	/* [12] struct timeval (LP64): tv_sec 1700000000, tv_usec 123456, 4 pad */
	0x00, 0xf1, 0x53, 0x65, 0, 0, 0, 0,  0x40, 0xe2, 0x01, 0x00, 0, 0, 0, 0,
	/* [28] cmsg_len 20, level 0xffff, type 4 SCM_TIMESTAMP_MONOTONIC: u64 */
	0x14, 0, 0, 0,  0xff, 0xff, 0, 0,  0x04, 0, 0, 0,
	0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01,
	/* [48] cmsg_len 13, level 0 IPPROTO_IP, type 24 IP_RECVTTL: 1 byte, 3 pad */
	0x0d, 0, 0, 0,  0x00, 0, 0, 0,  0x18, 0, 0, 0,
	0x40,  PAD, PAD, PAD,
	/* [64] cmsg_len 16, level 0, type 7 IP_RECVDSTADDR: in_addr 127.0.0.1 */
	0x10, 0, 0, 0,  0x00, 0, 0, 0,  0x07, 0, 0, 0,
	127, 0, 0, 1,
};

/* --- FreeBSD amd64: 12-byte header, data at _ALIGN(12) = 16 -------------- */
static const uint8_t fbsd64_three[88] = {
	/* [0] cmsg_len 32 = CMSG_LEN(16), level 0xffff, type 4 SCM_BINTIME,
	 * then 4 bytes between header and data */
	0x20, 0, 0, 0,  0xff, 0xff, 0, 0,  0x04, 0, 0, 0,  PAD, PAD, PAD, PAD,
	/* [16] struct bintime: sec 1700000000, frac 2^63 (half a second) */
	0x00, 0xf1, 0x53, 0x65, 0, 0, 0, 0,  0, 0, 0, 0, 0, 0, 0, 0x80,
	/* [32] cmsg_len 20, level 0, type 7 IP_RECVDSTADDR, 4 header pad */
	0x14, 0, 0, 0,  0x00, 0, 0, 0,  0x07, 0, 0, 0,  PAD, PAD, PAD, PAD,
	/* [48] in_addr 192.0.2.1, 4 padding to the next multiple of 8 */
	192, 0, 2, 1,  PAD, PAD, PAD, PAD,
	/* [56] cmsg_len 32, level 0xffff, type 2 SCM_TIMESTAMP, 4 header pad */
	0x20, 0, 0, 0,  0xff, 0xff, 0, 0,  0x02, 0, 0, 0,  PAD, PAD, PAD, PAD,
	/* [72] struct timeval: tv_sec 1700000000, tv_usec 123456 (long) */
	0x00, 0xf1, 0x53, 0x65, 0, 0, 0, 0,  0x40, 0xe2, 0x01, 0, 0, 0, 0, 0,
};

/* --- Malformed and edge buffers ------------------------------------------ */

/* Linux 64: cmsg_len 8, shorter than the 16-byte header. */
static const uint8_t l64_len_short[16] = {
	0x08, 0, 0, 0, 0, 0, 0, 0,  1, 0, 0, 0,  29, 0, 0, 0,
};
/* Linux 64: cmsg_len 0 (a walker that trusts it would loop forever). */
static const uint8_t l64_len_zero[24] = {
	0, 0, 0, 0, 0, 0, 0, 0,  1, 0, 0, 0,  29, 0, 0, 0,
	1, 2, 3, 4,
};
/* Linux 64: one good message (len 20, space 24), then cmsg_len 15. */
static const uint8_t l64_good_then_short[40] = {
	0x14, 0, 0, 0, 0, 0, 0, 0,  1, 0, 0, 0,  40, 0, 0, 0,
	0x2a, 0, 0, 0,  PAD, PAD, PAD, PAD,
	0x0f, 0, 0, 0, 0, 0, 0, 0,  1, 0, 0, 0,  29, 0, 0, 0,
};
/* Linux 64: cmsg_len 33 in a 32-byte buffer: one byte past the end. */
static const uint8_t l64_past_by_one[32] = {
	0x21, 0, 0, 0, 0, 0, 0, 0,  1, 0, 0, 0,  29, 0, 0, 0,
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
};
/* Linux 64: a good message, then one claiming 256 bytes in the last 24. */
static const uint8_t l64_good_then_past[48] = {
	0x14, 0, 0, 0, 0, 0, 0, 0,  1, 0, 0, 0,  40, 0, 0, 0,
	0x2a, 0, 0, 0,  PAD, PAD, PAD, PAD,
	0x00, 0x01, 0, 0, 0, 0, 0, 0,  1, 0, 0, 0,  29, 0, 0, 0,
	1, 2, 3, 4, 5, 6, 7, 8,
};
/* Linux 64: cmsg_len 2^64 - 1 (no overflow when aligning it). */
static const uint8_t l64_len_huge[24] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,  1, 0, 0, 0,  29, 0, 0, 0,
};
/* Linux 32: cmsg_len 2^32 - 1. */
static const uint8_t l32_len_huge[16] = {
	0xff, 0xff, 0xff, 0xff,  1, 0, 0, 0,  29, 0, 0, 0,
};
/* Linux 64: the last message exactly fills the buffer, no padding after. */
static const uint8_t l64_exact_fill[20] = {
	0x14, 0, 0, 0, 0, 0, 0, 0,  1, 0, 0, 0,  40, 0, 0, 0,
	0x2a, 0, 0, 0,
};
/* Linux 64: a message with no data (cmsg_len == 16) fills the buffer. */
static const uint8_t l64_empty_data[16] = {
	0x10, 0, 0, 0, 0, 0, 0, 0,  1, 0, 0, 0,  99, 0, 0, 0,
};
/* Linux 64: a good message, then a 15-byte fragment (less than a header). */
static const uint8_t l64_trailing_fragment[39] = {
	0x14, 0, 0, 0, 0, 0, 0, 0,  1, 0, 0, 0,  40, 0, 0, 0,
	0x2a, 0, 0, 0,  PAD, PAD, PAD, PAD,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
};
/* Linux 32: a good message (len 16), then an 11-byte fragment. */
static const uint8_t l32_trailing_fragment[27] = {
	0x10, 0, 0, 0,  1, 0, 0, 0,  40, 0, 0, 0,  0x2a, 0, 0, 0,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
};
/* XNU: a 12-byte tail is a whole header, and its cmsg_len 0 is malformed. */
static const uint8_t xnu_tail_zero_len[28] = {
	0x10, 0, 0, 0,  0, 0, 0, 0,  7, 0, 0, 0,  127, 0, 0, 1,
	0, 0, 0, 0,  0, 0, 0, 0,  0, 0, 0, 0,
};
/* FreeBSD amd64: cmsg_len 12 covers the header but not the 4 bytes up to
 * the data, so it is shorter than CMSG_LEN(0) = 16. */
static const uint8_t fbsd_len_12[16] = {
	0x0c, 0, 0, 0,  0xff, 0xff, 0, 0,  4, 0, 0, 0,  PAD, PAD, PAD, PAD,
};
/* FreeBSD amd64: cmsg_len 16 = CMSG_LEN(0): an item with no data. */
static const uint8_t fbsd_len_16[16] = {
	0x10, 0, 0, 0,  0xff, 0xff, 0, 0,  4, 0, 0, 0,  PAD, PAD, PAD, PAD,
};
/* FreeBSD amd64: good message (20, space 24) then an 11-byte fragment. */
static const uint8_t fbsd_trailing_fragment[35] = {
	0x14, 0, 0, 0,  0, 0, 0, 0,  7, 0, 0, 0,  PAD, PAD, PAD, PAD,
	192, 0, 2, 1,  PAD, PAD, PAD, PAD,
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
};
/* FreeBSD amd64: cmsg_len 21 in 20 bytes. */
static const uint8_t fbsd_past[20] = {
	0x15, 0, 0, 0,  0, 0, 0, 0,  7, 0, 0, 0,  PAD, PAD, PAD, PAD,
	192, 0, 2, 1,
};

/* clang-format on */

struct want {
	int32_t level, type;
	size_t off, len; /* data offset from the buffer start, data length */
};

struct walk_case {
	const char *name;
	const struct cmsg_abi *abi;
	const uint8_t *buf;
	size_t len;
	const struct want *items;
	size_t n_items;
	int end; /* 0: clean end, -1: malformed */
};

static const struct want w_linux64_three[] = {{1, 29, 16, 16}, {0, 8, 48, 12}, {1, 40, 80, 4}};
static const struct want w_linux32_four[] = {
    {1, 29, 12, 16}, {1, 99, 40, 5}, {0, 8, 60, 12}, {1, 40, 84, 4}};
static const struct want w_xnu_four[] = {
    {0xffff, 2, 12, 16}, {0xffff, 4, 40, 8}, {0, 24, 60, 1}, {0, 7, 76, 4}};
static const struct want w_fbsd64_three[] = {
    {0xffff, 4, 16, 16}, {0, 7, 48, 4}, {0xffff, 2, 72, 16}};
static const struct want w_fbsd64_two[] = {{0xffff, 4, 16, 16}, {0, 7, 48, 4}};
static const struct want w_l64_first[] = {{1, 40, 16, 4}};
static const struct want w_l64_empty_data[] = {{1, 99, 16, 0}};
static const struct want w_l32_first[] = {{1, 40, 12, 4}};
static const struct want w_xnu_first[] = {{0, 7, 12, 4}};
static const struct want w_fbsd_empty[] = {{0xffff, 4, 16, 0}};
static const struct want w_fbsd_first[] = {{0, 7, 16, 4}};

#define CASE(n, abi, buf, len, w, end)                                                             \
	{                                                                                          \
		n, abi, buf, len, w, sizeof(w) / sizeof(w[0]), end                                 \
	}
#define CASE0(n, abi, buf, len, end)                                                               \
	{                                                                                          \
		n, abi, buf, len, NULL, 0, end                                                     \
	}

static const struct walk_case cases[] = {
    CASE("linux64 three", &abi_linux64, linux64_three, 88, w_linux64_three, 0),
    /* The kernel's msg_controllen may stop right after the last data byte. */
    CASE("linux64 three, no final padding", &abi_linux64, linux64_three, 84, w_linux64_three, 0),
    CASE("linux32 four", &abi_linux32, linux32_four, 88, w_linux32_four, 0),
    CASE("xnu four", &abi_xnu, xnu_four, 80, w_xnu_four, 0),
    CASE("fbsd64 three", &abi_fbsd64, fbsd64_three, 88, w_fbsd64_three, 0),
    CASE("fbsd64 two, no padding after", &abi_fbsd64, fbsd64_three, 52, w_fbsd64_two, 0),
    /* The same bytes read under a wrong ABI: lengths that do not fit. */
    CASE0("linux32 bytes as linux64", &abi_linux64, linux32_four, 88, -1),
    CASE0("l64 len < header", &abi_linux64, l64_len_short, 16, -1),
    CASE0("l64 len 0", &abi_linux64, l64_len_zero, 24, -1),
    CASE("l64 good then len < header", &abi_linux64, l64_good_then_short, 40, w_l64_first, -1),
    CASE0("l64 len past end by one", &abi_linux64, l64_past_by_one, 32, -1),
    CASE("l64 good then past end", &abi_linux64, l64_good_then_past, 48, w_l64_first, -1),
    CASE0("l64 len 2^64-1", &abi_linux64, l64_len_huge, 24, -1),
    CASE0("l32 len 2^32-1", &abi_linux32, l32_len_huge, 16, -1),
    CASE("l64 exact fill", &abi_linux64, l64_exact_fill, 20, w_l64_first, 0),
    CASE("l64 no data", &abi_linux64, l64_empty_data, 16, w_l64_empty_data, 0),
    CASE("l64 trailing fragment", &abi_linux64, l64_trailing_fragment, 39, w_l64_first, 0),
    CASE("l32 trailing fragment", &abi_linux32, l32_trailing_fragment, 27, w_l32_first, 0),
    CASE("xnu tail with len 0", &abi_xnu, xnu_tail_zero_len, 28, w_xnu_first, -1),
    CASE("xnu fragment of 11", &abi_xnu, xnu_tail_zero_len, 27, w_xnu_first, 0),
    CASE0("fbsd len 12 < CMSG_LEN(0)", &abi_fbsd64, fbsd_len_12, 16, -1),
    CASE("fbsd len 16 = CMSG_LEN(0)", &abi_fbsd64, fbsd_len_16, 16, w_fbsd_empty, 0),
    CASE("fbsd trailing fragment", &abi_fbsd64, fbsd_trailing_fragment, 35, w_fbsd_first, 0),
    CASE0("fbsd len past end", &abi_fbsd64, fbsd_past, 20, -1),
    /* Less than one header in all. */
    CASE0("l64 15 bytes", &abi_linux64, linux64_three, 15, 0),
    CASE0("l32 11 bytes", &abi_linux32, linux32_four, 11, 0),
    CASE0("fbsd 11 bytes", &abi_fbsd64, fbsd64_three, 11, 0),
    CASE0("l64 empty", &abi_linux64, linux64_three, 0, 0),
    CASE0("xnu empty", &abi_xnu, xnu_four, 0, 0),
};

/* Walks buf and checks every item against c; buf holds c->len bytes. */
static void walk(const struct walk_case *c, const uint8_t *buf, const char *variant)
{
	struct cmsg_iter it;
	struct cmsg_item item;
	size_t n = 0;
	int r;
	unsigned failed_before = check_failed;

	cmsg_iter_init(&it, c->abi, buf, c->len);
	while ((r = cmsg_next(&it, &item)) == 1) {
		if (!CHECK(n < c->n_items)) {
			break;
		}
		const struct want *w = &c->items[n++];
		CHECK_EQ_U64(item.level, w->level);
		CHECK_EQ_U64(item.type, w->type);
		CHECK_EQ_U64(item.data - buf, w->off);
		CHECK_EQ_U64(item.data_len, w->len);
		CHECK(item.data >= buf && item.data + item.data_len <= buf + c->len);
		/* The data is exactly what the array holds at that place. */
		CHECK_MEM(item.data, c->buf + w->off, w->len);
	}
	CHECK_EQ_U64(n, c->n_items);
	CHECK_EQ_U64(r, c->end);
	/* The walk stays at its end, after a clean end and after -1. */
	CHECK_EQ_U64(cmsg_next(&it, &item), 0);
	CHECK_EQ_U64(cmsg_next(&it, &item), 0);
	if (check_failed != failed_before) {
		fprintf(stderr, "    in case \"%s\" (%s)\n", c->name, variant);
	}
}

static void run_case(const struct walk_case *c)
{
	walk(c, c->buf, "static array");

	/* Exactly c->len bytes on the heap: any read past them is an ASan error. */
	uint8_t *exact = malloc(c->len ? c->len : 1);
	if (!CHECK(exact)) {
		return;
	}
	memcpy(exact, c->buf, c->len);
	uint8_t *heap = c->len ? exact : exact + 1; /* 0 bytes: one past the end */
	walk(c, heap, "exact heap copy");
	free(exact);

	/* At an odd address: the walker must not rely on alignment. */
	uint8_t *odd = malloc(c->len + 1);
	if (!CHECK(odd)) {
		return;
	}
	memcpy(odd + 1, c->buf, c->len);
	walk(c, odd + 1, "odd address");
	free(odd);
}

static void test_null_buffer(void)
{
	const struct cmsg_abi *abis[] = {&abi_linux64, &abi_linux32, &abi_xnu, &abi_fbsd64};
	struct cmsg_iter it;
	struct cmsg_item item;

	for (size_t i = 0; i < sizeof(abis) / sizeof(abis[0]); i++) {
		cmsg_iter_init(&it, abis[i], NULL, 0);
		CHECK_EQ_U64(cmsg_next(&it, &item), 0);
		CHECK_EQ_U64(cmsg_next(&it, &item), 0);
		/* A NULL buffer with a length is treated as empty, never read. */
		cmsg_iter_init(&it, abis[i], NULL, 64);
		CHECK_EQ_U64(cmsg_next(&it, &item), 0);
	}
}

/* The host's own ABI against the host's CMSG_* macros. */
static void test_native(void)
{
	union {
		uint8_t b[256];
		struct cmsghdr align;
	} ctl;
	struct msghdr msg;
	struct cmsghdr *cm;
	const size_t sizes[] = {16, 5, 4, 0, 12};
	size_t offs[5];
	size_t total = 0;

	memset(&ctl, PAD, sizeof(ctl));
	memset(&msg, 0, sizeof(msg));
	msg.msg_control = ctl.b;
	msg.msg_controllen = sizeof(ctl.b);
	cm = CMSG_FIRSTHDR(&msg);
	for (size_t i = 0; i < 5; i++) {
		if (!CHECK(cm)) {
			return;
		}
		cm->cmsg_len = (__typeof__(cm->cmsg_len))CMSG_LEN(sizes[i]);
		cm->cmsg_level = (int)(100 + i);
		cm->cmsg_type = (int)(200 + i);
		memset(CMSG_DATA(cm), (int)i, sizes[i]);
		offs[i] = (size_t)(CMSG_DATA(cm) - ctl.b);
		total += CMSG_SPACE(sizes[i]);
		cm = CMSG_NXTHDR(&msg, cm);
	}
	CHECK_EQ_U64(cmsg_abi_native.hdr_len, sizeof(struct cmsghdr));
	CHECK_EQ_U64(cmsg_abi_native.len_size, sizeof(((struct cmsghdr *)0)->cmsg_len));
#ifdef CMSG_ALIGN /* not POSIX: XNU and FreeBSD user space lack it */
	CHECK_EQ_U64(cmsg_abi_native.align, CMSG_ALIGN(1));
#endif
#if defined(__linux__) && defined(__LP64__)
	CHECK_EQ_U64(cmsg_abi_native.hdr_len, 16);
	CHECK_EQ_U64(cmsg_abi_native.len_size, 8);
	CHECK_EQ_U64(cmsg_abi_native.align, 8);
#endif

	struct cmsg_iter it;
	struct cmsg_item item;
	size_t n = 0;
	int r;

	cmsg_iter_init(&it, &cmsg_abi_native, ctl.b, total);
	while ((r = cmsg_next(&it, &item)) == 1 && n < 5) {
		CHECK_EQ_U64(item.level, 100 + n);
		CHECK_EQ_U64(item.type, 200 + n);
		CHECK_EQ_U64(item.data - ctl.b, offs[n]);
		CHECK_EQ_U64(item.data_len, sizes[n]);
		n++;
	}
	CHECK_EQ_U64(n, 5);
	CHECK_EQ_U64(r, 0);
}

int main(void)
{
	SKIP_UNLESS_LITTLE_ENDIAN();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		run_case(&cases[i]);
	}
	test_null_buffer();
	test_native();
	return check_done();
}
