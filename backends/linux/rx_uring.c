/* The io_uring rx path: one multishot recvmsg keeps receiving into a ring
 * of provided buffers, so a busy socket costs no syscall per packet or
 * per batch. Each completion's buffer holds io_uring_recvmsg_out, the
 * source address, the control messages and the payload. Buffers handed
 * out in one call return to the ring at the start of the next (the
 * tsc_rx contract). When the multishot ends (no IORING_CQE_F_MORE: the
 * ring ran dry, ENOBUFS, or the kernel stopped it) it is armed again. */
#define _GNU_SOURCE
#include <errno.h>
#include <liburing.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>

#include "log.h"
#include "nstime.h"
#include "rx_fill.h"
#include "rx_private.h"

#define BGID         1
#define TAG_RECV     1 /* user_data of the multishot recvmsg */
#define TAG_CANCEL   2 /* user_data of the cancel at stop */
#define DEFAULT_BUFS 256u

struct rx_uring {
	struct tsc_rx base;
	struct tsc_source *src;
	struct io_uring ring;
	struct io_uring_buf_ring *br;
	size_t br_size;
	uint8_t *bufs;
	unsigned nbufs;
	uint32_t buf_len;
	uint32_t slot_len;
	struct msghdr msg; /* name and control sizes for every buffer */
	int armed;
	unsigned *lent;        /* buffer ids handed out by the last call */
	int stopping;          /* no re-arm; the rest is read by `direct` */
	struct tsc_rx *direct; /* recvmsg path on the same socket, for the stop */
	unsigned n_lent;
	int taskrun_flag; /* the kernel flags pending work in the SQ ring */
};

int rx_uring_available(char *why, size_t whylen)
{
	struct utsname u;
	unsigned major = 0, minor = 0;
	struct io_uring ring;

	/* Multishot recvmsg arrived in Linux 6.0. */
	if (uname(&u) == 0 && sscanf(u.release, "%u.%u", &major, &minor) == 2 && major < 6) {
		snprintf(why, whylen, "kernel %s has no multishot recvmsg (needs 6.0)", u.release);
		return 0;
	}
	int r = io_uring_queue_init(2, &ring, 0);
	if (r < 0) {
		snprintf(why, whylen, "io_uring is not available: %s", strerror(-r));
		return 0;
	}
	struct io_uring_probe *probe = io_uring_get_probe_ring(&ring);
	int ok = probe && io_uring_opcode_supported(probe, IORING_OP_RECVMSG);
	io_uring_free_probe(probe);
	io_uring_queue_exit(&ring);
	if (!ok) {
		snprintf(why, whylen, "io_uring has no recvmsg here");
	}
	return ok;
}

static void give_back(struct rx_uring *rx, unsigned bid, int offset)
{
	io_uring_buf_ring_add(rx->br, rx->bufs + (size_t)bid * rx->buf_len, rx->buf_len,
	                      (unsigned short)bid, io_uring_buf_ring_mask(rx->nbufs), offset);
}

static void recycle(struct rx_uring *rx)
{
	for (unsigned i = 0; i < rx->n_lent; i++) {
		give_back(rx, rx->lent[i], (int)i);
	}
	if (rx->n_lent) {
		io_uring_buf_ring_advance(rx->br, (int)rx->n_lent);
	}
	rx->n_lent = 0;
}

static int arm(struct rx_uring *rx)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&rx->ring);

	if (!sqe) {
		return -EBUSY;
	}
	io_uring_prep_recvmsg_multishot(sqe, rx->src->fd, &rx->msg, MSG_TRUNC);
	io_uring_sqe_set_data64(sqe, TAG_RECV);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = BGID;
	int r = io_uring_submit(&rx->ring);
	if (r < 0) {
		return r;
	}
	rx->armed = 1;
	return 0;
}

/* One completion into *p; 0 if it carried no packet. */
static int take(struct rx_uring *rx, const struct io_uring_cqe *cqe, struct tsc_pkt *p)
{
	if (io_uring_cqe_get_data64(cqe) != TAG_RECV) {
		return 0; /* the cancel's own completion */
	}
	if (!(cqe->flags & IORING_CQE_F_MORE)) {
		rx->armed = 0;
	}
	if (cqe->res < 0) {
		if (cqe->res == -ENOBUFS) {
			rx->base.stalls++; /* the data waits in the socket: nothing lost */
			return 0;
		}
		if (cqe->res == -ECANCELED && rx->stopping) {
			return 0;
		}
		return cqe->res;
	}
	if (!(cqe->flags & IORING_CQE_F_BUFFER)) {
		tsc_dbg("io_uring: completion without a buffer (res %d flags %x)", cqe->res,
		        cqe->flags);
		return 0;
	}
	unsigned bid = cqe->flags >> IORING_CQE_BUFFER_SHIFT;
	uint8_t *buf = rx->bufs + (size_t)bid * rx->buf_len;
	rx->lent[rx->n_lent++] = bid;
	struct io_uring_recvmsg_out *o = io_uring_recvmsg_validate(buf, cqe->res, &rx->msg);
	if (!o) {
		tsc_dbg("io_uring: completion of %d bytes fails validation", cqe->res);
		return 0;
	}
	size_t ctl_len =
	    o->controllen < rx->msg.msg_controllen ? o->controllen : rx->msg.msg_controllen;
	struct rx_datagram d = {
	    .payload = io_uring_recvmsg_payload(o, &rx->msg),
	    .caplen = io_uring_recvmsg_payload_length(o, cqe->res, &rx->msg),
	    .len = o->payloadlen, /* the true length, with MSG_TRUNC */
	    /* A name longer than the room for it was cut: no address. */
	    .name = o->namelen <= rx->msg.msg_namelen ? io_uring_recvmsg_name(o) : NULL,
	    .ctl = (uint8_t *)io_uring_recvmsg_name(o) + rx->msg.msg_namelen,
	    .ctl_len = ctl_len,
	    .ctrunc = (o->flags & MSG_CTRUNC) != 0,
	};
	linux_rx_fill(rx->src, &d, 0, p);
	return 1;
}

