/* Just enough dissection for one line per packet in `tscap read`:
 * addresses, ports and the transport of Ethernet (with 802.1Q), raw IP,
 * Linux cooked and BSD loopback frames. */
#ifndef TSCAP_FRAME_H
#define TSCAP_FRAME_H

#include <stddef.h>
#include <stdint.h>

struct frame_info {
	char src[64], dst[64]; /* "addr:port" or "addr" */
	const char *proto;     /* "UDP", "TCP", "ICMP", "IPv4", "ARP", "?" */
	int has_payload_len;
	uint32_t payload_len;   /* UDP payload length from its header */
	const uint8_t *payload; /* UDP payload as captured, NULL if none */
	size_t payload_caplen;
};

void frame_describe(uint16_t linktype, const uint8_t *data, size_t caplen, struct frame_info *fi);

#endif
