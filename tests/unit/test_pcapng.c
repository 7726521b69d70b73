/* src/pcapng.h block encoders byte for byte against vectors written out
 * by hand (little-endian host), tscap's stamps option, and the reader in
 * src/pcapng_read.h: round trip, every truncation, a big-endian section
 * and classic pcap. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "pcapng.h"
#include "pcapng_read.h"

#define SW_NS   1700000000123456789LL /* 0x17979cfe_3d85cd15 */
#define USER_NS 1700000000123460000LL /* 0x17979cfe_3d85d9a0 */
#define HW_NS   1700000000000000500LL /* 0x17979cfe_362a01f4 */

#define FILL 0xcc /* what the output buffer holds before encoding */

/* Encoded n bytes at out, equal to want, and nothing written after them. */
static void check_block(const uint8_t *out, size_t n, const uint8_t *want, size_t want_len,
                        const char *what)
{
	unsigned failed = check_failed;

	CHECK_EQ_U64(n, want_len);
	CHECK_MEM(out, want, want_len);
	for (size_t i = want_len; i < want_len + 32; i++) {
		if (!CHECK(out[i] == FILL)) {
			fprintf(stderr, "    byte %zu after the block was written\n", i);
			break;
		}
	}
	if (check_failed != failed) {
		fprintf(stderr, "    in block \"%s\"\n", what);
	}
}

/* ------------------------------------------------------------------------ */
/* Section Header Block */

/* clang-format off */
static const uint8_t shb_want[76] = {
	0x0a, 0x0d, 0x0d, 0x0a,                         /* block type */
	0x4c, 0x00, 0x00, 0x00,                         /* total length 76 */
	0x4d, 0x3c, 0x2b, 0x1a,                         /* byte-order magic */
	0x01, 0x00, 0x00, 0x00,                         /* version 1.0 */
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, /* section length -1 */
	0x02, 0x00, 0x06, 0x00,                         /* shb_hardware, 6 bytes */
	'x',  '8',  '6',  '_',  '6',  '4',  0x00, 0x00, /*   + 2 padding */
	0x03, 0x00, 0x0c, 0x00,                         /* shb_os, 12 bytes */
	'L',  'i',  'n',  'u',  'x',  ' ',  '6',  '.',
	'1',  '2',  '.',  '0',
	0x04, 0x00, 0x0b, 0x00,                         /* shb_userappl, 11 bytes */
	't',  's',  'c',  'a',  'p',  ' ',  '0',  '.',
	'1',  '.',  '0',  0x00,                         /*   + 1 padding */
	0x00, 0x00, 0x00, 0x00,                         /* opt_endofopt */
	0x4c, 0x00, 0x00, 0x00,                         /* total length */
};
/* clang-format on */

/* clang-format off */
static const uint8_t shb_bare_want[32] = {
	0x0a, 0x0d, 0x0d, 0x0a, 0x20, 0x00, 0x00, 0x00, /* type, length 32 */
	0x4d, 0x3c, 0x2b, 0x1a, 0x01, 0x00, 0x00, 0x00, /* magic, 1.0 */
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, /* section length */
	0x00, 0x00, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00, /* end of options, length */
};
/* clang-format on */

static const struct pcapng_shb_info shb_info = {"x86_64", "Linux 6.12.0", "tscap 0.1.0"};

static void test_shb(void)
{
	uint8_t out[256];
	const struct pcapng_shb_info bare = {NULL, NULL, NULL};

	memset(out, FILL, sizeof(out));
	CHECK(pcapng_shb_size(&shb_info) >= sizeof(shb_want));
	check_block(out, pcapng_shb(out, &shb_info), shb_want, sizeof(shb_want), "shb");

	memset(out, FILL, sizeof(out));
	CHECK(pcapng_shb_size(&bare) >= sizeof(shb_bare_want));
	check_block(out, pcapng_shb(out, &bare), shb_bare_want, sizeof(shb_bare_want), "bare shb");
}

/* ------------------------------------------------------------------------ */
/* Interface Description Block */

/* clang-format off */
static const uint8_t idb_want[64] = {
	0x01, 0x00, 0x00, 0x00,                         /* block type 1 */
	0x40, 0x00, 0x00, 0x00,                         /* total length 64 */
	0x01, 0x00, 0x00, 0x00,                         /* LINKTYPE_ETHERNET, reserved */
	0x00, 0x00, 0x04, 0x00,                         /* snaplen 262144 */
	0x02, 0x00, 0x02, 0x00, 'l',  'o',  0x00, 0x00, /* if_name "lo" + 2 padding */
	0x03, 0x00, 0x14, 0x00,                         /* if_description, 20 bytes */
	'u',  'd',  'p',  ':',  '/',  '/',  '1',  '2',
	'7',  '.',  '0',  '.',  '0',  '.',  '1',  ':',
	'9',  '0',  '0',  '0',
	0x09, 0x00, 0x01, 0x00, 0x09, 0x00, 0x00, 0x00, /* if_tsresol 9 + 3 padding */
	0x00, 0x00, 0x00, 0x00,                         /* opt_endofopt */
	0x40, 0x00, 0x00, 0x00,                         /* total length */
};
/* clang-format on */

/* clang-format off */
static const uint8_t idb_bare_want[32] = {
	0x01, 0x00, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00, /* type 1, length 32 */
	0x01, 0x00, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00, /* linktype 1, snaplen 65535 */
	0x09, 0x00, 0x01, 0x00, 0x09, 0x00, 0x00, 0x00, /* if_tsresol 9 */
	0x00, 0x00, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00, /* end, length */
};
/* clang-format on */

static void test_idb(void)
{
	uint8_t out[256];

	memset(out, FILL, sizeof(out));
	CHECK(pcapng_idb_size("lo", "udp://127.0.0.1:9000") >= sizeof(idb_want));
	check_block(out, pcapng_idb(out, 1, 262144, "lo", "udp://127.0.0.1:9000"), idb_want,
	            sizeof(idb_want), "idb");

	memset(out, FILL, sizeof(out));
	CHECK(pcapng_idb_size(NULL, NULL) >= sizeof(idb_bare_want));
	check_block(out, pcapng_idb(out, PCAPNG_LINKTYPE_ETHERNET, 65535, NULL, NULL),
	            idb_bare_want, sizeof(idb_bare_want), "bare idb");
}

/* ------------------------------------------------------------------------ */
/* Interface Statistics Block */

static const struct pcapng_isb_info isb_info = {
    .if_id = 0,
    .now_ns = 1700000061000000000LL,
    .start_ns = 1700000000000000000LL,
    .end_ns = 1700000060000000000LL,
    .ifrecv = 1000,
    .ifdrop = 3,
    .usrdeliv = 997,
};

