/* struct tsc_pkt: the one neutral record every rx path produces and every
 * sink consumes (DESIGN.md, "Core types"). */
#ifndef TSCAP_PKT_H
#define TSCAP_PKT_H

#include <stdint.h>

/* Where a stamp came from, not just its value. The numbers are written to
 * files (the custom pcapng option) and must never be renumbered. */
enum tsc_clock {
	TSC_HW_RX = 0,    /* NIC clock at reception */
	TSC_SW_RX = 1,    /* kernel at reception */
	TSC_TX_SCHED = 2, /* kernel, entering the qdisc */
	TSC_TX_SW = 3,    /* kernel, handed to the driver */
	TSC_TX_HW = 4,    /* NIC clock at transmission */
	TSC_TX_ACK = 5,   /* TCP: all data acknowledged */
	TSC_USER = 6,     /* clock_gettime right after the receive call */
	TSC_PEER = 7,     /* a stamp carried in the payload */
	TSC_CLOCK_COUNT
};

/* The time base a stamp was taken in, before conversion to UTC ns. */
enum tsc_timebase {
	TSC_BASE_REALTIME = 0, /* CLOCK_REALTIME (UTC) */
	TSC_BASE_MONOTONIC = 1,
	TSC_BASE_PHC_UTC = 2, /* NIC clock found running on UTC */
	TSC_BASE_PHC_TAI = 3, /* NIC clock on TAI, converted to UTC */
};

/* An address as the file needs it: family, port, 16 bytes (IPv4 in the
 * first four). IPv4-mapped IPv6 addresses are stored as IPv4. */
struct tsc_addr {
	uint8_t family; /* TSC_AF_INET, TSC_AF_INET6 or 0 = unknown */
	uint8_t pad;
	uint16_t port; /* host order */
	uint8_t addr[16];
};

enum { TSC_AF_NONE = 0, TSC_AF_INET = 4, TSC_AF_INET6 = 6 };

enum tsc_pkt_flag {
	TSC_PKT_TRUNC = 1u << 0,  /* payload longer than what was captured */
	TSC_PKT_CTRUNC = 1u << 1, /* control data cut short (MSG_CTRUNC) */
	TSC_PKT_CBAD = 1u << 2,   /* a control message was malformed */
	TSC_PKT_HPREC = 1u << 3,  /* hw-rx stamped on entrance, high precision (FreeBSD) */
	TSC_PKT_FRAME = 1u << 4,  /* data is the whole link-layer frame (wire:, pcap:) */
};

/* Which way a frame went, and how it was addressed: pcapng's epb_flags
 * numbering (direction bits 0-1 less one, reception type bits 2-4). A
 * datagram on a socket is inbound with the type unspecified. */
enum tsc_dir { TSC_DIR_IN = 0, TSC_DIR_OUT = 1 };
enum tsc_cast {
	TSC_CAST_UNSPEC = 0,
	TSC_CAST_UNICAST = 1,
	TSC_CAST_MULTICAST = 2,
	TSC_CAST_BROADCAST = 3,
	TSC_CAST_PROMISC = 4, /* addressed to another host */
};

struct tsc_pkt {
	const uint8_t *data; /* payload as received */
	uint32_t caplen;     /* bytes at data */
	uint32_t len;        /* true payload length (MSG_TRUNC) */
	struct tsc_addr src, dst;
	uint32_t ifindex;   /* receiving interface, 0 if unknown */
	uint32_t drops;     /* kernel drop counter seen with it (SO_RXQ_OVFL) */
	uint16_t endpoint;  /* index of the endpoint (pcapng interface) */
	uint16_t flags;     /* enum tsc_pkt_flag */
	uint16_t stamp_set; /* bit (1 << enum tsc_clock) per stamp present */
	uint8_t ttl;        /* IPv4 TTL / IPv6 hop limit when asked for, 0 = unknown */
	uint8_t dir, cast;  /* enum tsc_dir, enum tsc_cast */
	uint8_t base[TSC_CLOCK_COUNT];
	int64_t ns[TSC_CLOCK_COUNT]; /* ns since 1970 UTC */
};

static inline int tsc_pkt_has(const struct tsc_pkt *p, enum tsc_clock c)
{
	return (p->stamp_set >> c) & 1u;
}

static inline void tsc_pkt_stamp(struct tsc_pkt *p, enum tsc_clock c, int64_t ns,
                                 enum tsc_timebase base)
{
	p->stamp_set = (uint16_t)(p->stamp_set | (1u << c));
	p->ns[c] = ns;
	p->base[c] = (uint8_t)base;
}

/* A transmit stamp reported after the send (Linux: the error queue),
 * matched to its datagram by id (the n-th datagram the socket sent). */
struct tsc_tx_stamp {
	uint32_t id;
	uint8_t clock; /* TSC_TX_SCHED, TSC_TX_SW, TSC_TX_HW or TSC_TX_ACK */
	int64_t ns;
};

/* The stamp a single-timestamp reader should see: hardware over software
 * over user space. Returns TSC_CLOCK_COUNT when the packet has none. */
enum tsc_clock tsc_pkt_best(const struct tsc_pkt *p);

const char *tsc_clock_name(enum tsc_clock c);

/* Set family and address from 16 IPv6 bytes; a v4-mapped address
 * (::ffff:a.b.c.d) is stored as IPv4. The port is left alone. */
void tsc_addr_set_in6(struct tsc_addr *a, const uint8_t in6[16]);

#endif
