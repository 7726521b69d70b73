/* XNU (macOS) control messages as plain C over bytes, built and
 * unit-tested on every host. The constants are XNU's own, written out
 * here (with the header each comes from) so no Apple header is needed.
 *
 * Layout: struct cmsghdr is socklen_t cmsg_len, int cmsg_level, int
 * cmsg_type = 12 bytes, and CMSG_DATA / CMSG_NXTHDR align with
 * __DARWIN_ALIGN32 (4 bytes) also on 64-bit: data at offset 12, so an
 * 8-byte field in it is not 8-byte aligned. macOS is LP64 on both
 * x86_64 and arm64: struct timeval is time_t (8) + suseconds_t (int32)
 * + 4 bytes of padding = 16 bytes. */
#ifndef TSCAP_XNU_DECODE_H
#define TSCAP_XNU_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "backend.h"
#include "cmsg_walk.h"
#include "pkt.h"

enum {
	XNU_SOL_SOCKET = 0xffff,             /* sys/socket.h */
	XNU_SO_TIMESTAMP = 0x0400,           /* sys/socket.h */
	XNU_SO_TIMESTAMP_MONOTONIC = 0x0800, /* sys/socket.h */
	XNU_SCM_RIGHTS = 0x01,               /* sys/socket.h: array of int */
	XNU_SCM_TIMESTAMP = 0x02,            /* struct timeval */
	XNU_SCM_CREDS = 0x03,                /* struct cmsgcred: refused by XNU (EINVAL) */
	XNU_SCM_TIMESTAMP_MONOTONIC = 0x04,  /* uint64_t mach_absolute_time() ticks */
	XNU_TIMEVAL_LEN = 16,                /* sizeof(struct timeval), LP64 */
	XNU_SOL_LOCAL = 0,                   /* sys/un.h */
	XNU_LOCAL_PEERCRED = 0x001,          /* sys/un.h: getsockopt, struct xucred */
	XNU_XUCRED_VERSION = 0,              /* sys/ucred.h */
	XNU_NGROUPS = 16,                    /* sys/param.h NGROUPS = NGROUPS_MAX */
	XNU_XUCRED_LEN = 76, /* sizeof(struct xucred): u_int, uid_t, short + pad, 16 gid_t */
};

/* XNU on x86_64 and arm64 alike. */
extern const struct cmsg_abi xnu_abi;

/* mach_timebase_info(): ns = ticks * numer / denom. Intel Macs 1/1;
 * Apple silicon 125/3 (24 MHz ticks, 41.67 ns each). */
struct xnu_timebase {
	uint32_t numer, denom;
};

struct xnu_decode_ctx {
	const struct cmsg_abi *abi;
	struct xnu_timebase tb;
	/* CLOCK_REALTIME minus mach ticks in ns, measured by the backend:
	 * added to SCM_TIMESTAMP_MONOTONIC so the file carries wall-clock. */
	int64_t mono_to_real_ns;
};

/* ticks * numer / denom, rounded down, exact for any ticks (no
 * intermediate overflow); INT64_MAX when the result does not fit. denom
 * 0 is taken as 1. */
int64_t xnu_ticks_to_ns(uint64_t ticks, struct xnu_timebase tb);

/* Decode every control message in ctl[0, len) into pkt's software RX
 * stamp: SCM_TIMESTAMP_MONOTONIC (ticks scaled, plus mono_to_real_ns,
 * timebase monotonic) when present, else SCM_TIMESTAMP (µs realtime).
 * Matches level, type and exact length; anything malformed sets
 * TSC_PKT_CBAD, msg_ctrunc TSC_PKT_CTRUNC. Returns the number of messages
 * not recognised. */
unsigned xnu_cmsg_decode(const struct xnu_decode_ctx *ctx, const void *ctl, size_t len,
                         int msg_ctrunc, struct tsc_pkt *pkt);

/* --clock as XNU's socket options: which of SO_TIMESTAMP (µs realtime)
 * and SO_TIMESTAMP_MONOTONIC (mach ticks) to switch on, and the file's
 * label for it (NULL for the default, both on, ticks preferred). Neither
 * on: XNU has no such clock (ns realtime, bintime). */
struct xnu_stamp_opts {
	uint8_t realtime, monotonic;
	const char *label;
};
struct xnu_stamp_opts xnu_stamp_opts_for(enum tsc_clock_sel sel);
/* Bit (1u << enum tsc_clock_sel) per choice XNU has. */
unsigned xnu_clock_choices(void);

/* What LOCAL_PEERCRED returns (XNU has no SCM_CREDS): struct xucred. */
struct xnu_cred {
	uint32_t uid;     /* effective uid */
	unsigned ngroups; /* groups[0] is the effective gid */
	uint32_t groups[XNU_NGROUPS];
};

/* 0, or -1 if buf[0, len) is not an XUCRED_VERSION xucred. */
int xnu_xucred_decode(const void *buf, size_t len, struct xnu_cred *out);

#endif
