/* Addresses between tscap's neutral forms and the sockets API, shared by
 * every backend (plain POSIX sockets): the only place a sockaddr is
 * built from an endpoint or read back into a tsc_addr. */
#ifndef TSCAP_SOCKADDR_H
#define TSCAP_SOCKADDR_H

#include <sys/socket.h>

#include "endpoint.h"
#include "pkt.h"

/* a as a sockaddr for a socket of sock_family (TSC_AF_INET or _INET6): on
 * an IPv6 socket an IPv4 address becomes v4-mapped (dual-stack); scope
 * is the IPv6 scope id (the interface, for fe80::/10 and ff02::). */
void tsc_sockaddr(uint8_t sock_family, const struct tsc_addr *a, unsigned scope,
                  struct sockaddr_storage *ss, socklen_t *len);
/* The endpoint's own address and port. */
void tsc_sockaddr_endpoint(const struct tsc_endpoint *ep, unsigned scope,
                           struct sockaddr_storage *ss, socklen_t *len);
/* Back again: family, port and address from a received name of len
 * bytes (sockaddr_in or sockaddr_in6; v4-mapped stored as IPv4); all
 * zero when sa is NULL, too short or of another family. */
void tsc_addr_from_sockaddr(struct tsc_addr *a, const void *sa, socklen_t len);

/* setsockopt of one int: 0 or -errno. */
int tsc_set_int(int fd, int level, int name, int val);

/* Binds fd to the endpoint (scope for link-scoped IPv6); *port gets the
 * port the kernel chose when the endpoint's is 0. 0, or -errno after one
 * line naming the problem. */
int tsc_bind_endpoint(int fd, const struct tsc_endpoint *ep, unsigned scope, uint16_t *port);

#endif
