/* Linux control messages as plain C over bytes. The constants are Linux's
 * own (asm-generic/socket.h, linux/in.h, linux/in6.h), written out here so
 * this file builds and is tested on any host, not only on Linux. */
#ifndef TSCAP_LINUX_DECODE_H
#define TSCAP_LINUX_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "cmsg_walk.h"
#include "pkt.h"

enum {
	LNX_SOL_SOCKET = 1,
	LNX_SOL_IP = 0,
	LNX_SOL_IPV6 = 41,
	/* asm-generic/socket.h: *_OLD carry the native time_t, *_NEW 64-bit. */
	LNX_SO_TIMESTAMP_OLD = 29,
	LNX_SO_TIMESTAMPNS_OLD = 35,
	LNX_SO_TIMESTAMPING_OLD = 37,
	LNX_SO_RXQ_OVFL = 40,
	LNX_SCM_TIMESTAMPING_PKTINFO = 58,
	LNX_SO_TIMESTAMP_NEW = 63,
	LNX_SO_TIMESTAMPNS_NEW = 64,
	LNX_SO_TIMESTAMPING_NEW = 65,
	LNX_SCM_TS_OPT_ID = 81,            /* Linux 6.13 */
	LNX_IP_PKTINFO = 8,                /* linux/in.h */
	LNX_IP_RECVERR = 11,               /* linux/in.h */
	LNX_IPV6_RECVERR = 25,             /* linux/in6.h */
	LNX_ENOMSG = 42,                   /* asm-generic/errno.h */
	LNX_SO_EE_ORIGIN_TIMESTAMPING = 4, /* linux/errqueue.h */
	LNX_SCM_TSTAMP_SND = 0,            /* linux/errqueue.h */
	LNX_SCM_TSTAMP_SCHED = 1,
	LNX_SCM_TSTAMP_ACK = 2,
	LNX_IPV6_PKTINFO = 50,  /* linux/in6.h */
	LNX_IP_TTL = 2,         /* linux/in.h */
	LNX_IPV6_HOPLIMIT = 52, /* linux/in6.h */
};

/* 64-bit Linux (x86_64, arm64, ...) and 32-bit Linux (i386, arm). */
extern const struct cmsg_abi linux_abi_64;
extern const struct cmsg_abi linux_abi_32;

struct linux_decode_ctx {
	const struct cmsg_abi *abi;
	/* Raw hardware stamps are NIC (PHC) time; when the PHC runs on TAI
	 * this is TAI - UTC in ns, subtracted so files carry UTC. */
	int64_t hw_to_utc_ns;
	uint8_t hw_base; /* enum tsc_timebase recorded for hardware stamps */
};

/* Decode every control message in ctl[0, len) into pkt: RX stamps
 * (software, raw hardware; timestamp, timestampns and timestamping in
 * old and new numbering), the drop counter, the destination address and
 * interface, the TTL / hop limit. Matches level, type and exact length; anything malformed
 * sets TSC_PKT_CBAD, msg_ctrunc sets TSC_PKT_CTRUNC. Returns the number of
 * messages not recognised (debug information only). */
unsigned linux_cmsg_decode(const struct linux_decode_ctx *ctx, const void *ctl, size_t len,
                           int msg_ctrunc, struct tsc_pkt *pkt);

/* The same for a packet socket's frames, which also carry PACKET_AUXDATA
 * (decode_wire.h): read into *aux when aux is not NULL (aux->present
 * says whether it came). */
struct linux_auxdata;
unsigned linux_cmsg_decode_wire(const struct linux_decode_ctx *ctx, const void *ctl, size_t len,
                                int msg_ctrunc, struct tsc_pkt *pkt, struct linux_auxdata *aux);

/* One error-queue message (MSG_ERRQUEUE) of a socket with TX stamping:
 * its scm_timestamping and the sock_extended_err naming the kind of stamp
 * (SCHED, SND, ACK) and its OPT_ID. Writes 0 to 2 stamps (software and
 * hardware of one kind) to out; 0 also for anything that is not a
 * timestamp report. */
unsigned linux_errqueue_decode(const struct linux_decode_ctx *ctx, const void *ctl, size_t len,
                               struct tsc_tx_stamp out[2]);

#endif
