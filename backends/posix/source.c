/* POSIX sources: a UDP socket bound to the endpoint (joined to its group),
 * with the OS's stamping switched on through os_stamps_enable. No OS here
 * reports TX stamps or per-packet drop counts. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "posix.h"
#include "sockaddr.h"

static int join_group(struct tsc_source *src, unsigned ifindex)
{
	const struct tsc_endpoint *ep = &src->ep;
	int r;

	if (ep->family == TSC_AF_INET) {
		struct ip_mreq mr = {0};
		memcpy(&mr.imr_multiaddr, ep->addr, 4);
		r = setsockopt(src->fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr));
	} else {
		struct ipv6_mreq mr = {.ipv6mr_interface = ifindex};
		memcpy(&mr.ipv6mr_multiaddr, ep->addr, 16);
		r = setsockopt(src->fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mr, sizeof(mr));
	}
	if (r < 0) {
		r = -errno;
		tsc_err("%s: cannot join the group: %s", ep->text, strerror(-r));
	}
	return r;
}

static int configure(struct tsc_source *src, const struct tsc_source_opts *opts)
{
	const struct tsc_endpoint *ep = &src->ep;
	unsigned ifindex = 0;
	int got = 0, r;
	socklen_t len = sizeof(got);

	if (ep->ifname[0] && !(ifindex = if_nametoindex(ep->ifname))) {
		tsc_err("%s: no interface named '%s'", ep->text, ep->ifname);
		return -ENODEV;
	}
	snprintf(src->grant.ifname, sizeof(src->grant.ifname), "%s", ep->ifname);
	if (ep->family == TSC_AF_INET6) {
		tsc_set_int(src->fd, IPPROTO_IPV6, IPV6_V6ONLY, !ep->wildcard);
	}
	if (opts->rcvbuf) {
		tsc_set_int(src->fd, SOL_SOCKET, SO_RCVBUF, (int)opts->rcvbuf);
	}
	getsockopt(src->fd, SOL_SOCKET, SO_RCVBUF, &got, &len);
	src->grant.rcvbuf = (uint32_t)got;
	if ((opts->reuseport || ep->multicast) &&
	    (r = tsc_set_int(src->fd, SOL_SOCKET, SO_REUSEPORT, 1)) < 0) {
		tsc_err("%s: SO_REUSEPORT refused: %s", ep->text, strerror(-r));
		return r;
	}
	if (opts->tx_stamps) {
		tsc_note("%s: no TX stamps on %s: sent packets carry user-space times", ep->text,
		         os_backend_name);
	}
	r = os_stamps_enable(src, opts);
	if (r == 0) {
		r = tsc_bind_endpoint(src->fd, ep, ifindex, &src->bound.port);
	}
	if (r == 0 && ep->multicast) {
		r = join_group(src, ifindex);
	}
	return r;
}

int tsc_source_open(const struct tsc_endpoint *ep, const struct tsc_source_opts *opts,
                    struct tsc_source **out)
{
	struct tsc_source *src;
	int r;

	if (ep->kind != TSC_EP_UDP) {
		/* libpcap's live capture is the way here; not built in yet */
		tsc_err("%s: this build captures udp:// endpoints only (wire: and pcap: are built "
		        "on Linux)",
		        ep->text);
		return -EPROTONOSUPPORT;
	}
	src = calloc(1, sizeof(*src));
	if (!src) {
		tsc_err("out of memory");
		return -ENOMEM;
	}
	src->ep = *ep;
	src->endpoint = opts->endpoint;
	src->bound.family = ep->family;
	src->bound.port = ep->port;
	memcpy(src->bound.addr, ep->addr, sizeof(src->bound.addr));
	src->fd = socket(ep->family == TSC_AF_INET ? AF_INET : AF_INET6, SOCK_DGRAM, 0);
	if (src->fd < 0) {
		r = -errno;
		tsc_err("%s: socket: %s", ep->text, strerror(-r));
		goto no_socket;
	}
	fcntl(src->fd, F_SETFD, FD_CLOEXEC);
	fcntl(src->fd, F_SETFL, fcntl(src->fd, F_GETFL) | O_NONBLOCK);
	r = configure(src, opts);
	if (r < 0) {
		goto no_config;
	}
	*out = src;
	return 0;

no_config:
	close(src->fd);
no_socket:
	free(src);
	return r;
}

void tsc_source_close(struct tsc_source *src)
{
	if (src) {
		close(src->fd);
		free(src);
	}
}

int tsc_source_fd(const struct tsc_source *src)
{
	return src->fd;
}

uint16_t tsc_source_local_port(const struct tsc_source *src)
{
	return src->bound.port;
}

const struct tsc_grant *tsc_source_grant(const struct tsc_source *src)
{
	return &src->grant;
}

int64_t tsc_source_kernel_drops(struct tsc_source *src)
{
	(void)src;
	return -1;
}

int tsc_source_queued(const struct tsc_source *src)
{
	struct pollfd p = {.fd = src->fd, .events = POLLIN};

	/* poll, not FIONREAD: the same on every POSIX system, and an empty
	 * datagram counts too. */
	return poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

int64_t tsc_source_send(struct tsc_source *src, const struct tsc_addr *to,
                        const struct tsc_addr *from, const void *buf, size_t len, uint32_t want_id)
{
	struct sockaddr_storage ss;
	socklen_t sslen;

	(void)from; /* no portable per-send source address: the routing decides */
	(void)want_id;
	tsc_sockaddr(src->ep.family, to, 0, &ss, &sslen);
	if (sendto(src->fd, buf, len, 0, (struct sockaddr *)&ss, sslen) < 0) {
		return -errno;
	}
	return src->tx_count++;
}

int tsc_source_tx_stamps(struct tsc_source *src, struct tsc_tx_stamp *out, unsigned max)
{
	(void)src, (void)out, (void)max;
	return 0;
}
