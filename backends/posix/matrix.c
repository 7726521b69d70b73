/* `tscap matrix` for the POSIX backends: each row the OS defines
 * (os_matrix_rows) tried on unix stream and datagram sockets and on UDP
 * over loopback. A cell makes a fresh socket pair, switches the message
 * on at the receiver, sends one byte with what the row attaches, and lets
 * the row check what arrived with the OS's own decoder. Sender and
 * receiver are this process (credentials name it). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmsg_walk.h"
#include "nstime.h"
#include "posix.h"

struct column {
	int family, type;
};

static const char *const column_names[] = {"unix stream", "unix dgram", "inet udp", "inet6 udp"};
static const struct column columns[] = {
    {AF_UNIX, SOCK_STREAM}, {AF_UNIX, SOCK_DGRAM}, {AF_INET, SOCK_DGRAM}, {AF_INET6, SOCK_DGRAM}};
#define N_COLUMNS (sizeof(columns) / sizeof(columns[0]))
#define WAIT_MS   1000

static struct tsc_matrix_row row_table[32];

unsigned tsc_matrix_rows(const struct tsc_matrix_row **out)
{
	for (unsigned i = 0; i < os_matrix_nrows && i < 32; i++) {
		row_table[i] = os_matrix_rows[i].row;
	}
	*out = row_table;
	return os_matrix_nrows < 32 ? os_matrix_nrows : 32;
}

unsigned tsc_matrix_columns(const char *const **out)
{
	*out = column_names;
	return N_COLUMNS;
}

void matrix_cell_set(struct tsc_matrix_cell *c, enum tsc_cell_state st, const char *fmt, ...)
{
	va_list ap;

	c->state = st;
	va_start(ap, fmt);
	vsnprintf(c->reason, sizeof(c->reason), fmt, ap);
	va_end(ap);
}

void matrix_verify_stamp(struct matrix_cell_run *cr, const struct tsc_pkt *p, int64_t unit)
{
	int64_t before = cr->before - cr->before % unit;
	enum tsc_clock c = tsc_pkt_has(p, TSC_HW_RX) ? TSC_HW_RX : TSC_SW_RX;
	int64_t stamp = p->ns[c];

	if (!tsc_pkt_has(p, c)) {
		matrix_cell_set(cr->cell, TSC_CELL_WRONG, "arrived without a stamp in it%s",
		                p->flags & TSC_PKT_CBAD ? " (malformed)" : "");
	} else if (stamp < before || stamp > cr->after) {
		matrix_cell_set(cr->cell, TSC_CELL_WRONG,
		                "stamp %+.3f us from the send, outside [send, receive] (%.3f us)",
		                (double)(stamp - cr->before) / 1e3,
		                (double)(cr->after - cr->before) / 1e3);
	} else {
		matrix_cell_set(cr->cell, TSC_CELL_OK,
		                "stamp %.3f us after the send, %.3f us before the receive",
		                (double)(stamp - cr->before) / 1e3,
		                (double)(cr->after - stamp) / 1e3);
	}
}

void matrix_verify_fd(struct matrix_cell_run *cr, const int *fds, unsigned n, unsigned kept)
{
	struct stat want, got;

	if (n != 1 || fstat(cr->file, &want) < 0 || fstat(fds[0], &got) < 0) {
		matrix_cell_set(cr->cell, TSC_CELL_WRONG, "%u descriptors arrived, 1 sent", n);
	} else if (want.st_dev != got.st_dev || want.st_ino != got.st_ino) {
		matrix_cell_set(cr->cell, TSC_CELL_WRONG, "fd %d is another file", fds[0]);
	} else {
		matrix_cell_set(cr->cell, TSC_CELL_OK, "fd %d is the file sent (inode %lu)", fds[0],
		                (unsigned long)got.st_ino);
	}
	for (unsigned i = 0; i < kept && i < n; i++) {
		close(fds[i]);
	}
}

void matrix_attach_file(const struct matrix_cell_run *cr, uint8_t *ctl, size_t *len)
{
	struct cmsghdr h = {
	    .cmsg_len = CMSG_LEN(sizeof(int)), .cmsg_level = SOL_SOCKET, .cmsg_type = SCM_RIGHTS};

	memcpy(ctl + *len, &h, sizeof(h));
	memcpy(ctl + *len + CMSG_LEN(0), &cr->file, sizeof(int));
	*len += CMSG_SPACE(sizeof(int));
}

static void loopback(int family, struct sockaddr_storage *ss, socklen_t *len)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;
		a->sin_family = AF_INET;
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		*len = sizeof(*a);
	} else {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
		a->sin6_family = AF_INET6;
		a->sin6_addr = in6addr_loopback;
		*len = sizeof(*a);
	}
}

static int make_pair(const struct column *col, int *r, int *s)
{
	struct sockaddr_storage a;
	socklen_t alen;
	int sv[2];

	*r = *s = -1;
	if (col->family == AF_UNIX) {
		if (socketpair(AF_UNIX, col->type, 0, sv) < 0) {
			return -errno;
		}
		*r = sv[0];
		*s = sv[1];
		return 0;
	}
	loopback(col->family, &a, &alen);
	if ((*r = socket(col->family, col->type, 0)) < 0 ||
	    bind(*r, (struct sockaddr *)&a, alen) < 0 ||
	    getsockname(*r, (struct sockaddr *)&a, &alen) < 0 ||
	    (*s = socket(col->family, col->type, 0)) < 0 ||
	    connect(*s, (struct sockaddr *)&a, alen) < 0) {
		return -errno;
	}
	return 0;
}

static int send_one(struct matrix_cell_run *cr, const struct posix_matrix_row *row)
{
	static const uint8_t byte = 42;
	union {
		struct cmsghdr align;
		uint8_t b[512];
	} ctl;
	size_t clen = 0;
	struct iovec iov = {.iov_base = (void *)&byte, .iov_len = 1};
	struct msghdr h = {.msg_iov = &iov, .msg_iovlen = 1};

	memset(&ctl, 0, sizeof(ctl));
	if (row->attach) {
		row->attach(cr, ctl.b, &clen);
		h.msg_control = ctl.b;
		h.msg_controllen = (socklen_t)clen;
	}
	cr->before = tsc_now_realtime();
	return sendmsg(cr->s, &h, 0) < 0 ? -errno : 0;
}

static int receive(struct matrix_cell_run *cr)
{
	uint8_t data[16];
	struct iovec iov = {.iov_base = data, .iov_len = sizeof(data)};
	struct msghdr h = {.msg_iov = &iov,
	                   .msg_iovlen = 1,
	                   .msg_control = cr->ctl,
	                   .msg_controllen = sizeof(cr->ctl)};
	struct pollfd p = {.fd = cr->r, .events = POLLIN};

	if (poll(&p, 1, WAIT_MS) <= 0) {
		return 0;
	}
	ssize_t n = recvmsg(cr->r, &h, MSG_DONTWAIT);
	cr->after = tsc_now_realtime();
	if (n < 0) {
		return -errno;
	}
	cr->ctl_len = h.msg_controllen;
	cr->ctrunc = (h.msg_flags & MSG_CTRUNC) != 0;
	return 1;
}

/* Is the row's message among what arrived? If not, say what did. */
static int arrived(struct matrix_cell_run *cr, const struct tsc_matrix_row *row)
{
	struct cmsg_iter it;
	struct cmsg_item c;
	char seen[96] = "";
	size_t used = 0;

	cmsg_iter_init(&it, &cmsg_abi_native, cr->ctl, cr->ctl_len);
	while (cmsg_next(&it, &c) > 0) {
		if (c.level == row->level && c.type == row->type) {
			return 1;
		}
		int n = snprintf(seen + used, sizeof(seen) - used, " (%d,%d)", c.level, c.type);
		used += n > 0 && (size_t)n < sizeof(seen) - used ? (size_t)n : 0;
	}
	matrix_cell_set(cr->cell, TSC_CELL_NOTHING, "the data arrived without it (%s%s)",
	                seen[0] ? "control messages:" : "no control messages", seen);
	return 0;
}

