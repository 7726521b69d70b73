#include "rx_fill.h"

#include <string.h>

#include "decode_wire.h"

/* A frame from a packet socket: its bytes as they were on the wire (the
 * VLAN tag the kernel took out put back), which way it went, every stamp. */
static void fill_frame(const struct tsc_source *src, const struct rx_datagram *d, struct tsc_pkt *p)
{
	struct linux_auxdata aux;
	uint32_t caplen = d->caplen < d->len ? d->caplen : (uint32_t)d->len;
	uint8_t *data = d->payload;
	uint64_t len = d->len;

	memset(&p->src, 0, sizeof(p->src));
	memset(&p->dst, 0, sizeof(p->dst));
	p->flags = TSC_PKT_FRAME;
	linux_cmsg_decode_wire(&src->dctx, d->ctl, d->ctl_len, d->ctrunc, p, &aux);
	/* A filter's return value cuts the frame in the kernel; the aux data
	 * keeps its length on the wire. */
	if (aux.present && aux.len > len) {
		len = aux.len;
	}
	if (linux_auxdata_has_vlan(&aux)) {
		uint8_t *moved = linux_vlan_reinsert(data, &caplen, &aux);
		len += moved != data ? 4 : 0;
		data = moved;
	}
	p->data = data;
	p->caplen = caplen;
	p->len = (uint32_t)len;
	if (caplen < len) {
		p->flags |= TSC_PKT_TRUNC;
	}
	if (d->name) {
		linux_pkttype_to_pkt(((const uint8_t *)d->name)[LNX_SOCKADDR_LL_PKTTYPE_OFF], p);
	}
}

void linux_rx_fill(const struct tsc_source *src, const struct rx_datagram *d, int64_t user_ns,
                   struct tsc_pkt *p)
{
	p->stamp_set = 0;
	p->ifindex = 0;
	p->drops = 0;
	p->ttl = 0;
	p->dir = TSC_DIR_IN;
	p->cast = TSC_CAST_UNSPEC;
	p->endpoint = src->endpoint;
	if (src->kind == TSC_EP_WIRE) {
		fill_frame(src, d, p);
		tsc_pkt_stamp(p, TSC_USER, user_ns, TSC_BASE_REALTIME);
		return;
	}
	p->data = d->payload;
	p->len = (uint32_t)d->len;
	p->caplen = d->caplen < p->len ? d->caplen : p->len;
	p->flags = p->caplen < p->len ? TSC_PKT_TRUNC : 0;
	tsc_addr_from_sockaddr(&p->src, d->name, d->name ? sizeof(*d->name) : 0);
	p->dst = src->bound;
	linux_cmsg_decode(&src->dctx, d->ctl, d->ctl_len, d->ctrunc, p);
	tsc_pkt_stamp(p, TSC_USER, user_ns, TSC_BASE_REALTIME);
}
