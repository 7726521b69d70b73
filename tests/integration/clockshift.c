/* LD_PRELOAD shim for test_clock_step.py: a wall-clock step seen by one
 * process only, without touching the machine's clock (a time namespace
 * cannot move CLOCK_REALTIME). Once the file named by CLOCKSHIFT_TRIGGER
 * exists, clock_gettime(CLOCK_REALTIME) returns CLOCKSHIFT_NS more
 * (signed) from then on; CLOCK_MONOTONIC and the kernel's own packet
 * stamps are untouched. The trigger is looked for at most every 5 ms. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

typedef int (*clock_gettime_fn)(clockid_t, struct timespec *);

static _Atomic(clock_gettime_fn) real_fn;
static _Atomic long long shift_ns; /* 0 until triggered */
static _Atomic long long next_look_ns;

static clock_gettime_fn real(void)
{
	clock_gettime_fn f = atomic_load(&real_fn);

	if (!f) {
		f = (clock_gettime_fn)dlsym(RTLD_NEXT, "clock_gettime");
		atomic_store(&real_fn, f);
	}
	return f;
}

static void look(void)
{
	const char *trigger = getenv("CLOCKSHIFT_TRIGGER");
	const char *by = getenv("CLOCKSHIFT_NS");
	struct timespec m;

	if (!trigger || !by || real()(CLOCK_MONOTONIC, &m) != 0) {
		return;
	}
	long long now = (long long)m.tv_sec * 1000000000LL + m.tv_nsec;
	if (now < atomic_load(&next_look_ns)) {
		return;
	}
	atomic_store(&next_look_ns, now + 5000000);
	if (access(trigger, F_OK) == 0) {
		long long v = strtoll(by, NULL, 10);
		atomic_store(&shift_ns, v ? v : 1);
	}
}

int clock_gettime(clockid_t id, struct timespec *ts)
{
	int r = real()(id, ts);

	if (r != 0 || id != CLOCK_REALTIME) {
		return r;
	}
	if (!atomic_load(&shift_ns)) {
		look();
	}
	long long s = atomic_load(&shift_ns);
	if (s) {
		long long t = (long long)ts->tv_sec * 1000000000LL + ts->tv_nsec + s;
		ts->tv_sec = (time_t)(t / 1000000000LL);
		ts->tv_nsec = (long)(t % 1000000000LL);
		if (ts->tv_nsec < 0) {
			ts->tv_sec -= 1;
			ts->tv_nsec += 1000000000L;
		}
	}
	return r;
}
