/* Linux's struct tsc_source, shared by the Linux rx paths only. */
#ifndef TSCAP_LINUX_SOURCE_H
#define TSCAP_LINUX_SOURCE_H

#include "backend.h"
#include "decode.h"
#include "hwstamp.h"

struct tsc_source {
	int fd;
	uint16_t endpoint;
	struct tsc_addr bound; /* local address and port: dst when no pktinfo */
	struct tsc_endpoint ep;
	struct tsc_grant grant;
	struct linux_decode_ctx dctx;
	struct hwstamp_saved hw; /* NIC config to restore on close */
};

#endif