/* clang-format off */
static const uint8_t isb_want[88] = {
	0x05, 0x00, 0x00, 0x00,                         /* block type 5 */
	0x58, 0x00, 0x00, 0x00,                         /* total length 88 */
	0x00, 0x00, 0x00, 0x00,                         /* interface 0 */
	0x0c, 0x9d, 0x97, 0x17, 0x00, 0x22, 0x0c, 0x6a, /* 1700000061000000000: high, low */
	0x02, 0x00, 0x08, 0x00,                         /* isb_starttime 1700000000000000000 */
	0xfe, 0x9c, 0x97, 0x17, 0x00, 0x00, 0x2a, 0x36,
	0x03, 0x00, 0x08, 0x00,                         /* isb_endtime 1700000060000000000 */
	0x0c, 0x9d, 0x97, 0x17, 0x00, 0x58, 0x71, 0x2e,
	0x04, 0x00, 0x08, 0x00,                         /* isb_ifrecv 1000 */
	0xe8, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x05, 0x00, 0x08, 0x00,                         /* isb_ifdrop 3 */
	0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x08, 0x00, 0x08, 0x00,                         /* isb_usrdeliv 997 */
	0xe5, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00,                         /* opt_endofopt */
	0x58, 0x00, 0x00, 0x00,                         /* total length */
};
/* clang-format on */

static void test_isb(void)
{
	uint8_t out[256];

	memset(out, FILL, sizeof(out));
	CHECK(PCAPNG_ISB_SIZE >= sizeof(isb_want));
	check_block(out, pcapng_isb(out, &isb_info), isb_want, sizeof(isb_want), "isb");
}

/* ------------------------------------------------------------------------ */
/* Enhanced Packet Block */

static const uint8_t hdr3[3] = {0xa1, 0xa2, 0xa3}; /* stands for synthesized headers */
static const uint8_t payload[6] = {'p', 'a', 'y', 'l', 'd', '!'};

/* A received packet with a software stamp and the user-space stamp. */
static void pkt_sw_user(struct tsc_pkt *p)
{
	memset(p, 0, sizeof(*p));
	p->data = payload;
	p->caplen = p->len = sizeof(payload);
	tsc_pkt_stamp(p, TSC_SW_RX, SW_NS, TSC_BASE_REALTIME);
	tsc_pkt_stamp(p, TSC_USER, USER_NS, TSC_BASE_REALTIME);
}

/* Hardware (PHC on TAI), software and user stamps; the payload was cut
 * by the receive buffer: 6 of 100 bytes. */
static void pkt_hw_sw_user_trunc(struct tsc_pkt *p)
{
	pkt_sw_user(p);
	p->len = 100;
	p->flags = TSC_PKT_TRUNC;
	tsc_pkt_stamp(p, TSC_HW_RX, HW_NS, TSC_BASE_PHC_TAI);
}

/* clang-format off */
static const uint8_t epb_want[84] = {
	0x06, 0x00, 0x00, 0x00,                         /* block type 6 */
	0x54, 0x00, 0x00, 0x00,                         /* total length 84 */
	0x00, 0x00, 0x00, 0x00,                         /* interface 0 */
	0xfe, 0x9c, 0x97, 0x17,                         /* sw-rx 1700000000123456789: high */
	0x15, 0xcd, 0x85, 0x3d,                         /*   low */
	0x09, 0x00, 0x00, 0x00,                         /* captured 3 + 6 */
	0x09, 0x00, 0x00, 0x00,                         /* original 3 + 6 */
	0xa1, 0xa2, 0xa3, 'p',  'a',  'y',  'l',  'd',  /* header stand-in, payload */
	'!',  0x00, 0x00, 0x00,                         /*   + 3 padding */
	0x02, 0x00, 0x04, 0x00, 0x01, 0x00, 0x00, 0x00, /* epb_flags: inbound */
	0xad, 0x0b, 0x18, 0x00,                         /* option 2989, 24 bytes */
	0xd9, 0x7e, 0x00, 0x00,                         /* PEN 32473 */
	0x01, 0x01, 0x00, 0x01,                         /* v1, epb_clock sw-rx, realtime, 1 entry */
	0x00, 0x00, 0x00, 0x00,                         /* flags 0, reserved */
	0x06, 0x00, 0x00, 0x00,                         /* clock user, realtime, reserved */
	0xa0, 0xd9, 0x85, 0x3d, 0xfe, 0x9c, 0x97, 0x17, /* 1700000000123460000 */
	0x00, 0x00, 0x00, 0x00,                         /* opt_endofopt */
	0x54, 0x00, 0x00, 0x00,                         /* total length */
};
/* clang-format on */

/* The same packet on interface 1 with 5 drops before it. */
/* clang-format off */
static const uint8_t epb_drops_want[96] = {
	0x06, 0x00, 0x00, 0x00, 0x60, 0x00, 0x00, 0x00, /* type 6, length 96 */
	0x01, 0x00, 0x00, 0x00,                         /* interface 1 */
	0xfe, 0x9c, 0x97, 0x17, 0x15, 0xcd, 0x85, 0x3d, /* sw-rx */
	0x09, 0x00, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00, /* 9 of 9 bytes */
	0xa1, 0xa2, 0xa3, 'p',  'a',  'y',  'l',  'd',
	'!',  0x00, 0x00, 0x00,
	0x02, 0x00, 0x04, 0x00, 0x01, 0x00, 0x00, 0x00, /* epb_flags */
	0x04, 0x00, 0x08, 0x00,                         /* epb_dropcount 5 */
	0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xad, 0x0b, 0x18, 0x00, 0xd9, 0x7e, 0x00, 0x00, /* 2989, 24 bytes, PEN */
	0x01, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x06, 0x00, 0x00, 0x00,
	0xa0, 0xd9, 0x85, 0x3d, 0xfe, 0x9c, 0x97, 0x17, /* user */
	0x00, 0x00, 0x00, 0x00, 0x60, 0x00, 0x00, 0x00, /* end, length */
};
/* clang-format on */

/* snaplen 7: 3 header bytes and 4 of the payload. */
/* clang-format off */
static const uint8_t epb_snap7_want[80] = {
	0x06, 0x00, 0x00, 0x00, 0x50, 0x00, 0x00, 0x00, /* type 6, length 80 */
	0x00, 0x00, 0x00, 0x00,                         /* interface 0 */
	0xfe, 0x9c, 0x97, 0x17, 0x15, 0xcd, 0x85, 0x3d, /* sw-rx */
	0x07, 0x00, 0x00, 0x00,                         /* captured 7 */
	0x09, 0x00, 0x00, 0x00,                         /* original 9 */
	0xa1, 0xa2, 0xa3, 'p',  'a',  'y',  'l',  0x00, /* + 1 padding */
	0x02, 0x00, 0x04, 0x00, 0x01, 0x00, 0x00, 0x00, /* epb_flags */
	0xad, 0x0b, 0x18, 0x00, 0xd9, 0x7e, 0x00, 0x00, /* 2989, 24 bytes, PEN */
	0x01, 0x01, 0x00, 0x01, 0x01, 0x00, 0x00, 0x00, /* flags TSC_PKT_TRUNC: snap cut */
	0x06, 0x00, 0x00, 0x00,
	0xa0, 0xd9, 0x85, 0x3d, 0xfe, 0x9c, 0x97, 0x17, /* user */
	0x00, 0x00, 0x00, 0x00, 0x50, 0x00, 0x00, 0x00, /* end, length */
};
/* clang-format on */

