#include "frame.h"

#include <stdio.h>
#include <string.h>

#include "endpoint.h"
#include "pkt.h"

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void transport(const uint8_t *l4, size_t len, uint8_t proto, struct frame_info *fi)
{
	char port_s[8] = "", port_d[8] = "";

	fi->proto = proto == 17   ? "UDP"
	            : proto == 6  ? "TCP"
	            : proto == 1  ? "ICMP"
	            : proto == 58 ? "ICMPv6"
	                          : "IP";
	if ((proto == 17 || proto == 6) && len >= 4) {
		snprintf(port_s, sizeof(port_s), ":%u", be16(l4));
		snprintf(port_d, sizeof(port_d), ":%u", be16(l4 + 2));
	}
	if (proto == 17 && len >= 8 && be16(l4 + 4) >= 8) {
		fi->has_payload_len = 1;
		fi->payload_len = be16(l4 + 4) - 8u;
		fi->payload = l4 + 8;
		fi->payload_caplen = len - 8;
	}
	strncat(fi->src, port_s, sizeof(fi->src) - strlen(fi->src) - 1);
	strncat(fi->dst, port_d, sizeof(fi->dst) - strlen(fi->dst) - 1);
}

static void ip(const uint8_t *p, size_t len, struct frame_info *fi)
{
	if (len >= 20 && (p[0] >> 4) == 4) {
		size_t ihl = (size_t)(p[0] & 15) * 4;
		tsc_addr_format(TSC_AF_INET, p + 12, fi->src, sizeof(fi->src));
		tsc_addr_format(TSC_AF_INET, p + 16, fi->dst, sizeof(fi->dst));
		fi->proto = "IPv4";
		if (ihl >= 20 && len >= ihl) {
			transport(p + ihl, len - ihl, p[9], fi);
		}
	} else if (len >= 40 && (p[0] >> 4) == 6) {
		char a[48], b[48];
		tsc_addr_format(TSC_AF_INET6, p + 8, a, sizeof(a));
		tsc_addr_format(TSC_AF_INET6, p + 24, b, sizeof(b));
		snprintf(fi->src, sizeof(fi->src), "[%s]", a);
		snprintf(fi->dst, sizeof(fi->dst), "[%s]", b);
		fi->proto = "IPv6";
		transport(p + 40, len - 40, p[6], fi);
	}
}

static void by_ethertype(uint16_t et, const uint8_t *p, size_t len, struct frame_info *fi)
{
	/* 802.1Q / 802.1ad tags, a bounded number: the file decides how many. */
	for (int tags = 0; (et == 0x8100 || et == 0x88a8) && len >= 4 && tags < 8; tags++) {
		et = be16(p + 2);
		p += 4;
		len -= 4;
	}
	if (et == 0x0800 || et == 0x86dd) {
		ip(p, len, fi);
	} else if (et == 0x0806) {
		fi->proto = "ARP";
	}
}

void frame_describe(uint16_t linktype, const uint8_t *d, size_t len, struct frame_info *fi)
{
	memset(fi, 0, sizeof(*fi));
	strcpy(fi->src, "?");
	strcpy(fi->dst, "?");
	fi->proto = "?";
	switch (linktype) {
	case 1: /* Ethernet */
		if (len >= 14) {
			by_ethertype(be16(d + 12), d + 14, len - 14, fi);
		}
		break;
	case 101: /* raw IP */
	case 228: /* IPv4 */
	case 229: /* IPv6 */
		ip(d, len, fi);
		break;
	case 113: /* Linux cooked v1 */
		if (len >= 16) {
			by_ethertype(be16(d + 14), d + 16, len - 16, fi);
		}
		break;
	case 0:   /* BSD loopback: host-order family */
	case 108: /* OpenBSD loopback */
		if (len >= 4) {
			ip(d + 4, len - 4, fi);
		}
		break;
	}
}
