/* Endpoints as users write them: udp://127.0.0.1:9000, udp://[::1]:9000,
 * udp://[::]:9000 (dual-stack), udp://239.1.2.3:5000%eth0 (multicast,
 * joined on eth0); wire:eth0 (every frame on an interface, the OS's raw
 * socket) and pcap:eth0 (the same through libpcap's live capture), both
 * with an optional ?filter=EXPR in tcpdump syntax. Parsing is text only;
 * nothing is opened here. */
#ifndef TSCAP_ENDPOINT_H
#define TSCAP_ENDPOINT_H

#include <stddef.h>
#include <stdint.h>

#define TSC_IFNAME_MAX 16 /* IFNAMSIZ on Linux, IF_NAMESIZE elsewhere */

enum tsc_ep_kind { TSC_EP_UDP = 0, TSC_EP_WIRE, TSC_EP_PCAP };

#define TSC_FILTER_MAX 256

struct tsc_endpoint {
	char text[TSC_FILTER_MAX + 64]; /* as given, for messages and if_description */
	uint8_t kind;                   /* enum tsc_ep_kind */
	char filter[TSC_FILTER_MAX];    /* wire:/pcap: ?filter=, "" when none */
	uint8_t family;                 /* TSC_AF_INET or TSC_AF_INET6 */
	uint8_t addr[16];
	uint16_t port;
	char ifname[TSC_IFNAME_MAX]; /* "" when none was given */
	uint8_t wildcard;            /* 0.0.0.0 or :: */
	uint8_t multicast;           /* 224.0.0.0/4 or ff00::/8 */
	uint8_t loopback;            /* 127.0.0.0/8 or ::1 */
};

/* 0, or -1 with a one-line reason in err. */
int tsc_endpoint_parse(const char *s, struct tsc_endpoint *ep, char *err, size_t errlen);
/* The same, for commands that send and receive datagrams: udp:// only. */
int tsc_endpoint_parse_udp(const char *s, struct tsc_endpoint *ep, char *err, size_t errlen);

/* "127.0.0.1" / "::1" for an address of the given family. */
void tsc_addr_format(uint8_t family, const uint8_t *addr, char *out, size_t outlen);

#endif