/* snaplen 2: even the synthesized header is cut. */
/* clang-format off */
static const uint8_t epb_snap2_want[76] = {
	0x06, 0x00, 0x00, 0x00, 0x4c, 0x00, 0x00, 0x00, /* type 6, length 76 */
	0x00, 0x00, 0x00, 0x00,                         /* interface 0 */
	0xfe, 0x9c, 0x97, 0x17, 0x15, 0xcd, 0x85, 0x3d, /* sw-rx */
	0x02, 0x00, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00, /* 2 of 9 bytes */
	0xa1, 0xa2, 0x00, 0x00,                         /* + 2 padding (a3 is cut) */
	0x02, 0x00, 0x04, 0x00, 0x01, 0x00, 0x00, 0x00, /* epb_flags */
	0xad, 0x0b, 0x18, 0x00, 0xd9, 0x7e, 0x00, 0x00, /* 2989, 24 bytes, PEN */
	0x01, 0x01, 0x00, 0x01, 0x01, 0x00, 0x00, 0x00, /* flags TSC_PKT_TRUNC: snap cut */
	0x06, 0x00, 0x00, 0x00,
	0xa0, 0xd9, 0x85, 0x3d, 0xfe, 0x9c, 0x97, 0x17, /* user */
	0x00, 0x00, 0x00, 0x00, 0x4c, 0x00, 0x00, 0x00, /* end, length */
};
/* clang-format on */

/* Hardware stamp in the EPB; software and user stamps in the option. */
/* clang-format off */
static const uint8_t epb_hw_want[96] = {
	0x06, 0x00, 0x00, 0x00, 0x60, 0x00, 0x00, 0x00, /* type 6, length 96 */
	0x00, 0x00, 0x00, 0x00,                         /* interface 0 */
	0xfe, 0x9c, 0x97, 0x17, 0xf4, 0x01, 0x2a, 0x36, /* hw-rx 1700000000000000500 */
	0x09, 0x00, 0x00, 0x00,                         /* captured 9 */
	0x67, 0x00, 0x00, 0x00,                         /* original 3 + 100 */
	0xa1, 0xa2, 0xa3, 'p',  'a',  'y',  'l',  'd',
	'!',  0x00, 0x00, 0x00,
	0x02, 0x00, 0x04, 0x00, 0x01, 0x00, 0x00, 0x00, /* epb_flags */
	0xad, 0x0b, 0x24, 0x00, 0xd9, 0x7e, 0x00, 0x00, /* 2989, 36 bytes, PEN */
	0x01, 0x00, 0x03, 0x02,                         /* v1, epb_clock hw-rx, PHC_TAI, 2 */
	0x01, 0x00, 0x00, 0x00,                         /* flags TSC_PKT_TRUNC, reserved */
	0x01, 0x00, 0x00, 0x00,                         /* sw-rx, realtime */
	0x15, 0xcd, 0x85, 0x3d, 0xfe, 0x9c, 0x97, 0x17,
	0x06, 0x00, 0x00, 0x00,                         /* user, realtime */
	0xa0, 0xd9, 0x85, 0x3d, 0xfe, 0x9c, 0x97, 0x17,
	0x00, 0x00, 0x00, 0x00, 0x60, 0x00, 0x00, 0x00, /* end, length */
};
/* clang-format on */

static size_t epb(uint8_t *out, uint32_t if_id, const struct tsc_pkt *p, uint32_t snaplen,
                  uint64_t drops)
{
	memcpy(out + PCAPNG_EPB_DATA_OFF, hdr3, sizeof(hdr3));
	size_t n = pcapng_epb(out, if_id, p, sizeof(hdr3), snaplen, drops);
	CHECK(n <= PCAPNG_EPB_MAX(sizeof(hdr3) + p->caplen));
	return n;
}

static void test_epb(void)
{
	uint8_t out[512];
	struct tsc_pkt p;

	CHECK_EQ_U64(PCAPNG_EPB_DATA_OFF, 28);
	pkt_sw_user(&p);
	memset(out, FILL, sizeof(out));
	check_block(out, epb(out, 0, &p, 65535, 0), epb_want, sizeof(epb_want), "epb");

	memset(out, FILL, sizeof(out));
	check_block(out, epb(out, 1, &p, 65535, 5), epb_drops_want, sizeof(epb_drops_want),
	            "epb with drops");

	memset(out, FILL, sizeof(out));
	check_block(out, epb(out, 0, &p, 7, 0), epb_snap7_want, sizeof(epb_snap7_want),
	            "epb snaplen 7");

	memset(out, FILL, sizeof(out));
	check_block(out, epb(out, 0, &p, 2, 0), epb_snap2_want, sizeof(epb_snap2_want),
	            "epb snaplen 2");

	/* Right at the frame length: snaplen 8 cuts one byte, 9 none. */
	for (uint32_t snap = 8; snap <= 10; snap++) {
		uint32_t cap, orig;
		size_t n = epb(out, 0, &p, snap, 0);
		memcpy(&cap, out + 20, 4);
		memcpy(&orig, out + 24, 4);
		CHECK_EQ_U64(cap, snap < 9 ? snap : 9);
		CHECK_EQ_U64(orig, 9);
		CHECK_EQ_U64(n, 84 - (snap < 9 ? 4 : 0));
	}

	pkt_hw_sw_user_trunc(&p);
	memset(out, FILL, sizeof(out));
	check_block(out, epb(out, 0, &p, 65535, 0), epb_hw_want, sizeof(epb_hw_want), "epb hw");

	/* Every stamp, and drops: the largest EPB still fits PCAPNG_EPB_MAX. */
	for (unsigned c = 0; c < TSC_CLOCK_COUNT; c++) {
		tsc_pkt_stamp(&p, (enum tsc_clock)c, (int64_t)c, TSC_BASE_REALTIME);
	}
	memset(out, FILL, sizeof(out));
	size_t n = epb(out, 0, &p, 65535, 1);
	CHECK_EQ_U64(n, 32 + 12 + 8 + 12 + 4 + 4 + 8 + 7 * 12 + 4);
	CHECK(out[PCAPNG_EPB_MAX(sizeof(hdr3) + p.caplen)] == FILL);
}

/* ------------------------------------------------------------------------ */
/* tscap's stamps option value */

static void test_opt_bytes(void)
{
	struct tsc_pkt p;
	uint8_t out[128];
	static const uint8_t want[20] = {
	    0x01, 0x01, 0x00, 0x01,                         /* v1, epb sw-rx, realtime, 1 */
	    0x02, 0x00, 0x00, 0x00,                         /* flags CTRUNC */
	    0x06, 0x02, 0x00, 0x00,                         /* user, PHC_UTC (odd, but kept) */
	    0xa0, 0xd9, 0x85, 0x3d, 0xfe, 0x9c, 0x97, 0x17, /* user ns */
	};

	memset(&p, 0, sizeof(p));
	tsc_pkt_stamp(&p, TSC_SW_RX, SW_NS, TSC_BASE_REALTIME);
	tsc_pkt_stamp(&p, TSC_USER, USER_NS, TSC_BASE_PHC_UTC);
	p.flags = TSC_PKT_CTRUNC;
	memset(out, FILL, sizeof(out));
	CHECK_EQ_U64(tscap_opt_encode(out, &p, TSC_SW_RX), sizeof(want));
	CHECK_MEM(out, want, sizeof(want));
	CHECK(out[sizeof(want)] == FILL);
}

