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
 * §2(B)): sum native 16-bit words eight bytes at a time, fold, and swap
 * once at the end into the big-endian convention the header uses. Every
 * chunk but the last must have an even length, as in the pseudo-header. */
uint32_t synth_csum_add(uint32_t sum, const uint8_t *data, size_t len)
{
	uint64_t acc = 0;

	for (; len >= 8; data += 8, len -= 8) {
		uint64_t v;
		memcpy(&v, data, 8);
		acc += (v & 0xffffffffu) + (v >> 32);
	}
	if (len >= 4) {
		uint32_t v;
		memcpy(&v, data, 4);
		acc += v;
		data += 4;
		len -= 4;
	}
	if (len >= 2) {
		uint16_t v;
		memcpy(&v, data, 2);
		acc += v;
		data += 2;
		len -= 2;
	}
	if (len) {
		uint8_t last[2] = {data[0], 0}; /* pad the odd byte as a word */
		uint16_t v;
		memcpy(&v, last, 2);
		acc += v;
	}
	while (acc >> 16) {
		acc = (acc & 0xffffu) + (acc >> 16);
	}
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	acc = (uint16_t)__builtin_bswap16((uint16_t)acc);
#endif
	return sum + (uint32_t)acc;
}

uint16_t synth_csum_fold(uint32_t sum)
{
	while (sum >> 16) {
		sum = (sum & 0xffffu) + (sum >> 16);
	}
	return (uint16_t)sum;
}

static uint16_t udp_checksum(const struct tsc_pkt *p, const uint8_t *udp, int v6)
{
	if (p->caplen < p->len) {
		return v6 ? 0xffff : 0;
	}
	size_t alen = v6 ? 16 : 4;
	uint32_t udp_len = 8 + p->len;
	uint8_t pseudo[8] = {0,
	                     0,
	                     (uint8_t)(udp_len >> 24),
	                     (uint8_t)(udp_len >> 16),
	                     (uint8_t)(udp_len >> 8),
	                     (uint8_t)udp_len,
	                     0,
	                     17};
	uint32_t sum = synth_csum_add(0, p->src.addr, alen);

	sum = synth_csum_add(sum, p->dst.addr, alen);
	sum = synth_csum_add(sum, pseudo, sizeof(pseudo));
	sum = synth_csum_add(sum, udp, 8);
	sum = synth_csum_add(sum, p->data, p->len);
	uint16_t c = (uint16_t)~synth_csum_fold(sum);
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
	uint32_t total = 20 + 8 + p->len;

	memset(ip, 0, 20);
	ip[0] = 0x45;
	put16(ip + 2, total > 0xffff ? 0xffff : total);
	ip[8] = 64; /* TTL */
	ip[9] = 17; /* UDP */
	memcpy(ip + 12, p->src.addr, 4);
	memcpy(ip + 16, p->dst.addr, 4);
	put16(ip + 10, (uint16_t)~synth_csum_fold(synth_csum_add(0, ip, 20)));
	return ip + 20;
}

static uint8_t *put_ipv6(uint8_t *ip, const struct tsc_pkt *p)
{
	uint32_t plen = 8 + p->len;

	memset(ip, 0, 40);
	ip[0] = 0x60;
	put16(ip + 4, plen > 0xffff ? 0xffff : plen);
	ip[6] = 17; /* next header: UDP */
	ip[7] = 64; /* hop limit */
	memcpy(ip + 8, p->src.addr, 16);
	memcpy(ip + 24, p->dst.addr, 16);
	return ip + 40;
}

void synth_udp_headers(uint8_t *out, const struct tsc_pkt *p)
{
	int v6 = p->src.family == TSC_AF_INET6;
	uint8_t *udp = put_eth(out, v6 ? 0x86dd : 0x0800);
	uint32_t udp_len = 8 + p->len;

	udp = v6 ? put_ipv6(udp, p) : put_ipv4(udp, p);
	put16(udp, p->src.port);
	put16(udp + 2, p->dst.port);
	put16(udp + 4, udp_len > 0xffff ? 0xffff : udp_len);
	put16(udp + 6, 0);
	put16(udp + 6, udp_checksum(p, udp, v6));
}
