#include "nstime.h"

#include <time.h>

static int64_t now(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return tsc_ns_from_parts(ts.tv_sec, ts.tv_nsec);
}

int64_t tsc_now_realtime(void)
{
	return now(CLOCK_REALTIME);
}

int64_t tsc_now_monotonic(void)
{
	return now(CLOCK_MONOTONIC);
}

void tsc_sleep_until_monotonic(int64_t ns)
{
#ifdef TIMER_ABSTIME
	struct timespec ts = {.tv_sec = ns / TSC_NS_PER_SEC, .tv_nsec = ns % TSC_NS_PER_SEC};
	clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
#else
	int64_t left = ns - tsc_now_monotonic();
	if (left > 0) {
		struct timespec ts = {.tv_sec = left / TSC_NS_PER_SEC,
		                      .tv_nsec = left % TSC_NS_PER_SEC};
		nanosleep(&ts, NULL);
	}
#endif
}
