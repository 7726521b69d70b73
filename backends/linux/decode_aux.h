/* Linux control messages beyond timestamps, as plain C over bytes: what a
 * unix socket passes (SCM_RIGHTS, SCM_CREDENTIALS, SCM_PIDFD, SCM_SECURITY).
 * `tscap matrix` reads them; stamps, drops, pktinfo and the TTL stay with
 * linux_cmsg_decode (decode.h), the one decoder capture uses. */
#ifndef TSCAP_LINUX_DECODE_AUX_H
#define TSCAP_LINUX_DECODE_AUX_H

#include <stddef.h>
#include <stdint.h>

#include "cmsg_walk.h"

enum {
	LNX_SCM_RIGHTS = 1, /* linux/socket.h */
	LNX_SCM_CREDENTIALS = 2,
	LNX_SCM_SECURITY = 3,
	LNX_SCM_PIDFD = 4 /* Linux 6.5 */
};

#define LINUX_AUX_FDS 16

struct linux_aux {
	int fds[LINUX_AUX_FDS]; /* SCM_RIGHTS descriptors, in order, up to the first 16 */
	unsigned nfds;          /* all descriptors passed (may exceed LINUX_AUX_FDS) */
	int has_cred;           /* SCM_CREDENTIALS: struct ucred */
	int32_t pid;
	uint32_t uid, gid;
	int pidfd;     /* SCM_PIDFD, -1 if none */
	int has_label; /* SCM_SECURITY: the peer's label, NUL-terminated here */
	char label[256];
	unsigned bad; /* messages of a known type with a wrong length */
};

/* Fills *aux from every known message in ctl[0, len); returns how many
 * were recognised. The caller owns (and must close) every fd and pidfd. */
unsigned linux_aux_decode(const struct cmsg_abi *abi, const void *ctl, size_t len,
                          struct linux_aux *aux);

#endif
