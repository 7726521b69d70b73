/* Linux sending: sendmmsg batches to one target; with TX stamps on,
 * SO_TIMESTAMPING with OPT_ID so each report names its datagram, read
 * back from the error queue and decoded by the same decoder family. */
#define _GNU_SOURCE
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "compat.h"
#include "log.h"
#include "source.h"

#define TX_BATCH_MAX 1024

struct tsc_tx {
	int fd;
	struct sockaddr_storage to;
	socklen_t to_len;
	struct linux_decode_ctx dctx;
	struct mmsghdr msgs[TX_BATCH_MAX];
	struct iovec iov[TX_BATCH_MAX];
};

static int enable_tx_stamps(struct tsc_tx *tx, const struct tsc_endpoint *t)
{
	int flags = SOF_TIMESTAMPING_TX_SCHED | SOF_TIMESTAMPING_TX_SOFTWARE |
	            SOF_TIMESTAMPING_TX_HARDWARE | SOF_TIMESTAMPING_SOFTWARE |
	            SOF_TIMESTAMPING_RAW_HARDWARE | SOF_TIMESTAMPING_OPT_ID |
	            SOF_TIMESTAMPING_OPT_TSONLY;

	if (setsockopt(tx->fd, SOL_SOCKET, SO_TIMESTAMPING, &flags, sizeof(flags)) < 0) {
		int e = errno;
		tsc_err("%s: TX timestamping refused: %s", t->text, strerror(e));
		return -e;
	}
	return 0;
}

int tsc_tx_open(const struct tsc_endpoint *target, const struct tsc_tx_opts *opts,
                struct tsc_tx **out)
{
	struct tsc_tx *tx = calloc(1, sizeof(*tx));
	unsigned ifindex = 0;
	int r;

	if (!tx) {
		tsc_err("out of memory");
		return -ENOMEM;
	}
	tx->dctx.abi = &cmsg_abi_native;
	tx->dctx.hw_base = TSC_BASE_PHC_UTC;
	if (target->ifname[0] && !(ifindex = if_nametoindex(target->ifname))) {
		tsc_err("%s: no interface named '%s'", target->text, target->ifname);
		r = -ENODEV;
		goto no_socket;
	}
	tsc_sockaddr_endpoint(target, ifindex, &tx->to, &tx->to_len);
	tx->fd = socket(target->family == TSC_AF_INET ? AF_INET : AF_INET6,
	                SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (tx->fd < 0) {
		r = -errno;
		tsc_err("%s: socket: %s", target->text, strerror(-r));
		goto no_socket;
	}
	if (opts->sndbuf) {
		int v = (int)opts->sndbuf;
		if (setsockopt(tx->fd, SOL_SOCKET, SO_SNDBUFFORCE, &v, sizeof(v)) < 0) {
			setsockopt(tx->fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v));
		}
	}
	if (target->multicast && ifindex) {
		struct ip_mreqn mr = {.imr_ifindex = (int)ifindex};
		if (target->family == TSC_AF_INET) {
			setsockopt(tx->fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr));
		} else {
			setsockopt(tx->fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex,
			           sizeof(ifindex));
		}
	}
	if (opts->stamps && (r = enable_tx_stamps(tx, target)) < 0) {
		goto no_config;
	}
	/* connect: the kernel checks the route once, and errors (ECONNREFUSED
	 * from ICMP) come back on the socket. */
	if (connect(tx->fd, (struct sockaddr *)&tx->to, tx->to_len) < 0) {
		r = -errno;
		tsc_err("%s: cannot send there: %s", target->text, strerror(-r));
		goto no_config;
	}
	*out = tx;
	return 0;

no_config:
	close(tx->fd);
no_socket:
	free(tx);
	return r;
}

int tsc_tx_send(struct tsc_tx *tx, uint8_t *const *bufs, const uint32_t *lens, unsigned n)
{
	unsigned sent = 0;

	if (n > TX_BATCH_MAX) {
		n = TX_BATCH_MAX;
	}
	for (unsigned i = 0; i < n; i++) {
		tx->iov[i] = (struct iovec){.iov_base = bufs[i], .iov_len = lens[i]};
		tx->msgs[i].msg_hdr = (struct msghdr){.msg_iov = &tx->iov[i], .msg_iovlen = 1};
	}
	while (sent < n) {
		int r = sendmmsg(tx->fd, tx->msgs + sent, n - sent, 0);
		if (r < 0) {
			/* ECONNREFUSED reports an ICMP "port unreachable" for an
			 * earlier datagram (nobody listened then); this one was not
			 * sent, and the error is cleared: send it again. */
			if (errno == EINTR || errno == ECONNREFUSED) {
				continue;
			}
			return sent ? (int)sent : -errno;
		}
		sent += (unsigned)r;
	}
	return (int)sent;
}

int linux_errqueue_read(int fd, const struct linux_decode_ctx *dctx, struct tsc_tx_stamp *out,
                        unsigned max)
{
	unsigned n = 0;

	while (n + 2 <= max) {
		uint8_t ctl[256]; /* scm_timestamping + sock_extended_err */
		struct msghdr h = {.msg_control = ctl, .msg_controllen = sizeof(ctl)};
		if (recvmsg(fd, &h, MSG_ERRQUEUE | MSG_DONTWAIT) < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				break;
			}
			return n ? (int)n : -errno;
		}
		n += linux_errqueue_decode(dctx, ctl, h.msg_controllen, out + n);
	}
	return (int)n;
}

int tsc_tx_stamps(struct tsc_tx *tx, struct tsc_tx_stamp *out, unsigned max)
{
	return linux_errqueue_read(tx->fd, &tx->dctx, out, max);
}

void tsc_tx_close(struct tsc_tx *tx)
{
	if (tx) {
		close(tx->fd);
		free(tx);
	}
}
