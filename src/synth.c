#include "synth.h"

#include <string.h>

const uint8_t synth_mac_src[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
const uint8_t synth_mac_dst[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

size_t synth_hdr_len(const struct tsc_pkt *p)
{
	return p->src.family == TSC_AF_INET6 ? SYNTH_V6_LEN : SYNTH_V4_LEN;
}

/* One's-complement addition does not care about byte order (RFC 1071
 * §2(B)): everything is summed as native 32-bit words into 64 bits, folded
 * once and swapped once into the big-endian convention of the header.
 * Chunks are summed one after another as one stream, so every chunk but
 * the last must have an even length (the pseudo-header's do). */
static uint64_t sum_tail(uint64_t acc, const uint8_t *p, size_t len)
{
	if (len >= 4) {
		uint32_t v;
		memcpy(&v, p, 4);
		acc += v;
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		uint16_t v;
		memcpy(&v, p, 2);
		acc += v;
		p += 2;
		len -= 2;
	}
	if (len) {
		uint8_t last[2] = {p[0], 0}; /* the odd byte is a word's high half */
		uint16_t v;
		memcpy(&v, last, 2);
		acc += v;
	}
	return acc;
}

static uint64_t sum_native(uint64_t acc, const uint8_t *p, size_t len)
{
	uint64_t a1 = 0;

	for (; len >= 16; p += 16, len -= 16) { /* two chains for the adders */
		uint64_t x, y;
		memcpy(&x, p, 8);
		memcpy(&y, p + 8, 8);
		acc += (x & 0xffffffffu) + (x >> 32);
		a1 += (y & 0xffffffffu) + (y >> 32);
	}
	if (len >= 8) {
		uint64_t x;
		memcpy(&x, p, 8);
		acc += (x & 0xffffffffu) + (x >> 32);
		p += 8;
		len -= 8;
	}
	return sum_tail(acc + a1, p, len);
}

/* To 16 bits in the header's (big-endian) convention. */
static uint16_t fold_be(uint64_t acc)
{
	/* 64 -> 33 -> 17 -> 16 bits, without a loop. */
	acc = (acc & 0xffffffffu) + (acc >> 32);
	acc = (acc & 0xffffu) + (acc >> 16);
	acc = (acc & 0xffffu) + (acc >> 16);
	acc = (acc & 0xffffu) + (acc >> 16);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return __builtin_bswap16((uint16_t)acc);
#else
	return (uint16_t)acc;
#endif
}

uint32_t synth_csum_add(uint32_t sum, const uint8_t *data, size_t len)
{
	return sum + fold_be(sum_native(0, data, len));
}

uint16_t synth_csum_fold(uint32_t sum)
{
	while (sum >> 16) {
		sum = (sum & 0xffffu) + (sum >> 16);
	}
	return (uint16_t)sum;
}

uint64_t synth_copy_sum(uint8_t *dst, const uint8_t *src, size_t copy, size_t len)
{
	uint64_t a0 = 0, a1 = 0;
	size_t i = 0;

	for (; i + 16 <= copy; i += 16) {
		uint64_t x, y;
		memcpy(&x, src + i, 8);
		memcpy(&y, src + i + 8, 8);
		memcpy(dst + i, &x, 8);
		memcpy(dst + i + 8, &y, 8);
		a0 += (x & 0xffffffffu) + (x >> 32);
		a1 += (y & 0xffffffffu) + (y >> 32);
	}
	memcpy(dst + i, src + i, copy - i);
	return sum_native(a0 + a1, src + i, len - i);
}

static inline uint64_t add32(uint64_t acc, const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return acc + v;
}

static inline uint64_t add64(uint64_t acc, const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return acc + (v & 0xffffffffu) + (v >> 32);
}

/* A 16-bit header field as the native word its two big-endian bytes make,
 * so header sums come from values in registers: reading back bytes just
 * stored (narrow stores, wide load) stalls store-to-load forwarding, which
 * cost more than the rest of the synthesis. */
static inline uint64_t be_word(uint32_t v)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return __builtin_bswap16((uint16_t)v);
#else
	return (uint16_t)v;
#endif
}

static inline uint32_t clamp16(uint32_t v)
{
	return v > 0xffff ? 0xffff : v;
}

/* The UDP checksum from the payload's partial sum (synth_copy_sum): the
 * pseudo-header (addresses, protocol, 32-bit length) and the UDP header
 * (ports, 16-bit length, zero checksum). */
static uint16_t udp_checksum(const struct tsc_pkt *p, int v6, uint64_t payload_sum)
{
	if (p->caplen < p->len) {
		return v6 ? 0xffff : 0;
	}
	uint32_t udp_len = 8 + p->len;
	uint64_t acc = payload_sum + be_word(17) + be_word(udp_len >> 16) + be_word(udp_len) +
	               be_word(p->src.port) + be_word(p->dst.port) + be_word(clamp16(udp_len));

	if (v6) {
		acc = add64(add64(acc, p->src.addr), p->src.addr + 8);
		acc = add64(add64(acc, p->dst.addr), p->dst.addr + 8);
	} else {
		acc = add32(add32(acc, p->src.addr), p->dst.addr);
	}
	uint16_t c = (uint16_t)~fold_be(acc);
	return c ? c : 0xffff; /* RFC 768: a computed 0 is sent as all ones */
}

static uint8_t *put_eth(uint8_t *out, uint16_t ethertype)
{
	memcpy(out, synth_mac_dst, 6);
	memcpy(out + 6, synth_mac_src, 6);
	put16(out + 12, ethertype);
	return out + SYNTH_ETH_LEN;
}

static uint8_t *put_ipv4(uint8_t *ip, const struct tsc_pkt *p)
{
	/* Version/IHL 0x45, TTL 64, protocol UDP; the rest filled below. */
	static const uint8_t tmpl[20] = {0x45, 0, 0, 0, 0, 0, 0, 0, 64, 17};
	uint32_t total = 20 + 8 + p->len;

	uint64_t acc = be_word(0x4500) + be_word(clamp16(total)) + be_word(0x4011);

	memcpy(ip, tmpl, sizeof(tmpl));
	put16(ip + 2, clamp16(total));
	memcpy(ip + 12, p->src.addr, 4);
	memcpy(ip + 16, p->dst.addr, 4);
	put16(ip + 10, (uint16_t)~fold_be(add32(add32(acc, p->src.addr), p->dst.addr)));
	return ip + 20;
}

static uint8_t *put_ipv6(uint8_t *ip, const struct tsc_pkt *p)
{
	/* Version 6, next header UDP, hop limit 64. */
	static const uint8_t tmpl[8] = {0x60, 0, 0, 0, 0, 0, 17, 64};
	uint32_t plen = 8 + p->len;

	memcpy(ip, tmpl, sizeof(tmpl));
	put16(ip + 4, plen > 0xffff ? 0xffff : plen);
	memcpy(ip + 8, p->src.addr, 16);
	memcpy(ip + 24, p->dst.addr, 16);
	return ip + 40;
}

void synth_udp_headers_sum(uint8_t *out, const struct tsc_pkt *p, uint64_t payload_sum)
{
	int v6 = p->src.family == TSC_AF_INET6;
	uint8_t *udp = put_eth(out, v6 ? 0x86dd : 0x0800);
	uint32_t udp_len = 8 + p->len;

	udp = v6 ? put_ipv6(udp, p) : put_ipv4(udp, p);
	put16(udp, p->src.port);
	put16(udp + 2, p->dst.port);
	put16(udp + 4, clamp16(udp_len));
	put16(udp + 6, udp_checksum(p, v6, payload_sum));
}

void synth_udp_headers(uint8_t *out, const struct tsc_pkt *p)
{
	synth_udp_headers_sum(out, p, p->caplen < p->len ? 0 : sum_native(0, p->data, p->len));
}
