/* backends/linux/decode_wire.h: a packet socket's PACKET_AUXDATA (struct
 * tpacket_auxdata, linux/if_packet.h) in control buffers laid out as the
 * kernel's put_cmsg writes them, the VLAN tag put back into the frame as
 * it was on the wire, and sockaddr_ll's packet type as pcapng's
 * direction and reception type. */
#include <stdlib.h>
#include <string.h>

#include "cbuf.h"
#include "check.h"
#include "linux/decode.h"
#include "linux/decode_wire.h"
#include "pcapng.h"

/* struct tpacket_auxdata: u32 tp_status, tp_len, tp_snaplen; u16 tp_mac,
 * tp_net, tp_vlan_tci, tp_vlan_tpid. */
static void auxdata(uint8_t out[20], uint32_t status, uint32_t len, uint16_t tci, uint16_t tpid)
{
	memset(out, 0, 20);
	put_le(out, status, 4);
	put_le(out + 4, len, 4);
	put_le(out + 8, len, 4); /* tp_snaplen */
	put_le(out + 12, 0, 2);  /* tp_mac */
	put_le(out + 14, 14, 2); /* tp_net */
	put_le(out + 16, tci, 2);
	put_le(out + 18, tpid, 2);
}

static unsigned decode(const struct cbuf *c, struct tsc_pkt *p, struct linux_auxdata *aux)
{
	struct linux_decode_ctx ctx = {.abi = &linux_abi_64};
	uint8_t *copy = malloc(c->len ? c->len : 1); /* exact size: ASan sees overreads */
	memcpy(copy, c->b, c->len);
	memset(p, 0, sizeof(*p));
	unsigned r = linux_cmsg_decode_wire(&ctx, copy, c->len, 0, p, aux);
	free(copy);
	return r;
}

/* SO_TIMESTAMPING then PACKET_AUXDATA, as packet_recvmsg writes them
 * (sock_recv_cmsgs first, the aux data after). */
static void test_aux_with_stamps(void)
{
	struct cbuf c;
	struct tsc_pkt p;
	struct linux_auxdata aux;
	uint8_t ts[48] = {0}, ad[20];

	cb_init(&c, &linux_abi_64);
	put_le(ts, 1700000000, 8);
	put_le(ts + 8, 5, 8);
	cb_add(&c, 1, 37 /* SO_TIMESTAMPING_OLD */, ts, sizeof(ts));
	auxdata(ad, LNX_TP_STATUS_VLAN_VALID | LNX_TP_STATUS_VLAN_TPID_VALID | 1, 60, 0x2064,
	        0x88a8);
	cb_add(&c, LNX_SOL_PACKET, LNX_PACKET_AUXDATA, ad, sizeof(ad));
	CHECK_EQ_U64(decode(&c, &p, &aux), 0);
	CHECK(tsc_pkt_has(&p, TSC_SW_RX));
	CHECK_EQ_U64((uint64_t)p.ns[TSC_SW_RX], 1700000000000000005ULL);
	CHECK_EQ_U64(aux.present, 1);
	CHECK_EQ_U64(aux.len, 60);
	CHECK_EQ_U64(aux.vlan_tci, 0x2064);
	CHECK_EQ_U64(aux.vlan_tpid, 0x88a8);
	CHECK(linux_auxdata_has_vlan(&aux));
	CHECK_EQ_U64(p.flags, 0);

	/* Without a place for it (the socket decoder), it is not recognised. */
	CHECK_EQ_U64(decode(&c, &p, NULL), 1);
}

/* Wrong lengths: the message is marked bad, nothing is read from it. */
static void test_aux_bad_length(void)
{
	struct cbuf c;
	struct tsc_pkt p;
	struct linux_auxdata aux;
	uint8_t ad[24];

	auxdata(ad, LNX_TP_STATUS_VLAN_VALID, 60, 7, 0x8100);
	for (size_t n = 0; n < sizeof(ad); n++) {
		if (n == 20) {
			continue;
		}
		cb_init(&c, &linux_abi_64);
		cb_add(&c, LNX_SOL_PACKET, LNX_PACKET_AUXDATA, ad, n);
		decode(&c, &p, &aux);
		CHECK(p.flags & TSC_PKT_CBAD);
		CHECK_EQ_U64(aux.present, 0);
		CHECK(!linux_auxdata_has_vlan(&aux));
	}
}

