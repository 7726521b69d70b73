/* What every POSIX backend does the same way: the OS's description, the
 * wait for readable sockets (poll: ms resolution, rounded up), thread
 * pinning where the OS has no portable call (left to the scheduler). */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <sys/utsname.h>

#include "log.h"
#include "posix.h"

void tsc_os_describe(char *os, unsigned oslen, char *hw, unsigned hwlen)
{
	struct utsname u;

	if (uname(&u) < 0) {
		snprintf(os, oslen, "%s", os_backend_name);
		snprintf(hw, hwlen, "unknown");
		return;
	}
	snprintf(os, oslen, "%s %s", u.sysname, u.release);
	snprintf(hw, hwlen, "%s", u.machine);
}

int tsc_pin_thread(unsigned n)
{
	(void)n;
	return -EOPNOTSUPP;
}

int tsc_wait_fds(const int *fds, unsigned n, int64_t timeout_ns)
{
	struct pollfd pf[8];

	if (n > 8) {
		return -EINVAL;
	}
	for (unsigned i = 0; i < n; i++) {
		pf[i] = (struct pollfd){.fd = fds[i], .events = POLLIN};
	}
	int ms = timeout_ns < 0                 ? -1
	         : timeout_ns > 1000000000000LL ? 1000000
	                                        : (int)((timeout_ns + 999999) / 1000000);
	int r = poll(pf, (nfds_t)n, ms);
	return r < 0 ? -errno : r;
}

/* tscap probe reads Linux's ETHTOOL and SIOCGHWTSTAMP interfaces; no
 * other backend has an equivalent yet. */
int tsc_probe_open(const struct tsc_probe_opts *o, struct tsc_probe **out,
                   struct tsc_nic_info *info)
{
	(void)o;
	(void)info;
	*out = NULL;
	tsc_err("probe: not available on %s (it reads Linux's ethtool interface)", os_backend_name);
	return -EOPNOTSUPP;
}

int tsc_probe_echo(struct tsc_probe *p, struct tsc_pkt *out, unsigned n, unsigned interval_us,
                   unsigned *sent)
{
	(void)p, (void)out, (void)n, (void)interval_us;
	*sent = 0;
	return -EOPNOTSUPP;
}

int tsc_probe_tcp(struct tsc_probe *p, struct tsc_pkt *out, unsigned n, unsigned *writes)
{
	(void)p, (void)out, (void)n;
	*writes = 0;
	return -EOPNOTSUPP;
}

int tsc_probe_phc_offset(struct tsc_probe *p, struct tsc_phc_offset *out)
{
	(void)p, (void)out;
	return -ENODEV;
}

const char *tsc_probe_peer(const struct tsc_probe *p)
{
	(void)p;
	return "";
}

void tsc_probe_close(struct tsc_probe *p)
{
	(void)p;
}
