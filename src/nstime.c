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
