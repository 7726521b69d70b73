/* XNU's stamps: SO_TIMESTAMP (struct timeval, µs realtime) and
 * SO_TIMESTAMP_MONOTONIC (mach_absolute_time ticks), the latter scaled
 * with mach_timebase_info and moved to wall-clock time by an offset
 * measured when the source opens. No hardware or TX stamps. */
#include <errno.h>
#include <mach/mach_time.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>

#include "log.h"
#include "nstime.h"
#include "posix.h"

/* The decoder's constants, written out to build anywhere, are the SDK's. */
_Static_assert(XNU_SOL_SOCKET == SOL_SOCKET, "SOL_SOCKET");
_Static_assert(XNU_SO_TIMESTAMP == SO_TIMESTAMP, "SO_TIMESTAMP");
_Static_assert(XNU_SO_TIMESTAMP_MONOTONIC == SO_TIMESTAMP_MONOTONIC, "SO_TIMESTAMP_MONOTONIC");
_Static_assert(XNU_SCM_RIGHTS == SCM_RIGHTS, "SCM_RIGHTS");
_Static_assert(XNU_SCM_TIMESTAMP == SCM_TIMESTAMP, "SCM_TIMESTAMP");
_Static_assert(XNU_SCM_CREDS == SCM_CREDS, "SCM_CREDS");
_Static_assert(XNU_SCM_TIMESTAMP_MONOTONIC == SCM_TIMESTAMP_MONOTONIC, "SCM_TIMESTAMP_MONOTONIC");
_Static_assert(XNU_TIMEVAL_LEN == sizeof(struct timeval), "struct timeval");
_Static_assert(XNU_SOL_LOCAL == SOL_LOCAL, "SOL_LOCAL");
_Static_assert(XNU_LOCAL_PEERCRED == LOCAL_PEERCRED, "LOCAL_PEERCRED");
_Static_assert(CMSG_LEN(0) == 12 && CMSG_SPACE(1) - CMSG_LEN(0) == 4, "XNU's cmsg layout");

const char os_backend_name[] = "macOS (XNU)";

void xnu_clock_setup(struct xnu_decode_ctx *dctx)
{
	mach_timebase_info_data_t tb = {1, 1};
	int64_t best = INT64_MAX;

	mach_timebase_info(&tb);
	dctx->abi = &xnu_abi;
	dctx->tb = (struct xnu_timebase){tb.numer, tb.denom};
	/* The tightest of a few realtime / ticks / realtime samples. */
	for (int i = 0; i < 8; i++) {
		int64_t a = tsc_now_realtime();
		int64_t m = xnu_ticks_to_ns(mach_absolute_time(), dctx->tb);
		int64_t b = tsc_now_realtime();
		if (b - a < best) {
			best = b - a;
			dctx->mono_to_real_ns = a + (b - a) / 2 - m;
		}
	}
}

unsigned tsc_clock_choices(void)
{
	return xnu_clock_choices();
}

int os_stamps_enable(struct tsc_source *src, const struct tsc_source_opts *opts)
{
	struct xnu_stamp_opts so = xnu_stamp_opts_for(opts->clock);
	int r = 0;

	xnu_clock_setup(&src->st.dctx);
	if (opts->stamp == TSC_STAMP_NONE) {
		return 0;
	}
	if (opts->stamp == TSC_STAMP_HW) {
		tsc_err("%s: --stamp hw: %s has no hardware receive stamps; use --stamp sw or auto",
		        src->ep.text, os_backend_name);
		return -EOPNOTSUPP;
	}
	if (!so.realtime && !so.monotonic) {
		tsc_err("%s: --clock %s: %s has no such clock (realtime-us or monotonic)",
		        src->ep.text, tsc_clock_sel_names[opts->clock], os_backend_name);
		return -EINVAL;
	}
	if (so.monotonic && (r = tsc_set_int(src->fd, SOL_SOCKET, SO_TIMESTAMP_MONOTONIC, 1)) < 0) {
		tsc_err("%s: SO_TIMESTAMP_MONOTONIC refused: %s", src->ep.text, strerror(-r));
		return r;
	}
	if (so.realtime && (r = tsc_set_int(src->fd, SOL_SOCKET, SO_TIMESTAMP, 1)) < 0) {
		tsc_err("%s: SO_TIMESTAMP refused: %s", src->ep.text, strerror(-r));
		return r;
	}
	if (so.label) {
		snprintf(src->grant.stamp_label, sizeof(src->grant.stamp_label), "%s", so.label);
	}
	src->grant.sw_rx = 1;
	return 0;
}

void os_stamps_decode(const struct tsc_source *src, const void *ctl, size_t len, int ctrunc,
                      struct tsc_pkt *p)
{
	xnu_cmsg_decode(&src->st.dctx, ctl, len, ctrunc, p);
}
