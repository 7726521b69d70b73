#include "decode.h"

#include <string.h>

#include "bytes.h"
#include "nstime.h"

const struct cmsg_abi freebsd_abi_64 = {.hdr_len = 12, .len_size = 4, .align = 8};
const struct cmsg_abi freebsd_abi_i386 = {.hdr_len = 12, .len_size = 4, .align = 4};

/* time_t and long: sizeof(long) is the alignment unit on FreeBSD. */
static size_t word(const struct cmsg_abi *abi)
{
	return abi->align;
}

int64_t freebsd_bintime_frac_ns(uint64_t frac)
{
	/* (frac * 1e9 + 2^63) >> 64 without 128-bit arithmetic: 1e9 < 2^30,
	 * so each 32-bit half times 1e9 fits in 62 bits. */
	uint64_t hi = (frac >> 32) * (uint64_t)TSC_NS_PER_SEC;
	uint64_t lo = (frac & 0xffffffffu) * (uint64_t)TSC_NS_PER_SEC + (1ull << 63);

	return (int64_t)((hi + (lo >> 32)) >> 32);
}

struct freebsd_ts_clock freebsd_ts_clock_for(enum tsc_clock_sel sel)
{
	switch (sel) {
	case TSC_CLOCKSEL_AUTO: /* ns: the finest realtime short of bintime's 2^-64 s */
	case TSC_CLOCKSEL_REALTIME:
		return (struct freebsd_ts_clock){FBSD_SO_TS_REALTIME, NULL};
	case TSC_CLOCKSEL_REALTIME_US:
		return (struct freebsd_ts_clock){FBSD_SO_TS_REALTIME_MICRO,
		                                 "SO_TS_CLOCK SO_TS_REALTIME_MICRO, us"};
	case TSC_CLOCKSEL_BINTIME:
		return (struct freebsd_ts_clock){FBSD_SO_TS_BINTIME,
		                                 "SO_TS_CLOCK SO_TS_BINTIME, rounded to ns"};
	case TSC_CLOCKSEL_MONOTONIC:
		return (struct freebsd_ts_clock){FBSD_SO_TS_MONOTONIC,
		                                 "SO_TS_CLOCK SO_TS_MONOTONIC, moved to UTC"};
	case TSC_CLOCKSEL_COUNT:
		break;
	}
	return (struct freebsd_ts_clock){-1, NULL};
}

unsigned freebsd_clock_choices(void)
{
	unsigned set = 0;

	for (unsigned i = 0; i < TSC_CLOCKSEL_COUNT; i++) {
		if (freebsd_ts_clock_for((enum tsc_clock_sel)i).value >= 0) {
			set |= 1u << i;
		}
	}
	return set;
}

/* The stamps in order of preference (finest first). */
enum { ST_BINTIME, ST_REALTIME, ST_MONOTONIC, ST_TIMESTAMP, ST_COUNT };

struct stamps {
	unsigned have; /* bit per ST_* */
	int64_t ns[ST_COUNT];
	int info;       /* SCM_TIME_INFO seen */
	uint32_t flags; /* its st_info_flags */
};

static int want_len(struct tsc_pkt *pkt, const struct cmsg_item *c, size_t len)
{
	if (c->data_len != len) {
		pkt->flags |= TSC_PKT_CBAD;
		return 0;
	}
	return 1;
}

static void put(struct stamps *s, unsigned which, int64_t ns)
{
	s->have |= 1u << which;
	s->ns[which] = ns;
}

static int decode_one(const struct freebsd_decode_ctx *ctx, const struct cmsg_item *c,
                      struct stamps *s, struct tsc_pkt *pkt)
{
	size_t w = word(ctx->abi);