static void test_opt_round_trip(void)
{
	struct tsc_pkt p, q;
	uint8_t out[256];
	static const int64_t ns[TSC_CLOCK_COUNT] = {
	    HW_NS, SW_NS, -1, 0, INT64_MAX, INT64_MIN, USER_NS, 1,
	};
	enum tsc_clock epb_clock = TSC_CLOCK_COUNT;

	memset(&p, 0, sizeof(p));
	for (unsigned c = 0; c < TSC_CLOCK_COUNT; c++) {
		tsc_pkt_stamp(&p, (enum tsc_clock)c, ns[c], (enum tsc_timebase)(c % 4));
	}
	p.flags = TSC_PKT_TRUNC | TSC_PKT_CTRUNC | TSC_PKT_CBAD;
	size_t n = tscap_opt_encode(out, &p, TSC_HW_RX);
	CHECK_EQ_U64(n, TSCAP_OPT_HDR + 7 * TSCAP_OPT_ENTRY);
	memset(&q, 0, sizeof(q));
	CHECK_EQ_U64(tscap_opt_decode(out, n, &q, &epb_clock), 0);
	CHECK_EQ_U64(epb_clock, TSC_HW_RX);
	CHECK_EQ_U64(q.flags, p.flags);
	CHECK_EQ_U64(q.base[TSC_HW_RX], p.base[TSC_HW_RX]);
	CHECK_EQ_U64(q.stamp_set, p.stamp_set & ~(1u << TSC_HW_RX)); /* EPB's not repeated */
	for (unsigned c = 1; c < TSC_CLOCK_COUNT; c++) {
		CHECK_EQ_U64(q.ns[c], ns[c]);
		CHECK_EQ_U64(q.base[c], c % 4);
	}
	/* Entries come in ascending clock order (README). */
	for (size_t i = 1; i < 7; i++) {
		CHECK(out[TSCAP_OPT_HDR + i * TSCAP_OPT_ENTRY] >
		      out[TSCAP_OPT_HDR + (i - 1) * TSCAP_OPT_ENTRY]);
	}

	/* The EPB stamp is the user one: count 0 is valid. */
	memset(&p, 0, sizeof(p));
	tsc_pkt_stamp(&p, TSC_USER, USER_NS, TSC_BASE_REALTIME);
	n = tscap_opt_encode(out, &p, TSC_USER);
	CHECK_EQ_U64(n, TSCAP_OPT_HDR);
	memset(&q, 0, sizeof(q));
	CHECK_EQ_U64(tscap_opt_decode(out, n, &q, &epb_clock), 0);
	CHECK_EQ_U64(epb_clock, TSC_USER);
	CHECK_EQ_U64(q.stamp_set, 0);
}

static void test_opt_malformed(void)
{
	struct tsc_pkt p;
	enum tsc_clock ec;
	uint8_t v[64];
	static const uint8_t good[20] = {1, 1, 0, 1, 0, 0, 0, 0, 6, 0,
	                                 0, 0, 1, 2, 3, 4, 5, 6, 7, 8};

	memset(&p, 0, sizeof(p));
	CHECK_EQ_U64(tscap_opt_decode(good, sizeof(good), &p, &ec), 0);
	CHECK_EQ_U64(p.ns[TSC_USER], 0x0807060504030201);

	/* Shorter than the header. */
	for (size_t len = 0; len < TSCAP_OPT_HDR; len++) {
		CHECK_EQ_U64(tscap_opt_decode(good, len, &p, &ec), (uint64_t)-1);
	}
	/* Versions other than 1. */
	memcpy(v, good, sizeof(good));
	v[0] = 0;
	CHECK_EQ_U64(tscap_opt_decode(v, sizeof(good), &p, &ec), (uint64_t)-1);
	v[0] = 2;
	CHECK_EQ_U64(tscap_opt_decode(v, sizeof(good), &p, &ec), (uint64_t)-1);
	/* Count not matching the length: 2 entries claimed, 1 there; 0
	 * claimed, 1 there; one byte more or less. */
	memcpy(v, good, sizeof(good));
	v[3] = 2;
	CHECK_EQ_U64(tscap_opt_decode(v, sizeof(good), &p, &ec), (uint64_t)-1);
	v[3] = 0;
	CHECK_EQ_U64(tscap_opt_decode(v, sizeof(good), &p, &ec), (uint64_t)-1);
	v[3] = 1;
	v[20] = 0;
	CHECK_EQ_U64(tscap_opt_decode(v, sizeof(good) + 1, &p, &ec), (uint64_t)-1);
	CHECK_EQ_U64(tscap_opt_decode(v, sizeof(good) - 1, &p, &ec), (uint64_t)-1);
	/* Clock ids out of range: of the EPB (TSC_CLOCK_COUNT itself is what
	 * the encoder writes for a packet without stamps, see
	 * test_opt_no_stamp), of an entry. */
	memcpy(v, good, sizeof(good));
	v[1] = TSC_CLOCK_COUNT + 1;
	CHECK_EQ_U64(tscap_opt_decode(v, sizeof(good), &p, &ec), (uint64_t)-1);
	v[1] = 0xff;
	CHECK_EQ_U64(tscap_opt_decode(v, sizeof(good), &p, &ec), (uint64_t)-1);
	memcpy(v, good, sizeof(good));
	v[8] = TSC_CLOCK_COUNT;
	CHECK_EQ_U64(tscap_opt_decode(v, sizeof(good), &p, &ec), (uint64_t)-1);
	v[8] = 0xff;
	CHECK_EQ_U64(tscap_opt_decode(v, sizeof(good), &p, &ec), (uint64_t)-1);
}

/* A packet with no stamp at all still carries its flags: what the encoder
 * writes, the decoder must take. FAILS at the time of writing: the encoder
 * writes epb_clock = TSC_CLOCK_COUNT (8), which the decoder rejects as out
 * of range, so readers lose the packet's flags (see the report). */
static void test_opt_no_stamp(void)
{
	struct tsc_pkt p, q;
	uint8_t out[64];
	enum tsc_clock ec = TSC_HW_RX;

	memset(&p, 0, sizeof(p));
	p.flags = TSC_PKT_CBAD;
	size_t n = tscap_opt_encode(out, &p, tsc_pkt_best(&p));
	memset(&q, 0, sizeof(q));
	CHECK_EQ_U64(tscap_opt_decode(out, n, &q, &ec), 0);
	CHECK_EQ_U64(q.flags, TSC_PKT_CBAD);
}

/* ------------------------------------------------------------------------ */
/* Reader */

struct ev_copy {
	struct rd_event ev;
	uint8_t data[128];
};

/* Opens len bytes of buf as a stream. The copy is exactly sized. */
static FILE *open_mem(const uint8_t *buf, size_t len, void **mem)
{
	FILE *f;

	*mem = malloc(len ? len : 1);
	if (!*mem) {
		abort();
	}
	memcpy(*mem, buf, len);
	f = len ? fmemopen(*mem, len, "r") : tmpfile();
	if (!f) {
		perror("fmemopen");
		abort();
	}
	return f;
}

