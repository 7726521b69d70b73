/* FreeBSD control messages as plain C over bytes, built and unit-tested
 * on every host. The constants are FreeBSD's own, written out here (with
 * the header each comes from) so no FreeBSD header is needed.
 *
 * Layout: struct cmsghdr is socklen_t cmsg_len (4 bytes), int cmsg_level,
 * int cmsg_type = 12 bytes; CMSG_DATA and the next header sit at
 * _ALIGN(), ALIGNBYTES = sizeof(long) - 1: data at offset 16 and 8-byte
 * steps on 64-bit (amd64, arm64), offset 12 and 4-byte steps on i386.
 * time_t and long are 8 bytes on 64-bit, 4 on i386. */
#ifndef TSCAP_FREEBSD_DECODE_H
#define TSCAP_FREEBSD_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "backend.h"
#include "cmsg_walk.h"
#include "pkt.h"

enum {
	FBSD_SOL_SOCKET = 0xffff,       /* sys/socket.h */
	FBSD_SO_TIMESTAMP = 0x0400,     /* sys/socket.h */
	FBSD_SO_BINTIME = 0x2000,       /* sys/socket.h (IPv4 only; SO_TS_CLOCK is the way) */
	FBSD_SO_TS_CLOCK = 0x1017,      /* sys/socket.h: clock type used for SO_TIMESTAMP */
	FBSD_SO_TS_REALTIME_MICRO = 0,  /* sys/socket.h: µs realtime, the default */
	FBSD_SO_TS_BINTIME = 1,         /* sub-ns realtime */
	FBSD_SO_TS_REALTIME = 2,        /* ns realtime */
	FBSD_SO_TS_MONOTONIC = 3,       /* ns monotonic */
	FBSD_SCM_RIGHTS = 0x01,         /* sys/socket.h: array of int */
	FBSD_SCM_TIMESTAMP = 0x02,      /* struct timeval */
	FBSD_SCM_CREDS = 0x03,          /* struct cmsgcred, or struct sockcred (LOCAL_CREDS) */
	FBSD_SCM_BINTIME = 0x04,        /* struct bintime */
	FBSD_SCM_REALTIME = 0x05,       /* struct timespec */
	FBSD_SCM_MONOTONIC = 0x06,      /* struct timespec */
	FBSD_SCM_TIME_INFO = 0x07,      /* struct sock_timestamp_info */
	FBSD_SCM_CREDS2 = 0x08,         /* struct sockcred2 (LOCAL_CREDS_PERSISTENT) */
	FBSD_ST_INFO_HW = 0x0001,       /* sys/socket.h: the stamp was taken by the NIC */
	FBSD_ST_INFO_HW_HPREC = 0x0002, /* ... hardware-assisted on entrance */
	FBSD_TIME_INFO_LEN = 64,        /* sizeof(struct sock_timestamp_info) */
	FBSD_CMGROUP_MAX = 16,          /* sys/socket.h */
	FBSD_CMSGCRED_LEN = 84,         /* sizeof(struct cmsgcred): 4 ints, short + pad, 16 gid_t */
	FBSD_SOCKCRED_BASE = 20,        /* SOCKCREDSIZE(0): 5 ints before sc_groups */
	FBSD_SOCKCRED2_BASE = 28,       /* SOCKCRED2SIZE(0): 7 ints before sc_groups */
	FBSD_SOCKCRED2_VERSION = 0,     /* sys/socket.h */
	FBSD_SOL_LOCAL = 0,             /* sys/un.h */
	FBSD_LOCAL_PEERCRED = 1,        /* sys/un.h: getsockopt, struct xucred */
	FBSD_LOCAL_CREDS = 2,           /* sys/un.h: sockcred with the next message */
	FBSD_LOCAL_CREDS_PERSISTENT = 3, /* sys/un.h: sockcred2 with every message */
};

/* 64-bit FreeBSD (amd64, arm64: 12-byte header, 8-byte alignment) and
 * i386 (4-byte alignment). */
