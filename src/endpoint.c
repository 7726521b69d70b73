#include "endpoint.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkt.h"

#define FAIL(...)                                                                                  \
	do {                                                                                       \
		snprintf(err, errlen, __VA_ARGS__);                                                \
		return -1;                                                                         \
	} while (0)

static int parse_port(const char *s, uint16_t *port)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9') {
		return -1;
	}
	v = strtoul(s, &end, 10);
	if (*end || v == 0 || v > 65535) {
		return -1;
	}
	*port = (uint16_t)v;
	return 0;
}

static void classify(struct tsc_endpoint *ep)
{
	static const uint8_t zero[16];
	static const uint8_t v6_loop[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

	if (ep->family == TSC_AF_INET) {
		ep->wildcard = memcmp(ep->addr, zero, 4) == 0;
		ep->multicast = (ep->addr[0] & 0xf0) == 0xe0;
		ep->loopback = ep->addr[0] == 127;
	} else {
		ep->wildcard = memcmp(ep->addr, zero, 16) == 0;
		ep->multicast = ep->addr[0] == 0xff;
		ep->loopback = memcmp(ep->addr, v6_loop, 16) == 0;
	}
}

/* Splits "HOST:PORT" (HOST may be "[v6]") into host text and port text. */
static int split_host_port(char *hp, char **host, char **port)
{
	if (hp[0] == '[') {
		char *close = strchr(hp, ']');
		if (!close || close[1] != ':') {
			return -1;
		}
		*close = '\0';
		*host = hp + 1;
		*port = close + 2;
		return 6;
	}
	char *colon = strrchr(hp, ':');
	if (!colon || strchr(hp, ':') != colon) {
		return -1;
	}
	*colon = '\0';
	*host = hp;
	*port = colon + 1;
	return 4;
}

/* wire:IFACE[?filter=EXPR] and pcap:IFACE[?filter=EXPR]. */
static int parse_iface(const char *s, size_t scheme_len, struct tsc_endpoint *ep, char *err,
                       size_t errlen)
{
	static const char fkey[] = "?filter=";
	const char *name = s + scheme_len;
	const char *q = strchr(name, '?');
	size_t nlen = q ? (size_t)(q - name) : strlen(name);

	if (nlen == 0 || nlen >= sizeof(ep->ifname)) {
		FAIL("endpoint '%s': expected %.*sIFACE, an interface name of 1 to %zu characters",
		     s, (int)scheme_len, s, sizeof(ep->ifname) - 1);
	}
	if (memchr(name, '/', nlen) || memchr(name, ' ', nlen) || memchr(name, '%', nlen)) {
		FAIL("endpoint '%s': '%.*s' is not an interface name", s, (int)nlen, name);
	}
	memcpy(ep->ifname, name, nlen);
	if (q) {
		if (strncmp(q, fkey, sizeof(fkey) - 1) != 0) {
			FAIL("endpoint '%s': after the interface only ?filter=EXPR may follow", s);
		}
		if (!q[sizeof(fkey) - 1]) {
			FAIL("endpoint '%s': ?filter= is empty", s);
		}
		if (strlen(q + sizeof(fkey) - 1) >= sizeof(ep->filter)) {
			FAIL("endpoint '%.40s...': the filter is too long (at most %zu characters)", s,
			     sizeof(ep->filter) - 1);
		}
		snprintf(ep->filter, sizeof(ep->filter), "%s", q + sizeof(fkey) - 1);
	}
	return 0;
}

int tsc_endpoint_parse(const char *s, struct tsc_endpoint *ep, char *err, size_t errlen)
{
	static const char scheme[] = "udp://";
	char buf[sizeof(ep->text)];
	char *host, *port, *pct;
	int kind;

	memset(ep, 0, sizeof(*ep));
	if (strlen(s) >= sizeof(buf)) {
		FAIL("endpoint '%.40s...' is too long", s);
	}
	snprintf(ep->text, sizeof(ep->text), "%s", s);
	if (!strncmp(s, "wire:", 5) || !strncmp(s, "pcap:", 5)) {
		ep->kind = s[0] == 'w' ? TSC_EP_WIRE : TSC_EP_PCAP;
		return parse_iface(s, 5, ep, err, errlen);
	}
	if (strncmp(s, scheme, sizeof(scheme) - 1) != 0) {
		const char *sep = strstr(s, "://");
		if (sep) {
			FAIL("endpoint '%s': unknown scheme '%.*s' (udp://, wire: and pcap: are "
			     "supported)",
			     s, (int)(sep - s), s);
		}
		FAIL("endpoint '%s': expected udp://HOST:PORT[%%IFNAME], wire:IFACE or pcap:IFACE",
		     s);
	}
	snprintf(buf, sizeof(buf), "%s", s + sizeof(scheme) - 1);
	pct = strrchr(buf, '%');
	if (pct && (!strchr(buf, ']') || pct > strchr(buf, ']'))) {
		*pct = '\0';
		if (!pct[1] || strlen(pct + 1) >= sizeof(ep->ifname)) {
			FAIL("endpoint '%s': bad interface name after '%%'", s);
		}
		snprintf(ep->ifname, sizeof(ep->ifname), "%s", pct + 1);
	}
	kind = split_host_port(buf, &host, &port);
	if (kind < 0) {
		FAIL("endpoint '%s': expected udp://HOST:PORT[%%IFNAME], IPv6 in brackets", s);
	}
	if (parse_port(port, &ep->port) < 0) {
		FAIL("endpoint '%s': port '%s' is not a number from 1 to 65535", s, port);
	}
	ep->family = kind == 6 ? TSC_AF_INET6 : TSC_AF_INET;
	if (inet_pton(kind == 6 ? AF_INET6 : AF_INET, host, ep->addr) != 1) {
		FAIL("endpoint '%s': '%s' is not an %s address", s, host,
		     kind == 6 ? "IPv6" : "IPv4 (IPv6 goes in brackets)");
	}
	classify(ep);
	return 0;
}

int tsc_endpoint_parse_udp(const char *s, struct tsc_endpoint *ep, char *err, size_t errlen)
{
	if (tsc_endpoint_parse(s, ep, err, errlen) < 0) {
		return -1;
	}
	if (ep->kind != TSC_EP_UDP) {
		FAIL("endpoint '%s': only udp://HOST:PORT works here (wire: and pcap: are for "
		     "capture)",
		     s);
	}
	return 0;
}

void tsc_addr_format(uint8_t family, const uint8_t *addr, char *out, size_t outlen)
{
	if (family != TSC_AF_INET && family != TSC_AF_INET6) {
		snprintf(out, outlen, "?");
		return;
	}
	if (!inet_ntop(family == TSC_AF_INET ? AF_INET : AF_INET6, addr, out, (socklen_t)outlen)) {
		snprintf(out, outlen, "?");
	}
}