/* Reads every event; returns rd_next's last result (0 or -1). */
static int read_all(struct rd_file *r, struct ev_copy *evs, size_t max, size_t *n)
{
	struct rd_event ev;
	int got;

	*n = 0;
	while ((got = rd_next(r, &ev)) == 1) {
		if (*n < max) {
			evs[*n].ev = ev;
			memset(evs[*n].data, 0, sizeof(evs[*n].data));
			if (ev.kind == RD_PACKET && ev.caplen <= sizeof(evs[*n].data)) {
				memcpy(evs[*n].data, ev.data, ev.caplen);
			}
			evs[*n].ev.data = evs[*n].data;
		}
		(*n)++;
		if (*n > 1000) {
			return -2; /* a reader that loops */
		}
	}
	return got;
}

/* A file of SHB, two IDBs, four EPBs and two ISBs. Returns its length;
 * ends[] gets the end offset of every block, *n_ends their number. */
static size_t build_file(uint8_t *buf, size_t *ends, size_t *n_ends)
{
	struct tsc_pkt p;
	struct pcapng_isb_info isb1 = isb_info;
	size_t n = 0, k = 0;

	n += pcapng_shb(buf + n, &shb_info);
	ends[k++] = n;
	n += pcapng_idb(buf + n, PCAPNG_LINKTYPE_ETHERNET, 65535, "lo", "udp://127.0.0.1:9000");
	ends[k++] = n;
	n += pcapng_idb(buf + n, PCAPNG_LINKTYPE_ETHERNET, 65535, "eth0", NULL);
	ends[k++] = n;
	pkt_sw_user(&p);
	n += epb(buf + n, 0, &p, 65535, 0);
	ends[k++] = n;
	n += epb(buf + n, 1, &p, 65535, 5);
	ends[k++] = n;
	n += epb(buf + n, 0, &p, 7, 0);
	ends[k++] = n;
	pkt_hw_sw_user_trunc(&p);
	n += epb(buf + n, 1, &p, 65535, 0);
	ends[k++] = n;
	n += pcapng_isb(buf + n, &isb_info);
	ends[k++] = n;
	isb1.if_id = 1;
	isb1.ifrecv = 4;
	n += pcapng_isb(buf + n, &isb1);
	ends[k++] = n;
	*n_ends = k;
	return n;
}

static void check_epb_sw_user(const struct rd_event *e, uint32_t if_id, uint32_t caplen)
{
	static const uint8_t frame[9] = {0xa1, 0xa2, 0xa3, 'p', 'a', 'y', 'l', 'd', '!'};

	CHECK_EQ_U64(e->kind, RD_PACKET);
	CHECK_EQ_U64(e->if_id, if_id);
	CHECK_EQ_U64(e->ts_ns, SW_NS);
	CHECK_EQ_U64(e->caplen, caplen);
	CHECK_EQ_U64(e->origlen, 9);
	CHECK_MEM(e->data, frame, caplen);
	CHECK_EQ_U64(e->epb_flags, PCAPNG_EPB_FLAG_INBOUND);
	CHECK(e->has_tscap);
	CHECK_EQ_U64(e->epb_clock, TSC_SW_RX);
	CHECK_EQ_U64(e->stamps.stamp_set, 1u << TSC_USER);
	CHECK_EQ_U64(e->stamps.ns[TSC_USER], USER_NS);
	CHECK_EQ_U64(e->stamps.base[TSC_USER], TSC_BASE_REALTIME);
	CHECK_EQ_U64(e->stamps.base[TSC_SW_RX], TSC_BASE_REALTIME);
	CHECK_EQ_U64(e->stamps.flags, caplen < 9 ? TSC_PKT_TRUNC : 0); /* snap cut */
}

static void check_file_events(const struct ev_copy *evs, size_t n)
{
	static const uint8_t frame[9] = {0xa1, 0xa2, 0xa3, 'p', 'a', 'y', 'l', 'd', '!'};

	if (!CHECK_EQ_U64(n, 6)) {
		return;
	}
	check_epb_sw_user(&evs[0].ev, 0, 9);
	CHECK(!evs[0].ev.has_dropcount);

	check_epb_sw_user(&evs[1].ev, 1, 9);
	CHECK(evs[1].ev.has_dropcount);
	CHECK_EQ_U64(evs[1].ev.dropcount, 5);

	check_epb_sw_user(&evs[2].ev, 0, 7);
	CHECK(!evs[2].ev.has_dropcount);

	const struct rd_event *e = &evs[3].ev;
	CHECK_EQ_U64(e->kind, RD_PACKET);
	CHECK_EQ_U64(e->if_id, 1);
	CHECK_EQ_U64(e->ts_ns, HW_NS);
	CHECK_EQ_U64(e->caplen, 9);
	CHECK_EQ_U64(e->origlen, 103);
	CHECK_MEM(e->data, frame, 9);
	CHECK(e->has_tscap);
	CHECK_EQ_U64(e->epb_clock, TSC_HW_RX);
	CHECK_EQ_U64(e->stamps.base[TSC_HW_RX], TSC_BASE_PHC_TAI);
	CHECK_EQ_U64(e->stamps.stamp_set, 1u << TSC_SW_RX | 1u << TSC_USER);
	CHECK_EQ_U64(e->stamps.ns[TSC_SW_RX], SW_NS);
	CHECK_EQ_U64(e->stamps.ns[TSC_USER], USER_NS);
	CHECK_EQ_U64(e->stamps.flags, TSC_PKT_TRUNC);

	for (size_t i = 4; i < 6; i++) {
		e = &evs[i].ev;
		CHECK_EQ_U64(e->kind, RD_STATS);
		CHECK_EQ_U64(e->if_id, i - 4);
		CHECK_EQ_U64(e->ts_ns, isb_info.now_ns);
		CHECK(e->has_ifrecv && e->has_ifdrop && e->has_usrdeliv);
		CHECK_EQ_U64(e->ifrecv, i == 4 ? 1000 : 4);
		CHECK_EQ_U64(e->ifdrop, 3);
		CHECK_EQ_U64(e->usrdeliv, 997);
	}
}

static void test_read_round_trip(void)
{
	uint8_t buf[2048];
	size_t ends[16], n_ends, n;
	struct rd_file r;
	struct ev_copy evs[8];
	void *mem;
	size_t len = build_file(buf, ends, &n_ends);
	FILE *f = open_mem(buf, len, &mem);

	if (!CHECK_EQ_U64(rd_open_stream(&r, f), 0)) {
		fprintf(stderr, "    %s\n", r.err);
		fclose(f);
		free(mem);
		return;
	}
	CHECK_EQ_U64(read_all(&r, evs, 8, &n), 0);
	CHECK(!r.truncated);
	CHECK(!r.classic);
	CHECK(!r.swap);
	CHECK_EQ_U64(r.offset, len);
	CHECK_EQ_U64(r.n_if, 2);
	CHECK_EQ_U64(r.ifs[0].linktype, PCAPNG_LINKTYPE_ETHERNET);
	CHECK_EQ_U64(r.ifs[0].snaplen, 65535);
	CHECK_EQ_U64(r.ifs[0].tsresol, 9);
	CHECK_STR(r.ifs[0].name, "lo");
	CHECK_STR(r.ifs[0].desc, "udp://127.0.0.1:9000");
	CHECK_EQ_U64(r.ifs[1].tsresol, 9);
	CHECK_STR(r.ifs[1].name, "eth0");
	CHECK_STR(r.ifs[1].desc, "");
	check_file_events(evs, n);
	/* After the end, the end again. */
	struct rd_event ev;
	CHECK_EQ_U64(rd_next(&r, &ev), 0);
	rd_close(&r);
	fclose(f);
	free(mem);
}

