/* The backends of FreeBSD, XNU and Haiku share one POSIX core (sockets,
 * recvmsg, sendto, poll) and plug in through a few narrow hooks, as
 * chrony's ntp_io.c does with its OS files (STYLE.md point 3). Each OS
 * directory has stamps.h (its struct os_stamps) and implements the
 * hooks declared here. Only these backends include this header. */
#ifndef TSCAP_POSIX_H
#define TSCAP_POSIX_H

#include <stddef.h>
#include <sys/socket.h>

#include "backend.h"
#include "sockaddr.h"
#include "stamps.h"

struct tsc_source {
	int fd;
	uint16_t endpoint;
	struct tsc_addr bound; /* local address and port: each packet's dst */
	struct tsc_endpoint ep;
	struct tsc_grant grant;
	struct os_stamps st; /* the OS's decoder context */
	uint32_t tx_count;   /* datagrams sent: their ids */
};

/* ---- hooks each OS implements ---------------------------------------- */

/* The OS's name for messages ("FreeBSD"). */
extern const char os_backend_name[];

/* Switch on the best RX stamps the OS has for opts->stamp in the clock
 * opts->clock on src->fd, fill src->grant (sw_rx, hw_rx, stamp_label)
 * and src->st. 0, or -errno after one line. */
int os_stamps_enable(struct tsc_source *src, const struct tsc_source_opts *opts);

/* Decode one datagram's control data into p (stamps, flags). */
void os_stamps_decode(const struct tsc_source *src, const void *ctl, size_t len, int ctrunc,
                      struct tsc_pkt *p);

/* Batched receive (recvmmsg, recvmsg_x): an OS object over msgs[0, n)
 * set up by the caller, or NULL when the OS has none (then recvmsg). */
struct os_batch;
struct os_batch *os_batch_open(struct msghdr *msgs, unsigned n);
/* Receive up to n datagrams without blocking into the msghdrs given at
 * open (msg_namelen, msg_controllen and msg_flags updated) and their
 * lengths into lens. Returns the count, 0 when none waits, or -errno. */
int os_batch_recv(struct os_batch *b, int fd, unsigned n, size_t *lens);
void os_batch_close(struct os_batch *b);

/* ---- the matrix: rows the OS has, checked by the shared engine ------ */

struct matrix_cell_run {
	int r, s;       /* receiving and sending socket of the column */
	int family;     /* AF_UNIX, AF_INET, AF_INET6 */
	int file;       /* an open file the sender passes (SCM_RIGHTS) */
	int64_t before; /* CLOCK_REALTIME before the send */
	int64_t after;  /* after the receive */
	uint8_t ctl[1024];
	size_t ctl_len;
	int ctrunc;
	struct tsc_matrix_cell *cell;
};

struct posix_matrix_row {
	struct tsc_matrix_row row;
	/* Switches the message on at the receiver r: 0 or -errno, *what
	 * naming the call for the reason. NULL: nothing to switch on. */
	int (*prepare)(int r, int family, const char **what);
	/* The sender attaches these control messages (SCM_RIGHTS: the file). */
	void (*attach)(const struct matrix_cell_run *cr, uint8_t *ctl, size_t *len);
	/* The row's message arrived: check it and set the cell. */
	void (*verify)(struct matrix_cell_run *cr);
	/* Instead of a send: a check of its own (credentials by getsockopt). */
	void (*check)(struct matrix_cell_run *cr);
};

extern const struct posix_matrix_row os_matrix_rows[];
extern const unsigned os_matrix_nrows;

/* For verify functions. */
void matrix_cell_set(struct tsc_matrix_cell *c, enum tsc_cell_state st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A stamp between the send (rounded down to unit ns) and the receive. */
void matrix_verify_stamp(struct matrix_cell_run *cr, const struct tsc_pkt *p, int64_t unit);
/* The passed descriptor is the file sent (and closes what arrived). */
void matrix_verify_fd(struct matrix_cell_run *cr, const int *fds, unsigned n, unsigned kept);
/* Appends an SCM_RIGHTS message with the file to ctl. */
void matrix_attach_file(const struct matrix_cell_run *cr, uint8_t *ctl, size_t *len);

#endif
