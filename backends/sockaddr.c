#include "sockaddr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <string.h>

#include "log.h"

void tsc_sockaddr(uint8_t sock_family, const struct tsc_addr *a, unsigned scope,
                  struct sockaddr_storage *ss, socklen_t *len)
{
	memset(ss, 0, sizeof(*ss));
	if (sock_family == TSC_AF_INET) {
		struct sockaddr_in *s = (struct sockaddr_in *)ss;
		s->sin_family = AF_INET;
		s->sin_port = htons(a->port);
		memcpy(&s->sin_addr, a->addr, 4);
		*len = sizeof(*s);
		return;
	}
	struct sockaddr_in6 *s = (struct sockaddr_in6 *)ss;
	s->sin6_family = AF_INET6;
	s->sin6_port = htons(a->port);
	if (a->family == TSC_AF_INET) { /* a dual-stack socket: v4-mapped */
		s->sin6_addr.s6_addr[10] = s->sin6_addr.s6_addr[11] = 0xff;
		memcpy(&s->sin6_addr.s6_addr[12], a->addr, 4);
	} else {
		memcpy(&s->sin6_addr, a->addr, 16);
	}
	s->sin6_scope_id = scope;
	*len = sizeof(*s);
}

void tsc_sockaddr_endpoint(const struct tsc_endpoint *ep, unsigned scope,
                           struct sockaddr_storage *ss, socklen_t *len)
{
	struct tsc_addr a = {.family = ep->family, .port = ep->port};

	memcpy(a.addr, ep->addr, sizeof(a.addr));
	tsc_sockaddr(ep->family, &a, scope, ss, len);
}

void tsc_addr_from_sockaddr(struct tsc_addr *a, const void *sa, socklen_t len)
{
	sa_family_t family;

	memset(a, 0, sizeof(*a));
	if (!sa || len < sizeof(struct sockaddr_in)) {
		return;
	}
	memcpy(&family, (const uint8_t *)sa + offsetof(struct sockaddr, sa_family), sizeof(family));
	if (family == AF_INET) {
		struct sockaddr_in sin;
		memcpy(&sin, sa, sizeof(sin));
		a->family = TSC_AF_INET;
		a->port = ntohs(sin.sin_port);
		memcpy(a->addr, &sin.sin_addr, 4);
	} else if (family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
		struct sockaddr_in6 sin6;
		memcpy(&sin6, sa, sizeof(sin6));
		a->port = ntohs(sin6.sin6_port);
		tsc_addr_set_in6(a, (const uint8_t *)&sin6.sin6_addr);
	}
}

int tsc_set_int(int fd, int level, int name, int val)
{
	return setsockopt(fd, level, name, &val, sizeof(val)) < 0 ? -errno : 0;
}

int tsc_bind_endpoint(int fd, const struct tsc_endpoint *ep, unsigned scope, uint16_t *port)
{
	struct sockaddr_storage ss;
	socklen_t len;

	tsc_sockaddr_endpoint(ep, scope, &ss, &len);
	if (bind(fd, (struct sockaddr *)&ss, len) == 0) {
		/* port 0: the kernel chose one; packets must show it */
		if (ep->port == 0 && getsockname(fd, (struct sockaddr *)&ss, &len) == 0) {
			struct tsc_addr bound;
			tsc_addr_from_sockaddr(&bound, &ss, len);
			*port = bound.port;
		}
		return 0;
	}
	int e = errno;
	if (e == EADDRINUSE) {
		tsc_err("%s: port %u is already in use", ep->text, ep->port);
	} else if (e == EADDRNOTAVAIL) {
		tsc_err("%s: the address is not on this host", ep->text);
	} else if (e == EACCES) {
		tsc_err("%s: port %u needs privilege (CAP_NET_BIND_SERVICE)", ep->text, ep->port);
	} else {
		tsc_err("%s: bind: %s", ep->text, strerror(e));
	}
	return -e;
}