/* The file cut at every length: never -1, never a crash; a cut between
 * blocks is a clean end, any other cut sets r->truncated; every whole
 * block before the cut is read as in the full file. */
static void test_read_every_cut(void)
{
	uint8_t buf[2048];
	size_t ends[16], n_ends, full_n;
	struct ev_copy full[8], evs[8];
	size_t len = build_file(buf, ends, &n_ends);
	struct rd_file r;
	void *mem;
	FILE *f = open_mem(buf, len, &mem);

	CHECK_EQ_U64(rd_open_stream(&r, f), 0);
	read_all(&r, full, 8, &full_n);
	rd_close(&r);
	fclose(f);
	free(mem);

	for (size_t cut = 0; cut < len; cut++) {
		unsigned failed = check_failed;
		size_t whole = 0, events = 0, n;
		int boundary = 0;

		for (size_t i = 0; i < n_ends; i++) {
			if (ends[i] <= cut) {
				whole = i + 1;
			}
			boundary |= ends[i] == cut;
		}
		events = whole > 3 ? whole - 3 : 0; /* SHB and IDBs give none */
		f = open_mem(buf, cut, &mem);
		int o = rd_open_stream(&r, f);
		if (cut < 4) {
			CHECK_EQ_U64(o, (uint64_t)-1); /* not even a block type */
		} else if (CHECK_EQ_U64(o, 0)) {
			int got = read_all(&r, evs, 8, &n);
			CHECK_EQ_U64(got, 0);
			CHECK_EQ_U64(n, events);
			CHECK_EQ_U64(r.truncated, !boundary);
			for (size_t i = 0; i < n && i < 8; i++) {
				CHECK_EQ_U64(evs[i].ev.kind, full[i].ev.kind);
				CHECK_EQ_U64(evs[i].ev.ts_ns, full[i].ev.ts_ns);
				CHECK_EQ_U64(evs[i].ev.caplen, full[i].ev.caplen);
				CHECK_MEM(evs[i].data, full[i].data, sizeof(evs[i].data));
				CHECK_EQ_U64(evs[i].ev.has_tscap, full[i].ev.has_tscap);
			}
			if (got < 0) {
				fprintf(stderr, "    reader said: %s\n", r.err);
			}
		}
		rd_close(&r);
		fclose(f);
		free(mem);
		if (check_failed != failed) {
			fprintf(stderr, "    with the file cut at %zu of %zu bytes\n", cut, len);
			break; /* one cut's report is enough */
		}
	}
}

/* A big-endian section written out by hand (as a big-endian tscap would
 * write it: pcapng fields big-endian, tscap's option value little-endian
 * after a big-endian PEN), then a little-endian section. */
/* clang-format off */
static const uint8_t be_section[] = {
	/* SHB, 28 bytes, no options */
	0x0a, 0x0d, 0x0d, 0x0a,  0x00, 0x00, 0x00, 0x1c,  /* type, length 28 */
	0x1a, 0x2b, 0x3c, 0x4d,                          /* byte-order magic, BE */
	0x00, 0x01, 0x00, 0x00,                          /* version 1.0 */
	0xff, 0xff, 0xff, 0xff,  0xff, 0xff, 0xff, 0xff, /* section length -1 */
	0x00, 0x00, 0x00, 0x1c,
	/* IDB 0, 40 bytes: linktype 1, snaplen 65535, if_name "eth0", tsresol 9 */
	0x00, 0x00, 0x00, 0x01,  0x00, 0x00, 0x00, 0x28,
	0x00, 0x01, 0x00, 0x00,  0x00, 0x00, 0xff, 0xff,
	0x00, 0x02, 0x00, 0x04,  'e',  't',  'h',  '0',
	0x00, 0x09, 0x00, 0x01,  0x09, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00,                          /* opt_endofopt */
	0x00, 0x00, 0x00, 0x28,
	/* IDB 1, 20 bytes: linktype 1, snaplen 1500, no options (so µs) */
	0x00, 0x00, 0x00, 0x01,  0x00, 0x00, 0x00, 0x14,
	0x00, 0x01, 0x00, 0x00,  0x00, 0x00, 0x05, 0xdc,
	0x00, 0x00, 0x00, 0x14,
	/* A custom block (type 0x00000bad), 16 bytes: skipped */
	0x00, 0x00, 0x0b, 0xad,  0x00, 0x00, 0x00, 0x10,
	0x00, 0x00, 0x7e, 0xd9,  0x00, 0x00, 0x00, 0x10,
	/* EPB on interface 0, 92 bytes */
	0x00, 0x00, 0x00, 0x06,  0x00, 0x00, 0x00, 0x5c,
	0x00, 0x00, 0x00, 0x00,                          /* interface 0 */
	0x17, 0x97, 0x9c, 0xfe,  0x3d, 0x85, 0xcd, 0x15, /* sw-rx 1700000000123456789 */
	0x00, 0x00, 0x00, 0x05,  0x00, 0x00, 0x00, 0x3c, /* 5 of 60 bytes */
	'h',  'e',  'l',  'l',   'o',  0x00, 0x00, 0x00,
	0x00, 0x02, 0x00, 0x04,  0x00, 0x00, 0x00, 0x01, /* epb_flags: inbound */
	0x00, 0x04, 0x00, 0x08,                          /* epb_dropcount 2 */
	0x00, 0x00, 0x00, 0x00,  0x00, 0x00, 0x00, 0x02,
	0x0b, 0xad, 0x00, 0x18,  0x00, 0x00, 0x7e, 0xd9, /* 2989, length 24, PEN */
	0x01, 0x01, 0x00, 0x01,  0x04, 0x00, 0x00, 0x00, /* v1 sw-rx realtime 1; CBAD (LE) */
	0x06, 0x00, 0x00, 0x00,                          /* user, realtime (LE) */
	0xa0, 0xd9, 0x85, 0x3d,  0xfe, 0x9c, 0x97, 0x17, /* 1700000000123460000 (LE) */
	0x00, 0x00, 0x00, 0x00,  0x00, 0x00, 0x00, 0x5c, /* end, length */
	/* EPB on interface 1 (µs), 32 bytes, nothing captured, no options */
	0x00, 0x00, 0x00, 0x06,  0x00, 0x00, 0x00, 0x20,
	0x00, 0x00, 0x00, 0x01,
	0x00, 0x06, 0x0a, 0x24,  0x18, 0x20, 0x22, 0x40, /* 1700000000123456 µs */
	0x00, 0x00, 0x00, 0x00,  0x00, 0x00, 0x00, 0x00, /* 0 of 0 bytes */
	0x00, 0x00, 0x00, 0x20,
	/* ISB on interface 0, 52 bytes: ifrecv 10, ifdrop 2 */
	0x00, 0x00, 0x00, 0x05,  0x00, 0x00, 0x00, 0x34,
	0x00, 0x00, 0x00, 0x00,
	0x17, 0x97, 0x9c, 0xfe,  0x3d, 0x85, 0xcd, 0x15,
	0x00, 0x04, 0x00, 0x08,  0x00, 0x00, 0x00, 0x00,  0x00, 0x00, 0x00, 0x0a,
	0x00, 0x05, 0x00, 0x08,  0x00, 0x00, 0x00, 0x00,  0x00, 0x00, 0x00, 0x02,
	0x00, 0x00, 0x00, 0x00,  0x00, 0x00, 0x00, 0x34,
};
/* clang-format on */

