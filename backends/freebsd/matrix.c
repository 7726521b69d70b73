/* `tscap matrix` rows on FreeBSD (SEED-TABLE.md): SCM_RIGHTS, every
 * SO_TS_CLOCK stamp, SCM_TIME_INFO (only where a driver stamps: not on
 * loopback), SCM_CREDS in both layouts and SCM_CREDS2. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "posix.h"

static void verify_rights(struct matrix_cell_run *cr)
{
	struct freebsd_aux a;

	freebsd_aux_decode(freebsd_abi_native(), cr->ctl, cr->ctl_len, 0, &a);
	matrix_verify_fd(cr, a.fds, a.nfds, a.nfds < FREEBSD_AUX_FDS ? a.nfds : FREEBSD_AUX_FDS);
}

static int ts_clock(int r, int clock, const char **what)
{
	int e = tsc_set_int(r, SOL_SOCKET, SO_TS_CLOCK, clock);

	*what = e ? "setsockopt(SO_TS_CLOCK)" : "setsockopt(SO_TIMESTAMP)";
	return e ? e : tsc_set_int(r, SOL_SOCKET, SO_TIMESTAMP, 1);
}

static int on_micro(int r, int family, const char **what)
{
	(void)family;
	return ts_clock(r, SO_TS_REALTIME_MICRO, what);
}

static int on_bintime(int r, int family, const char **what)
{
	(void)family;
	return ts_clock(r, SO_TS_BINTIME, what);
}

static int on_realtime(int r, int family, const char **what)
{
	(void)family;
	return ts_clock(r, SO_TS_REALTIME, what);
}

static int on_monotonic(int r, int family, const char **what)
{
	(void)family;
	return ts_clock(r, SO_TS_MONOTONIC, what);
}

static void verify_stamp(struct matrix_cell_run *cr)
{
	struct freebsd_decode_ctx ctx;
	struct tsc_pkt p = {0};
	struct cmsg_iter it;
	struct cmsg_item c;
	int64_t unit = 1;

	freebsd_ctx_setup(&ctx);
	freebsd_cmsg_decode(&ctx, cr->ctl, cr->ctl_len, cr->ctrunc, &p);
	cmsg_iter_init(&it, ctx.abi, cr->ctl, cr->ctl_len);
	while (cmsg_next(&it, &c) > 0) {
		/* µs for SCM_TIMESTAMP; monotonic moved by a measured offset */
		unit = c.type == SCM_TIMESTAMP || c.type == SCM_MONOTONIC ? 1000 : unit;
	}
	matrix_verify_stamp(cr, &p, unit);
}

static void verify_time_info(struct matrix_cell_run *cr)
{
	struct freebsd_decode_ctx ctx;
	struct tsc_pkt p = {0};

	freebsd_ctx_setup(&ctx);
	freebsd_cmsg_decode(&ctx, cr->ctl, cr->ctl_len, cr->ctrunc, &p);
	matrix_cell_set(cr->cell, tsc_pkt_has(&p, TSC_HW_RX) ? TSC_CELL_OK : TSC_CELL_WRONG,
	                "SCM_TIME_INFO says %s",
	                tsc_pkt_has(&p, TSC_HW_RX) ? "hardware" : "software");
}

/* An empty struct cmsgcred for the kernel to fill. */
static void attach_creds(const struct matrix_cell_run *cr, uint8_t *ctl, size_t *len)
{
	struct cmsghdr h = {.cmsg_len = CMSG_LEN(sizeof(struct cmsgcred)),
	                    .cmsg_level = SOL_SOCKET,
	                    .cmsg_type = SCM_CREDS};

	(void)cr;
	memcpy(ctl + *len, &h, sizeof(h));
	*len += CMSG_SPACE(sizeof(struct cmsgcred));
}

static int on_local_creds(int r, int family, const char **what)
{
	*what = "setsockopt(LOCAL_CREDS)";
	return family == AF_UNIX ? tsc_set_int(r, SOL_LOCAL, LOCAL_CREDS, 1) : -ENOPROTOOPT;
}

