/* Haiku control messages as plain C over bytes, built and unit-tested on
 * every host. The constants are Haiku's own (headers/posix/sys/socket.h),
 * written out so no Haiku header is needed.
 *
 * Layout: struct cmsghdr is socklen_t cmsg_len, int cmsg_level, int
 * cmsg_type = 12 bytes; CMSG_DATA and CMSG_NXTHDR use _ALIGN from
 * sys/param.h, _ALIGNBYTES = sizeof(long) - 1: data at offset 16 and
 * 8-byte steps on x86_64, offset 12 and 4-byte steps on 32-bit x86.
 *
 * Haiku has no packet timestamps at all (no SO_TIMESTAMP): the backend
 * stamps in user space right after the receive. SCM_RIGHTS is the only
 * control message; peer credentials come from getsockopt(SO_PEERCRED). */
#ifndef TSCAP_HAIKU_DECODE_H
#define TSCAP_HAIKU_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "cmsg_walk.h"
#include "pkt.h"

enum {
	HAIKU_SOL_SOCKET = -1,          /* sys/socket.h */
	HAIKU_SCM_RIGHTS = 0x01,        /* sys/socket.h */
	HAIKU_SO_PEERCRED = 0x4000000b, /* sys/socket.h: getsockopt, struct ucred */
	HAIKU_UCRED_LEN = 12,           /* struct ucred: pid_t, uid_t, gid_t */
};

extern const struct cmsg_abi haiku_abi_64;
extern const struct cmsg_abi haiku_abi_32;

/* Walks ctl[0, len) for what a datagram can carry on Haiku (nothing that
 * is a stamp): marks TSC_PKT_CTRUNC and TSC_PKT_CBAD, files no stamp.
 * Returns the number of messages seen (none is expected). */
unsigned haiku_cmsg_decode(const struct cmsg_abi *abi, const void *ctl, size_t len, int msg_ctrunc,
                           struct tsc_pkt *pkt);

/* SCM_RIGHTS messages, for `tscap matrix`. */
void haiku_rights_decode(const struct cmsg_abi *abi, const void *ctl, size_t len,
                         struct cmsg_rights *out);

struct haiku_cred {
	int32_t pid;
	uint32_t uid, gid;
};

/* SO_PEERCRED's struct ucred: 0, or -1 if the length is not 12. */
int haiku_ucred_decode(const void *buf, size_t len, struct haiku_cred *out);

#endif
