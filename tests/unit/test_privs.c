/* src/privs.h: who the capture becomes after setup, from -Z, the
 * effective uid and sudo's SUDO_UID/SUDO_GID (no syscall is made: the
 * dropping itself is tested live in tests/integration/test_privileges.py). */
#include <pwd.h>
#include <string.h>

#include "check.h"
#include "privs.h"

int main(void)
{
	const struct passwd *nb = getpwnam("nobody");
	struct tsc_privs_plan p;
	char err[160], num[32];

	if (!nb) {
		fprintf(stderr, "skipped: needs the user nobody\n");
		return 77;
	}
	uid_t nuid = nb->pw_uid; /* before the next lookup reuses its storage */
	gid_t ngid = nb->pw_gid;
	if (!getpwnam("root")) {
		fprintf(stderr, "skipped: needs the user root\n");
		return 77;
	}

	/* -Z USER: by name or number, that user's primary group and name */
	CHECK(privs_plan("nobody", 0, NULL, NULL, &p, err, sizeof(err)) == 0);
	CHECK(p.action == TSC_PRIVS_USER && p.uid == nuid && p.gid == ngid);
	CHECK_STR(p.user, "nobody");
	snprintf(num, sizeof(num), "%u", (unsigned)nuid);
	CHECK(privs_plan(num, 0, "1000", "1000", &p, err, sizeof(err)) == 0);
	CHECK(p.action == TSC_PRIVS_USER && p.uid == nuid && p.gid == ngid); /* -Z beats sudo */
	CHECK_STR(p.user, "nobody");

	/* -Z root keeps everything, by name or as 0, also under sudo */
	CHECK(privs_plan("root", 0, "1000", "1000", &p, err, sizeof(err)) == 0);
	CHECK(p.action == TSC_PRIVS_KEEP);
	CHECK(privs_plan("0", 0, NULL, NULL, &p, err, sizeof(err)) == 0);
	CHECK(p.action == TSC_PRIVS_KEEP);

	/* -Z naming ourselves (not root): only the capabilities go */
	CHECK(privs_plan("nobody", nuid, NULL, NULL, &p, err, sizeof(err)) == 0);
	CHECK(p.action == TSC_PRIVS_CAPS);

	/* unknown users: a line naming it */
	CHECK(privs_plan("no-such-user-x", 0, NULL, NULL, &p, err, sizeof(err)) < 0);
	CHECK_STR(err, "-Z no-such-user-x: no such user");
	CHECK(privs_plan("4000000000", 0, NULL, NULL, &p, err, sizeof(err)) < 0);
	CHECK(privs_plan("", 0, NULL, NULL, &p, err, sizeof(err)) < 0);

	/* root via sudo: the invoking user, groups by its name when it has one */
	snprintf(num, sizeof(num), "%u", (unsigned)ngid);
	char uidtxt[32];
	snprintf(uidtxt, sizeof(uidtxt), "%u", (unsigned)nuid);
	CHECK(privs_plan(NULL, 0, uidtxt, num, &p, err, sizeof(err)) == 0);
	CHECK(p.action == TSC_PRIVS_USER && p.uid == nuid && p.gid == ngid);
	CHECK_STR(p.user, "nobody");
	CHECK(privs_plan(NULL, 0, "4123456", "4123457", &p, err, sizeof(err)) == 0);
	CHECK(p.action == TSC_PRIVS_USER && p.uid == 4123456 && p.gid == 4123457);
	CHECK_STR(p.user, ""); /* no passwd entry: only that gid as group */

	/* root otherwise keeps root (like tcpdump without -Z): no sudo, sudo
	 * to root itself, or values that are not ids */
	const char *keep[][2] = {{NULL, NULL}, {"0", "0"},          {"1000", NULL}, {NULL, "1000"},
	                         {"x", "1"},   {"1", "-1"},         {"1 ", "1"},    {"", ""},
	                         {"1", "1x"},  {"99999999999", "1"}};
	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		CHECK(privs_plan(NULL, 0, keep[i][0], keep[i][1], &p, err, sizeof(err)) == 0);
		if (!CHECK(p.action == TSC_PRIVS_KEEP)) {
			fprintf(stderr, "    SUDO_UID=%s SUDO_GID=%s\n", keep[i][0], keep[i][1]);
		}
	}

	/* another user (a setcap'd binary): capabilities go, the user stays */
	CHECK(privs_plan(NULL, 1000, "2000", "2000", &p, err, sizeof(err)) == 0);
	CHECK(p.action == TSC_PRIVS_CAPS && p.uid == 1000);
	return check_done();
}
