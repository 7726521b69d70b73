#include "decode.h"

#include <string.h>

#include "bytes.h"
#include "decode_wire.h"
#include "nstime.h"

const struct cmsg_abi linux_abi_64 = {.hdr_len = 16, .len_size = 8, .align = 8};
const struct cmsg_abi linux_abi_32 = {.hdr_len = 12, .len_size = 4, .align = 4};

static int is_64(const struct linux_decode_ctx *ctx)
{
	return ctx->abi->len_size == 8;
}

/* sec + sub-second part scaled by mul (1 for ns, 1000 for µs). A zero
 * pair is "no stamp" in scm_timestamping; returns 0 then. */
static int read_pair(const uint8_t *p, size_t w, int64_t mul, int64_t *ns)
{
	int64_t sec = tsc_load_int(p, w);
	int64_t sub = tsc_load_int(p + w, w);

	if (sec == 0 && sub == 0) {
		return 0;
	}
	*ns = tsc_ns_from_parts(sec, (int64_t)((uint64_t)sub * (uint64_t)mul));
	return 1;
}

/* Width of one time field for an option number: *_NEW is always 64-bit,
 * *_OLD is the native long. */
static size_t field_width(const struct linux_decode_ctx *ctx, int is_new)
{
	return is_new || is_64(ctx) ? 8 : 4;
}

static void decode_timestamping(const struct linux_decode_ctx *ctx, const struct cmsg_item *c,
                                int is_new, struct tsc_pkt *pkt)
{
	size_t w = field_width(ctx, is_new);
	int64_t ns;

	if (c->data_len != 6 * w) {
		pkt->flags |= TSC_PKT_CBAD;
		return;
	}
	/* ts[0] software, ts[1] legacy (always zero), ts[2] raw hardware. */
	if (read_pair(c->data, w, 1, &ns)) {
		tsc_pkt_stamp(pkt, TSC_SW_RX, ns, TSC_BASE_REALTIME);
	}
	if (read_pair(c->data + 4 * w, w, 1, &ns)) {
		/* unsigned: a hostile stamp wraps instead of overflowing */
		tsc_pkt_stamp(pkt, TSC_HW_RX, (int64_t)((uint64_t)ns - (uint64_t)ctx->hw_to_utc_ns),
		              (enum tsc_timebase)ctx->hw_base);
	}
}

/* SO_TIMESTAMP (µs) and SO_TIMESTAMPNS: one software stamp. */
static void decode_single(const struct linux_decode_ctx *ctx, const struct cmsg_item *c, int is_new,
                          int64_t mul, struct tsc_pkt *pkt)
{
	size_t w = field_width(ctx, is_new);
	int64_t ns;

	if (c->data_len != 2 * w) {
		pkt->flags |= TSC_PKT_CBAD;
		return;
	}
	if (read_pair(c->data, w, mul, &ns)) {
		tsc_pkt_stamp(pkt, TSC_SW_RX, ns, TSC_BASE_REALTIME);
	}
}

static int decode_socket_level(const struct linux_decode_ctx *ctx, const struct cmsg_item *c,
                               struct tsc_pkt *pkt)
{
	switch (c->type) {
	case LNX_SO_TIMESTAMPING_OLD:
	case LNX_SO_TIMESTAMPING_NEW:
		decode_timestamping(ctx, c, c->type == LNX_SO_TIMESTAMPING_NEW, pkt);
		return 1;
	case LNX_SO_TIMESTAMPNS_OLD:
	case LNX_SO_TIMESTAMPNS_NEW:
		decode_single(ctx, c, c->type == LNX_SO_TIMESTAMPNS_NEW, 1, pkt);
		return 1;
	case LNX_SO_TIMESTAMP_OLD:
	case LNX_SO_TIMESTAMP_NEW:
		decode_single(ctx, c, c->type == LNX_SO_TIMESTAMP_NEW, 1000, pkt);
		return 1;
	case LNX_SO_RXQ_OVFL:
		if (c->data_len != 4) {
			pkt->flags |= TSC_PKT_CBAD;
		} else {
			memcpy(&pkt->drops, c->data, 4);
		}
		return 1;
	case LNX_SCM_TIMESTAMPING_PKTINFO:
		/* struct scm_ts_pktinfo: if_index, pkt_length, reserved[2] */
		if (c->data_len != 16) {
			pkt->flags |= TSC_PKT_CBAD;
		} else if (pkt->ifindex == 0) {
			memcpy(&pkt->ifindex, c->data, 4);
		}
		return 1;
	}
	return 0;
}

/* IP_TTL / IPV6_HOPLIMIT: an int. */
static int decode_ttl(const struct cmsg_item *c, struct tsc_pkt *pkt)
{
	int32_t v;

	if (c->data_len != 4) {
		pkt->flags |= TSC_PKT_CBAD;
		return 1;
	}
	memcpy(&v, c->data, 4);
	pkt->ttl = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
	return 1;
}

