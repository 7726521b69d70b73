/* Which Linux rx path a capture gets: the one asked for; for auto,
 * recvmmsg. bench/run on the development machine has recvmmsg keeping up
 * at the sender's top rate (265,000 pps, no drop) where the io_uring path
 * fell behind (55,000 of 300,000 dropped at 220,000 pps), at about the
 * same CPU per packet below that; auto follows the numbers until io_uring
 * catches up. */
#include "log.h"
#include "pcap_live.h"
#include "rx_fill.h"

int tsc_rx_open(struct tsc_source *src, const struct tsc_rx_opts *opts, struct tsc_rx **out)
{
	struct tsc_rx_opts o = *opts;
	char why[160];

	if (src->kind == TSC_EP_PCAP) {
		if (o.kind != TSC_RX_AUTO) {
			tsc_err("%s: --rx %s: a pcap: endpoint receives through libpcap",
			        src->ep.text, tsc_rx_kind_names[o.kind]);
			return -1;
		}
		return rx_pcap_open(src->pcap, src->endpoint, &o, out);
	}
	if (o.kind == TSC_RX_AUTO) {
		o.kind = TSC_RX_MMSG;
	} else if (o.kind == TSC_RX_URING && !rx_uring_available(why, sizeof(why))) {
		tsc_err("--rx uring: %s", why);
		return -1;
	}
	if (o.kind == TSC_RX_RING) {
		return rx_ring_open(src, &o, out);
	}
	return o.kind == TSC_RX_URING ? rx_uring_open(src, &o, out) : rx_mmsg_open(src, &o, out);
}
