/* Synthesized Ethernet + IPv4/IPv6 + UDP headers in front of a received
 * payload, as text2pcap does, so every dissector sees ordinary UDP with
 * the real addresses, ports, lengths and checksums. */
#ifndef TSCAP_SYNTH_H
#define TSCAP_SYNTH_H

#include <stddef.h>
#include <stdint.h>

#include "pkt.h"

enum {
	SYNTH_ETH_LEN = 14,
	SYNTH_V4_LEN = SYNTH_ETH_LEN + 20 + 8,
	SYNTH_V6_LEN = SYNTH_ETH_LEN + 40 + 8,
	SYNTH_MAX_LEN = SYNTH_V6_LEN,
};

/* Locally administered MACs (bit 1 of the first octet): no real vendor. */
extern const uint8_t synth_mac_src[6];
extern const uint8_t synth_mac_dst[6];

/* Header bytes synth_udp_headers writes for this packet. */
size_t synth_hdr_len(const struct tsc_pkt *p);

/* Write the headers to out (synth_hdr_len(p) bytes). The UDP checksum
 * covers the payload when all of it was captured; a truncated payload
 * cannot be summed, so it gets 0 (IPv4: "no checksum") or, over IPv6,
 * where 0 is illegal, 0xffff (readers do not verify truncated frames). */
void synth_udp_headers(uint8_t *out, const struct tsc_pkt *p);

/* The hot path: copy `copy` payload bytes to dst and return the partial
 * sum of all `len` (>= copy) bytes of src, in one pass; then write the
 * headers with that sum. */
uint64_t synth_copy_sum(uint8_t *dst, const uint8_t *src, size_t copy, size_t len);
void synth_udp_headers_sum(uint8_t *out, const struct tsc_pkt *p, uint64_t payload_sum);

/* RFC 1071 one's-complement sum of data, folded to 16 bits (not negated),
 * continuing from a previous partial sum. */
uint32_t synth_csum_add(uint32_t sum, const uint8_t *data, size_t len);
uint16_t synth_csum_fold(uint32_t sum);

#endif
