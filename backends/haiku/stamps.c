/* Haiku has no kernel packet stamps (no SO_TIMESTAMP at all): packets are
 * stamped in user space right after recvmsg returns (TSC_USER, in the
 * file and in every report), which tscap says once at start. No batched
 * receive, no TX stamps. */
#include <errno.h>
#include <sys/socket.h>

#include "log.h"
#include "posix.h"

_Static_assert(HAIKU_SOL_SOCKET == SOL_SOCKET, "SOL_SOCKET");
_Static_assert(HAIKU_SCM_RIGHTS == SCM_RIGHTS, "SCM_RIGHTS");

const char os_backend_name[] = "Haiku";

unsigned tsc_clock_choices(void)
{
	return 1u << TSC_CLOCKSEL_AUTO; /* user-space CLOCK_REALTIME, nothing to choose */
}

int os_stamps_enable(struct tsc_source *src, const struct tsc_source_opts *opts)
{
	enum tsc_stamp_mode mode = opts->stamp;
	static int said;

	src->st.abi = sizeof(long) == 8 ? &haiku_abi_64 : &haiku_abi_32;
	if (mode == TSC_STAMP_HW) {
		tsc_err("%s: --stamp hw: Haiku stamps no packets (neither NIC nor kernel)",
		        src->ep.text);
		return -EOPNOTSUPP;
	}
	if (!said++ && mode != TSC_STAMP_NONE) {
		tsc_note("Haiku has no kernel packet stamps: every packet is stamped in user space "
		         "right after the receive (clock 'user')");
	}
	return 0;
}

void os_stamps_decode(const struct tsc_source *src, const void *ctl, size_t len, int ctrunc,
                      struct tsc_pkt *p)
{
	haiku_cmsg_decode(src->st.abi, ctl, len, ctrunc, p);
}

struct os_batch *os_batch_open(struct msghdr *msgs, unsigned n)
{
	(void)msgs, (void)n;
	return NULL;
}

int os_batch_recv(struct os_batch *b, int fd, unsigned n, size_t *lens)
{
	(void)b, (void)fd, (void)n, (void)lens;
	return 0;
}

void os_batch_close(struct os_batch *b)
{
	(void)b;
}