	switch (c->type) {
	case FBSD_SCM_TIMESTAMP: /* struct timeval: time_t, suseconds_t (long) */
		if (want_len(pkt, c, 2 * w)) {
			put(s, ST_TIMESTAMP, tsc_load_timepair(c->data, w, w, w, 1000));
		}
		return 1;
	case FBSD_SCM_REALTIME: /* struct timespec: time_t, long */
	case FBSD_SCM_MONOTONIC:
		if (want_len(pkt, c, 2 * w)) {
			int64_t ns = tsc_load_timepair(c->data, w, w, w, 1);
			if (c->type == FBSD_SCM_MONOTONIC) {
				put(s, ST_MONOTONIC,
				    (int64_t)((uint64_t)ns + (uint64_t)ctx->mono_to_real_ns));
			} else {
				put(s, ST_REALTIME, ns);
			}
		}
		return 1;
	case FBSD_SCM_BINTIME: /* struct bintime: time_t sec, uint64_t frac */
		if (want_len(pkt, c, w + 8)) {
			put(s, ST_BINTIME,
			    tsc_ns_from_parts(
			        tsc_load_int(c->data, w),
			        freebsd_bintime_frac_ns(tsc_load_uint(c->data + w, 8))));
		}
		return 1;
	case FBSD_SCM_TIME_INFO: /* struct sock_timestamp_info: flags, pad, rsv[7] */
		if (want_len(pkt, c, FBSD_TIME_INFO_LEN)) {
			s->info = 1;
			memcpy(&s->flags, c->data, 4);
		}
		return 1;
	}
	return 0;
}

/* The finest stamp goes into pkt: hardware if SCM_TIME_INFO says so. */
static void file_stamp(const struct stamps *s, struct tsc_pkt *pkt)
{
	for (unsigned i = 0; i < ST_COUNT; i++) {
		if (!(s->have & (1u << i))) {
			continue;
		}
		enum tsc_timebase base = i == ST_MONOTONIC ? TSC_BASE_MONOTONIC : TSC_BASE_REALTIME;
		int hw = s->info && (s->flags & FBSD_ST_INFO_HW);
		tsc_pkt_stamp(pkt, hw ? TSC_HW_RX : TSC_SW_RX, s->ns[i], base);
		if (hw && (s->flags & FBSD_ST_INFO_HW_HPREC)) {
			pkt->flags |= TSC_PKT_HPREC;
		}
		return;
	}
}

unsigned freebsd_cmsg_decode(const struct freebsd_decode_ctx *ctx, const void *ctl, size_t len,
                             int msg_ctrunc, struct tsc_pkt *pkt)
{
	struct stamps s = {0};
	struct cmsg_iter it;
	struct cmsg_item c;
	unsigned unknown = 0;
	int r;

	if (msg_ctrunc) {
		pkt->flags |= TSC_PKT_CTRUNC;
	}
	cmsg_iter_init(&it, ctx->abi, ctl, len);
	while ((r = cmsg_next(&it, &c)) > 0) {
		int known = c.level == FBSD_SOL_SOCKET && decode_one(ctx, &c, &s, pkt);
		unknown += known ? 0u : 1u;
	}
	if (r < 0) {
		pkt->flags |= TSC_PKT_CBAD;
	}
	file_stamp(&s, pkt);
	return unknown;
}

static uint32_t u32_at(const struct cmsg_item *c, size_t off)
{
	uint32_t v;

	memcpy(&v, c->data + off, 4);
	return v;
}

static void take_groups(const struct cmsg_item *c, size_t off, unsigned n, struct freebsd_aux *a)
{
	a->ngroups = n;
	for (unsigned i = 0; i < n && i < FBSD_CMGROUP_MAX; i++) {
		a->groups[i] = u32_at(c, off + 4 * i);
	}
}

/* struct cmsgcred: pid, uid, euid, gid, short ngroups (+2 pad), groups[16];
 * groups[0] is the effective gid. */
