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
#include "source.h"

/* SO_TIMESTAMPING (64) + IP(V6)_PKTINFO (40) + SO_RXQ_OVFL (24) +
 * SCM_TIMESTAMPING_PKTINFO (32), with room to spare: a cut here would
 * show as TSC_PKT_CTRUNC on the packet. */
#define CTL_LEN 256

struct rx_mmsg {
	struct tsc_rx base;
	struct tsc_source *src;
	unsigned batch;
	uint32_t slot_len;
	uint8_t *payload;
	uint8_t (*ctl)[CTL_LEN];
	struct sockaddr_in6 *names; /* big enough for sockaddr_in too */
	struct iovec *iov;
	struct mmsghdr *msgs;
};

static void addr_from_sockaddr(struct tsc_addr *a, const struct sockaddr_in6 *sa)
{
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

	memset(a, 0, sizeof(*a));
	if (sa->sin6_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)(const void *)sa;
		a->family = TSC_AF_INET;
		a->port = ntohs(sin->sin_port);
		memcpy(a->addr, &sin->sin_addr, 4);
	} else if (sa->sin6_family == AF_INET6) {
		a->port = ntohs(sa->sin6_port);
		if (memcmp(&sa->sin6_addr, mapped, 12) == 0) {
			a->family = TSC_AF_INET;
			memcpy(a->addr, (const uint8_t *)&sa->sin6_addr + 12, 4);
		} else {
			a->family = TSC_AF_INET6;
			memcpy(a->addr, &sa->sin6_addr, 16);
		}
	}
}

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
	struct tsc_source *src = rx->src;

	p->data = rx->payload + (size_t)i * rx->slot_len;
	p->len = (uint32_t)len;
	p->caplen = len > rx->slot_len ? rx->slot_len : (uint32_t)len;
	p->flags = p->caplen < p->len ? TSC_PKT_TRUNC : 0;
	p->stamp_set = 0;
	p->ifindex = 0;
	p->drops = 0;
	p->endpoint = src->endpoint;
	addr_from_sockaddr(&p->src, &rx->names[i]);
	p->dst = src->bound;
	linux_cmsg_decode(&src->dctx, h->msg_control, h->msg_controllen,
	                  (h->msg_flags & MSG_CTRUNC) != 0, p);
	tsc_pkt_stamp(p, TSC_USER, user_ns, TSC_BASE_REALTIME);
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

int tsc_rx_open(struct tsc_source *src, enum tsc_rx_kind kind, unsigned batch, uint32_t slot_len,
                struct tsc_rx **out)
{
	struct rx_mmsg *rx = calloc(1, sizeof(*rx));

	if (!rx) {
		goto no_memory;
	}
	rx->base.ops = kind == TSC_RX_MSG ? &msg_ops : &mmsg_ops;
	rx->src = src;
	rx->batch = batch;
	rx->slot_len = slot_len;
	rx->payload = malloc((size_t)batch * slot_len);
	rx->ctl = malloc((size_t)batch * CTL_LEN);
	rx->names = calloc(batch, sizeof(*rx->names));
	rx->iov = calloc(batch, sizeof(*rx->iov));
	rx->msgs = calloc(batch, sizeof(*rx->msgs));
	if (!rx->payload || !rx->ctl || !rx->names || !rx->iov || !rx->msgs) {
		close_mmsg(&rx->base);
		goto no_memory;
	}
	for (unsigned i = 0; i < batch; i++) {
		rx->iov[i].iov_base = rx->payload + (size_t)i * slot_len;
		rx->iov[i].iov_len = slot_len;
		arm(rx, i);
	}
	*out = &rx->base;
	return 0;

no_memory:
	tsc_err("out of memory for %u receive slots of %u bytes", batch, slot_len);
	return -ENOMEM;
}
