/* `tscap probe`: ICMP echo through the probed interface with every stamp.
 * Echo needs nothing on the peer (any host answers ping), so the probe
 * works against hosts the user cannot run tscap on. A raw ICMP socket
 * (CAP_NET_RAW) is tried first, then an unprivileged ping socket
 * (net.ipv4.ping_group_range). Both deliver RX stamps with the reply and
 * TX stamps of the request on the error queue. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/icmp.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "nstime.h"
#include "probe_private.h"
#include "synth.h"

enum { ECHO_LEN = 64, ECHO_WAIT_MS = 1000, GIVE_UP_AFTER = 5 /* unanswered in a row */ };

struct echo_sock {
	int fd;
	int v6, raw; /* raw: replies carry the IPv4 header, we fill id and sum */
	uint16_t id;
};

/* Only echo replies reach a raw socket: not our own requests on lo, nor
 * the rest of the host's ICMP. */
static void filter_replies(const struct echo_sock *e)
{
	if (e->v6) {
		struct icmp6_filter f;
		ICMP6_FILTER_SETBLOCKALL(&f);
		ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &f);
		setsockopt(e->fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof(f));
	} else {
		struct icmp_filter f = {.data = ~(1u << ICMP_ECHOREPLY)};
		setsockopt(e->fd, SOL_RAW, ICMP_FILTER, &f, sizeof(f));
	}
}

static int open_echo(const struct tsc_probe *p, struct echo_sock *e)
{
	int fam = p->peer.ss_family, proto = fam == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
	int r;

	e->v6 = fam == AF_INET6;
	e->raw = 1;
	e->id = (uint16_t)getpid();
	e->fd = socket(fam, SOCK_RAW | SOCK_CLOEXEC, proto);
	if (e->fd < 0 && (errno == EPERM || errno == EACCES)) {
		e->raw = 0;
		e->fd = socket(fam, SOCK_DGRAM | SOCK_CLOEXEC, proto);
	}
	if (e->fd < 0) {
		r = -errno;
		tsc_err(
		    "probe: cannot open an ICMP socket: %s (needs CAP_NET_RAW, or your group in "
		    "net.ipv4.ping_group_range)",
		    strerror(-r));
		return r;
	}
	if (e->raw) {
		filter_replies(e);
	}
	if ((r = probe_bind_device(p, e->fd)) < 0) {
		tsc_err("probe: cannot bind to %s: %s", p->ifname, strerror(-r));
	} else if ((r = probe_stamping(e->fd, 0)) < 0) {
		tsc_err("probe: %s: timestamping refused: %s", p->ifname, strerror(-r));
	}
	if (r < 0) {
		close(e->fd);
	}
	return r;
}

static int send_echo(const struct tsc_probe *p, const struct echo_sock *e, uint16_t seq)
{
	uint8_t b[ECHO_LEN] = {0};
	int64_t now = tsc_now_realtime();

	b[0] = e->v6 ? ICMP6_ECHO_REQUEST : ICMP_ECHO;
	b[4] = (uint8_t)(e->id >> 8), b[5] = (uint8_t)e->id;
	b[6] = (uint8_t)(seq >> 8), b[7] = (uint8_t)seq;
	memcpy(b + 8, &now, sizeof(now)); /* for a capture of the probe */
	if (e->raw && !e->v6) {
		/* the kernel sums ICMPv6 and ping sockets itself */
		uint16_t s = (uint16_t)~synth_csum_fold(synth_csum_add(0, b, sizeof(b)));
		b[2] = (uint8_t)(s >> 8), b[3] = (uint8_t)s;
	}
	if (sendto(e->fd, b, sizeof(b), 0, (const struct sockaddr *)&p->peer, p->peer_len) < 0) {
		return -errno;
	}
	return 0;
}

