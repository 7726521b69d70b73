/* Which time scale a NIC clock keeps. PTP domains run on TAI and ptp4l
 * keeps the PHC there, while the system clock and pcapng are UTC; a file
 * must not be 37 s off, so hardware stamps are converted. */
#ifndef TSCAP_HWCLOCK_H
#define TSCAP_HWCLOCK_H

#include <stdint.h>

/* Given PHC - CLOCK_REALTIME (ns, sampled back to back) and the kernel's
 * TAI - UTC offset in seconds (adjtimex), the ns to subtract from PHC
 * stamps to get UTC: the TAI offset when the PHC sits within half a second
 * of TAI, 0 otherwise (PHC on UTC, or not synchronised to anything: then
 * no conversion would make it right, and none is guessed). */
int64_t tsc_phc_utc_correction(int64_t phc_minus_utc_ns, int32_t tai_offset_s);

/* The offset between a NIC clock and the system clock, from samples of
 * [system before, PHC, system after] (ns) as the kernel's PTP_SYS_OFFSET*
 * ioctls give them: the sample with the shortest system window wins, its
 * offset is PHC minus the window's midpoint, its window the uncertainty. */
struct tsc_phc_offset {
	int64_t offset_ns; /* PHC - system */
	int64_t window_ns; /* after - before of the sample used */
	unsigned samples;  /* valid samples seen */
	const char *method;
};

/* 0, or -1 if no sample has before <= after. */
int tsc_phc_offset_from(const int64_t (*s)[3], unsigned n, struct tsc_phc_offset *out);

#endif
