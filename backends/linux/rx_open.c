/* Which Linux rx path a capture gets: the one asked for; for auto, the
 * io_uring multishot path where the kernel has it (Linux >= 6.0, io_uring
 * not disabled), else recvmmsg with a one-line note. bench/run on the
 * development machine: io_uring kept up with the sender flat out (about
 * 280,000 pps of 64-byte datagrams, no drop), as recvmmsg did, at about
 * the same CPU per packet, with fewer syscalls per packet on a busy
 * socket. A wire: source may have set up its mapped ring for auto (where
 * the ring keeps every stamp the frames have): then the ring. */
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
	if (o.kind == TSC_RX_AUTO && src->ring) {
		o.kind = TSC_RX_RING; /* the wire: source chose its ring (wire.c) */
	} else if (o.kind == TSC_RX_AUTO) {
		o.kind = TSC_RX_URING;
		if (!rx_uring_available(why, sizeof(why))) {
			tsc_note("%s: receiving with recvmmsg: %s", src->ep.text, why);
			o.kind = TSC_RX_MMSG;
		}
	} else if (o.kind == TSC_RX_URING && !rx_uring_available(why, sizeof(why))) {
		tsc_err("--rx uring: %s", why);
		return -1;
	}
	if (o.kind == TSC_RX_RING) {
		return rx_ring_open(src, &o, out);
	}
	return o.kind == TSC_RX_URING ? rx_uring_open(src, &o, out) : rx_mmsg_open(src, &o, out);
}
