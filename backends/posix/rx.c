/* The POSIX rx paths: one batch of slots (payload, control buffer, source
 * address) filled by the OS's batched receive (FreeBSD recvmmsg, XNU
 * recvmsg_x) or by recvmsg calls until the socket is empty; the OS's
 * decoder turns each into a tsc_pkt. */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "nstime.h"
#include "posix.h"
#include "rx_private.h"

#define CTL_LEN 256 /* the largest stamp (bintime, 32) + SCM_TIME_INFO (80) */

struct rx_posix {
	struct tsc_rx base;
	struct tsc_source *src;
	struct os_batch *batch_op;
	unsigned batch;
	uint32_t slot_len;
	uint8_t *payload;
	uint8_t (*ctl)[CTL_LEN];
	struct sockaddr_in6 *names;
	struct iovec *iov;
	struct msghdr *msgs;
	size_t *lens;
};

static void arm(struct rx_posix *rx, unsigned i)
{
	struct msghdr *h = &rx->msgs[i];

	h->msg_name = &rx->names[i];
	h->msg_namelen = sizeof(rx->names[i]);
	h->msg_iov = &rx->iov[i];
	h->msg_iovlen = 1;
	h->msg_control = rx->ctl[i];
	h->msg_controllen = CTL_LEN;
	h->msg_flags = 0;
}

static void to_pkt(struct rx_posix *rx, unsigned i, size_t len, int64_t user_ns, struct tsc_pkt *p)
{
	const struct msghdr *h = &rx->msgs[i];

	p->data = rx->payload + (size_t)i * rx->slot_len;
	p->len = (uint32_t)len;
	p->caplen = rx->slot_len < p->len ? rx->slot_len : p->len;
	p->flags = (h->msg_flags & MSG_TRUNC) || p->caplen < p->len ? TSC_PKT_TRUNC : 0;
	p->stamp_set = 0;
	p->ifindex = 0;
	p->drops = 0;
	p->ttl = 0;
	p->endpoint = rx->src->endpoint;
	tsc_addr_from_sockaddr(&p->src, h->msg_name, h->msg_namelen);
	p->dst = rx->src->bound;
	os_stamps_decode(rx->src, h->msg_control, h->msg_controllen,
	                 (h->msg_flags & MSG_CTRUNC) != 0, p);
	tsc_pkt_stamp(p, TSC_USER, user_ns, TSC_BASE_REALTIME);
}

static int recv_batch(struct tsc_rx *base, struct tsc_pkt *pkts, unsigned max)
{
	struct rx_posix *rx = container_of(base, struct rx_posix, base);
	unsigned vlen = max < rx->batch ? max : rx->batch;

	for (unsigned i = 0; i < vlen; i++) {
		arm(rx, i);
	}
	int n = os_batch_recv(rx->batch_op, rx->src->fd, vlen, rx->lens);
	if (n <= 0) {
		return n;
	}
	/* One user-space stamp per wake-up, as on Linux. */
	int64_t now = tsc_now_realtime();
	for (int i = 0; i < n; i++) {
		to_pkt(rx, (unsigned)i, rx->lens[i], now, &pkts[i]);
	}
	return n;
}

static int recv_msg(struct tsc_rx *base, struct tsc_pkt *pkts, unsigned max)
{
	struct rx_posix *rx = container_of(base, struct rx_posix, base);
	unsigned vlen = max < rx->batch ? max : rx->batch;
	unsigned n = 0;

	while (n < vlen) {
		arm(rx, n);
		ssize_t len = recvmsg(rx->src->fd, &rx->msgs[n], MSG_DONTWAIT);
		if (len < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				break;
			}
			return n ? (int)n : -errno;
		}
		/* Stamped right after the call returned: on an OS without
		 * kernel stamps this is the packet's only time. */
		to_pkt(rx, n, (size_t)len, tsc_now_realtime(), &pkts[n]);
		n++;
	}
	return (int)n;
}

static void close_posix(struct tsc_rx *base)
{
	struct rx_posix *rx = container_of(base, struct rx_posix, base);

	if (rx->batch_op) {
		os_batch_close(rx->batch_op);
	}
	free(rx->payload);
	free(rx->ctl);
	free(rx->names);
	free(rx->iov);
	free(rx->msgs);
	free(rx->lens);
	free(rx);
}

static const struct tsc_rx_ops batch_ops = {
    .name = "mmsg", .recv = recv_batch, .close = close_posix};
static const struct tsc_rx_ops msg_ops = {.name = "msg", .recv = recv_msg, .close = close_posix};

static int alloc_slots(struct rx_posix *rx, unsigned batch, uint32_t slot_len)
{
	rx->batch = batch;
	rx->slot_len = slot_len;
	rx->payload = malloc((size_t)batch * slot_len);
	rx->ctl = malloc((size_t)batch * CTL_LEN);
	rx->names = calloc(batch, sizeof(*rx->names));
	rx->iov = calloc(batch, sizeof(*rx->iov));
	rx->msgs = calloc(batch, sizeof(*rx->msgs));
	rx->lens = calloc(batch, sizeof(*rx->lens));
	if (!rx->payload || !rx->ctl || !rx->names || !rx->iov || !rx->msgs || !rx->lens) {
		return -ENOMEM;
	}
	for (unsigned i = 0; i < batch; i++) {
		rx->iov[i].iov_base = rx->payload + (size_t)i * slot_len;
		rx->iov[i].iov_len = slot_len;
		arm(rx, i);
	}
	return 0;
}

int tsc_rx_open(struct tsc_source *src, const struct tsc_rx_opts *opts, struct tsc_rx **out)
{
	struct rx_posix *rx = calloc(1, sizeof(*rx));

	if (opts->kind == TSC_RX_URING) {
		tsc_err("--rx uring: io_uring is Linux's; %s has mmsg (where batched) and msg",
		        os_backend_name);
		free(rx);
		return -EOPNOTSUPP;
	}
	if (!rx || alloc_slots(rx, opts->batch, opts->slot_len) < 0) {
		tsc_err("out of memory for %u receive slots of %u bytes", opts->batch,
		        opts->slot_len);
		if (rx) {
			close_posix(&rx->base);
		}
		return -ENOMEM;
	}
	rx->src = src;
	rx->base.wait_fd = src->fd;
	if (opts->kind != TSC_RX_MSG) {
		rx->batch_op = os_batch_open(rx->msgs, rx->batch);
	}
	if (rx->batch_op) {
		rx->base.ops = &batch_ops;
	} else {
		if (opts->kind == TSC_RX_MMSG) {
			tsc_note("--rx mmsg: %s has no batched receive; using recvmsg",
			         os_backend_name);
		}
		rx->base.ops = &msg_ops;
	}
	*out = &rx->base;
	return 0;
}
