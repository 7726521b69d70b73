/* `tscap matrix` on Linux: every control message of the survey
 * (SEED-TABLE.md) tried for real on every socket family and type. Each
 * cell makes a fresh socket pair, switches the message on at the receiver,
 * has a forked child send (so credentials and pidfds must name another
 * process), and checks what arrived: a passed fd is the same open file, a
 * stamp lies between the sender's clock before the send and the
 * receiver's after it. Stamps, drops and pktinfo go through the decoder
 * capture uses (decode.c); the rest through decode_aux.c. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backend.h"
#include "compat.h"
#include "decode.h"
#include "decode_aux.h"
#include "nstime.h"
#include "source.h"

enum row_id {
	R_RIGHTS,
	R_CREDS,
	R_SECURITY,
	R_PIDFD,
	R_TS_OLD,
	R_TS_NEW,
	R_TSNS_OLD,
	R_TSNS_NEW,
	R_TSING_OLD,
	R_TSING_NEW,
	R_TSING_TX,
	R_OVFL,
	R_PKTINFO,
	R_TTL,
	R_COUNT
};

static const struct tsc_matrix_row rows[R_COUNT] = {
    [R_RIGHTS] = {"rights", "SCM_RIGHTS", 1, 1, "array of file descriptors"},
    [R_CREDS] = {"credentials", "SCM_CREDENTIALS", 1, 2, "struct ucred (pid, uid, gid)"},
    [R_SECURITY] = {"security", "SCM_SECURITY", 1, 3,
                    "the sender's security label (SO_PASSSEC; needs a labelling LSM)"},
    [R_PIDFD] = {"pidfd", "SCM_PIDFD", 1, 4, "a pidfd of the sender (SO_PASSPIDFD, Linux 6.5)"},
    [R_TS_OLD] = {"timestamp_old", "SCM_TIMESTAMP (old)", 1, 29,
                  "struct timeval, native time_t (SO_TIMESTAMP_OLD)"},
    [R_TS_NEW] = {"timestamp_new", "SCM_TIMESTAMP (new)", 1, 63,
                  "struct __kernel_sock_timeval, 64-bit (SO_TIMESTAMP_NEW)"},
    [R_TSNS_OLD] = {"timestampns_old", "SCM_TIMESTAMPNS (old)", 1, 35,
                    "struct timespec, native time_t (SO_TIMESTAMPNS_OLD)"},
    [R_TSNS_NEW] = {"timestampns_new", "SCM_TIMESTAMPNS (new)", 1, 64,
                    "struct __kernel_timespec, 64-bit (SO_TIMESTAMPNS_NEW)"},
    [R_TSING_OLD] =
        {"timestamping_rx_old", "SCM_TIMESTAMPING RX (old)", 1, 37,
         "struct scm_timestamping: software, legacy, raw hardware (SO_TIMESTAMPING_OLD)"},
    [R_TSING_NEW] = {"timestamping_rx_new", "SCM_TIMESTAMPING RX (new)", 1, 65,
                     "struct scm_timestamping64 (SO_TIMESTAMPING_NEW)"},
    [R_TSING_TX] = {"timestamping_tx", "SCM_TIMESTAMPING TX (errqueue)", 1, 37,
                    "scm_timestamping + sock_extended_err (SND, OPT_ID)"},
    [R_OVFL] = {"rxq_ovfl", "SO_RXQ_OVFL", 1, 40, "uint32: datagrams the socket dropped"},
    [R_PKTINFO] = {"pktinfo", "IP_PKTINFO / IPV6_PKTINFO", 0, 8,
                   "struct in_pktinfo / in6_pktinfo: interface, destination"},
    [R_TTL] = {"ttl", "IP_TTL / IPV6_HOPLIMIT", 0, 2, "int: the received TTL / hop limit"},
};

struct column {
	int family, type;
};

static const char *const column_names[] = {"unix stream", "unix dgram", "unix seqpacket",
                                           "inet udp",    "inet tcp",   "inet6 udp",
                                           "inet6 tcp"};
static const struct column columns[] = {
    {AF_UNIX, SOCK_STREAM},  {AF_UNIX, SOCK_DGRAM},  {AF_UNIX, SOCK_SEQPACKET},
    {AF_INET, SOCK_DGRAM},   {AF_INET, SOCK_STREAM}, {AF_INET6, SOCK_DGRAM},
    {AF_INET6, SOCK_STREAM},
};
#define N_COLUMNS (sizeof(columns) / sizeof(columns[0]))

#define TTL_SENT   42
#define OVFL_BURST 64  /* datagrams sent into a minimal receive buffer */
#define OVFL_SIZE  200 /* bytes each */
#define WAIT_MS    1000