static int take_cmsgcred(const struct cmsg_item *c, struct freebsd_aux *a)
{
	int16_t n;

	memcpy(&n, c->data + 16, 2);
	if (n < 0 || n > FBSD_CMGROUP_MAX) {
		return 0;
	}
	a->cred = FBSD_CRED_CMSGCRED;
	a->pid = (int32_t)u32_at(c, 0);
	a->uid = u32_at(c, 4);
	a->euid = u32_at(c, 8);
	a->gid = u32_at(c, 12);
	take_groups(c, 20, (unsigned)n, a);
	a->egid = n > 0 ? a->groups[0] : a->gid;
	return 1;
}

/* struct sockcred: uid, euid, gid, egid, int ngroups, groups[ngroups];
 * its length is SOCKCREDSIZE(ngroups). */
static int take_sockcred(const struct cmsg_item *c, struct freebsd_aux *a)
{
	uint32_t n;

	if (c->data_len < FBSD_SOCKCRED_BASE) {
		return 0;
	}
	n = u32_at(c, 16);
	if (n > (c->data_len - FBSD_SOCKCRED_BASE) / 4 ||
	    c->data_len != FBSD_SOCKCRED_BASE + 4 * (size_t)n) {
		return 0;
	}
	a->cred = FBSD_CRED_SOCKCRED;
	a->pid = -1;
	a->uid = u32_at(c, 0);
	a->euid = u32_at(c, 4);
	a->gid = u32_at(c, 8);
	a->egid = u32_at(c, 12);
	take_groups(c, FBSD_SOCKCRED_BASE, n, a);
	return 1;
}

/* struct sockcred2: version, pid, uid, euid, gid, egid, int ngroups,
 * groups[ngroups]; its length is SOCKCRED2SIZE(ngroups). */
static int take_sockcred2(const struct cmsg_item *c, struct freebsd_aux *a)
{
	uint32_t n;

	if (c->data_len < FBSD_SOCKCRED2_BASE || u32_at(c, 0) != FBSD_SOCKCRED2_VERSION) {
		return 0;
	}
	n = u32_at(c, 24);
	if (n > (c->data_len - FBSD_SOCKCRED2_BASE) / 4 ||
	    c->data_len != FBSD_SOCKCRED2_BASE + 4 * (size_t)n) {
		return 0;
	}
	a->cred = FBSD_CRED_SOCKCRED2;
	a->pid = (int32_t)u32_at(c, 4);
	a->uid = u32_at(c, 8);
	a->euid = u32_at(c, 12);
	a->gid = u32_at(c, 16);
	a->egid = u32_at(c, 20);
	take_groups(c, FBSD_SOCKCRED2_BASE, n, a);
	return 1;
}

static int decode_aux_one(const struct cmsg_item *c, int local_creds, struct freebsd_aux *a)
{
	int ok;

	switch (c->type) {
	case FBSD_SCM_RIGHTS:
		a->bad += cmsg_take_fds(c, a->fds, FREEBSD_AUX_FDS, &a->nfds);
		return 1;
	case FBSD_SCM_CREDS:
		if (c->data_len == FBSD_CMSGCRED_LEN && !local_creds) {
			ok = take_cmsgcred(c, a);
		} else {
			ok = take_sockcred(c, a);
		}
		a->bad += ok ? 0u : 1u;
		return 1;
	case FBSD_SCM_CREDS2:
		a->bad += take_sockcred2(c, a) ? 0u : 1u;
		return 1;
	}
	return 0;
}

unsigned freebsd_aux_decode(const struct cmsg_abi *abi, const void *ctl, size_t len,
                            int local_creds, struct freebsd_aux *aux)
{
	struct cmsg_iter it;
	struct cmsg_item c;
	unsigned known = 0;

	memset(aux, 0, sizeof(*aux));
	aux->pid = -1;
	cmsg_iter_init(&it, abi, ctl, len);
	while (cmsg_next(&it, &c) > 0) {
		if (c.level == FBSD_SOL_SOCKET) {
			known += (unsigned)decode_aux_one(&c, local_creds, aux);
		}
	}
	return known;
}
