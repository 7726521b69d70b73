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

#endif
