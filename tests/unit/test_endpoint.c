/* src/endpoint.h: the endpoint parser, every accepted form with all its
 * fields, and the rejected ones with a reason that names the problem. */
#include <string.h>

#include "check.h"
#include "endpoint.h"
#include "pkt.h"

struct good {
	const char *text;
	uint8_t family;
	uint8_t addr[16];
	uint16_t port;
	const char *ifname;
	uint8_t wildcard, multicast, loopback;
};

static const struct good goods[] = {
    {"udp://127.0.0.1:9000", TSC_AF_INET, {127, 0, 0, 1}, 9000, "", 0, 0, 1},
    {"udp://[::1]:9000", TSC_AF_INET6, {[15] = 1}, 9000, "", 0, 0, 1},
    {"udp://0.0.0.0:9000", TSC_AF_INET, {0}, 9000, "", 1, 0, 0},
    {"udp://[::]:9000", TSC_AF_INET6, {0}, 9000, "", 1, 0, 0},
    {"udp://239.1.2.3:5000%eth0", TSC_AF_INET, {239, 1, 2, 3}, 5000, "eth0", 0, 1, 0},
    {"udp://[ff02::1]:5000%lo", TSC_AF_INET6, {0xff, 0x02, [15] = 1}, 5000, "lo", 0, 1, 0},
    {"udp://192.0.2.10:1", TSC_AF_INET, {192, 0, 2, 10}, 1, "", 0, 0, 0},
    {"udp://127.255.0.9:65535", TSC_AF_INET, {127, 255, 0, 9}, 65535, "", 0, 0, 1},
    {"udp://224.0.0.1:319", TSC_AF_INET, {224, 0, 0, 1}, 319, "", 0, 1, 0},
    {"udp://239.255.255.255:5000", TSC_AF_INET, {239, 255, 255, 255}, 5000, "", 0, 1, 0},
    {"udp://240.0.0.1:5000", TSC_AF_INET, {240, 0, 0, 1}, 5000, "", 0, 0, 0}, /* class E */
    {"udp://223.255.255.255:5000", TSC_AF_INET, {223, 255, 255, 255}, 5000, "", 0, 0, 0},
    {"udp://[2001:db8::7]:443", TSC_AF_INET6, {0x20, 0x01, 0x0d, 0xb8, [15] = 7}, 443, "", 0, 0, 0},
    {"udp://[::ffff:10.1.2.3]:53",
     TSC_AF_INET6,
     {[10] = 0xff, [11] = 0xff, 10, 1, 2, 3},
     53,
     "",
     0,
     0,
     0},
    /* 15 characters: the longest name IFNAMSIZ (16) allows. */
    {"udp://[ff02::1]:5000%abcdefghijklmno",
     TSC_AF_INET6,
     {0xff, 0x02, [15] = 1},
     5000,
     "abcdefghijklmno",
     0,
     1,
     0},
    {"udp://10.0.0.1:00080", TSC_AF_INET, {10, 0, 0, 1}, 80, "", 0, 0, 0},
};

static void test_good(void)
{
	for (size_t i = 0; i < sizeof(goods) / sizeof(goods[0]); i++) {
		const struct good *g = &goods[i];
		struct tsc_endpoint ep;
		char err[256] = "";
		unsigned failed = check_failed;

		memset(&ep, 0xa5, sizeof(ep));
		if (!CHECK_EQ_U64(tsc_endpoint_parse(g->text, &ep, err, sizeof(err)), 0)) {
			fprintf(stderr, "    %s: %s\n", g->text, err);
			continue;
		}
		CHECK_STR(ep.text, g->text);
		CHECK_EQ_U64(ep.family, g->family);
		CHECK_MEM(ep.addr, g->addr, g->family == TSC_AF_INET ? 4 : 16);
		CHECK_EQ_U64(ep.port, g->port);
		CHECK_STR(ep.ifname, g->ifname);
		CHECK_EQ_U64(ep.wildcard, g->wildcard);
		CHECK_EQ_U64(ep.multicast, g->multicast);
		CHECK_EQ_U64(ep.loopback, g->loopback);
		if (check_failed != failed) {
			fprintf(stderr, "    parsing \"%s\"\n", g->text);
		}
	}
}

