#include "decode_wire.h"

#include <string.h>

int linux_auxdata_read(const uint8_t *data, size_t data_len, struct linux_auxdata *aux)
{
	memset(aux, 0, sizeof(*aux));
	if (data_len != LNX_AUXDATA_LEN) {
		return -1;
	}
	memcpy(&aux->status, data, 4);
	memcpy(&aux->len, data + 4, 4);
	memcpy(&aux->vlan_tci, data + 16, 2);
	memcpy(&aux->vlan_tpid, data + 18, 2);
	aux->present = 1;
	return 0;
}

int linux_auxdata_has_vlan(const struct linux_auxdata *aux)
{
	return aux->present && (aux->vlan_tci != 0 || (aux->status & LNX_TP_STATUS_VLAN_VALID));
}

uint8_t *linux_vlan_reinsert(uint8_t *frame, uint32_t *caplen, const struct linux_auxdata *aux)
{
	/* Kernels before 4.4 give no TPID: 802.1Q, as libpcap assumes too. */
	uint16_t tpid =
	    (aux->status & LNX_TP_STATUS_VLAN_TPID_VALID) ? aux->vlan_tpid : LNX_ETH_P_8021Q;
	uint8_t *start = frame - 4;

	if (*caplen < 12) {
		return frame;
	}
	memmove(start, frame, 12);
	start[12] = (uint8_t)(tpid >> 8); /* network order on the wire */
	start[13] = (uint8_t)tpid;
	start[14] = (uint8_t)(aux->vlan_tci >> 8);
	start[15] = (uint8_t)aux->vlan_tci;
	*caplen += 4;
	return start;
}

void linux_pkttype_to_pkt(uint8_t pkttype, struct tsc_pkt *p)
{
	static const uint8_t cast[] = {
	    [LNX_PACKET_HOST] = TSC_CAST_UNICAST,
	    [LNX_PACKET_BROADCAST] = TSC_CAST_BROADCAST,
	    [LNX_PACKET_MULTICAST] = TSC_CAST_MULTICAST,
	    [LNX_PACKET_OTHERHOST] = TSC_CAST_PROMISC,
	};

	if (pkttype == LNX_PACKET_OUTGOING) {
		p->dir = TSC_DIR_OUT;
		p->cast = TSC_CAST_UNSPEC;
	} else {
		p->dir = TSC_DIR_IN;
		p->cast = pkttype < sizeof(cast) ? cast[pkttype] : TSC_CAST_UNSPEC;
	}
}
