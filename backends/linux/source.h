/* Linux's struct tsc_source, shared by the Linux rx paths only. */
#ifndef TSCAP_LINUX_SOURCE_H
#define TSCAP_LINUX_SOURCE_H

#include <sys/socket.h>

#include "backend.h"
#include "decode.h"
#include "hwstamp.h"
#include "sockaddr.h"

struct tsc_source {
	int fd;
	uint16_t endpoint;
	struct tsc_addr bound; /* local address and port: dst when no pktinfo */
	struct tsc_endpoint ep;
	struct tsc_grant grant;
	struct linux_decode_ctx dctx;
	struct hwstamp_saved hw;     /* NIC config to restore on close */
	uint8_t tx_stamps;           /* TX stamping on */
	int8_t opt_id_cmsg;          /* SCM_TS_OPT_ID: 1 works, 0 refused, -1 untried */
	uint32_t tx_count;           /* datagrams sent: the kernel's own ids */
	uint8_t kind;                /* enum tsc_ep_kind */
	uint8_t headroom;            /* writable bytes the rx paths keep before each payload */
	uint8_t promisc;             /* wire: we put the interface in promiscuous mode */
	unsigned ifindex;            /* wire: the interface */
	_Atomic uint64_t wire_drops; /* wire: PACKET_STATISTICS drops so far (the
	                              * capture and the metrics thread both read) */
	struct pcap_live *pcap;      /* pcap: libpcap's capture */
	uint8_t *ring;               /* wire: --rx ring: the mapped TPACKET_V3 ring */
	size_t ring_len;
	unsigned ring_blocks;
};

/* --rx ring (rx_ring.c): the ring set up on a wire: socket before it is
 * bound, of about `bytes`, and unmapped at close. */
int linux_ring_setup(struct tsc_source *src, uint32_t bytes, enum tsc_stamp_mode stamp);
void linux_ring_unmap(struct tsc_source *src);

/* wire: room to put a VLAN tag back in front of the frame's type field. */
#define LINUX_WIRE_HEADROOM 4

/* wire: sources (wire.c): the packet socket set up and bound; its drops
 * from PACKET_STATISTICS; what to undo at close. */
int linux_wire_configure(struct tsc_source *src, const struct tsc_source_opts *opts);
int64_t linux_wire_drops(struct tsc_source *src);
void linux_wire_close(struct tsc_source *src);

/* Receive buffer (bytes of payload space) and the stamps asked for. */
void linux_set_rcvbuf(struct tsc_source *src, uint32_t want);
int linux_setup_stamps(struct tsc_source *src, enum tsc_stamp_mode mode, int tx);

/* Reads TX reports from fd's error queue, without blocking: up to max,
 * or -errno. */
int linux_errqueue_read(int fd, const struct linux_decode_ctx *dctx, struct tsc_tx_stamp *out,
                        unsigned max);

/* fe80::/10 or a multicast group of link or node scope: needs %IFNAME. */
int linux_link_scoped(const struct tsc_endpoint *ep);

/* Linux switches receive stamping on for the whole stack through deferred
 * work, so the first datagrams after the first request can come unstamped.
 * Opens a stamping socket and waits (at most 200 ms) until a loopback
 * datagram comes back stamped; stamping stays on while the returned fd is
 * open. Returns the fd or -errno. */
int linux_stamping_hold(void);

#endif
