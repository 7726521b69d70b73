/* Capture filters in tcpdump's language (pcap-filter(7)), compiled by
 * libpcap for Ethernet and run in user space over the frames tscap
 * synthesizes, so `udp port 9000 and src host 10.0.0.1` means what it
 * means everywhere else. Used by capture --filter and Wireshark's capture
 * filter on the extcap interface. */
#ifndef TSCAP_CAPFILTER_H
#define TSCAP_CAPFILTER_H

#include <stddef.h>
#include <stdint.h>

struct tsc_filter;

/* 0, or -1 with libpcap's reason in err ("syntax error", ...). */
int tsc_filter_compile(const char *expr, uint32_t snaplen, struct tsc_filter **out, char *err,
                       size_t errlen);
/* 1 if the frame (caplen bytes kept of len) passes. */
int tsc_filter_match(const struct tsc_filter *f, const uint8_t *frame, uint32_t caplen,
                     uint32_t len);
void tsc_filter_free(struct tsc_filter *f);

#endif
