/* src/endpoint.c on arbitrary strings (what a user types after `tscap
 * capture`). A refusal is one line naming the problem (no newline unless
 * the input had one), terminated inside the caller's buffer, whatever its
 * size. An accepted endpoint is IPv4 or IPv6 with a port from 1 to 65535,
 * keeps its text, and written back as udp://ADDR:PORT[%IF] (IPv6 in
 * brackets) parses to the same address, port, interface and class. */
#include "fuzz.h"

#include "endpoint.h"
#include "pkt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	struct tsc_endpoint ep, again;
	char err[160], small[24], text[200], addr[64];

	FUZZ_ASSERT(s != NULL, "out of memory");
	memcpy(s, data, size);
	s[size] = '\0';
	memset(err, 0x5a, sizeof(err));
	int r = tsc_endpoint_parse(s, &ep, err, sizeof(err));
	if (r < 0) {
		size_t n = strnlen(err, sizeof(err));
		FUZZ_ASSERT(n > 0 && n < sizeof(err), "refusal without a message");
		FUZZ_ASSERT(memchr(err, '\n', n) == NULL || strchr(s, '\n') != NULL,
		            "refusal of a one-line input is several lines: '%s'", err);
		/* a caller with a short buffer gets a short message */
		memset(small, 0x5a, sizeof(small));
		FUZZ_ASSERT(tsc_endpoint_parse(s, &again, small, 8) < 0, "refused once, not twice");
		FUZZ_ASSERT(strnlen(small, 8) < 8 && (uint8_t)small[8] == 0x5a,
		            "message not cut at the buffer's size");
		free(s);
		return 0;
	}
	FUZZ_ASSERT(r == 0, "parse returned %d", r);
	FUZZ_ASSERT(ep.family == TSC_AF_INET || ep.family == TSC_AF_INET6, "family %u", ep.family);
	FUZZ_ASSERT(ep.port != 0, "port 0 accepted");
	FUZZ_ASSERT(strcmp(ep.text, s) == 0, "text '%s' for input '%s'", ep.text, s);
	FUZZ_ASSERT(strnlen(ep.ifname, sizeof(ep.ifname)) < sizeof(ep.ifname),
	            "ifname unterminated");
	FUZZ_ASSERT(!strchr(ep.ifname, '%'), "ifname '%s' has a %%", ep.ifname);

	tsc_addr_format(ep.family, ep.addr, addr, sizeof(addr));
	snprintf(text, sizeof(text),
	         ep.family == TSC_AF_INET6 ? "udp://[%s]:%u%s%s" : "udp://%s:%u%s%s", addr, ep.port,
	         ep.ifname[0] ? "%" : "", ep.ifname);
	r = tsc_endpoint_parse(text, &again, err, sizeof(err));
	FUZZ_ASSERT(r == 0, "'%s' (from '%s') refused: %s", text, s, err);
	FUZZ_ASSERT(again.family == ep.family && memcmp(again.addr, ep.addr, 16) == 0 &&
	                again.port == ep.port && strcmp(again.ifname, ep.ifname) == 0 &&
	                again.wildcard == ep.wildcard && again.multicast == ep.multicast &&
	                again.loopback == ep.loopback,
	            "'%s' parses differently from '%s'", text, s);
	free(s);
	return 0;
}