struct bad {
	const char *text;
	const char *reason; /* a part of the message */
};

static void test_bad(void)
{
	char long_text[400], long_if[64], long_filter[300];

	memset(long_text, 0, sizeof(long_text));
	memcpy(long_text, "udp://127.0.0.1:9000%", 21);
	memset(long_text + 21, 'x', 350);
	snprintf(long_filter, sizeof(long_filter), "wire:lo?filter=%0270d", 1);
	snprintf(long_if, sizeof(long_if), "udp://127.0.0.1:9000%%%s", "abcdefghijklmnop"); /* 16 */

	const struct bad bads[] = {
	    {"127.0.0.1:9000", "udp://"},
	    {"", "udp://"},
	    {"udp:/127.0.0.1:9000", "udp://"},
	    {"UDP://127.0.0.1:9000", "udp://"},
	    {"tcp://127.0.0.1:9000", "unknown scheme 'tcp'"},
	    {"http://[::1]:80", "unknown scheme 'http'"},
	    {"udp://127.0.0.1", "PORT"},
	    {"udp://[::1]", "PORT"},
	    {"udp://[::1]9000", "PORT"},
	    {"udp://127.0.0.1:", "port ''"},
	    {"udp://127.0.0.1:0", "port '0'"},
	    {"udp://[::1]:0", "port '0'"},
	    {"udp://127.0.0.1:65536", "port '65536'"},
	    {"udp://127.0.0.1:99999999999999999999999", "1 to 65535"},
	    {"udp://127.0.0.1:abc", "port 'abc'"},
	    {"udp://127.0.0.1:-1", "port '-1'"},
	    {"udp://127.0.0.1:+80", "port '+80'"},
	    {"udp://127.0.0.1: 80", "port ' 80'"},
	    {"udp://127.0.0.1:80x", "port '80x'"},
	    {"udp://1.2.3:9000", "'1.2.3' is not an IPv4"},
	    {"udp://256.1.1.1:9000", "'256.1.1.1' is not an IPv4"},
	    {"udp://localhost:9000", "'localhost' is not an IPv4"},
	    {"udp://:9000", "'' is not an IPv4"},
	    {"udp://::1:9000", "brackets"},
	    {"udp://ff02::1:5000%lo", "brackets"},
	    {"udp://[::1:9000", "brackets"},
	    {"udp://[1.2.3.4]:9000", "not an IPv6"},
	    {"udp://[::g]:9000", "not an IPv6"},
	    {"udp://239.1.2.3:5000%", "interface name"},
	    {"udp://[ff02::1]:5000%", "interface name"},
	    {long_if, "interface name"},
	    {long_text, "too long"},
	    {"wire:", "wire:IFACE"},
	    {"pcap:", "pcap:IFACE"},
	    {"wire:?filter=udp", "wire:IFACE"},
	    {"wire:abcdefghijklmnop", "1 to 15 characters"},
	    {"wire:eth0/1", "not an interface name"},
	    {"wire:eth0?port=1", "only ?filter=EXPR"},
	    {"wire:eth0?filter=", "?filter= is empty"},
	    {long_filter, "too long"},
	    {"wire://eth0", "not an interface name"},
	};

	for (size_t i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		struct tsc_endpoint ep;
		char err[256] = "";

		if (!CHECK_EQ_U64(tsc_endpoint_parse(bads[i].text, &ep, err, sizeof(err)),
		                  (uint64_t)-1)) {
			fprintf(stderr, "    \"%s\" was accepted\n", bads[i].text);
			continue;
		}
		if (!CHECK(strstr(err, bads[i].reason) != NULL)) {
			fprintf(stderr, "    \"%s\": message \"%s\" lacks \"%s\"\n", bads[i].text,
			        err, bads[i].reason);
		}
		CHECK(strchr(err, '\n') == NULL); /* one line */
	}

	/* The message fits a small buffer, cut but terminated. */
	struct tsc_endpoint ep;
	char small[16];
	memset(small, 'z', sizeof(small));
	CHECK_EQ_U64(tsc_endpoint_parse("tcp://1.2.3.4:5", &ep, small, sizeof(small)),
	             (uint64_t)-1);
	CHECK(memchr(small, '\0', sizeof(small)) != NULL);
}

