#define _GNU_SOURCE
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
