/* `tscap matrix` rows on Haiku (SEED-TABLE.md): SCM_RIGHTS, its only
 * control message, and the peer credentials of getsockopt(SO_PEERCRED). */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "posix.h"

static const struct cmsg_abi *abi(void)
{
	return sizeof(long) == 8 ? &haiku_abi_64 : &haiku_abi_32;
}

static void verify_rights(struct matrix_cell_run *cr)
{
	struct cmsg_rights r;

	haiku_rights_decode(abi(), cr->ctl, cr->ctl_len, &r);
	matrix_verify_fd(cr, r.fds, r.n, r.n < CMSG_RIGHTS_MAX ? r.n : CMSG_RIGHTS_MAX);
}

static void check_peercred(struct matrix_cell_run *cr)
{
	uint8_t buf[HAIKU_UCRED_LEN];
	socklen_t len = sizeof(buf);
	struct haiku_cred c;

	if (cr->family != AF_UNIX) {
		matrix_cell_set(cr->cell, TSC_CELL_REFUSED, "SO_PEERCRED is for unix sockets");
	} else if (getsockopt(cr->r, SOL_SOCKET, SO_PEERCRED, buf, &len) < 0) {
		matrix_cell_set(cr->cell, TSC_CELL_REFUSED, "getsockopt(SO_PEERCRED): %s",
		                strerror(errno));
	} else if (haiku_ucred_decode(buf, len, &c) < 0) {
		matrix_cell_set(cr->cell, TSC_CELL_WRONG, "a struct ucred of %u bytes",
		                (unsigned)len);
	} else {
		int ok = c.pid == getpid() && c.uid == geteuid();
		matrix_cell_set(cr->cell, ok ? TSC_CELL_OK : TSC_CELL_WRONG,
		                "pid %d uid %u gid %u (we are pid %d)", (int)c.pid, c.uid, c.gid,
		                (int)getpid());
	}
}

const struct posix_matrix_row os_matrix_rows[] = {
    {{"rights", "SCM_RIGHTS", HAIKU_SOL_SOCKET, HAIKU_SCM_RIGHTS, "array of file descriptors"},
     NULL,
     matrix_attach_file,
     verify_rights,
     NULL},
    {{"peercred", "SO_PEERCRED (getsockopt)", HAIKU_SOL_SOCKET, HAIKU_SO_PEERCRED,
      "struct ucred: the peer's pid, uid, gid"},
     NULL,
     NULL,
     NULL,
     check_peercred},
};
const unsigned os_matrix_nrows = sizeof(os_matrix_rows) / sizeof(os_matrix_rows[0]);
