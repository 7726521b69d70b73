/* What an XNU source keeps for its decoder (backends/posix/posix.h). */
#ifndef TSCAP_XNU_STAMPS_H
#define TSCAP_XNU_STAMPS_H

#include "decode.h"

struct os_stamps {
	struct xnu_decode_ctx dctx;
};

/* mach_timebase_info and the offset from mach ticks (in ns) to
 * CLOCK_REALTIME, measured now. */
void xnu_clock_setup(struct xnu_decode_ctx *dctx);

#endif
