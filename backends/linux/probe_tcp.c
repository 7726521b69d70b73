/* `tscap probe`: TCP writes for the one stamp only TCP has, TX_ACK (all
 * bytes of a write acknowledged by the peer). On lo the probe listens
 * itself; elsewhere the user names a listening port on the peer
 * (--tcp-port). Each write waits for its ACK stamp, so reports never
 * merge; OPT_ID on TCP counts bytes, so write i of W bytes reports id
 * (i + 1) * W - 1. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "nstime.h"
#include "probe_private.h"

enum { WRITE_LEN = 16, ACK_WAIT_MS = 1000, CONNECT_WAIT_MS = 3000 };

/* A listener on the loopback peer's address, port chosen by the kernel. */
static int own_listener(struct tsc_probe *p, struct sockaddr_storage *to)
{
	socklen_t len = p->peer_len;
	int l = socket(p->peer.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	*to = p->peer;
	if (l < 0 || bind(l, (struct sockaddr *)to, len) < 0 ||
	    getsockname(l, (struct sockaddr *)to, &len) < 0 || listen(l, 1) < 0) {
		int e = -errno;
		if (l >= 0) {
			close(l);
		}
		return e;
	}
	return l;
}

/* connect, but give up after CONNECT_WAIT_MS (a peer that drops SYNs
 * would hold a blocking connect for minutes). */
static int connect_within(int fd, const struct sockaddr_storage *to, socklen_t len)
{
	int flags = fcntl(fd, F_GETFL), err = 0;
	socklen_t elen = sizeof(err);
	struct pollfd pf = {.fd = fd, .events = POLLOUT};

	fcntl(fd, F_SETFL, flags | O_NONBLOCK);
	if (connect(fd, (const struct sockaddr *)to, len) < 0) {
		if (errno != EINPROGRESS) {
			return -errno;
		}
		if (poll(&pf, 1, CONNECT_WAIT_MS) <= 0) {
			return -ETIMEDOUT;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0 || err) {
			return err ? -err : -errno;
		}
	}
	fcntl(fd, F_SETFL, flags);
	return 0;
}

static int connect_peer(struct tsc_probe *p, int *listener)
{
	struct sockaddr_storage to = p->peer;
	int one = 1, r;

	*listener = -1;
	if (!strcmp(p->ifname, "lo") && !p->o.tcp_port) {
		if ((*listener = own_listener(p, &to)) < 0) {
			return *listener;
		}
	} else {
		/* sin_port and sin6_port sit at the same offset */
		((struct sockaddr_in *)&to)->sin_port = htons(p->o.tcp_port);
	}
	int fd = socket(p->peer.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		r = -errno;
		goto fail;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	/* OPT_ID on TCP counts from the connection's first byte: the kernel
	 * takes it only on a connected socket (EINVAL before). */
	if ((r = probe_bind_device(p, fd)) < 0 || (r = connect_within(fd, &to, p->peer_len)) < 0 ||
	    (r = probe_stamping(fd, 1)) < 0) {
		close(fd);
		goto fail;
	}
	return fd;

fail:
	if (*listener >= 0) {
		close(*listener);
		*listener = -1;
	}
	return r;
}

static void wait_ack(const struct tsc_probe *p, int fd, struct tsc_pkt *out, unsigned n, unsigned i)
{
	int64_t deadline = tsc_now_monotonic() + ACK_WAIT_MS * 1000000LL;
	struct pollfd pf = {.fd = fd, .events = 0}; /* POLLERR: a report waits */

	while (!tsc_pkt_has(&out[i], TSC_TX_ACK)) {
		int64_t left = deadline - tsc_now_monotonic();
		if (left <= 0 || poll(&pf, 1, (int)(left / 1000000) + 1) <= 0 ||
		    (pf.revents & POLLHUP)) {
			return; /* the peer reset the connection: no ACK will come */
		}
		probe_drain_errqueue(p, fd, out, n, WRITE_LEN);
	}
}

int tsc_probe_tcp(struct tsc_probe *p, struct tsc_pkt *out, unsigned n, unsigned *writes)
{
	static const uint8_t data[WRITE_LEN];
	unsigned acked = 0;
	int listener, peer = -1, one = 1;

	*writes = 0;
	memset(out, 0, n * sizeof(*out));
	if (strcmp(p->ifname, "lo") != 0 && !p->o.tcp_port) {
		return 0;
	}
	int fd = connect_peer(p, &listener);
	if (fd < 0) {
		tsc_err("probe: TCP to %s: %s", p->peer_text, strerror(-fd));
		return fd;
	}
	if (listener >= 0 && (peer = accept4(listener, NULL, NULL, SOCK_CLOEXEC)) < 0) {
		tsc_err("probe: accepting our own TCP connection: %s", strerror(errno));
	}
	for (unsigned i = 0; i < n && !probe_stopped(p); i++) {
		if (send(fd, data, sizeof(data), MSG_NOSIGNAL) != (ssize_t)sizeof(data)) {
			tsc_err("probe: TCP write to %s: %s", p->peer_text, strerror(errno));
			break;
		}
		(*writes)++;
		wait_ack(p, fd, out, n, i);
		acked += tsc_pkt_has(&out[i], TSC_TX_ACK);
		if (peer >= 0) {
			uint8_t sink[WRITE_LEN];
			while (recv(peer, sink, sizeof(sink), MSG_DONTWAIT) > 0) {
			}
			/* ACK each write now: a delayed ACK (40 ms) would be all we
			 * measured, and a long run would take minutes */
			setsockopt(peer, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof(one));
		}
	}
	for (int fds[] = {fd, peer, listener}, k = 0; k < 3; k++) {
		if (fds[k] >= 0) {
			close(fds[k]);
		}
	}
	return (int)acked;
}