/* One reply, if it is ours: its sequence number, or -1. */
static int recv_reply(const struct tsc_probe *p, const struct echo_sock *e, struct tsc_pkt *reply)
{
	uint8_t b[1500], ctl[512];
	struct iovec iov = {.iov_base = b, .iov_len = sizeof(b)};
	struct msghdr h = {
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof(ctl)};
	ssize_t n = recvmsg(e->fd, &h, MSG_DONTWAIT);
	int64_t user = tsc_now_realtime();

	if (n < 0) {
		return -1;
	}
	size_t off = e->raw && !e->v6 ? (size_t)(b[0] & 0x0f) * 4 : 0; /* the IPv4 header */
	const uint8_t *icmp = b + off;
	if ((size_t)n < off + 8 || icmp[0] != (e->v6 ? ICMP6_ECHO_REPLY : ICMP_ECHOREPLY) ||
	    (e->raw && (icmp[4] << 8 | icmp[5]) != e->id)) {
		return -1; /* a ping socket's id is the kernel's; it matched it already */
	}
	memset(reply, 0, sizeof(*reply));
	linux_cmsg_decode(&p->dctx, ctl, h.msg_controllen, (h.msg_flags & MSG_CTRUNC) != 0, reply);
	tsc_pkt_stamp(reply, TSC_USER, user, TSC_BASE_REALTIME);
	return icmp[6] << 8 | icmp[7];
}

/* Waits for probe seq's reply until deadline (monotonic ns), keeping
 * every reply and TX report that arrives meanwhile. */
static void await_reply(const struct tsc_probe *p, const struct echo_sock *e, struct tsc_pkt *out,
                        unsigned n, unsigned seq, int64_t deadline, unsigned *answered)
{
	struct pollfd pf = {.fd = e->fd, .events = POLLIN};

	for (;;) {
		int64_t left = deadline - tsc_now_monotonic();
		if (left <= 0 || poll(&pf, 1, (int)(left / 1000000) + 1) < 0) {
			return;
		}
		probe_drain_errqueue(p, e->fd, out, n, 1);
		struct tsc_pkt reply;
		int got;
		while ((got = recv_reply(p, e, &reply)) >= 0) {
			if ((unsigned)got < n && !tsc_pkt_has(&out[got], TSC_USER)) {
				(*answered)++;
				/* keep the TX stamps already filed under this probe */
				for (unsigned c = 0; c < TSC_CLOCK_COUNT; c++) {
					if (tsc_pkt_has(&reply, (enum tsc_clock)c)) {
						tsc_pkt_stamp(&out[got], (enum tsc_clock)c,
						              reply.ns[c],
						              (enum tsc_timebase)reply.base[c]);
					}
				}
			}
			if ((unsigned)got == seq) {
				return;
			}
		}
	}
}

int tsc_probe_echo(struct tsc_probe *p, struct tsc_pkt *out, unsigned n, unsigned interval_us,
                   unsigned *sent)
{
	struct echo_sock e;
	unsigned answered = 0;
	int r;

	if (n > 65536) {
		n = 65536; /* sequence numbers are 16 bits */
	}
	memset(out, 0, n * sizeof(*out));
	*sent = 0;
	if ((r = open_echo(p, &e)) < 0) {
		return r;
	}
	int64_t start = tsc_now_monotonic();
	unsigned silent = 0;
	for (unsigned i = 0; i < n && !probe_stopped(p); i++) {
		int64_t due = start + (int64_t)i * interval_us * 1000;
		while (tsc_now_monotonic() < due) {
			usleep(50);
		}
		if ((r = send_echo(p, &e, (uint16_t)i)) < 0) {
			tsc_err("probe: sending to %s: %s", p->peer_text, strerror(-r));
			break;
		}
		(*sent)++;
		unsigned before = answered;
		await_reply(p, &e, out, n, i, tsc_now_monotonic() + ECHO_WAIT_MS * 1000000LL,
		            &answered);
		silent = answered > before ? 0 : silent + 1;
		if (silent == GIVE_UP_AFTER) {
			tsc_err("probe: %u echoes in a row unanswered by %s: giving up", silent,
			        p->peer_text);
			break;
		}
	}
	/* Late TX reports (a NIC's come from its driver): up to 200 ms. */
	struct pollfd pf = {.fd = e.fd, .events = 0};
	while (poll(&pf, 1, 200) > 0 && (pf.revents & POLLERR)) {
		probe_drain_errqueue(p, e.fd, out, n, 1);
	}
	close(e.fd);
	return r < 0 && !answered ? r : (int)answered;
}