/* Right at the length limit of the text (319 characters fit). */
static void test_length_limit(void)
{
	struct tsc_endpoint ep;
	char err[256], s[400];
	const size_t max = sizeof(ep.text) - 1;

	/* "udp://127.0.0.1:" and a zero-padded port, max characters */
	memset(s, 0, sizeof(s));
	strcpy(s, "udp://127.0.0.1:");
	size_t n = strlen(s);
	memset(s + n, '0', max - n - 1);
	s[max - 1] = '9'; /* port 000...09 = 9 */
	CHECK_EQ_U64(strlen(s), max);
	CHECK_EQ_U64(tsc_endpoint_parse(s, &ep, err, sizeof(err)), 0);
	CHECK_EQ_U64(ep.port, 9);
	CHECK_STR(ep.text, s);
	s[max] = '9';
	CHECK_EQ_U64(tsc_endpoint_parse(s, &ep, err, sizeof(err)), (uint64_t)-1);
	CHECK(strstr(err, "too long") != NULL);
}

/* wire: and pcap: endpoints: the interface and the filter as given. */
static void test_iface_kinds(void)
{
	struct tsc_endpoint ep;
	char err[256];

	CHECK_EQ_U64(tsc_endpoint_parse("wire:eth0", &ep, err, sizeof(err)), 0);
	CHECK_EQ_U64(ep.kind, TSC_EP_WIRE);
	CHECK_STR(ep.ifname, "eth0");
	CHECK_STR(ep.filter, "");
	CHECK_EQ_U64(tsc_endpoint_parse("pcap:veth-a.1?filter=udp port 9 and not ip6", &ep, err,
	                                sizeof(err)),
	             0);
	CHECK_EQ_U64(ep.kind, TSC_EP_PCAP);
	CHECK_STR(ep.ifname, "veth-a.1");
	CHECK_STR(ep.filter, "udp port 9 and not ip6");
	CHECK_EQ_U64(tsc_endpoint_parse("wire:abcdefghijklmno", &ep, err, sizeof(err)), 0); /* 15 */
	CHECK_EQ_U64(tsc_endpoint_parse("udp://127.0.0.1:9", &ep, err, sizeof(err)), 0);
	CHECK_EQ_U64(ep.kind, TSC_EP_UDP);
	/* Commands that send take udp:// only. */
	CHECK_EQ_U64(tsc_endpoint_parse_udp("wire:lo", &ep, err, sizeof(err)), (uint64_t)-1);
	CHECK(strstr(err, "only udp://HOST:PORT works here") != NULL);
	CHECK_EQ_U64(tsc_endpoint_parse_udp("udp://[::1]:9", &ep, err, sizeof(err)), 0);
}

static void test_format(void)
{
	char out[64];
	static const uint8_t v4[16] = {192, 0, 2, 1};
	static const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};

	tsc_addr_format(TSC_AF_INET, v4, out, sizeof(out));
	CHECK_STR(out, "192.0.2.1");
	tsc_addr_format(TSC_AF_INET6, v6, out, sizeof(out));
	CHECK_STR(out, "2001:db8::1");
	tsc_addr_format(TSC_AF_NONE, v6, out, sizeof(out));
	CHECK_STR(out, "?");
	tsc_addr_format(TSC_AF_INET6, v6, out, 4); /* too small */
	CHECK_STR(out, "?");
}

int main(void)
{
	test_good();
	test_bad();
	test_length_limit();
	test_iface_kinds();
	test_format();
	return check_done();
}
