/* `tscap matrix` rows on XNU (SEED-TABLE.md): SCM_RIGHTS, SCM_TIMESTAMP,
 * SCM_TIMESTAMP_MONOTONIC, SCM_CREDS (which XNU refuses), and the peer
 * credentials XNU gives instead through getsockopt(LOCAL_PEERCRED). */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "posix.h"

static void verify_rights(struct matrix_cell_run *cr)
{
	struct cmsg_rights r;

	cmsg_rights_collect(&xnu_abi, cr->ctl, cr->ctl_len, XNU_SOL_SOCKET, XNU_SCM_RIGHTS, &r);
	matrix_verify_fd(cr, r.fds, r.n, r.n < CMSG_RIGHTS_MAX ? r.n : CMSG_RIGHTS_MAX);
}

static int on_timestamp(int r, int family, const char **what)
{
	(void)family;
	*what = "setsockopt(SO_TIMESTAMP)";
	return tsc_set_int(r, SOL_SOCKET, SO_TIMESTAMP, 1);
}

static int on_monotonic(int r, int family, const char **what)
{
	(void)family;
	*what = "setsockopt(SO_TIMESTAMP_MONOTONIC)";
	return tsc_set_int(r, SOL_SOCKET, SO_TIMESTAMP_MONOTONIC, 1);
}

static void verify_stamp(struct matrix_cell_run *cr)
{
	struct xnu_decode_ctx ctx;
	struct tsc_pkt p = {0};

	xnu_clock_setup(&ctx);
	xnu_cmsg_decode(&ctx, cr->ctl, cr->ctl_len, cr->ctrunc, &p);
	/* µs stamps, and ticks related to realtime by a measured offset:
	 * both to within a µs of the sender's clock. */
	matrix_verify_stamp(cr, &p, 1000);
}

/* An empty struct cmsgcred for the kernel to fill, as FreeBSD wants it. */
static void attach_creds(const struct matrix_cell_run *cr, uint8_t *ctl, size_t *len)
{
	struct cmsghdr h = {
	    .cmsg_len = CMSG_LEN(84), .cmsg_level = SOL_SOCKET, .cmsg_type = SCM_CREDS};

	(void)cr;
	memcpy(ctl + *len, &h, sizeof(h));
	*len += CMSG_SPACE(84);
}

static void verify_creds(struct matrix_cell_run *cr)
{
	matrix_cell_set(cr->cell, TSC_CELL_WRONG, "SCM_CREDS arrived, which XNU is said to refuse");
}

static void check_peercred(struct matrix_cell_run *cr)
{
	uint8_t buf[XNU_XUCRED_LEN];
	socklen_t len = sizeof(buf);
	struct xnu_cred c;

	if (cr->family != AF_UNIX) {
		matrix_cell_set(cr->cell, TSC_CELL_REFUSED, "LOCAL_PEERCRED is for unix sockets");
	} else if (getsockopt(cr->r, SOL_LOCAL, LOCAL_PEERCRED, buf, &len) < 0) {
		matrix_cell_set(cr->cell, TSC_CELL_REFUSED, "getsockopt(LOCAL_PEERCRED): %s",
		                strerror(errno));
	} else if (xnu_xucred_decode(buf, len, &c) < 0) {
		matrix_cell_set(cr->cell, TSC_CELL_WRONG, "a struct xucred of %u bytes",
		                (unsigned)len);
	} else {
		matrix_cell_set(cr->cell, c.uid == geteuid() ? TSC_CELL_OK : TSC_CELL_WRONG,
		                "uid %u, %u groups (we are uid %u)", c.uid, c.ngroups,
		                (unsigned)geteuid());
	}
}

const struct posix_matrix_row os_matrix_rows[] = {
    {{"rights", "SCM_RIGHTS", XNU_SOL_SOCKET, XNU_SCM_RIGHTS, "array of file descriptors"},
     NULL,
     matrix_attach_file,
     verify_rights,
     NULL},
    {{"timestamp", "SCM_TIMESTAMP", XNU_SOL_SOCKET, XNU_SCM_TIMESTAMP,
      "struct timeval (SO_TIMESTAMP)"},
     on_timestamp,
     NULL,
     verify_stamp,
     NULL},
    {{"timestamp_monotonic", "SCM_TIMESTAMP_MONOTONIC", XNU_SOL_SOCKET, XNU_SCM_TIMESTAMP_MONOTONIC,
      "uint64_t mach_absolute_time ticks (SO_TIMESTAMP_MONOTONIC)"},
     on_monotonic,
     NULL,
     verify_stamp,
     NULL},
    {{"creds", "SCM_CREDS", XNU_SOL_SOCKET, XNU_SCM_CREDS, "struct cmsgcred (refused by XNU)"},
     NULL,
     attach_creds,
     verify_creds,
     NULL},
    {{"peercred", "LOCAL_PEERCRED (getsockopt)", XNU_SOL_LOCAL, XNU_LOCAL_PEERCRED,
      "struct xucred: the peer's uid and groups"},
     NULL,
     NULL,
     NULL,
     check_peercred},
};
const unsigned os_matrix_nrows = sizeof(os_matrix_rows) / sizeof(os_matrix_rows[0]);
