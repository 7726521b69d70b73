/* pcap:IFACE sources: libpcap's own live capture, the portable path for
 * systems where the backend has no raw socket of its own (BPF devices on
 * FreeBSD and macOS) and a cross-check of wire: on Linux. libpcap gives
 * one stamp per frame; it is labelled with the time stamp type libpcap
 * really used, never as more than it is. */
#ifndef TSCAP_PCAP_LIVE_H
#define TSCAP_PCAP_LIVE_H

#include "backend.h"

struct pcap_live;

struct pcap_live_info {
	uint16_t linktype; /* LINKTYPE_ of the frames (pcap_datalink) */
	uint8_t clock;     /* enum tsc_clock of libpcap's stamp */
	uint8_t base;      /* enum tsc_timebase of it */
	char tstamp[24];   /* libpcap's name of the time stamp type used */
	char offered[128]; /* the types the interface offers, comma-separated */
};

/* Opens, configures and activates the capture: snap length, nanosecond
 * stamps, --stamp as a time stamp type, immediate mode, buffer size,
 * direction, promiscuous mode, the endpoint's filter. 0 or -errno, with
 * the reason printed. */
int pcap_live_open(const struct tsc_endpoint *ep, const struct tsc_source_opts *opts,
                   struct pcap_live **out, struct pcap_live_info *info);
int pcap_live_fd(const struct pcap_live *pl);
/* Frames the kernel (or BPF) dropped for want of buffer: pcap_stats. */
int64_t pcap_live_drops(struct pcap_live *pl);
void pcap_live_close(struct pcap_live *pl);

/* The rx path: frames copied out of libpcap's buffer into slots, since
 * libpcap hands a block back to the kernel before pcap_dispatch returns. */
int rx_pcap_open(struct pcap_live *pl, uint16_t endpoint, const struct tsc_rx_opts *opts,
                 struct tsc_rx **out);

#endif
