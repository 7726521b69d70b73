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

/* Each slot's first HEAD_LEN bytes lie in one dense array, the rest of it
 * (up to the snap length) in a second iovec elsewhere. A batch of small
 * datagrams then lands on a few pages instead of one page per datagram:
 * with 64 KiB slots every datagram had a page (and a TLB entry, which
 * every kernel entry flushes on this kind of machine) to itself, and
 * reading the payloads back cost about 5% of the capture's CPU at 64
 * bytes (bench/compare). A longer datagram's head is copied in front of
 * its tail, so the payload is contiguous again. */
#define HEAD_LEN 256u

struct rx_mmsg {
	struct tsc_rx base;
	struct tsc_source *src;
	unsigned batch;
	uint32_t slot_len;
	uint32_t head_len;  /* slot_len when the slot is not split */
	size_t head_stride; /* headroom + head_len */
	size_t tail_stride; /* headroom + slot_len: room for the whole payload */
	uint8_t *heads;
	uint8_t *tails; /* NULL when not split */
	uint8_t (*ctl)[CTL_LEN];
	struct sockaddr_in6 *names; /* big enough for sockaddr_in too */
	struct iovec *iov;          /* two per slot: head, tail */
	struct mmsghdr *msgs;
};

static void arm(struct rx_mmsg *rx, unsigned i)
{
	struct msghdr *h = &rx->msgs[i].msg_hdr;

	h->msg_name = &rx->names[i];
	h->msg_namelen = sizeof(rx->names[i]);
	h->msg_iov = &rx->iov[2 * i];
	h->msg_iovlen = rx->tails ? 2 : 1;
	h->msg_control = rx->ctl[i];
	h->msg_controllen = CTL_LEN;
	h->msg_flags = 0;
}

/* Turn slot i (len bytes as the kernel reported with MSG_TRUNC) into p. */
static void to_pkt(struct rx_mmsg *rx, unsigned i, size_t len, int64_t user_ns, struct tsc_pkt *p)
{
	const struct msghdr *h = &rx->msgs[i].msg_hdr;
	uint8_t *payload = rx->iov[2 * i].iov_base;

	if (rx->tails && len > rx->head_len) {
		uint8_t *whole = (uint8_t *)rx->iov[2 * i + 1].iov_base - rx->head_len;
		memcpy(whole, payload, rx->head_len);
		payload = whole;
	}
	struct rx_datagram d = {
	    .payload = payload,
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

	free(rx->heads);
	free(rx->tails);
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
	int split = slot_len > 2 * HEAD_LEN;
	rx->head_len = split ? HEAD_LEN : slot_len;
	rx->head_stride = (size_t)src->headroom + rx->head_len;
	rx->tail_stride = (size_t)src->headroom + slot_len;
	rx->heads = malloc((size_t)batch * rx->head_stride);
	rx->tails = split ? malloc((size_t)batch * rx->tail_stride) : NULL;
	rx->ctl = malloc((size_t)batch * CTL_LEN);
	rx->names = calloc(batch, sizeof(*rx->names));
	rx->iov = calloc(2 * (size_t)batch, sizeof(*rx->iov));
	rx->msgs = calloc(batch, sizeof(*rx->msgs));
	if (!rx->heads || (split && !rx->tails) || !rx->ctl || !rx->names || !rx->iov ||
	    !rx->msgs) {
		close_mmsg(&rx->base);
		goto no_memory;
	}
	for (unsigned i = 0; i < batch; i++) {
		struct iovec *v = &rx->iov[2 * i];
		v[0].iov_base = rx->heads + (size_t)i * rx->head_stride + src->headroom;
		v[0].iov_len = rx->head_len;
		if (split) {
			v[1].iov_base =
			    rx->tails + (size_t)i * rx->tail_stride + src->headroom + HEAD_LEN;
			v[1].iov_len = slot_len - HEAD_LEN;
		}
		arm(rx, i);
	}
	*out = &rx->base;
	return 0;

no_memory:
	tsc_err("out of memory for %u receive slots of %u bytes", batch, slot_len);
	return -ENOMEM;
}
