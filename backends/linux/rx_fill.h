/* What every Linux rx path does with one received datagram, whatever
 * brought it in (recvmmsg, recvmsg, io_uring): the same tsc_pkt from the
 * same decoder. */
#ifndef TSCAP_LINUX_RX_FILL_H
#define TSCAP_LINUX_RX_FILL_H

#include <netinet/in.h>
#include <stddef.h>

#include "source.h"

/* SO_TIMESTAMPING (64) + IP(V6)_PKTINFO (40) + SO_RXQ_OVFL (24) +
 * SCM_TIMESTAMPING_PKTINFO (32), or PACKET_AUXDATA (40) for a frame, with
 * room to spare: a cut here would show as TSC_PKT_CTRUNC on the packet.
 * io_uring puts the payload right after the control area, whose last
 * bytes are then the headroom a wire: frame needs. */
#define LINUX_RX_CTL_LEN 256

/* The Linux rx paths; tsc_rx_open picks one. */
int rx_mmsg_open(struct tsc_source *src, const struct tsc_rx_opts *opts, struct tsc_rx **out);
int rx_uring_open(struct tsc_source *src, const struct tsc_rx_opts *opts, struct tsc_rx **out);
int rx_ring_open(struct tsc_source *src, const struct tsc_rx_opts *opts, struct tsc_rx **out);
/* 1 if this kernel has io_uring with multishot recvmsg; else 0 and why. */
int rx_uring_available(char *why, size_t whylen);

struct rx_datagram {
	uint8_t *payload;                /* the frame of a wire: source, headroom before it */
	uint32_t caplen;                 /* bytes at payload */
	size_t len;                      /* true length (MSG_TRUNC) */
	const struct sockaddr_in6 *name; /* or sockaddr_in; NULL if cut */
	const void *ctl;
	size_t ctl_len;
	int ctrunc; /* MSG_CTRUNC */
};

void linux_rx_fill(const struct tsc_source *src, const struct rx_datagram *d, int64_t user_ns,
                   struct tsc_pkt *p);

#endif
