/* Nanoseconds as int64 since 1970 UTC: timespec, timeval and friends become
 * ns at the decoder and nowhere else (STYLE.md point 5). */
#ifndef TSCAP_NSTIME_H
#define TSCAP_NSTIME_H

#include <stdint.h>

#define TSC_NS_PER_SEC 1000000000LL

/* sec/nsec as the kernel hands them over; arithmetic in unsigned so a
 * hostile value wraps instead of being undefined behaviour. */
static inline int64_t tsc_ns_from_parts(int64_t sec, int64_t nsec)
{
	return (int64_t)((uint64_t)sec * (uint64_t)TSC_NS_PER_SEC + (uint64_t)nsec);
}

/* Current CLOCK_REALTIME / CLOCK_MONOTONIC in ns (portable, POSIX). */
int64_t tsc_now_realtime(void);
int64_t tsc_now_monotonic(void);

/* Sleep until CLOCK_MONOTONIC reaches ns (or a signal comes): absolute
 * (clock_nanosleep) where the system has it, else a relative nanosleep. */
void tsc_sleep_until_monotonic(int64_t ns);

#endif
