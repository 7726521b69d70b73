/* src/frame.h: the one-line dissection `tscap read` prints, including
 * frames from a hostile file (any number of VLAN tags, cut headers). */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "frame.h"
#include "pkt.h"
#include "synth.h"

static void udp_v4_from_synth(void)
{
	uint8_t buf[SYNTH_MAX_LEN + 5] = {0};
	struct tsc_pkt p = {.data = (const uint8_t *)"hello", .caplen = 5, .len = 5};
	struct frame_info fi;

	p.src = (struct tsc_addr){.family = TSC_AF_INET, .port = 4000, .addr = {10, 1, 2, 3}};
	p.dst = (struct tsc_addr){.family = TSC_AF_INET, .port = 9000, .addr = {127, 0, 0, 1}};
	synth_udp_headers(buf, &p);
	memcpy(buf + SYNTH_V4_LEN, "hello", 5);
	frame_describe(1, buf, SYNTH_V4_LEN + 5, &fi);
	CHECK_STR(fi.src, "10.1.2.3:4000");
	CHECK_STR(fi.dst, "127.0.0.1:9000");
	CHECK_STR(fi.proto, "UDP");
	CHECK(fi.has_payload_len);
	CHECK_EQ_U64(fi.payload_len, 5);
	/* Cut inside the UDP header: addresses, no ports, no payload length. */
	frame_describe(1, buf, SYNTH_ETH_LEN + 20 + 3, &fi);
	CHECK_STR(fi.src, "10.1.2.3");
	CHECK(!fi.has_payload_len);
}

/* Four million stacked 802.1Q tags must neither recurse nor loop forever:
 * a bounded number is skipped, the frame is then just not understood. */
static void many_vlan_tags(void)
{
	size_t n = 16u << 20;
	uint8_t *f = malloc(n);
	struct frame_info fi;

	CHECK(f != NULL);
	if (!f) {
		return;
	}
	memset(f, 0, 12);
	for (size_t i = 12; i + 4 <= n; i += 4) {
		f[i] = 0x81;
		f[i + 1] = 0x00;
		f[i + 2] = 0x00;
		f[i + 3] = 0x00;
	}
	frame_describe(1, f, n, &fi);
	CHECK_STR(fi.proto, "?");
	free(f);
}

int main(void)
{
	udp_v4_from_synth();
	many_vlan_tags();
	return check_done();
}
