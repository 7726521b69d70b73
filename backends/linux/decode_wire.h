/* What an AF_PACKET socket adds to a frame, as plain C over bytes: the
 * PACKET_AUXDATA control message (the kernel's struct tpacket_auxdata),
 * the 802.1Q tag the kernel took out of the frame and put there, and the
 * sockaddr_ll packet type that says which way the frame went. Linux's
 * constants are written out (linux/if_packet.h, linux/socket.h) so this
 * builds and is tested on any host. */
#ifndef TSCAP_LINUX_DECODE_WIRE_H
#define TSCAP_LINUX_DECODE_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "pkt.h"

enum {
	LNX_SOL_PACKET = 263,               /* linux/socket.h */
	LNX_PACKET_AUXDATA = 8,             /* linux/if_packet.h */
	LNX_TP_STATUS_VLAN_VALID = 16,      /* tp_vlan_tci is set (a tag of 0 is a tag) */
	LNX_TP_STATUS_VLAN_TPID_VALID = 64, /* tp_vlan_tpid is set (4.4+) */
	LNX_ETH_P_8021Q = 0x8100,           /* linux/if_ether.h */
	/* sockaddr_ll.sll_pkttype, linux/if_packet.h */
	LNX_PACKET_HOST = 0,
	LNX_PACKET_BROADCAST = 1,
	LNX_PACKET_MULTICAST = 2,
	LNX_PACKET_OTHERHOST = 3,
	LNX_PACKET_OUTGOING = 4,
	LNX_SOCKADDR_LL_PKTTYPE_OFF = 10, /* family u16, protocol u16, ifindex i32, hatype u16 */
	LNX_AUXDATA_LEN = 20,             /* sizeof(struct tpacket_auxdata) */
};

/* struct tpacket_auxdata: u32 tp_status, tp_len, tp_snaplen; u16 tp_mac,
 * tp_net, tp_vlan_tci, tp_vlan_tpid. */
struct linux_auxdata {
	uint8_t present;
	uint32_t status;
	uint32_t len; /* the frame's length on the wire, before any cut */
	uint16_t vlan_tci, vlan_tpid;
};

/* One PACKET_AUXDATA payload of data_len bytes: 0, or -1 if its length is
 * not the struct's. */
int linux_auxdata_read(const uint8_t *data, size_t data_len, struct linux_auxdata *aux);

/* 1 if the kernel took a VLAN tag out of this frame (libpcap's test: a
 * valid flag, or a non-zero TCI from kernels before the flag existed). */
int linux_auxdata_has_vlan(const struct linux_auxdata *aux);

/* Puts the tag back where it was on the wire, after the two MAC
 * addresses: the 12 address bytes move 4 bytes towards the front, so
 * frame[-4..-1] must be writable (the rx paths keep that headroom).
 * Returns the new start of the frame (frame - 4); caplen grows by 4. A
 * frame shorter than the addresses is left as it is (returns frame). */
uint8_t *linux_vlan_reinsert(uint8_t *frame, uint32_t *caplen, const struct linux_auxdata *aux);

/* Direction and reception type of a frame from sockaddr_ll's packet type. */
void linux_pkttype_to_pkt(uint8_t pkttype, struct tsc_pkt *p);

#endif