/* Whether the kernel may have receive work for us: with TASKRUN_FLAG it
 * says so in the SQ ring (set when work is queued, cleared when run), so
 * an empty socket costs no io_uring_enter; without it, we must ask. */
static int work_pending(const struct rx_uring *rx)
{
	return !rx->taskrun_flag || (IO_URING_READ_ONCE(*rx->ring.sq.kflags) & IORING_SQ_TASKRUN);
}

/* Reap completions into pkts until max or until the kernel has no more.
 * The kernel's receive work runs in slices (deferred task work, run in
 * io_uring_enter) whose size is its own business: a slice shorter than
 * some guess does not mean the socket is empty. Deciding so from the
 * slice size left data queued while the caller slept, and dropped a
 * quarter of a 200,000 pps stream; only "no work pending" (the flag) or a
 * slice that brought nothing ends the loop. */
static int reap(struct rx_uring *rx, struct tsc_pkt *pkts, unsigned max, unsigned *n)
{
	struct io_uring_cqe *cqe;
	int r = 0;

	for (int slice = 0; *n < max && slice < 64; slice++) {
		unsigned before = *n;
		if (!io_uring_cq_ready(&rx->ring)) {
			if (!work_pending(rx)) {
				break;
			}
			io_uring_get_events(&rx->ring);
			if (!io_uring_cq_ready(&rx->ring)) {
				break;
			}
		}
		while (*n < max && io_uring_peek_cqe(&rx->ring, &cqe) == 0) {
			r = take(rx, cqe, &pkts[*n]);
			io_uring_cqe_seen(&rx->ring, cqe);
			if (r < 0) {
				return r;
			}
			*n += (unsigned)r;
		}
		/* Ended (ring dry, or the kernel stopped it): arm again at once,
		 * so a busy socket keeps flowing within this call. */
		if (!rx->armed && !rx->stopping && (r = arm(rx)) < 0) {
			return r;
		}
		if (rx->armed && *n == before) {
			break;
		}
	}
	return 0;
}

static int recv_uring(struct tsc_rx *base, struct tsc_pkt *pkts, unsigned max)
{
	struct rx_uring *rx = container_of(base, struct rx_uring, base);
	unsigned n = 0;

	recycle(rx);
	if (max > rx->nbufs / 2) {
		max = rx->nbufs / 2 ? rx->nbufs / 2 : 1; /* the rest keeps receiving meanwhile */
	}
	int r = reap(rx, pkts, max, &n);
	/* Completions can be posted while reaping: the user-space stamp is
	 * taken once all of this batch is in hand. */
	if (n) {
		int64_t now = tsc_now_realtime();
		for (unsigned i = 0; i < n; i++) {
			pkts[i].ns[TSC_USER] = now;
		}
	}
	if (rx->stopping && !n && !rx->armed && !io_uring_cq_ready(&rx->ring)) {
		/* The multishot is gone and its completions are in: the rest of
		 * the queue is read directly, with nothing in flight to race. */
		return tsc_rx_recv(rx->direct, pkts, max);
	}
	/* If the ring ran dry, the re-arm's immediate ENOBUFS wakes the
	 * caller's poll, and the next call returns the buffers and re-arms. */
	if (!rx->armed && !rx->stopping) {
		int a = arm(rx);
		r = r < 0 ? r : a;
	}
	return n ? (int)n : r;
}

static void close_uring(struct tsc_rx *base)
{
	struct rx_uring *rx = container_of(base, struct rx_uring, base);

	if (rx->ring.ring_fd > 0) {
		io_uring_queue_exit(&rx->ring);
	}
	if (rx->br) {
		munmap(rx->br, rx->br_size);
	}
	tsc_rx_close(rx->direct);
	free(rx->bufs);
	free(rx->lent);
	free(rx);
}

static int pending_uring(struct tsc_rx *base)
{
	struct rx_uring *rx = container_of(base, struct rx_uring, base);

	io_uring_get_events(&rx->ring);
	/* While stopping, an armed multishot may still post what it took. */
	return io_uring_cq_ready(&rx->ring) > 0 || (rx->stopping && rx->armed);
}

