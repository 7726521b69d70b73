/* FreeBSD's stamps: SO_TIMESTAMP with SO_TS_CLOCK = SO_TS_REALTIME (ns,
 * for IPv4 and IPv6 alike), or the clock --clock names. A NIC whose driver stamps packets (mlx5en)
 * puts its stamp there instead and says so with SCM_TIME_INFO; nothing
 * needs switching on for that. No TX stamps. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>

#include "log.h"
#include "nstime.h"
#include "posix.h"

/* The decoder's constants, written out to build anywhere, are the
 * system's. */
_Static_assert(FBSD_SOL_SOCKET == SOL_SOCKET, "SOL_SOCKET");
_Static_assert(FBSD_SO_TIMESTAMP == SO_TIMESTAMP, "SO_TIMESTAMP");
_Static_assert(FBSD_SO_TS_CLOCK == SO_TS_CLOCK, "SO_TS_CLOCK");
_Static_assert(FBSD_SO_TS_REALTIME == SO_TS_REALTIME, "SO_TS_REALTIME");
_Static_assert(FBSD_SO_TS_BINTIME == SO_TS_BINTIME, "SO_TS_BINTIME");
_Static_assert(FBSD_SO_TS_MONOTONIC == SO_TS_MONOTONIC, "SO_TS_MONOTONIC");
_Static_assert(FBSD_SCM_BINTIME == SCM_BINTIME, "SCM_BINTIME");
_Static_assert(FBSD_SCM_REALTIME == SCM_REALTIME, "SCM_REALTIME");
_Static_assert(FBSD_SCM_MONOTONIC == SCM_MONOTONIC, "SCM_MONOTONIC");
_Static_assert(FBSD_SCM_TIME_INFO == SCM_TIME_INFO, "SCM_TIME_INFO");
_Static_assert(FBSD_TIME_INFO_LEN == sizeof(struct sock_timestamp_info), "sock_timestamp_info");
_Static_assert(FBSD_CMSGCRED_LEN == sizeof(struct cmsgcred), "struct cmsgcred");
_Static_assert(FBSD_SOCKCRED_BASE == SOCKCREDSIZE(0), "SOCKCREDSIZE");
_Static_assert(FBSD_LOCAL_CREDS == LOCAL_CREDS, "LOCAL_CREDS");
_Static_assert(CMSG_LEN(0) == (sizeof(long) == 8 ? 16 : 12), "FreeBSD's cmsg layout");

const char os_backend_name[] = "FreeBSD";

const struct cmsg_abi *freebsd_abi_native(void)
{
	return sizeof(long) == 8 ? &freebsd_abi_64 : &freebsd_abi_i386;
}

void freebsd_ctx_setup(struct freebsd_decode_ctx *dctx)
{
	dctx->abi = freebsd_abi_native();
	dctx->mono_to_real_ns = tsc_now_realtime() - tsc_now_monotonic();
}

unsigned tsc_clock_choices(void)
{
	return freebsd_clock_choices();
}

int os_stamps_enable(struct tsc_source *src, const struct tsc_source_opts *opts)
{
	struct freebsd_ts_clock clk = freebsd_ts_clock_for(opts->clock);
	int r;

	freebsd_ctx_setup(&src->st.dctx);
	if (opts->stamp == TSC_STAMP_NONE) {
		return 0;
	}
	if (clk.value < 0) {
		tsc_err("%s: --clock %s: FreeBSD has no such clock", src->ep.text,
		        tsc_clock_sel_names[opts->clock]);
		return -EINVAL;
	}
	if ((r = tsc_set_int(src->fd, SOL_SOCKET, SO_TS_CLOCK, clk.value)) < 0 ||
	    (r = tsc_set_int(src->fd, SOL_SOCKET, SO_TIMESTAMP, 1)) < 0) {
		tsc_err("%s: SO_TIMESTAMP with SO_TS_CLOCK %d refused: %s", src->ep.text, clk.value,
		        strerror(-r));
		return r;
	}
	if (clk.label) {
		snprintf(src->grant.stamp_label, sizeof(src->grant.stamp_label), "%s", clk.label);
	}
	src->grant.sw_rx = 1;
	/* Hardware stamps come when the driver stamps (SCM_TIME_INFO). */
	src->grant.hw_rx = opts->stamp != TSC_STAMP_SW;
	return 0;
}

void os_stamps_decode(const struct tsc_source *src, const void *ctl, size_t len, int ctrunc,
                      struct tsc_pkt *p)
{
	freebsd_cmsg_decode(&src->st.dctx, ctl, len, ctrunc, p);
}

/* recvmmsg: a libc loop over recvmsg on FreeBSD, still one call here;
 * struct mmsghdr's msg_len is ssize_t there. */
struct os_batch {
	struct msghdr *msgs;
	struct mmsghdr *mm;
};

struct os_batch *os_batch_open(struct msghdr *msgs, unsigned n)
{
	struct os_batch *b = calloc(1, sizeof(*b));

	if (!b || !(b->mm = calloc(n, sizeof(*b->mm)))) {
		free(b);
		return NULL;
	}
	b->msgs = msgs;
	return b;
}

int os_batch_recv(struct os_batch *b, int fd, unsigned n, size_t *lens)
{
	for (unsigned i = 0; i < n; i++) {
		b->mm[i].msg_hdr = b->msgs[i];
	}
	ssize_t got = recvmmsg(fd, b->mm, n, MSG_DONTWAIT, NULL);
	if (got < 0) {
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
	}
	for (ssize_t i = 0; i < got; i++) {
		b->msgs[i] = b->mm[i].msg_hdr;
		lens[i] = (size_t)b->mm[i].msg_len;
	}
	return (int)got;
}

void os_batch_close(struct os_batch *b)
{
	free(b->mm);
	free(b);
}