static int decode_ip_level(const struct cmsg_item *c, struct tsc_pkt *pkt)
{
	if ((c->level == LNX_SOL_IP && c->type == LNX_IP_TTL) ||
	    (c->level == LNX_SOL_IPV6 && c->type == LNX_IPV6_HOPLIMIT)) {
		return decode_ttl(c, pkt);
	}
	if (c->level == LNX_SOL_IP && c->type == LNX_IP_PKTINFO) {
		/* struct in_pktinfo: ifindex, spec_dst, addr (header dst) */
		if (c->data_len != 12) {
			pkt->flags |= TSC_PKT_CBAD;
			return 1;
		}
		memcpy(&pkt->ifindex, c->data, 4);
		pkt->dst.family = TSC_AF_INET;
		memset(pkt->dst.addr, 0, sizeof(pkt->dst.addr));
		memcpy(pkt->dst.addr, c->data + 8, 4);
		return 1;
	}
	if (c->level == LNX_SOL_IPV6 && c->type == LNX_IPV6_PKTINFO) {
		/* struct in6_pktinfo: addr, ifindex */
		if (c->data_len != 20) {
			pkt->flags |= TSC_PKT_CBAD;
			return 1;
		}
		tsc_addr_set_in6(&pkt->dst, c->data);
		memcpy(&pkt->ifindex, c->data + 16, 4);
		return 1;
	}
	return 0;
}

unsigned linux_cmsg_decode(const struct linux_decode_ctx *ctx, const void *ctl, size_t len,
                           int msg_ctrunc, struct tsc_pkt *pkt)
{
	return linux_cmsg_decode_wire(ctx, ctl, len, msg_ctrunc, pkt, NULL);
}

unsigned linux_cmsg_decode_wire(const struct linux_decode_ctx *ctx, const void *ctl, size_t len,
                                int msg_ctrunc, struct tsc_pkt *pkt, struct linux_auxdata *aux)
{
	struct cmsg_iter it;
	struct cmsg_item c;
	unsigned unknown = 0;
	int r;

	if (msg_ctrunc) {
		pkt->flags |= TSC_PKT_CTRUNC;
	}
	cmsg_iter_init(&it, ctx->abi, ctl, len);
	while ((r = cmsg_next(&it, &c)) > 0) {
		int known;
		if (c.level == LNX_SOL_PACKET && c.type == LNX_PACKET_AUXDATA && aux) {
			known = 1;
			if (linux_auxdata_read(c.data, c.data_len, aux) < 0) {
				pkt->flags |= TSC_PKT_CBAD;
			}
		} else {
			known = c.level == LNX_SOL_SOCKET ? decode_socket_level(ctx, &c, pkt)
			                                  : decode_ip_level(&c, pkt);
		}
		unknown += known ? 0u : 1u;
	}
	if (r < 0) {
		pkt->flags |= TSC_PKT_CBAD;
	}
	return unknown;
}

struct ee_report {
	int found;
	uint32_t info, data;
};

/* struct sock_extended_err: errno, origin, type, code, pad, info, data;
 * the offender's address follows, so the length is at least 16. */
static void read_ee(const struct cmsg_item *c, struct ee_report *ee)
{
	uint32_t err;

	if (c->data_len < 16) {
		return;
	}
	memcpy(&err, c->data, 4);
	if (err != LNX_ENOMSG || c->data[4] != LNX_SO_EE_ORIGIN_TIMESTAMPING) {
		return;
	}
	ee->found = 1;
	memcpy(&ee->info, c->data + 8, 4);
	memcpy(&ee->data, c->data + 12, 4);
}

unsigned linux_errqueue_decode(const struct linux_decode_ctx *ctx, const void *ctl, size_t len,
                               struct tsc_tx_stamp out[2])
{
	struct tsc_pkt stamps = {0};
	struct ee_report ee = {0};
	struct cmsg_iter it;
	struct cmsg_item c;

	cmsg_iter_init(&it, ctx->abi, ctl, len);
	while (cmsg_next(&it, &c) > 0) {
		if (c.level == LNX_SOL_SOCKET &&
		    (c.type == LNX_SO_TIMESTAMPING_OLD || c.type == LNX_SO_TIMESTAMPING_NEW)) {
			decode_timestamping(ctx, &c, c.type == LNX_SO_TIMESTAMPING_NEW, &stamps);
		} else if ((c.level == LNX_SOL_IP && c.type == LNX_IP_RECVERR) ||
		           (c.level == LNX_SOL_IPV6 && c.type == LNX_IPV6_RECVERR)) {
			read_ee(&c, &ee);
		}
	}
	if (!ee.found || ee.info > LNX_SCM_TSTAMP_ACK) {
		return 0;
	}
	static const uint8_t sw_clock[] = {[LNX_SCM_TSTAMP_SND] = TSC_TX_SW,
	                                   [LNX_SCM_TSTAMP_SCHED] = TSC_TX_SCHED,
	                                   [LNX_SCM_TSTAMP_ACK] = TSC_TX_ACK};
	unsigned n = 0;
	/* decode_timestamping files them as RX; here they are TX of one kind. */
	if (tsc_pkt_has(&stamps, TSC_SW_RX)) {
		out[n++] = (struct tsc_tx_stamp){ee.data, sw_clock[ee.info], stamps.ns[TSC_SW_RX]};
	}
	if (tsc_pkt_has(&stamps, TSC_HW_RX) && ee.info == LNX_SCM_TSTAMP_SND) {
		out[n++] = (struct tsc_tx_stamp){ee.data, TSC_TX_HW, stamps.ns[TSC_HW_RX]};
	}
	return n;
}
