/* Wall-clock steps during a capture. Packet times are CLOCK_REALTIME (the
 * kernel's software stamps, the user stamp) or follow it; CLOCK_MONOTONIC
 * runs at the same (NTP-disciplined) rate but is never set. So their
 * difference changes only when the wall clock is stepped (settimeofday,
 * clock_settime, adjtimex ADJ_SETOFFSET, a leap second, a resume from
 * suspend), and a change beyond what sampling blurs is a step that packet
 * times around it share. The check is fed samples, so tests inject their
 * own clocks; clockstep_sample reads the real ones. */
#ifndef TSCAP_CLOCKSTEP_H
#define TSCAP_CLOCKSTEP_H

#include <stdint.h>

#define CLOCKSTEP_THRESHOLD_NS 1000000 /* 1 ms: far above sampling noise */

struct tsc_clockstep {
	int64_t threshold_ns;
	int64_t offset; /* realtime - monotonic at the last sample */
	int64_t blur;   /* half the time the last sample took */
	int have;
	uint64_t steps;
	int64_t largest; /* the largest step seen, signed */
	int64_t last;    /* the last step seen, signed */
};

void clockstep_init(struct tsc_clockstep *s, int64_t threshold_ns);

/* One sample: CLOCK_MONOTONIC just before and just after reading
 * CLOCK_REALTIME (ns). Returns the step (realtime - monotonic moved by
 * this much since the previous sample, signed) when it is beyond the
 * threshold plus both samples' blur, else 0. */
int64_t clockstep_feed(struct tsc_clockstep *s, int64_t mono_before, int64_t real,
                       int64_t mono_after);

/* The same with this machine's clocks (the tightest of three tries). */
int64_t clockstep_sample(struct tsc_clockstep *s);

/* "+5.000000000" / "-0.250000000": a signed step in seconds. */
void clockstep_format(int64_t step_ns, char *out, unsigned len);

#endif