extern const struct cmsg_abi freebsd_abi_64;
extern const struct cmsg_abi freebsd_abi_i386;

struct freebsd_decode_ctx {
	const struct cmsg_abi *abi;
	/* CLOCK_REALTIME - CLOCK_MONOTONIC in ns, measured by the backend:
	 * added to SCM_MONOTONIC stamps so the file carries wall-clock time. */
	int64_t mono_to_real_ns;
};

/* Decode every control message in ctl[0, len) into pkt's RX stamp:
 * SCM_TIMESTAMP (µs), SCM_BINTIME, SCM_REALTIME, SCM_MONOTONIC (filed as
 * sw-rx, or hw-rx when SCM_TIME_INFO says ST_INFO_HW, then with
 * TSC_PKT_HPREC for ST_INFO_HW_HPREC). If several stamps come, the finest
 * wins: bintime, realtime, monotonic, timestamp. Matches level, type and
 * exact length; anything malformed sets TSC_PKT_CBAD, msg_ctrunc
 * TSC_PKT_CTRUNC. Returns the number of messages not recognised. */
unsigned freebsd_cmsg_decode(const struct freebsd_decode_ctx *ctx, const void *ctl, size_t len,
                             int msg_ctrunc, struct tsc_pkt *pkt);

/* --clock as SO_TS_CLOCK: the value to set, and the clock's name for the
 * file's interface description (NULL for the default, SO_TS_REALTIME,
 * which needs no saying). value is -1 for a choice FreeBSD lacks. */
struct freebsd_ts_clock {
	int value;
	const char *label;
};
struct freebsd_ts_clock freebsd_ts_clock_for(enum tsc_clock_sel sel);
/* Bit (1u << enum tsc_clock_sel) per choice FreeBSD has: all of them. */
unsigned freebsd_clock_choices(void);

/* struct bintime's 64-bit binary fraction of a second in ns, rounded to
 * the nearest ns (halves up); may be 1e9 (carry into the seconds).
 * FreeBSD's own bintime2timespec keeps only the top 32 bits of the
 * fraction and rounds down, so it can be up to 1 ns below this. */
int64_t freebsd_bintime_frac_ns(uint64_t frac);

enum freebsd_cred_kind {
	FBSD_CRED_NONE = 0,
	FBSD_CRED_CMSGCRED, /* SCM_CREDS the sender asked for: pid, uid, euid, gid, groups */
	FBSD_CRED_SOCKCRED, /* SCM_CREDS from LOCAL_CREDS: uid, euid, gid, egid, groups; no pid */
	FBSD_CRED_SOCKCRED2 /* SCM_CREDS2 from LOCAL_CREDS_PERSISTENT: all of it, with pid */
};

#define FREEBSD_AUX_FDS 16

struct freebsd_aux {
	int fds[FREEBSD_AUX_FDS]; /* SCM_RIGHTS descriptors, the first 16 */
	unsigned nfds;            /* all descriptors passed */
	enum freebsd_cred_kind cred;
	int32_t pid; /* -1 for sockcred, which has none */
	uint32_t uid, euid, gid, egid;
	unsigned ngroups; /* all groups; the first 16 in groups[] */
	uint32_t groups[FBSD_CMGROUP_MAX];
	unsigned bad; /* messages of a known type with a wrong length or version */
};

/* SCM_RIGHTS and the credentials, for `tscap matrix`. SCM_CREDS comes in
 * two layouts, told apart by cmsg_len: sizeof(struct cmsgcred) (84) is
 * the sender's cmsgcred, SOCKCREDSIZE(n) = 20 + 4n with sc_ngroups = n a
 * LOCAL_CREDS sockcred. The one length both can have (84 = a sockcred
 * with 16 groups) is a sockcred only when the receiver set LOCAL_CREDS
 * (local_creds). Returns the number of messages recognised; the caller
 * owns every descriptor. */
unsigned freebsd_aux_decode(const struct cmsg_abi *abi, const void *ctl, size_t len,
                            int local_creds, struct freebsd_aux *aux);

#endif