/* What the child tells the parent after each send. */
struct child_report {
	int err;        /* errno of the failed call, 0 if all went out */
	int what;       /* 0: sendmsg failed, 1: the sender's option failed */
	int sent;       /* messages the kernel accepted */
	int64_t before; /* CLOCK_REALTIME just before the (last) send */
};

struct cell_run {
	enum row_id row;
	const struct column *col;
	struct tsc_matrix_cell *cell;
	int r, s;       /* receiving and sending socket */
	int file;       /* SCM_RIGHTS: the open file passed */
	pid_t child;    /* the sending process */
	int64_t before; /* sender's clock before the send */
	int64_t after;  /* receiver's clock after the receive */
	uint8_t ctl[4096];
	size_t ctl_len;
	int ctrunc;
};

unsigned tsc_matrix_rows(const struct tsc_matrix_row **out)
{
	*out = rows;
	return R_COUNT;
}

unsigned tsc_matrix_columns(const char *const **out)
{
	*out = column_names;
	return N_COLUMNS;
}

static void cell_set(struct tsc_matrix_cell *c, enum tsc_cell_state st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void cell_set(struct tsc_matrix_cell *c, enum tsc_cell_state st, const char *fmt, ...)
{
	va_list ap;

	c->state = st;
	va_start(ap, fmt);
	vsnprintf(c->reason, sizeof(c->reason), fmt, ap);
	va_end(ap);
}

static int is_inet6(const struct cell_run *cr)
{
	return cr->col->family == AF_INET6;
}

/* The (level, type) the row's message arrives as on this column. */
static void expected(const struct cell_run *cr, int *level, int *type)
{
	*level = rows[cr->row].level;
	*type = rows[cr->row].type;
	if (is_inet6(cr) && cr->row == R_PKTINFO) {
		*level = LNX_SOL_IPV6, *type = LNX_IPV6_PKTINFO;
	} else if (is_inet6(cr) && cr->row == R_TTL) {
		*level = LNX_SOL_IPV6, *type = LNX_IPV6_HOPLIMIT;
	}
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

/* A receiver bound to loopback and a sender connected to it (for TCP the
 * accepted socket is the receiver). 0 or -errno. */
static int inet_pair(const struct column *col, int *r, int *s)
{
	struct sockaddr_storage a;
	socklen_t alen;
	int l = socket(col->family, col->type | SOCK_CLOEXEC, 0);
	int e = 0;

	*r = *s = -1;
	if (l < 0) {
		return -errno;
	}
	loopback(col->family, &a, &alen);
	if (bind(l, (struct sockaddr *)&a, alen) < 0 ||
	    getsockname(l, (struct sockaddr *)&a, &alen) < 0 ||
	    (col->type == SOCK_STREAM && listen(l, 1) < 0) ||
	    (*s = socket(col->family, col->type | SOCK_CLOEXEC, 0)) < 0 ||
	    connect(*s, (struct sockaddr *)&a, alen) < 0) {
		e = -errno;
	} else if (col->type == SOCK_STREAM) {
		*r = accept4(l, NULL, NULL, SOCK_CLOEXEC);
		e = *r < 0 ? -errno : 0;
		close(l);
		l = -1;
	} else {
		*r = l;
		l = -1;
	}
	if (l >= 0) {
		close(l);
	}
	return e;
}

static int make_pair(struct cell_run *cr)
{
	int sv[2];

	if (cr->col->family != AF_UNIX) {
		return inet_pair(cr->col, &cr->r, &cr->s);
	}
	if (socketpair(AF_UNIX, cr->col->type | SOCK_CLOEXEC, 0, sv) < 0) {
		return -errno;
	}
	cr->r = sv[0];
	cr->s = sv[1];
	return 0;
}

/* The receiver's side of the row: what switches the message on. Sets
 * *name for the reason when the kernel says no. */
static int receiver_options(struct cell_run *cr, const char **name)
{
	int sw = SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE;

	switch (cr->row) {
	case R_RIGHTS:
	case R_TSING_TX:
		return 0;
	case R_CREDS:
		return *name = "SO_PASSCRED", tsc_set_int(cr->r, SOL_SOCKET, SO_PASSCRED, 1);
	case R_SECURITY:
		return *name = "SO_PASSSEC", tsc_set_int(cr->r, SOL_SOCKET, SO_PASSSEC, 1);
	case R_PIDFD:
		return *name = "SO_PASSPIDFD", tsc_set_int(cr->r, SOL_SOCKET, SO_PASSPIDFD, 1);
	case R_TS_OLD:
		return *name = "SO_TIMESTAMP_OLD",
		       tsc_set_int(cr->r, SOL_SOCKET, SO_TIMESTAMP_OLD, 1);
	case R_TS_NEW:
		return *name = "SO_TIMESTAMP_NEW",
		       tsc_set_int(cr->r, SOL_SOCKET, SO_TIMESTAMP_NEW, 1);
	case R_TSNS_OLD:
		return *name = "SO_TIMESTAMPNS_OLD",
		       tsc_set_int(cr->r, SOL_SOCKET, SO_TIMESTAMPNS_OLD, 1);
	case R_TSNS_NEW:
		return *name = "SO_TIMESTAMPNS_NEW",
		       tsc_set_int(cr->r, SOL_SOCKET, SO_TIMESTAMPNS_NEW, 1);
	case R_TSING_OLD:
		return *name = "SO_TIMESTAMPING_OLD",
		       tsc_set_int(cr->r, SOL_SOCKET, SO_TIMESTAMPING_OLD, sw);
	case R_TSING_NEW:
		return *name = "SO_TIMESTAMPING_NEW",
		       tsc_set_int(cr->r, SOL_SOCKET, SO_TIMESTAMPING_NEW, sw);
	case R_OVFL: {
		int e = (*name = "SO_RXQ_OVFL", tsc_set_int(cr->r, SOL_SOCKET, SO_RXQ_OVFL, 1));
		return e ? e
		         : (*name = "SO_RCVBUF", tsc_set_int(cr->r, SOL_SOCKET, SO_RCVBUF, 1024));
	}
	case R_PKTINFO:
		if (is_inet6(cr)) {
			return *name = "IPV6_RECVPKTINFO",
			       tsc_set_int(cr->r, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1);
		}
		return *name = "IP_PKTINFO", tsc_set_int(cr->r, IPPROTO_IP, IP_PKTINFO, 1);
	case R_TTL:
		if (is_inet6(cr)) {
			return *name = "IPV6_RECVHOPLIMIT",
			       tsc_set_int(cr->r, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1);
		}
		return *name = "IP_RECVTTL", tsc_set_int(cr->r, IPPROTO_IP, IP_RECVTTL, 1);
	case R_COUNT:
		break;
	}
	return 0;
}

/* One message from the sender; SCM_RIGHTS rows attach the file. */
static int send_one(const struct cell_run *cr, size_t len, int flags)
{
	static const uint8_t data[OVFL_SIZE];
	union {
		struct cmsghdr h;
		uint8_t b[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov = {.iov_base = (void *)data, .iov_len = len};
	struct msghdr h = {.msg_iov = &iov, .msg_iovlen = 1};

	if (cr->row == R_RIGHTS) {
		memset(&ctl, 0, sizeof(ctl));
		ctl.h.cmsg_level = SOL_SOCKET;
		ctl.h.cmsg_type = SCM_RIGHTS;
		ctl.h.cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(&ctl.h), &cr->file, sizeof(int));
		h.msg_control = ctl.b;
		h.msg_controllen = sizeof(ctl.b);
	}
	return sendmsg(cr->s, &h, flags | MSG_NOSIGNAL) < 0 ? -errno : 0;
}

/* The child's burst: one message, or OVFL_BURST into a small buffer. */
static struct child_report child_send(const struct cell_run *cr, int burst)
{
	struct child_report rep = {0};

	rep.before = tsc_now_realtime();
	for (int i = 0; i < burst; i++) {
		int e = send_one(cr, cr->row == R_OVFL ? OVFL_SIZE : 1,
		                 cr->row == R_OVFL ? MSG_DONTWAIT : 0);
		if (e == 0) {
			rep.sent++;
		} else if (burst == 1 || (e != -EAGAIN && e != -ENOBUFS)) {
			rep.err = -e;
			break;
		}
	}
	return rep;
}

static void child_main(struct cell_run *cr, int to_parent, int from_parent)
{
	struct child_report rep = {0};
	char cmd;

	if (cr->row == R_TTL) {
		int e = is_inet6(cr) ? tsc_set_int(cr->s, IPPROTO_IPV6, IPV6_UNICAST_HOPS, TTL_SENT)
		                     : tsc_set_int(cr->s, IPPROTO_IP, IP_TTL, TTL_SENT);
		rep = (struct child_report){.err = -e, .what = 1};
	}
	if (!rep.err) {
		rep = child_send(cr, cr->row == R_OVFL ? OVFL_BURST : 1);
	}
	/* The parent answers 'g' (send one more) or 'q' (done: exit). */
	while (write(to_parent, &rep, sizeof(rep)) == sizeof(rep) &&
	       read(from_parent, &cmd, 1) == 1 && cmd == 'g') {
		rep = child_send(cr, 1);
	}
	_exit(0);
}

/* Waits for data on the receiver and takes one message with its control
 * data. 1: received, 0: nothing within WAIT_MS, -errno. */
static int receive(struct cell_run *cr, int wait_ms)
{
	uint8_t data[OVFL_SIZE];
	struct iovec iov = {.iov_base = data, .iov_len = sizeof(data)};
	struct msghdr h = {.msg_iov = &iov,
	                   .msg_iovlen = 1,
	                   .msg_control = cr->ctl,
	                   .msg_controllen = sizeof(cr->ctl)};
	struct pollfd p = {.fd = cr->r, .events = POLLIN};

	if (poll(&p, 1, wait_ms) <= 0) {
		return 0;
	}
	ssize_t n = recvmsg(cr->r, &h, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	cr->after = tsc_now_realtime();
	if (n < 0) {
		return errno == EAGAIN ? 0 : -errno;
	}
	cr->ctl_len = h.msg_controllen;
	cr->ctrunc = (h.msg_flags & MSG_CTRUNC) != 0;
	return 1;
}

/* Closes every descriptor the kernel installed with the message. */
static void close_passed(const struct linux_aux *aux)
{
	for (unsigned i = 0; i < aux->nfds && i < LINUX_AUX_FDS; i++) {
		close(aux->fds[i]);
	}
	if (aux->pidfd >= 0) {
		close(aux->pidfd);
	}
}

/* "(1,29) (0,8)": what arrived, for a reason. */
static void list_arrived(const struct cell_run *cr, char *out, size_t len)
{
	struct cmsg_iter it;
	struct cmsg_item c;
	size_t used = 0;

	out[0] = 0;
	cmsg_iter_init(&it, &cmsg_abi_native, cr->ctl, cr->ctl_len);
	while (cmsg_next(&it, &c) > 0 && used < len) {
		int n = snprintf(out + used, len - used, " (%d,%d)", c.level, c.type);
		used += n > 0 ? (size_t)n : 0;
	}
}

static int find_expected(const struct cell_run *cr)
{
	struct cmsg_iter it;
	struct cmsg_item c;
	int level, type;

	expected(cr, &level, &type);
	cmsg_iter_init(&it, &cmsg_abi_native, cr->ctl, cr->ctl_len);
	while (cmsg_next(&it, &c) > 0) {
		if (c.level == level && c.type == type) {
			return 1;
		}
	}
	return 0;
}

static long pidfd_pid(int pidfd)
{
	char path[64], line[128];
	long pid = -2;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", pidfd);
	FILE *f = fopen(path, "r");
	if (!f) {
		return -2;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Pid: %ld", &pid) == 1) {
			break;
		}
	}
	fclose(f);
	return pid;
}

static void verify_passed(struct cell_run *cr, const struct linux_aux *a)
{
	struct tsc_matrix_cell *c = cr->cell;

	if (cr->row == R_RIGHTS) {
		struct stat want, got;
		if (a->nfds != 1 || fstat(cr->file, &want) < 0 || fstat(a->fds[0], &got) < 0) {
			cell_set(c, TSC_CELL_WRONG, "%u descriptors arrived, 1 sent", a->nfds);
		} else if (want.st_dev != got.st_dev || want.st_ino != got.st_ino) {
			cell_set(c, TSC_CELL_WRONG, "fd %d is another file (inode %lu, sent %lu)",
			         a->fds[0], (unsigned long)got.st_ino, (unsigned long)want.st_ino);
		} else {
			cell_set(c, TSC_CELL_OK, "fd %d is the file sent (inode %lu)", a->fds[0],
			         (unsigned long)got.st_ino);
		}
	} else if (cr->row == R_CREDS) {
		int ok =
		    a->has_cred && a->pid == cr->child && a->uid == getuid() && a->gid == getgid();
		cell_set(c, ok ? TSC_CELL_OK : TSC_CELL_WRONG,
		         "pid %d uid %u gid %u (sender: pid %d)", (int)a->pid, a->uid, a->gid,
		         (int)cr->child);
	} else if (cr->row == R_PIDFD) {
		long pid = pidfd_pid(a->pidfd);
		cell_set(c, pid == cr->child ? TSC_CELL_OK : TSC_CELL_WRONG,
		         "pidfd %d names pid %ld (sender: pid %d)", a->pidfd, pid, (int)cr->child);
	} else {
		cell_set(c, a->label[0] ? TSC_CELL_OK : TSC_CELL_WRONG, "label \"%.100s\"",
		         a->label);
	}
}

static void verify_stamp(struct cell_run *cr, int64_t stamp, int64_t unit)
{
	/* SCM_TIMESTAMP has µs: the sender's clock rounded down to that. */
	int64_t before = cr->before - cr->before % unit;

	if (stamp < before || stamp > cr->after) {
		cell_set(cr->cell, TSC_CELL_WRONG,
		         "stamp %+.3f us from the send, outside [send, receive] (%.3f us)",
		         (double)(stamp - cr->before) / 1e3,
		         (double)(cr->after - cr->before) / 1e3);
	} else {
		cell_set(cr->cell, TSC_CELL_OK,
		         "stamp %.3f us after the send, %.3f us before the receive",
		         (double)(stamp - cr->before) / 1e3, (double)(cr->after - stamp) / 1e3);
	}
}

static void verify_decoded(struct cell_run *cr, const struct tsc_pkt *p)
{
	struct tsc_matrix_cell *c = cr->cell;

	if (cr->row == R_PKTINFO) {
		static const uint8_t lo4[4] = {127, 0, 0, 1}, lo6[16] = {[15] = 1};
		unsigned lo = if_nametoindex("lo");
		int fam_ok = p->dst.family == (is_inet6(cr) ? TSC_AF_INET6 : TSC_AF_INET);
		int addr_ok = !memcmp(p->dst.addr, is_inet6(cr) ? lo6 : lo4, is_inet6(cr) ? 16 : 4);
		int ok = p->ifindex == lo && fam_ok && addr_ok;
		cell_set(c, ok ? TSC_CELL_OK : TSC_CELL_WRONG,
		         "ifindex %u (lo is %u), destination %s", p->ifindex, lo,
		         addr_ok && fam_ok ? "the loopback address" : "wrong");
	} else if (cr->row == R_TTL) {
		cell_set(c, p->ttl == TTL_SENT ? TSC_CELL_OK : TSC_CELL_WRONG, "%u (sent with %d)",
		         p->ttl, TTL_SENT);
	} else if (!tsc_pkt_has(p, TSC_SW_RX)) {
		cell_set(c, TSC_CELL_WRONG, "the message arrived with no software stamp in it");
	} else {
		int us = cr->row == R_TS_OLD || cr->row == R_TS_NEW;
		verify_stamp(cr, p->ns[TSC_SW_RX], us ? 1000 : 1);
	}
}

/* The message arrived: is the row's control message there, and right? */
static void verify(struct cell_run *cr)
{
	struct linux_decode_ctx ctx = {.abi = &cmsg_abi_native};
	struct tsc_pkt p = {0};
	struct linux_aux aux;
	char seen[96];

	linux_aux_decode(&cmsg_abi_native, cr->ctl, cr->ctl_len, &aux);
	if (!find_expected(cr)) {
		list_arrived(cr, seen, sizeof(seen));
		cell_set(cr->cell, TSC_CELL_NOTHING, "the data arrived without it (%s%s)",
		         seen[0] ? "control messages:" : "no control messages", seen);
	} else {
		linux_cmsg_decode(&ctx, cr->ctl, cr->ctl_len, cr->ctrunc, &p);
		if (aux.bad || (p.flags & (TSC_PKT_CBAD | TSC_PKT_CTRUNC))) {
			cell_set(cr->cell, TSC_CELL_WRONG, "malformed or truncated control data");
		} else if (cr->row <= R_PIDFD) {
			verify_passed(cr, &aux);
		} else {
			verify_decoded(cr, &p);
		}
	}
	close_passed(&aux);
}

/* SO_RXQ_OVFL: the burst overflowed a minimal buffer; drain it, have one
 * more sent into the empty queue, and compare the count that arrives
 * with it to what was sent minus what was received. */
static void verify_overflow(struct cell_run *cr, int to_child, int from_child, int sent)
{
	struct linux_decode_ctx ctx = {.abi = &cmsg_abi_native};
	struct child_report rep;
	int received = 0, r;

	while ((r = receive(cr, 0)) > 0) {
		received++;
	}
	if (write(to_child, "g", 1) != 1 || read(from_child, &rep, sizeof(rep)) != sizeof(rep) ||
	    rep.sent != 1) {
		cell_set(cr->cell, TSC_CELL_REFUSED, "the last send after the drain failed");
		return;
	}
	if ((r = receive(cr, WAIT_MS)) <= 0) {
		cell_set(cr->cell, TSC_CELL_NOTHING, "nothing arrived after the drain");
		return;
	}
	struct tsc_pkt p = {0};
	linux_cmsg_decode(&ctx, cr->ctl, cr->ctl_len, cr->ctrunc, &p);
	if (!find_expected(cr)) {
		cell_set(cr->cell, TSC_CELL_NOTHING,
		         "no drop count arrived (%d sent, drained in %d reads)", sent, received);
	} else {
		uint32_t dropped = (uint32_t)(sent - received);
		cell_set(cr->cell, p.drops == dropped ? TSC_CELL_OK : TSC_CELL_WRONG,
		         "%u drops reported; %d sent, %d received before", p.drops, sent, received);
	}
}

static void run_forked(struct cell_run *cr)
{
	int up[2], down[2];
	struct child_report rep;

	if (pipe2(up, O_CLOEXEC) < 0) {
		cell_set(cr->cell, TSC_CELL_REFUSED, "pipe: %s", strerror(errno));
		return;
	}
	if (pipe2(down, O_CLOEXEC) < 0) {
		cell_set(cr->cell, TSC_CELL_REFUSED, "pipe: %s", strerror(errno));
		close(up[0]);
		close(up[1]);
		return;
	}
	fflush(NULL);
	cr->child = fork();
	if (cr->child == 0) {
		/* Only the parent's ends kept open: if it dies, the child reads
		 * EOF; and the kernel ends the child with it in any case. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(cr->r);
		close(up[0]);
		close(down[1]);
		child_main(cr, up[1], down[0]);
	}
	close(up[1]);
	close(down[0]);
	if (cr->child < 0) {
		cell_set(cr->cell, TSC_CELL_REFUSED, "fork: %s", strerror(errno));
	} else if (read(up[0], &rep, sizeof(rep)) != sizeof(rep)) {
		cell_set(cr->cell, TSC_CELL_REFUSED, "the sending process died");
	} else if (rep.err) {
		const char *what = !rep.what      ? "sendmsg"
		                   : is_inet6(cr) ? "setsockopt(IPV6_UNICAST_HOPS)"
		                                  : "setsockopt(IP_TTL)";
		cell_set(cr->cell, TSC_CELL_REFUSED, "%s: %s", what, strerror(rep.err));
	} else if (cr->row == R_OVFL) {
		cr->before = rep.before;
		verify_overflow(cr, down[1], up[0], rep.sent);
	} else {
		int r = receive(cr, WAIT_MS);
		cr->before = rep.before;
		if (r < 0) {
			cell_set(cr->cell, TSC_CELL_REFUSED, "recvmsg: %s", strerror(-r));
		} else if (r == 0) {
			cell_set(cr->cell, TSC_CELL_NOTHING, "no data arrived in %d ms", WAIT_MS);
		} else {
			verify(cr);
		}
	}
	if (write(down[1], "q", 1) < 0) {
		/* the child is gone already; waitpid reaps it */
	}
	close(up[0]);
	close(down[1]);
	if (cr->child > 0) {
		waitpid(cr->child, NULL, 0);
	}
}

/* TX stamps: the sender reads its own error queue, so no child here. */
static void run_tx(struct cell_run *cr)
{
	struct linux_decode_ctx ctx = {.abi = &cmsg_abi_native};
	int flags = SOF_TIMESTAMPING_TX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE |
	            SOF_TIMESTAMPING_OPT_ID | SOF_TIMESTAMPING_OPT_TSONLY;
	struct msghdr h = {.msg_control = cr->ctl, .msg_controllen = sizeof(cr->ctl)};
	struct pollfd pfd = {.fd = cr->s, .events = 0}; /* POLLERR is always reported */
	struct tsc_tx_stamp st[2];
	int e;

	if ((e = tsc_set_int(cr->s, SOL_SOCKET, SO_TIMESTAMPING_OLD, flags)) < 0) {
		cell_set(cr->cell, TSC_CELL_REFUSED, "setsockopt(SO_TIMESTAMPING_OLD): %s",
		         strerror(-e));
		return;
	}
	cr->before = tsc_now_realtime();
	if ((e = send_one(cr, 1, 0)) < 0) {
		cell_set(cr->cell, TSC_CELL_REFUSED, "sendmsg: %s", strerror(-e));
		return;
	}
	receive(cr, WAIT_MS); /* take the data, so a TCP sender is not held up */
	if (poll(&pfd, 1, WAIT_MS / 2) <= 0 ||
	    recvmsg(cr->s, &h, MSG_ERRQUEUE | MSG_DONTWAIT) < 0) {
		cell_set(cr->cell, TSC_CELL_NOTHING, "nothing on the error queue in %d ms",
		         WAIT_MS / 2);
		return;
	}
	cr->after = tsc_now_realtime();
	cr->ctl_len = h.msg_controllen;
	unsigned n = linux_errqueue_decode(&ctx, cr->ctl, cr->ctl_len, st);
	if (!find_expected(cr)) {
		cell_set(cr->cell, TSC_CELL_NOTHING, "an error-queue message without a stamp");
	} else if (n == 0 || st[0].clock != TSC_TX_SW) {
		cell_set(cr->cell, TSC_CELL_WRONG,
		         "no SND report (sock_extended_err) with the stamp");
	} else {
		verify_stamp(cr, st[0].ns, 1);
	}
}

static int make_file(void)
{
	char path[] = "/tmp/tscap-matrix-XXXXXX";
	int fd = mkostemp(path, O_CLOEXEC);

	if (fd >= 0) {
		unlink(path);
	}
	return fd;
}

void tsc_matrix_check(unsigned row, unsigned column, struct tsc_matrix_cell *cell)
{
	static int stamping = -1; /* held open: stamping stays live all along */
	struct cell_run *cr = calloc(1, sizeof(*cr));
	const char *opt = "";
	int e;

	if (!cr || row >= R_COUNT || column >= N_COLUMNS) {
		cell_set(cell, TSC_CELL_REFUSED, "out of memory or no such cell");
		free(cr);
		return;
	}
	if (stamping < 0) {
		stamping = linux_stamping_hold();
	}
	*cr = (struct cell_run){.row = (enum row_id)row, .col = &columns[column], .cell = cell};
	cr->file = row == R_RIGHTS ? make_file() : -1;
	if ((e = make_pair(cr)) < 0) {
		cell_set(cell, TSC_CELL_REFUSED, "socket: %s", strerror(-e));
	} else if ((e = receiver_options(cr, &opt)) < 0) {
		cell_set(cell, TSC_CELL_REFUSED, "setsockopt(%s): %s", opt, strerror(-e));
	} else if (row == R_TSING_TX) {
		run_tx(cr);
	} else {
		run_forked(cr);
	}
	int fds[] = {cr->r, cr->s, cr->file};
	for (unsigned i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		if (fds[i] >= 0) {
			close(fds[i]);
		}
	}
	free(cr);
}
