/* Dispatch to the rx path behind the handle. */
#include "rx_private.h"

int tsc_rx_recv(struct tsc_rx *rx, struct tsc_pkt *pkts, unsigned max)
{
	return rx->ops->recv(rx, pkts, max);
}

const char *tsc_rx_name(const struct tsc_rx *rx)
{
	return rx->ops->name;
}

void tsc_rx_close(struct tsc_rx *rx)
{
	if (rx) {
		rx->ops->close(rx);
	}
}

int tsc_rx_wait_fd(const struct tsc_rx *rx)
{
	return rx->wait_fd;
}

uint64_t tsc_rx_stalls(const struct tsc_rx *rx)
{
	return rx ? rx->stalls : 0;
}

int tsc_rx_pending(struct tsc_rx *rx)
{
	return rx->ops->pending ? rx->ops->pending(rx) : 0;
}

void tsc_rx_stop(struct tsc_rx *rx)
{
	if (rx->ops->stop) {
		rx->ops->stop(rx);
	}
}

const char *const tsc_stamp_mode_names[] = {"auto", "hw", "sw", "none", NULL};
const char *const tsc_rx_kind_names[] = {"auto", "uring", "mmsg", "msg", "ring", NULL};
const char *const tsc_direction_names[] = {"inout", "in", "out", NULL};
const char *const tsc_clock_sel_names[] = {"auto",    "realtime",  "realtime-us",
                                           "bintime", "monotonic", NULL};