static void run(struct matrix_cell_run *cr, const struct posix_matrix_row *row)
{
	const char *what = "setsockopt";
	int e;

	if (row->check) {
		row->check(cr);
	} else if (row->prepare && (e = row->prepare(cr->r, cr->family, &what)) < 0) {
		matrix_cell_set(cr->cell, TSC_CELL_REFUSED, "%s: %s", what, strerror(-e));
	} else if ((e = send_one(cr, row)) < 0) {
		matrix_cell_set(cr->cell, TSC_CELL_REFUSED, "sendmsg: %s", strerror(-e));
	} else if ((e = receive(cr)) < 0) {
		matrix_cell_set(cr->cell, TSC_CELL_REFUSED, "recvmsg: %s", strerror(-e));
	} else if (e == 0) {
		matrix_cell_set(cr->cell, TSC_CELL_NOTHING, "no data arrived in %d ms", WAIT_MS);
	} else if (arrived(cr, &row->row)) {
		row->verify(cr);
	}
}

static int make_file(void)
{
	char path[] = "/tmp/tscap-matrix-XXXXXX";
	int fd = mkstemp(path);

	if (fd >= 0) {
		unlink(path);
	}
	return fd;
}

void tsc_matrix_check(unsigned row, unsigned column, struct tsc_matrix_cell *cell)
{
	struct matrix_cell_run *cr = calloc(1, sizeof(*cr));
	int e;

	if (!cr || row >= os_matrix_nrows || column >= N_COLUMNS) {
		matrix_cell_set(cell, TSC_CELL_REFUSED, "out of memory or no such cell");
		free(cr);
		return;
	}
	cr->cell = cell;
	cr->family = columns[column].family;
	cr->file = make_file();
	if ((e = make_pair(&columns[column], &cr->r, &cr->s)) < 0) {
		matrix_cell_set(cell, TSC_CELL_REFUSED, "socket: %s", strerror(-e));
	} else {
		run(cr, &os_matrix_rows[row]);
	}
	int fds[] = {cr->r, cr->s, cr->file};
	for (unsigned i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		if (fds[i] >= 0) {
			close(fds[i]);
		}
	}
	free(cr);
}