/* At a stop: cancel the multishot so that nothing is taken from the socket
 * behind our back; its last completions still come through recv, and the
 * socket's remaining queue is read with recvmsg. */
static void stop_uring(struct tsc_rx *base)
{
	struct rx_uring *rx = container_of(base, struct rx_uring, base);
	struct tsc_rx_opts o = {.kind = TSC_RX_MSG, .batch = 64, .slot_len = rx->slot_len};

	if (rx->stopping || rx_mmsg_open(rx->src, &o, &rx->direct) < 0) {
		return;
	}
	rx->stopping = 1;
	struct io_uring_sqe *sqe = io_uring_get_sqe(&rx->ring);
	if (rx->armed && sqe) {
		io_uring_prep_cancel64(sqe, TAG_RECV, 0);
		io_uring_sqe_set_data64(sqe, TAG_CANCEL);
		io_uring_submit(&rx->ring);
	}
}

static const struct tsc_rx_ops uring_ops = {.name = "uring",
                                            .recv = recv_uring,
                                            .close = close_uring,
                                            .pending = pending_uring,
                                            .stop = stop_uring};

static int setup_ring(struct rx_uring *rx)
{
	/* Completions are handled in batches when we ask for them, not by
	 * interrupting the thread for every packet: DEFER_TASKRUN (6.1) runs
	 * the kernel's completion work only inside io_uring_enter, and the
	 * ring fd still polls readable when such work waits. TASKRUN_FLAG
	 * tells us without a syscall whether any waits (see work_pending).
	 * COOP_TASKRUN is the fallback, then plain. */
	static const unsigned modes[] = {
	    IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_TASKRUN_FLAG,
	    IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN,
	    IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG,
	    0,
	};
	int r = -EINVAL;

	for (unsigned i = 0; i < sizeof(modes) / sizeof(modes[0]) && r == -EINVAL; i++) {
		struct io_uring_params p = {.flags = IORING_SETUP_CQSIZE | modes[i],
		                            .cq_entries = 4 * rx->nbufs};
		r = io_uring_queue_init_params(8, &rx->ring, &p);
		rx->taskrun_flag = r == 0 && (modes[i] & IORING_SETUP_TASKRUN_FLAG);
	}
	if (r < 0) {
		return r;
	}
	rx->br_size = sizeof(struct io_uring_buf) * rx->nbufs;
	void *mem =
	    mmap(NULL, rx->br_size, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
	if (mem == MAP_FAILED) {
		return -errno;
	}
	rx->br = mem;
	io_uring_buf_ring_init(rx->br);
	struct io_uring_buf_reg reg = {
	    .ring_addr = (unsigned long)mem, .ring_entries = rx->nbufs, .bgid = BGID};
	r = io_uring_register_buf_ring(&rx->ring, &reg, 0);
	if (r < 0) {
		return r;
	}
	for (unsigned i = 0; i < rx->nbufs; i++) {
		give_back(rx, i, (int)i);
	}
	io_uring_buf_ring_advance(rx->br, (int)rx->nbufs);
	return arm(rx);
}

int rx_uring_open(struct tsc_source *src, const struct tsc_rx_opts *opts, struct tsc_rx **out)
{
	struct rx_uring *rx = calloc(1, sizeof(*rx));
	int r = -ENOMEM;

	if (!rx) {
		goto no_memory;
	}
	rx->base.ops = &uring_ops;
	rx->src = src;
	rx->nbufs = opts->ring_bufs ? opts->ring_bufs : DEFAULT_BUFS;
	rx->slot_len = opts->slot_len;
	rx->msg.msg_namelen = sizeof(struct sockaddr_in6);
	rx->msg.msg_controllen = LINUX_RX_CTL_LEN;
	/* Each buffer starts with struct io_uring_recvmsg_out: keep them
	 * aligned (to a cache line) whatever the slot length. */
	size_t len = sizeof(struct io_uring_recvmsg_out) + rx->msg.msg_namelen +
	             rx->msg.msg_controllen + opts->slot_len;
	rx->buf_len = (uint32_t)((len + 63) & ~(size_t)63);
	rx->bufs = malloc((size_t)rx->nbufs * rx->buf_len);
	rx->lent = calloc(rx->nbufs, sizeof(*rx->lent));
	if (!rx->bufs || !rx->lent) {
		goto no_memory;
	}
	r = setup_ring(rx);
	if (r < 0) {
		tsc_err("%s: io_uring receive setup failed: %s", src->ep.text, strerror(-r));
		close_uring(&rx->base);
		return r;
	}
	rx->base.wait_fd = rx->ring.ring_fd;
	*out = &rx->base;
	return 0;

no_memory:
	tsc_err("out of memory for %u io_uring buffers",
	        opts->ring_bufs ? opts->ring_bufs : DEFAULT_BUFS);
	if (rx) {
		close_uring(&rx->base);
	}
	return r;
}
