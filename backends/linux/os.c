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

/* Thread n goes to the n-th CPU (modulo) of those the calling thread may
 * use, which it inherited from the process when it was created (capture
 * starts every thread before the main one pins itself), so `taskset -c
 * 2,3 tscap capture --threads 2` stays on CPUs 2 and 3. */
int tsc_pin_thread(unsigned n)
{
	cpu_set_t allowed, cpus;

	if (sched_getaffinity(0, sizeof(allowed), &allowed) < 0) {
		return -errno;
	}
	int count = CPU_COUNT(&allowed);
	int want = count > 0 ? (int)(n % (unsigned)count) : 0;
	CPU_ZERO(&cpus);
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (CPU_ISSET(cpu, &allowed) && want-- == 0) {
			CPU_SET(cpu, &cpus);
			break;
		}
	}
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