static int on_local_creds2(int r, int family, const char **what)
{
	*what = "setsockopt(LOCAL_CREDS_PERSISTENT)";
	return family == AF_UNIX ? tsc_set_int(r, SOL_LOCAL, LOCAL_CREDS_PERSISTENT, 1)
	                         : -ENOPROTOOPT;
}

static void verify_creds_as(struct matrix_cell_run *cr, int local_creds,
                            enum freebsd_cred_kind want)
{
	struct freebsd_aux a;

	freebsd_aux_decode(freebsd_abi_native(), cr->ctl, cr->ctl_len, local_creds, &a);
	int ok = a.cred == want && a.uid == getuid() && a.euid == geteuid() &&
	         (want == FBSD_CRED_SOCKCRED || a.pid == getpid());
	matrix_cell_set(cr->cell, ok ? TSC_CELL_OK : TSC_CELL_WRONG,
	                "%s: pid %d uid %u euid %u gid %u, %u groups (we are pid %d)",
	                a.cred == FBSD_CRED_CMSGCRED    ? "struct cmsgcred"
	                : a.cred == FBSD_CRED_SOCKCRED  ? "struct sockcred"
	                : a.cred == FBSD_CRED_SOCKCRED2 ? "struct sockcred2"
	                                                : "malformed",
	                (int)a.pid, a.uid, a.euid, a.gid, a.ngroups, (int)getpid());
}

static void verify_cmsgcred(struct matrix_cell_run *cr)
{
	verify_creds_as(cr, 0, FBSD_CRED_CMSGCRED);
}

static void verify_sockcred(struct matrix_cell_run *cr)
{
	verify_creds_as(cr, 1, FBSD_CRED_SOCKCRED);
}

static void verify_sockcred2(struct matrix_cell_run *cr)
{
	verify_creds_as(cr, 0, FBSD_CRED_SOCKCRED2);
}

#define SOL FBSD_SOL_SOCKET
const struct posix_matrix_row os_matrix_rows[] = {
    {{"rights", "SCM_RIGHTS", SOL, FBSD_SCM_RIGHTS, "array of file descriptors"},
     NULL,
     matrix_attach_file,
     verify_rights,
     NULL},
    {{"timestamp", "SCM_TIMESTAMP", SOL, FBSD_SCM_TIMESTAMP,
      "struct timeval (SO_TS_REALTIME_MICRO)"},
     on_micro,
     NULL,
     verify_stamp,
     NULL},
    {{"bintime", "SCM_BINTIME", SOL, FBSD_SCM_BINTIME, "struct bintime (SO_TS_BINTIME)"},
     on_bintime,
     NULL,
     verify_stamp,
     NULL},
    {{"realtime", "SCM_REALTIME", SOL, FBSD_SCM_REALTIME, "struct timespec (SO_TS_REALTIME)"},
     on_realtime,
     NULL,
     verify_stamp,
     NULL},
    {{"monotonic", "SCM_MONOTONIC", SOL, FBSD_SCM_MONOTONIC,
      "struct timespec since boot (SO_TS_MONOTONIC)"},
     on_monotonic,
     NULL,
     verify_stamp,
     NULL},
    {{"time_info", "SCM_TIME_INFO", SOL, FBSD_SCM_TIME_INFO,
      "struct sock_timestamp_info (only when the NIC stamped: mlx5en)"},
     on_realtime,
     NULL,
     verify_time_info,
     NULL},
    {{"creds", "SCM_CREDS (cmsgcred)", SOL, FBSD_SCM_CREDS,
      "struct cmsgcred the sender asks the kernel to fill"},
     NULL,
     attach_creds,
     verify_cmsgcred,
     NULL},
    {{"creds_local", "SCM_CREDS (sockcred)", SOL, FBSD_SCM_CREDS,
      "struct sockcred (receiver's LOCAL_CREDS)"},
     on_local_creds,
     NULL,
     verify_sockcred,
     NULL},
    {{"creds2", "SCM_CREDS2", SOL, FBSD_SCM_CREDS2,
      "struct sockcred2 (receiver's LOCAL_CREDS_PERSISTENT)"},
     on_local_creds2,
     NULL,
     verify_sockcred2,
     NULL},
};
const unsigned os_matrix_nrows = sizeof(os_matrix_rows) / sizeof(os_matrix_rows[0]);
