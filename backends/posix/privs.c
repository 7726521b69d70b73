/* FreeBSD, XNU, Haiku: giving up root is a change of user (its groups,
 * then gid, then uid; as root setgid/setuid set the real, effective and
 * saved ids together). These systems have no POSIX capability sets to
 * clear, so a non-root process has nothing more to give up. */
#include <errno.h>
#include <grp.h>
#include <unistd.h>

#include "backend.h"

int tsc_os_drop_privileges(int switch_user, unsigned uid, unsigned gid, const char *user)
{
	gid_t g = (gid_t)gid;

	if (!switch_user) {
		return 0;
	}
	if ((user ? initgroups(user, g) : setgroups(1, &g)) < 0 || setgid(g) < 0 ||
	    setuid((uid_t)uid) < 0) {
		return -errno;
	}
	if (getuid() != uid || geteuid() != uid || getgid() != g || getegid() != g) {
		return -EPERM;
	}
	/* paranoia, as in tcpdump and ntpd: there must be no way back */
	if (uid != 0 && setuid(0) == 0) {
		return -EPERM;
	}
	return 0;
}
