/* src/synth.h: Ethernet + IPv4/IPv6 + UDP headers in front of a payload,
 * byte for byte for two known packets, then checked over many payload
 * lengths with a plain RFC 1071 sum written here independently. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "synth.h"

#define FILL 0xcc

/* RFC 1071, the straightforward way: big-endian 16-bit words, an odd byte
 * padded with zero, end-around carry. Returns the folded sum. */
static uint16_t ref_sum(const uint8_t *const *parts, const size_t *lens, size_t n_parts)
{
	uint32_t sum = 0;
	int odd = 0;
	uint8_t hi = 0;

	for (size_t k = 0; k < n_parts; k++) {
		for (size_t i = 0; i < lens[k]; i++) {
			if (!odd) {
				hi = parts[k][i];
			} else {
				sum += (uint32_t)(hi << 8 | parts[k][i]);
			}
			odd = !odd;
		}
	}
	if (odd) {
		sum += (uint32_t)(hi << 8);
	}
	while (sum >> 16) {
		sum = (sum & 0xffff) + (sum >> 16);
	}
	return (uint16_t)sum;
}

static uint16_t ref_sum1(const uint8_t *p, size_t len)
{
	return ref_sum(&p, &len, 1);
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void set_v4(struct tsc_addr *a, uint8_t b0, uint8_t b1, uint8_t b2, uint8_t b3,
                   uint16_t port)
{
	memset(a, 0, sizeof(*a));
	a->family = TSC_AF_INET;
	a->port = port;
	a->addr[0] = b0, a->addr[1] = b1, a->addr[2] = b2, a->addr[3] = b3;
}

static void set_v6(struct tsc_addr *a, const uint8_t addr[16], uint16_t port)
{
	memset(a, 0, sizeof(*a));
	a->family = TSC_AF_INET6;
	a->port = port;
	memcpy(a->addr, addr, 16);
}

static const uint8_t v6_src[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
static const uint8_t v6_dst[16] = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xfb};

/* 192.0.2.1:40000 -> 198.51.100.7:9000, "hello" */
static const uint8_t v4_want[42] = {
    0x02, 0x00, 0x00, 0x00, 0x00, 0x02, /* dst MAC */
    0x02, 0x00, 0x00, 0x00, 0x00, 0x01, /* src MAC */
    0x08, 0x00,                         /* IPv4 */
    0x45, 0x00, 0x00, 0x21,             /* v4, IHL 5, TOS 0, total 20 + 8 + 5 = 33 */
    0x00, 0x00, 0x00, 0x00,             /* id 0, no fragment */
    0x40, 0x11, 0x8e, 0x90,             /* TTL 64, UDP, header checksum */
    0xc0, 0x00, 0x02, 0x01,             /* 192.0.2.1 */
    0xc6, 0x33, 0x64, 0x07,             /* 198.51.100.7 */
    0x9c, 0x40, 0x23, 0x28,             /* ports 40000, 9000 */
    0x00, 0x0d, 0x10, 0x5d,             /* length 13, checksum */
};

/* [2001:db8::1]:5353 -> [ff02::fb]:5353, "abc" */
static const uint8_t v6_want[62] = {
    0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, /* MACs */
    0x86, 0xdd,                                                             /* IPv6 */
    0x60, 0x00, 0x00, 0x00, /* version 6, class 0, flow 0 */
    0x00, 0x0b, 0x11, 0x40, /* payload length 11, next header UDP, hop limit 64 */
    0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x01, /* 2001:db8::1 */
    0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0xfb, /* ff02::fb */
    0x14, 0xe9, 0x14, 0xe9, /* ports 5353, 5353 */
    0x00, 0x0b, 0xe3, 0xeb, /* length 11, checksum */
};

static void test_known_packets(void)
{
	struct tsc_pkt p;
	uint8_t out[128];

	memset(&p, 0, sizeof(p));
	set_v4(&p.src, 192, 0, 2, 1, 40000);
	set_v4(&p.dst, 198, 51, 100, 7, 9000);
	p.data = (const uint8_t *)"hello";
	p.caplen = p.len = 5;
	CHECK_EQ_U64(synth_hdr_len(&p), SYNTH_V4_LEN);
	CHECK_EQ_U64(SYNTH_V4_LEN, 42);
	memset(out, FILL, sizeof(out));
	synth_udp_headers(out, &p);
	CHECK_MEM(out, v4_want, sizeof(v4_want));
	CHECK(out[sizeof(v4_want)] == FILL);

	memset(&p, 0, sizeof(p));
	set_v6(&p.src, v6_src, 5353);
	set_v6(&p.dst, v6_dst, 5353);
	p.data = (const uint8_t *)"abc";
	p.caplen = p.len = 3;
	CHECK_EQ_U64(synth_hdr_len(&p), SYNTH_V6_LEN);
	CHECK_EQ_U64(SYNTH_V6_LEN, 62);
	memset(out, FILL, sizeof(out));
	synth_udp_headers(out, &p);
	CHECK_MEM(out, v6_want, sizeof(v6_want));
	CHECK(out[sizeof(v6_want)] == FILL);

	/* Locally administered unicast MACs. */
	CHECK((synth_mac_src[0] & 3) == 2);
	CHECK((synth_mac_dst[0] & 3) == 2);
	CHECK(memcmp(synth_mac_src, synth_mac_dst, 6) != 0);
}

/* The UDP checksum over pseudo-header + UDP header + payload verifies
 * (sums to 0xffff), computed here independently. */
static uint16_t udp_verify(const struct tsc_pkt *p, const uint8_t *udp, int v6)
{
	uint8_t pseudo[12] = {0};
	size_t alen = v6 ? 16 : 4;
	uint32_t ulen = 8 + p->len;

	/* IPv4: zero, protocol, UDP length; IPv6: 32-bit length, three zero
	 * bytes, next header. Summed as words both come to the same. */
	if (v6) {
		pseudo[0] = (uint8_t)(ulen >> 24), pseudo[1] = (uint8_t)(ulen >> 16);
		pseudo[2] = (uint8_t)(ulen >> 8), pseudo[3] = (uint8_t)ulen;
		pseudo[7] = 17;
	} else {
		pseudo[1] = 17;
		pseudo[2] = (uint8_t)(ulen >> 8), pseudo[3] = (uint8_t)ulen;
	}
	const uint8_t *parts[] = {p->src.addr, p->dst.addr, pseudo, udp, p->data};
	size_t lens[] = {alen, alen, v6 ? 8 : 4, 8, p->len};
	return ref_sum(parts, lens, 5);
}

static void check_packet(const struct tsc_pkt *p, int v6)
{
	uint8_t out[128];
	size_t hl = v6 ? SYNTH_V6_LEN : SYNTH_V4_LEN;
	unsigned failed = check_failed;

	memset(out, FILL, sizeof(out));
	synth_udp_headers(out, p);
	CHECK(out[hl] == FILL);
	CHECK_EQ_U64(synth_hdr_len(p), hl);
	CHECK_EQ_U64(get16(out + 12), v6 ? 0x86dd : 0x0800);
	const uint8_t *ip = out + 14, *udp = out + hl - 8;
	if (v6) {
		CHECK_EQ_U64(ip[0], 0x60);
		CHECK_EQ_U64(get16(ip + 4), 8 + p->len);
		CHECK_EQ_U64(ip[6], 17);
		CHECK_MEM(ip + 8, p->src.addr, 16);
		CHECK_MEM(ip + 24, p->dst.addr, 16);
	} else {
		CHECK_EQ_U64(ip[0], 0x45);
		CHECK_EQ_U64(get16(ip + 2), 28 + p->len);
		CHECK_EQ_U64(ip[9], 17);
		CHECK_MEM(ip + 12, p->src.addr, 4);
		CHECK_MEM(ip + 16, p->dst.addr, 4);
		CHECK_EQ_U64(ref_sum1(ip, 20), 0xffff); /* header checksum verifies */
	}
	CHECK_EQ_U64(get16(udp), p->src.port);
	CHECK_EQ_U64(get16(udp + 2), p->dst.port);
	CHECK_EQ_U64(get16(udp + 4), 8 + p->len);
	if (p->caplen < p->len) {
		/* Truncated: not computable; IPv4 "none", IPv6 all ones. */
		CHECK_EQ_U64(get16(udp + 6), v6 ? 0xffff : 0);
	} else {
		CHECK(get16(udp + 6) != 0);
		CHECK_EQ_U64(udp_verify(p, udp, v6), 0xffff);
	}
	if (check_failed != failed) {
		fprintf(stderr, "    IPv%d, len %u, caplen %u\n", v6 ? 6 : 4, p->len, p->caplen);
	}
}

static void test_many_lengths(void)
{
	uint8_t payload[301];
	struct tsc_pkt p;

	for (size_t i = 0; i < sizeof(payload); i++) {
		payload[i] = (uint8_t)(i * 151 + 7); /* every byte value, no pattern in words */
	}
	for (int v6 = 0; v6 <= 1; v6++) {
		for (uint32_t len = 0; len <= 300; len++) {
			memset(&p, 0, sizeof(p));
			if (v6) {
				set_v6(&p.src, v6_src, (uint16_t)(1000 + len));
				set_v6(&p.dst, v6_dst, 65535);
			} else {
				set_v4(&p.src, 10, (uint8_t)len, 255, 254, (uint16_t)(1000 + len));
				set_v4(&p.dst, 255, 255, 255, 255, 65535);
			}
			p.data = payload;
			p.caplen = p.len = len;
			check_packet(&p, v6);
			/* The same packet with its payload cut short. */
			if (len > 0) {
				p.caplen = len / 2;
				check_packet(&p, v6);
			}
		}
	}
}

/* A UDP checksum that computes to 0 is sent as 0xffff (RFC 768). The
 * payload's last word is chosen so the sum comes to 0xffff. */
static void test_computed_zero(void)
{
	uint8_t payload[4] = {0x12, 0x34, 0, 0};
	uint8_t out[128];
	struct tsc_pkt p;

	for (int v6 = 0; v6 <= 1; v6++) {
		memset(&p, 0, sizeof(p));
		if (v6) {
			set_v6(&p.src, v6_src, 4242);
			set_v6(&p.dst, v6_dst, 9000);
		} else {
			set_v4(&p.src, 192, 0, 2, 1, 4242);
			set_v4(&p.dst, 198, 51, 100, 7, 9000);
		}
		p.data = payload;
		p.caplen = p.len = sizeof(payload);
		payload[2] = payload[3] = 0;
		synth_udp_headers(out, &p);
		const uint8_t *udp = out + synth_hdr_len(&p) - 8;
		uint8_t hdr[8];
		memcpy(hdr, udp, 8);
		hdr[6] = hdr[7] = 0;
		/* Sum with checksum and last word 0, then the word that
		 * completes it to 0xffff. */
		uint16_t s = udp_verify(&p, hdr, v6);
		uint16_t w = (uint16_t)(0xffff - s);
		payload[2] = (uint8_t)(w >> 8);
		payload[3] = (uint8_t)w;
		memset(out, FILL, sizeof(out));
		synth_udp_headers(out, &p);
		CHECK_EQ_U64(get16(udp + 6), 0xffff);
		CHECK_EQ_U64(udp_verify(&p, udp, v6), 0xffff);
	}
}

static void test_csum_functions(void)
{
	/* RFC 1071 section 3's example: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2. */
	static const uint8_t rfc[8] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
	uint8_t buf[1031];

	CHECK_EQ_U64(synth_csum_fold(synth_csum_add(0, rfc, 8)), 0xddf2);
	/* In even-length chunks. */
	CHECK_EQ_U64(synth_csum_fold(synth_csum_add(synth_csum_add(0, rfc, 2), rfc + 2, 6)),
	             0xddf2);
	CHECK_EQ_U64(synth_csum_fold(synth_csum_add(synth_csum_add(0, rfc, 4), rfc + 4, 4)),
	             0xddf2);
	CHECK_EQ_U64(synth_csum_fold(synth_csum_add(0, rfc, 0)), 0);
	CHECK_EQ_U64(synth_csum_fold(synth_csum_add(0, rfc, 1)), 0x0000); /* 00 */
	CHECK_EQ_U64(synth_csum_fold(synth_csum_add(0, rfc + 2, 1)), 0xf200);
	CHECK_EQ_U64(synth_csum_fold(synth_csum_add(0, rfc + 2, 3)), 0xe604); /* f203 + f400 */

	CHECK_EQ_U64(synth_csum_fold(0), 0);
	CHECK_EQ_U64(synth_csum_fold(0xffff), 0xffff);
	CHECK_EQ_U64(synth_csum_fold(0x10000), 1);
	CHECK_EQ_U64(synth_csum_fold(0x1fffe), 0xffff);
	CHECK_EQ_U64(synth_csum_fold(0xffffffff), 0xffff);
	CHECK_EQ_U64(synth_csum_fold(0x12345678), 0x68ac);

	/* Every length and start offset against the reference. */
	for (size_t i = 0; i < sizeof(buf); i++) {
		buf[i] = (uint8_t)(i * 37 + (i >> 3));
	}
	for (size_t off = 0; off < 8; off++) {
		for (size_t len = 0; len + off <= sizeof(buf); len += len < 40 ? 1 : 97) {
			unsigned failed = check_failed;
			CHECK_EQ_U64(synth_csum_fold(synth_csum_add(0, buf + off, len)),
			             ref_sum1(buf + off, len));
			/* Continuing from a partial sum of an even chunk. */
			size_t half = len / 2 & ~(size_t)1;
			CHECK_EQ_U64(
			    synth_csum_fold(synth_csum_add(synth_csum_add(0, buf + off, half),
			                                   buf + off + half, len - half)),
			    ref_sum1(buf + off, len));
			if (check_failed != failed) {
				fprintf(stderr, "    offset %zu, length %zu\n", off, len);
				return;
			}
		}
	}

	/* All ones, long enough to carry many times. */
	uint8_t *ff = malloc(65536);
	if (CHECK(ff)) {
		memset(ff, 0xff, 65536);
		CHECK_EQ_U64(synth_csum_fold(synth_csum_add(0, ff, 65536)), 0xffff);
		CHECK_EQ_U64(synth_csum_fold(synth_csum_add(0, ff, 65535)), 0xff00); /* + ff00 */
		free(ff);
	}
}

int main(void)
{
	test_known_packets();
	test_many_lengths();
	test_computed_zero();
	test_csum_functions();
	return check_done();
}
