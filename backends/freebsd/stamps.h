/* What a FreeBSD source keeps for its decoder (backends/posix/posix.h). */
#ifndef TSCAP_FREEBSD_STAMPS_H
#define TSCAP_FREEBSD_STAMPS_H

#include "decode.h"

struct os_stamps {
	struct freebsd_decode_ctx dctx;
};

/* The host's layout and CLOCK_REALTIME - CLOCK_MONOTONIC, measured now. */
void freebsd_ctx_setup(struct freebsd_decode_ctx *dctx);
/* The host's cmsg layout: 64-bit or i386. */
const struct cmsg_abi *freebsd_abi_native(void);

#endif