static void test_read_big_endian(void)
{
	uint8_t buf[1024];
	struct ev_copy evs[8];
	struct rd_file r;
	struct tsc_pkt p;
	size_t n, len = sizeof(be_section);
	void *mem;

	/* Then a little-endian section with one interface and one EPB. */
	memcpy(buf, be_section, len);
	len += pcapng_shb(buf + len, &shb_info);
	len += pcapng_idb(buf + len, PCAPNG_LINKTYPE_ETHERNET, 65535, "lo", NULL);
	pkt_sw_user(&p);
	len += epb(buf + len, 0, &p, 65535, 0);

	FILE *f = open_mem(buf, len, &mem);
	CHECK_EQ_U64(rd_open_stream(&r, f), 0);
	int got = read_all(&r, evs, 8, &n);
	CHECK_EQ_U64(got, 0);
	if (got < 0) {
		fprintf(stderr, "    reader said: %s\n", r.err);
	}
	CHECK(!r.truncated);
	if (CHECK_EQ_U64(n, 4)) {
		const struct rd_event *e = &evs[0].ev;
		CHECK_EQ_U64(e->kind, RD_PACKET);
		CHECK_EQ_U64(e->if_id, 0);
		CHECK_EQ_U64(e->ts_ns, SW_NS);
		CHECK_EQ_U64(e->caplen, 5);
		CHECK_EQ_U64(e->origlen, 60);
		CHECK_MEM(e->data, "hello", 5);
		CHECK_EQ_U64(e->epb_flags, 1);
		CHECK(e->has_dropcount);
		CHECK_EQ_U64(e->dropcount, 2);
		CHECK(e->has_tscap);
		CHECK_EQ_U64(e->epb_clock, TSC_SW_RX);
		CHECK_EQ_U64(e->stamps.stamp_set, 1u << TSC_USER);
		CHECK_EQ_U64(e->stamps.ns[TSC_USER], USER_NS);
		CHECK_EQ_U64(e->stamps.flags, TSC_PKT_CBAD);

		e = &evs[1].ev;
		CHECK_EQ_U64(e->if_id, 1);
		CHECK_EQ_U64(e->ts_ns, 1700000000123456000LL);
		CHECK_EQ_U64(e->caplen, 0);
		CHECK_EQ_U64(e->epb_flags, 0);
		CHECK(!e->has_tscap && !e->has_dropcount);

		e = &evs[2].ev;
		CHECK_EQ_U64(e->kind, RD_STATS);
		CHECK_EQ_U64(e->ts_ns, SW_NS);
		CHECK(e->has_ifrecv && e->has_ifdrop && !e->has_usrdeliv);
		CHECK_EQ_U64(e->ifrecv, 10);
		CHECK_EQ_U64(e->ifdrop, 2);

		/* The second section: its own byte order and interfaces. */
		check_epb_sw_user(&evs[3].ev, 0, 9);
	}
	CHECK(!r.swap);
	CHECK_EQ_U64(r.n_if, 1);
	CHECK_STR(r.ifs[0].name, "lo");
	rd_close(&r);
	fclose(f);
	free(mem);

	/* The big-endian section's interfaces, read on their own. */
	f = open_mem(be_section, sizeof(be_section), &mem);
	CHECK_EQ_U64(rd_open_stream(&r, f), 0);
	read_all(&r, evs, 8, &n);
	CHECK(r.swap);
	CHECK_EQ_U64(r.n_if, 2);
	CHECK_EQ_U64(r.ifs[0].linktype, 1);
	CHECK_EQ_U64(r.ifs[0].snaplen, 65535);
	CHECK_EQ_U64(r.ifs[0].tsresol, 9);
	CHECK_STR(r.ifs[0].name, "eth0");
	CHECK_EQ_U64(r.ifs[1].snaplen, 1500);
	CHECK_EQ_U64(r.ifs[1].tsresol, 6);
	rd_close(&r);
	fclose(f);
	free(mem);
}

/* Files that are wrong, not just short: -1 with a reason. */
static void test_read_malformed(void)
{
	uint8_t buf[512];
	struct tsc_pkt p;
	struct ev_copy evs[4];
	struct rd_file r;
	size_t n, len;
	void *mem;
	FILE *f;
	static const struct {
		const char *what;
		size_t off; /* byte to change, from the start of the file */
		uint8_t val;
	} bad[] = {
	    {"byte-order magic", 8, 0x00},      {"block length not a multiple of 4", 32 + 4, 0x21},
	    {"trailing length", 32 + 28, 0x1d}, {"EPB interface 1 of 1", 64 + 8, 0x01},
	    {"major version 2", 12, 0x02},
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		len = pcapng_shb(buf, &(struct pcapng_shb_info){NULL, NULL, NULL}); /* 32 */
		len += pcapng_idb(buf + len, 1, 65535, NULL, NULL);                 /* 32 */
		pkt_sw_user(&p);
		len += epb(buf + len, 0, &p, 65535, 0);
		buf[bad[i].off] = bad[i].val;
		f = open_mem(buf, len, &mem);
		CHECK_EQ_U64(rd_open_stream(&r, f), 0);
		if (!CHECK_EQ_U64(read_all(&r, evs, 4, &n), (uint64_t)-1)) {
			fprintf(stderr, "    for a bad %s\n", bad[i].what);
		}
		CHECK(r.err[0] != '\0');
		rd_close(&r);
		fclose(f);
		free(mem);
	}

	/* An option whose length runs past the end of its block. */
	len = pcapng_shb(buf, &(struct pcapng_shb_info){NULL, NULL, NULL});
	len += pcapng_idb(buf + len, 1, 65535, NULL, NULL);
	buf[32 + 16 + 2] = 0x40; /* if_tsresol's length 1 -> 64 */
	f = open_mem(buf, len, &mem);
	CHECK_EQ_U64(rd_open_stream(&r, f), 0);
	CHECK_EQ_U64(read_all(&r, evs, 4, &n), (uint64_t)-1);
	rd_close(&r);
	fclose(f);
	free(mem);

	/* Not a capture file at all. */
	f = open_mem((const uint8_t *)"GIF89a..", 8, &mem);
	CHECK_EQ_U64(rd_open_stream(&r, f), (uint64_t)-1);
	CHECK(strstr(r.err, "not a pcapng or pcap") != NULL);
	rd_close(&r);
	fclose(f);
	free(mem);
}