/* Which frames had a tag: libpcap's rule (valid flag, or a TCI from
 * kernels before the flag). VLAN 0 with priority 0 is a tag too. */
static void test_has_vlan(void)
{
	uint8_t ad[20];
	struct linux_auxdata aux;

	auxdata(ad, 1 /* TP_STATUS_USER */, 60, 0, 0);
	linux_auxdata_read(ad, 20, &aux);
	CHECK(!linux_auxdata_has_vlan(&aux));
	auxdata(ad, LNX_TP_STATUS_VLAN_VALID, 60, 0, 0);
	linux_auxdata_read(ad, 20, &aux);
	CHECK(linux_auxdata_has_vlan(&aux));
	auxdata(ad, 0, 60, 100, 0); /* before TP_STATUS_VLAN_VALID (3.0) */
	linux_auxdata_read(ad, 20, &aux);
	CHECK(linux_auxdata_has_vlan(&aux));
}

/* The frame as the kernel hands it (tag taken out) becomes the frame as
 * it was on the wire: dst, src, TPID, TCI, then the original type. */
static void test_reinsert(void)
{
	static const uint8_t wire[] = {
	    0x02, 0,    0,    0,    0, 0x02, 0x02, 0, 0, 0, 0, 0x01, /* dst, src */
	    0x81, 0x00, 0x20, 0x64,                                  /* 802.1Q, PCP 1, VID 100 */
	    0x08, 0x00, 0x45, 0x00,                                  /* IPv4 ... */
	};
	uint8_t buf[4 + sizeof(wire)];
	uint8_t ad[20];
	struct linux_auxdata aux;
	uint32_t caplen = sizeof(wire) - 4;

	memset(buf, 0xee, 4); /* the headroom: overwritten */
	memcpy(buf + 4, wire, 12);
	memcpy(buf + 16, wire + 16, sizeof(wire) - 16);
	auxdata(ad, LNX_TP_STATUS_VLAN_VALID, caplen, 0x2064, 0);
	linux_auxdata_read(ad, 20, &aux);
	uint8_t *start = linux_vlan_reinsert(buf + 4, &caplen, &aux);
	CHECK(start == buf);
	CHECK_EQ_U64(caplen, sizeof(wire));
	CHECK(memcmp(start, wire, sizeof(wire)) == 0);

	/* 802.1ad outer tag with its TPID given (TP_STATUS_VLAN_TPID_VALID). */
	caplen = sizeof(wire) - 4;
	memcpy(buf + 4, wire, 12);
	memcpy(buf + 16, wire + 16, sizeof(wire) - 16);
	auxdata(ad, LNX_TP_STATUS_VLAN_VALID | LNX_TP_STATUS_VLAN_TPID_VALID, caplen, 5, 0x88a8);
	linux_auxdata_read(ad, 20, &aux);
	start = linux_vlan_reinsert(buf + 4, &caplen, &aux);
	CHECK_EQ_U64(start[12], 0x88);
	CHECK_EQ_U64(start[13], 0xa8);
	CHECK_EQ_U64(start[14], 0);
	CHECK_EQ_U64(start[15], 5);
	CHECK_EQ_U64(start[16], 0x08);

	/* A frame cut before the addresses end is left alone. */
	caplen = 10;
	CHECK(linux_vlan_reinsert(buf + 4, &caplen, &aux) == buf + 4);
	CHECK_EQ_U64(caplen, 10);
}

/* sockaddr_ll.sll_pkttype -> epb_flags (pcapng: bits 0-1 direction,
 * 2-4 reception type). */
static void test_pkttype(void)
{
	static const struct {
		uint8_t pkttype;
		uint32_t flags;
	} cases[] = {
	    {LNX_PACKET_HOST, 1 | 1 << 2},
	    {LNX_PACKET_BROADCAST, 1 | 3 << 2},
	    {LNX_PACKET_MULTICAST, 1 | 2 << 2},
	    {LNX_PACKET_OTHERHOST, 1 | 4 << 2},
	    {LNX_PACKET_OUTGOING, 2},
	    {7 /* PACKET_KERNEL */, 1},
	    {200, 1},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tsc_pkt p = {0};
		linux_pkttype_to_pkt(cases[i].pkttype, &p);
		CHECK_EQ_U64(pcapng_epb_flags(&p), cases[i].flags);
	}
}

int main(void)
{
	test_aux_with_stamps();
	test_aux_bad_length();
	test_has_vlan();
	test_reinsert();
	test_pkttype();
	return check_done();
}
