/* Which Linux rx path a capture gets: the one asked for, or for auto the
 * io_uring path where the kernel has multishot recvmsg, recvmmsg else. */
#include "log.h"
#include "rx_fill.h"

int tsc_rx_open(struct tsc_source *src, const struct tsc_rx_opts *opts, struct tsc_rx **out)
{
	struct tsc_rx_opts o = *opts;
	char why[160];

	if (o.kind == TSC_RX_AUTO) {
		o.kind = rx_uring_available(why, sizeof(why)) ? TSC_RX_URING : TSC_RX_MMSG;
		if (o.kind == TSC_RX_MMSG && src->endpoint == 0) {
			tsc_note("receiving with recvmmsg: %s", why);
		}
	} else if (o.kind == TSC_RX_URING && !rx_uring_available(why, sizeof(why))) {
		tsc_err("--rx uring: %s", why);
		return -1;
	}
	return o.kind == TSC_RX_URING ? rx_uring_open(src, &o, out) : rx_mmsg_open(src, &o, out);
}