static void test_ts_to_ns(void)
{
	struct rd_if ifc;

	memset(&ifc, 0, sizeof(ifc));
	ifc.tsresol = 9;
	CHECK_EQ_U64(rd_ts_to_ns(&ifc, (uint64_t)SW_NS), SW_NS);
	ifc.tsresol = 6;
	CHECK_EQ_U64(rd_ts_to_ns(&ifc, 1700000000123456ULL), 1700000000123456000LL);
	ifc.tsresol = 0; /* seconds */
	CHECK_EQ_U64(rd_ts_to_ns(&ifc, 1700000000ULL), 1700000000000000000LL);
	ifc.tsresol = 12; /* picoseconds */
	CHECK_EQ_U64(rd_ts_to_ns(&ifc, 123456789999ULL), 123456789);
	ifc.tsresol = 0x80 | 30; /* 2^-30 s */
	CHECK_EQ_U64(rd_ts_to_ns(&ifc, 3ULL << 30), 3000000000LL);
	CHECK_EQ_U64(rd_ts_to_ns(&ifc, 1ULL << 29), 500000000LL);
	ifc.tsresol = 9;
	ifc.tsoffset_s = 100;
	CHECK_EQ_U64(rd_ts_to_ns(&ifc, 5), 100000000005LL);
}

/* ------------------------------------------------------------------------ */
/* Classic pcap */

/* clang-format off */
static const uint8_t pcap_us_le[] = {
	0xd4, 0xc3, 0xb2, 0xa1, 0x02, 0x00, 0x04, 0x00, /* magic (µs), version 2.4 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* thiszone, sigfigs */
	0xff, 0xff, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, /* snaplen 65535, linktype 1 */
	0x00, 0xf1, 0x53, 0x65, 0x40, 0xe2, 0x01, 0x00, /* [24] 1700000000 s, 123456 µs */
	0x05, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x00, 0x00, /* 5 of 60 bytes */
	'h',  'e',  'l',  'l',  'o',
	0x01, 0xf1, 0x53, 0x65, 0x3f, 0x42, 0x0f, 0x00, /* [45] 1700000001 s, 999999 µs */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* 0 of 0 bytes */
};
/* clang-format on */

/* clang-format off */
static const uint8_t pcap_ns_le[] = {
	0x4d, 0x3c, 0xb2, 0xa1, 0x02, 0x00, 0x04, 0x00, /* magic (ns), version 2.4 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* thiszone, sigfigs */
	0x00, 0x00, 0x04, 0x00, 0x65, 0x00, 0x00, 0x00, /* snaplen 262144, linktype 101 */
	0x00, 0xf1, 0x53, 0x65, 0x15, 0xcd, 0x5b, 0x07, /* 1700000000 s, 123456789 ns */
	0x03, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, /* 3 of 3 bytes */
	'a',  'b',  'c',
};
/* clang-format on */

/* clang-format off */
static const uint8_t pcap_us_be[] = {
	0xa1, 0xb2, 0xc3, 0xd4, 0x00, 0x02, 0x00, 0x04, /* magic (µs) big-endian, 2.4 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* thiszone, sigfigs */
	0x00, 0x00, 0x05, 0xdc, 0x00, 0x00, 0x00, 0x01, /* snaplen 1500, linktype 1 */
	0x65, 0x53, 0xf1, 0x00, 0x00, 0x01, 0xe2, 0x40, /* 1700000000 s, 123456 µs */
	0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x40, /* 2 of 64 bytes */
	'h',  'i',
};
/* clang-format on */

static void test_classic(void)
{
	struct ev_copy evs[4];
	struct rd_file r;
	size_t n;
	void *mem;
	FILE *f;

	f = open_mem(pcap_us_le, sizeof(pcap_us_le), &mem);
	CHECK_EQ_U64(rd_open_stream(&r, f), 0);
	CHECK(r.classic);
	CHECK_EQ_U64(r.n_if, 1);
	CHECK_EQ_U64(r.ifs[0].tsresol, 6);
	CHECK_EQ_U64(r.ifs[0].snaplen, 65535);
	CHECK_EQ_U64(r.ifs[0].linktype, 1);
	CHECK_EQ_U64(read_all(&r, evs, 4, &n), 0);
	CHECK(!r.truncated);
	if (CHECK_EQ_U64(n, 2)) {
		CHECK_EQ_U64(evs[0].ev.ts_ns, 1700000000123456000LL);
		CHECK_EQ_U64(evs[0].ev.caplen, 5);
		CHECK_EQ_U64(evs[0].ev.origlen, 60);
		CHECK_MEM(evs[0].data, "hello", 5);
		CHECK_EQ_U64(evs[1].ev.ts_ns, 1700000001999999000LL);
		CHECK_EQ_U64(evs[1].ev.caplen, 0);
	}
	rd_close(&r);
	fclose(f);
	free(mem);

	f = open_mem(pcap_ns_le, sizeof(pcap_ns_le), &mem);
	CHECK_EQ_U64(rd_open_stream(&r, f), 0);
	CHECK_EQ_U64(r.ifs[0].tsresol, 9);
	CHECK_EQ_U64(r.ifs[0].snaplen, 262144);
	CHECK_EQ_U64(r.ifs[0].linktype, 101);
	CHECK_EQ_U64(read_all(&r, evs, 4, &n), 0);
	if (CHECK_EQ_U64(n, 1)) {
		CHECK_EQ_U64(evs[0].ev.ts_ns, 1700000000123456789LL);
		CHECK_MEM(evs[0].data, "abc", 3);
	}
	rd_close(&r);
	fclose(f);
	free(mem);

	f = open_mem(pcap_us_be, sizeof(pcap_us_be), &mem);
	CHECK_EQ_U64(rd_open_stream(&r, f), 0);
	CHECK(r.swap);
	CHECK_EQ_U64(r.ifs[0].snaplen, 1500);
	CHECK_EQ_U64(r.ifs[0].linktype, 1);
	CHECK_EQ_U64(read_all(&r, evs, 4, &n), 0);
	if (CHECK_EQ_U64(n, 1)) {
		CHECK_EQ_U64(evs[0].ev.ts_ns, 1700000000123456000LL);
		CHECK_EQ_U64(evs[0].ev.caplen, 2);
		CHECK_EQ_U64(evs[0].ev.origlen, 64);
		CHECK_MEM(evs[0].data, "hi", 2);
	}
	rd_close(&r);
	fclose(f);
	free(mem);

	/* Every cut: the 24-byte file header must be whole; after it, a cut
	 * record is a truncated end and whole records are read. */
	for (size_t cut = 0; cut < sizeof(pcap_us_le); cut++) {
		unsigned failed = check_failed;
		size_t want = cut >= 45 ? 1 : 0; /* record 1 ends at 45, record 2 at 61 */

		f = open_mem(pcap_us_le, cut, &mem);
		int o = rd_open_stream(&r, f);
		if (cut < 24) {
			CHECK_EQ_U64(o, (uint64_t)-1);
		} else if (CHECK_EQ_U64(o, 0)) {
			CHECK_EQ_U64(read_all(&r, evs, 4, &n), 0);
			CHECK_EQ_U64(n, want);
			CHECK_EQ_U64(r.truncated, cut != 24 && cut != 45);
		}
		rd_close(&r);
		fclose(f);
		free(mem);
		if (check_failed != failed) {
			fprintf(stderr, "    classic file cut at %zu\n", cut);
			break;
		}
	}
}

int main(void)
{
	SKIP_UNLESS_LITTLE_ENDIAN();
	test_shb();
	test_idb();
	test_isb();
	test_epb();
	test_opt_bytes();
	test_opt_round_trip();
	test_opt_malformed();
	test_read_round_trip();
	test_read_every_cut();
	test_read_big_endian();
	test_read_malformed();
	test_ts_to_ns();
	test_classic();
	test_opt_no_stamp();
	return check_done();
}
