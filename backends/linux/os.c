#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/utsname.h>

#include "backend.h"

void tsc_os_describe(char *os, unsigned oslen, char *hw, unsigned hwlen)
{
	struct utsname u;

	if (uname(&u) < 0) {
		snprintf(os, oslen, "Linux");
		snprintf(hw, hwlen, "unknown");
		return;
	}
	snprintf(os, oslen, "%s %s", u.sysname, u.release);
	snprintf(hw, hwlen, "%s", u.machine);
}

int tsc_pin_thread(unsigned n)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	cpu_set_t cpus;

	CPU_ZERO(&cpus);
	CPU_SET((int)(n % (unsigned)(ncpu > 0 ? ncpu : 1)), &cpus);
	return -pthread_setaffinity_np(pthread_self(), sizeof(cpus), &cpus);
}

int tsc_wait_fds(const int *fds, unsigned n, int64_t timeout_ns)
{
	struct pollfd pf[8];
	struct timespec ts = {.tv_sec = timeout_ns / 1000000000,
	                      .tv_nsec = timeout_ns % 1000000000};

	if (n > 8) {
		return -EINVAL;
	}
	for (unsigned i = 0; i < n; i++) {
		pf[i] = (struct pollfd){.fd = fds[i], .events = POLLIN};
	}
	int r = ppoll(pf, n, timeout_ns < 0 ? NULL : &ts, NULL);
	return r < 0 ? -errno : r;
}
