/* Linux: user, groups and capabilities given up for good, like tcpdump
 * -Z, through the raw capget/capset system calls (no libcap). The order
 * matters: the bounding set needs CAP_SETPCAP and the groups CAP_SETGID,
 * both gone once the uid changes; with PR_SET_KEEPCAPS off, the change
 * of uid from 0 clears the permitted and effective sets, and capset
 * then clears what is left. */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "backend.h"
#include "log.h"

static int caps_get(struct __user_cap_data_struct d[2])
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};

	return syscall(SYS_capget, &h, d) < 0 ? -errno : 0;
}

static int caps_clear(void)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
	struct __user_cap_data_struct d[2] = {{0}};

	return syscall(SYS_capset, &h, d) < 0 ? -errno : 0;
}

static int has_cap(const struct __user_cap_data_struct d[2], unsigned cap)
{
	return (d[cap / 32].effective >> (cap % 32)) & 1u;
}

/* Empty the bounding set (needs CAP_SETPCAP in the effective set): an
 * exec can then never regain a capability, not even from a file. */
static int drop_bounding_set(void)
{
	struct __user_cap_data_struct d[2];

	if (caps_get(d) < 0 || !has_cap(d, CAP_SETPCAP)) {
		return 0; /* not ours to drop: a setcap'd binary without CAP_SETPCAP */
	}
	for (unsigned long cap = 0; cap < 64; cap++) {
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) {
			if (errno == EINVAL) {
				break; /* past the kernel's last capability */
			}
			return -errno;
		}
	}
	return 0;
}

static int become(unsigned uid, unsigned gid, const char *user)
{
	gid_t g = (gid_t)gid;

	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0) {
		return -errno;
	}
	if ((user ? initgroups(user, g) : setgroups(1, &g)) < 0 || setresgid(g, g, g) < 0 ||
	    setresuid((uid_t)uid, (uid_t)uid, (uid_t)uid) < 0) {
		return -errno;
	}
	uid_t ru, eu, su;
	gid_t rg, eg, sg;
	if (getresuid(&ru, &eu, &su) < 0 || getresgid(&rg, &eg, &sg) < 0 || ru != uid ||
	    eu != uid || su != uid || rg != g || eg != g || sg != g) {
		return -EPERM;
	}
	/* paranoia, as in tcpdump and ntpd: there must be no way back */
	if (uid != 0 && setuid(0) == 0) {
		return -EPERM;
	}
	return 0;
}

static int caps_empty(void)
{
	struct __user_cap_data_struct d[2];

	return caps_get(d) == 0 && !d[0].effective && !d[1].effective && !d[0].permitted &&
	       !d[1].permitted && !d[0].inheritable && !d[1].inheritable;
}

int tsc_os_drop_privileges(int switch_user, unsigned uid, unsigned gid, const char *user)
{
	if (!switch_user && caps_empty()) {
		/* nothing to give up (an ordinary user): a sandbox that forbids
		 * capset must not stop the capture over an empty set */
		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		return 0;
	}
	int r = drop_bounding_set();

	if (r == 0 && switch_user) {
		r = become(uid, gid, user);
	}
	if (r < 0) {
		return r;
	}
	/* ambient: since Linux 4.3; an older kernel has none to clear */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL) {
		return -errno;
	}
	r = caps_clear();
	if (r < 0) {
		return r;
	}
	if (!caps_empty()) {
		return -EPERM;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		return -errno;
	}
	return 0;
}
