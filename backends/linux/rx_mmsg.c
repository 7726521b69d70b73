/* The recvmmsg and recvmsg rx paths: one batch of slots (payload, control
 * buffer, source address) filled by one recvmmsg call, or by recvmsg
 * calls until the socket is empty. Both decode with the same decoder. */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "log.h"
#include "nstime.h"
#include "rx_private.h"
#include "rx_fill.h"
#include "source.h"

#define CTL_LEN LINUX_RX_CTL_LEN

struct rx_mmsg {
	struct tsc_rx base;
	struct tsc_source *src;
	unsigned batch;
	uint32_t slot_len;
	size_t stride; /* headroom + slot_len */
	uint8_t *payload;
	uint8_t (*ctl)[CTL_LEN];
	struct sockaddr_in6 *names; /* big enough for sockaddr_in too */
	struct iovec *iov;
	struct mmsghdr *msgs;
};

static void arm(struct rx_mmsg *rx, unsigned i)
{
	struct msghdr *h = &rx->msgs[i].msg_hdr;

	h->msg_name = &rx->names[i];
	h->msg_namelen = sizeof(rx->names[i]);
	h->msg_iov = &rx->iov[i];
	h->msg_iovlen = 1;
	h->msg_control = rx->ctl[i];
	h->msg_controllen = CTL_LEN;
	h->msg_flags = 0;
}

/* Turn slot i (len bytes as the kernel reported with MSG_TRUNC) into p. */
static void to_pkt(struct rx_mmsg *rx, unsigned i, size_t len, int64_t user_ns, struct tsc_pkt *p)
{
	const struct msghdr *h = &rx->msgs[i].msg_hdr;
	struct rx_datagram d = {
	    .payload = rx->iov[i].iov_base,
	    .caplen = rx->slot_len,
	    .len = len,
	    .name = h->msg_namelen ? &rx->names[i] : NULL,
	    .ctl = h->msg_control,
	    .ctl_len = h->msg_controllen,
	    .ctrunc = (h->msg_flags & MSG_CTRUNC) != 0,
	};

	linux_rx_fill(rx->src, &d, user_ns, p);
}

static int recv_mmsg(struct tsc_rx *base, struct tsc_pkt *pkts, unsigned max)
{
	struct rx_mmsg *rx = container_of(base, struct rx_mmsg, base);
	unsigned vlen = max < rx->batch ? max : rx->batch;

	int n = recvmmsg(rx->src->fd, rx->msgs, vlen, MSG_DONTWAIT | MSG_TRUNC, NULL);
	if (n < 0) {
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
	}
	/* One user-space stamp per wake-up: every packet of the batch became
	 * visible to us at this moment. */
	int64_t now = tsc_now_realtime();
	for (int i = 0; i < n; i++) {
		to_pkt(rx, (unsigned)i, rx->msgs[i].msg_len, now, &pkts[i]);
	}
	/* The kernel rewrote lengths and flags of the slots it filled only. */
	for (int i = 0; i < n; i++) {
		arm(rx, (unsigned)i);
	}
	return n;
}

static int recv_msg(struct tsc_rx *base, struct tsc_pkt *pkts, unsigned max)
{
	struct rx_mmsg *rx = container_of(base, struct rx_mmsg, base);
	unsigned vlen = max < rx->batch ? max : rx->batch;
	unsigned n = 0;

	while (n < vlen) {
		arm(rx, n);
		ssize_t len = recvmsg(rx->src->fd, &rx->msgs[n].msg_hdr, MSG_DONTWAIT | MSG_TRUNC);
		if (len < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				break;
			}
			return n ? (int)n : -errno;
		}
		to_pkt(rx, n, (size_t)len, tsc_now_realtime(), &pkts[n]);
		n++;
	}
	return (int)n;
}

static void close_mmsg(struct tsc_rx *base)
{
	struct rx_mmsg *rx = container_of(base, struct rx_mmsg, base);

	free(rx->payload);
	free(rx->ctl);
	free(rx->names);
	free(rx->iov);
	free(rx->msgs);
	free(rx);
}

static const struct tsc_rx_ops mmsg_ops = {.name = "mmsg", .recv = recv_mmsg, .close = close_mmsg};
static const struct tsc_rx_ops msg_ops = {.name = "msg", .recv = recv_msg, .close = close_mmsg};

int rx_mmsg_open(struct tsc_source *src, const struct tsc_rx_opts *opts, struct tsc_rx **out)
{
	unsigned batch = opts->batch;
	uint32_t slot_len = opts->slot_len;
	struct rx_mmsg *rx = calloc(1, sizeof(*rx));
	if (!rx) {
		goto no_memory;
	}
	rx->base.ops = opts->kind == TSC_RX_MSG ? &msg_ops : &mmsg_ops;
	rx->base.wait_fd = src->fd;
	rx->src = src;
	rx->batch = batch;
	rx->slot_len = slot_len;
	rx->stride = (size_t)src->headroom + slot_len;
	rx->payload = malloc((size_t)batch * rx->stride);
	rx->ctl = malloc((size_t)batch * CTL_LEN);
	rx->names = calloc(batch, sizeof(*rx->names));
	rx->iov = calloc(batch, sizeof(*rx->iov));
	rx->msgs = calloc(batch, sizeof(*rx->msgs));
	if (!rx->payload || !rx->ctl || !rx->names || !rx->iov || !rx->msgs) {
		close_mmsg(&rx->base);
		goto no_memory;
	}
	for (unsigned i = 0; i < batch; i++) {
		rx->iov[i].iov_base = rx->payload + (size_t)i * rx->stride + src->headroom;
		rx->iov[i].iov_len = slot_len;
		arm(rx, i);
	}
	*out = &rx->base;
	return 0;

no_memory:
	tsc_err("out of memory for %u receive slots of %u bytes", batch, slot_len);
	return -ENOMEM;
}
