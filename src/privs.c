#include "privs.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"
#include "log.h"

/* A decimal id that fits uid_t / gid_t, else -1. */
static long long parse_id(const char *s)
{
	char *end;

	if (!s || s[0] < '0' || s[0] > '9') {
		return -1;
	}
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end || v >= 0xffffffffull) {
		return -1;
	}
	return (long long)v;
}

static void set_user(struct tsc_privs_plan *plan, const struct passwd *pw)
{
	plan->uid = pw->pw_uid;
	plan->gid = pw->pw_gid;
	snprintf(plan->user, sizeof(plan->user), "%s", pw->pw_name);
}

static int plan_z(const char *zarg, uid_t euid, struct tsc_privs_plan *plan, char *err,
                  size_t errlen)
{
	const struct passwd *pw = getpwnam(zarg);
	long long id = parse_id(zarg);

	if (!pw && id >= 0) {
		pw = getpwuid((uid_t)id);
	}
	if (!pw) {
		snprintf(err, errlen, "-Z %s: no such user", zarg);
		return -1;
	}
	if (pw->pw_uid == 0) {
		plan->action = TSC_PRIVS_KEEP; /* -Z root: stay root, capabilities and all */
		return 0;
	}
	set_user(plan, pw);
	plan->action = pw->pw_uid == euid ? TSC_PRIVS_CAPS : TSC_PRIVS_USER;
	return 0;
}

int privs_plan(const char *zarg, uid_t euid, const char *sudo_uid, const char *sudo_gid,
               struct tsc_privs_plan *plan, char *err, size_t errlen)
{
	memset(plan, 0, sizeof(*plan));
	plan->uid = euid;
	if (zarg) {
		return plan_z(zarg, euid, plan, err, errlen);
	}
	if (euid != 0) {
		plan->action = TSC_PRIVS_CAPS;
		return 0;
	}
	long long u = parse_id(sudo_uid), g = parse_id(sudo_gid);
	if (u <= 0 || g < 0) {
		plan->action = TSC_PRIVS_KEEP; /* root, not through sudo (or sudo to root) */
		return 0;
	}
	plan->action = TSC_PRIVS_USER;
	plan->uid = (uid_t)u;
	plan->gid = (gid_t)g;
	const struct passwd *pw = getpwuid(plan->uid);
	if (pw) {
		snprintf(plan->user, sizeof(plan->user), "%s", pw->pw_name);
	}
	return 0;
}

int privs_drop(const char *cmd, const char *zarg)
{
	struct tsc_privs_plan plan;
	char err[160];

	if (privs_plan(zarg, geteuid(), getenv("SUDO_UID"), getenv("SUDO_GID"), &plan, err,
	               sizeof(err)) < 0) {
		tsc_err("%s: %s", cmd, err);
		return -1;
	}
	if (plan.action == TSC_PRIVS_KEEP) {
		tsc_dbg("keeping the privileges we have (uid %u)", (unsigned)geteuid());
		return 0;
	}
	int r = tsc_os_drop_privileges(plan.action == TSC_PRIVS_USER, (unsigned)plan.uid,
	                               (unsigned)plan.gid, plan.user[0] ? plan.user : NULL);
	if (r < 0) {
		if (plan.action == TSC_PRIVS_USER) {
			tsc_err("%s: cannot become user %s (uid %u, gid %u): %s%s", cmd,
			        plan.user[0] ? plan.user : "?", (unsigned)plan.uid,
			        (unsigned)plan.gid, strerror(-r),
			        r == -EPERM ? " (-Z needs root)" : "");
		} else {
			tsc_err("%s: cannot give up capabilities: %s", cmd, strerror(-r));
		}
		return -1;
	}
	tsc_dbg("now uid %u gid %u, no capabilities", (unsigned)getuid(), (unsigned)getgid());
	return 0;
}
