/* Least privilege, like tcpdump -Z: what needs privilege (binding,
 * SIOCSHWTSTAMP, SO_RCVBUFFORCE, raw sockets) is done first; then the
 * process becomes an ordinary user and gives up every capability before
 * it creates an output file or reads a packet. */
#ifndef TSCAP_PRIVS_H
#define TSCAP_PRIVS_H

#include <stddef.h>
#include <sys/types.h>

enum tsc_privs_action {
	TSC_PRIVS_KEEP = 0, /* stay as we are: root without sudo or -Z, or -Z root */
	TSC_PRIVS_CAPS,     /* same user, no capabilities (setcap'd binary, plain user) */
	TSC_PRIVS_USER,     /* become uid/gid with its groups, no capabilities */
};

struct tsc_privs_plan {
	enum tsc_privs_action action;
	uid_t uid;
	gid_t gid;
	char user[64]; /* its name, for its supplementary groups; "" if unknown */
};

/* What to do, from -Z (zarg, NULL when not given), the effective uid and
 * sudo's SUDO_UID / SUDO_GID (NULL when unset):
 *   -Z root               keep everything;
 *   -Z USER (name or uid) become USER (its primary group and groups);
 *   as root via sudo      become the invoking user (SUDO_UID, SUDO_GID);
 *   as root otherwise     keep root, like tcpdump without -Z;
 *   as another user       drop capabilities (a setcap'd binary).
 * 0, or -1 with a one-line reason in err. */
int privs_plan(const char *zarg, uid_t euid, const char *sudo_uid, const char *sudo_gid,
               struct tsc_privs_plan *plan, char *err, size_t errlen);

/* Plan from this process's ids and environment and carry it out; cmd
 * names the command in messages. 0, or -1 after one line. */
int privs_drop(const char *cmd, const char *zarg);

#endif
