#include "rx_fill.h"

#include <string.h>

static void addr_from_sockaddr(struct tsc_addr *a, const struct sockaddr_in6 *sa)
{
	memset(a, 0, sizeof(*a));
	if (!sa) {
		return;
	}
	if (sa->sin6_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)(const void *)sa;
		a->family = TSC_AF_INET;
		a->port = ntohs(sin->sin_port);
		memcpy(a->addr, &sin->sin_addr, 4);
	} else if (sa->sin6_family == AF_INET6) {
		a->port = ntohs(sa->sin6_port);
		tsc_addr_set_in6(a, (const uint8_t *)&sa->sin6_addr);
	}
}

void linux_rx_fill(const struct tsc_source *src, const struct rx_datagram *d, int64_t user_ns,
                   struct tsc_pkt *p)
{
	p->data = d->payload;
	p->len = (uint32_t)d->len;
	p->caplen = d->caplen < p->len ? d->caplen : p->len;
	p->flags = p->caplen < p->len ? TSC_PKT_TRUNC : 0;
	p->stamp_set = 0;
	p->ifindex = 0;
	p->drops = 0;
	p->ttl = 0;
	p->endpoint = src->endpoint;
	addr_from_sockaddr(&p->src, d->name);
	p->dst = src->bound;
	linux_cmsg_decode(&src->dctx, d->ctl, d->ctl_len, d->ctrunc, p);
	tsc_pkt_stamp(p, TSC_USER, user_ns, TSC_BASE_REALTIME);
}
