#include "decode.h"

#include <string.h>

#include "bytes.h"
#include "nstime.h"

const struct cmsg_abi xnu_abi = {.hdr_len = 12, .len_size = 4, .align = 4};

int64_t xnu_ticks_to_ns(uint64_t ticks, struct xnu_timebase tb)
{
	uint64_t denom = tb.denom ? tb.denom : 1;
	uint64_t q = ticks / denom, r = ticks % denom;

	/* ticks * numer / denom = q * numer + r * numer / denom, and
	 * r * numer < denom * numer < 2^64. */
	if (tb.numer && q > (uint64_t)INT64_MAX / tb.numer) {
		return INT64_MAX;
	}
	uint64_t ns = q * tb.numer + r * tb.numer / denom;
	return ns > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)ns;
}

struct xnu_stamp_opts xnu_stamp_opts_for(enum tsc_clock_sel sel)
{
	switch (sel) {
	case TSC_CLOCKSEL_AUTO:
		return (struct xnu_stamp_opts){1, 1, NULL};
	case TSC_CLOCKSEL_REALTIME_US:
		return (struct xnu_stamp_opts){1, 0, "SO_TIMESTAMP, us"};
	case TSC_CLOCKSEL_MONOTONIC:
		return (struct xnu_stamp_opts){0, 1, "SO_TIMESTAMP_MONOTONIC, moved to UTC"};
	case TSC_CLOCKSEL_REALTIME:
	case TSC_CLOCKSEL_BINTIME:
	case TSC_CLOCKSEL_COUNT:
		break;
	}
	return (struct xnu_stamp_opts){0, 0, NULL};
}

unsigned xnu_clock_choices(void)
{
	unsigned set = 0;

	for (unsigned i = 0; i < TSC_CLOCKSEL_COUNT; i++) {
		struct xnu_stamp_opts o = xnu_stamp_opts_for((enum tsc_clock_sel)i);
		if (o.realtime || o.monotonic) {
			set |= 1u << i;
		}
	}
	return set;
}

static int want_len(struct tsc_pkt *pkt, const struct cmsg_item *c, size_t len)
{
	if (c->data_len != len) {
		pkt->flags |= TSC_PKT_CBAD;
		return 0;
	}
	return 1;
}

unsigned xnu_cmsg_decode(const struct xnu_decode_ctx *ctx, const void *ctl, size_t len,
                         int msg_ctrunc, struct tsc_pkt *pkt)
{
	struct cmsg_iter it;
	struct cmsg_item c;
	unsigned unknown = 0;
	int have_real = 0, have_mono = 0, r;
	int64_t real = 0, mono = 0;

	if (msg_ctrunc) {
		pkt->flags |= TSC_PKT_CTRUNC;
	}
	cmsg_iter_init(&it, ctx->abi, ctl, len);
	while ((r = cmsg_next(&it, &c)) > 0) {
		if (c.level == XNU_SOL_SOCKET && c.type == XNU_SCM_TIMESTAMP) {
			/* struct timeval: 8-byte tv_sec, int32 tv_usec, 4 pad */
			if ((have_real = want_len(pkt, &c, XNU_TIMEVAL_LEN))) {
				real = tsc_load_timepair(c.data, 8, 8, 4, 1000);
			}
		} else if (c.level == XNU_SOL_SOCKET && c.type == XNU_SCM_TIMESTAMP_MONOTONIC) {
			if ((have_mono = want_len(pkt, &c, 8))) {
				int64_t ns = xnu_ticks_to_ns(tsc_load_uint(c.data, 8), ctx->tb);
				mono = (int64_t)((uint64_t)ns + (uint64_t)ctx->mono_to_real_ns);
			}
		} else {
			unknown++;
		}
	}
	if (r < 0) {
		pkt->flags |= TSC_PKT_CBAD;
	}
	/* Ticks are finer than the µs of SCM_TIMESTAMP (41.67 ns at worst). */
	if (have_mono) {
		tsc_pkt_stamp(pkt, TSC_SW_RX, mono, TSC_BASE_MONOTONIC);
	} else if (have_real) {
		tsc_pkt_stamp(pkt, TSC_SW_RX, real, TSC_BASE_REALTIME);
	}
	return unknown;
}

int xnu_xucred_decode(const void *buf, size_t len, struct xnu_cred *out)
{
	const uint8_t *p = buf;
	uint32_t version;
	int16_t n;

	if (len != XNU_XUCRED_LEN) {
		return -1;
	}
	memcpy(&version, p, 4);
	memcpy(&n, p + 8, 2);
	if (version != XNU_XUCRED_VERSION || n < 0 || n > XNU_NGROUPS) {
		return -1;
	}
	memset(out, 0, sizeof(*out));
	memcpy(&out->uid, p + 4, 4);
	out->ngroups = (unsigned)n;
	memcpy(out->groups, p + 12, 4 * (size_t)n);
	return 0;
}
