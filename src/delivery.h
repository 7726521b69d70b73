/* What a probe run tells about one kind of stamp: how many packets got
 * it, the granularity its values show, and a verdict against what the
 * interface advertised (`tscap probe`). */
#ifndef TSCAP_DELIVERY_H
#define TSCAP_DELIVERY_H

#include <stddef.h>
#include <stdint.h>

/* The largest step all stamps are multiples of, within the second: 1 for
 * nanosecond clocks, 1000 for microsecond ones, 8 for a NIC counting in
 * 8 ns. 0 when there are no stamps; 1e9 when all fall on whole seconds. */
int64_t tsc_granularity_ns(const int64_t *ns, size_t n);

enum tsc_verdict {
	TSC_V_DELIVERED,           /* advertised and arrived */
	TSC_V_NOT_DELIVERED,       /* advertised, never arrived */
	TSC_V_NOT_ADVERTISED,      /* neither */
	TSC_V_UNADVERTISED,        /* arrived although the driver does not say so */
	TSC_V_STACK_DELIVERED,     /* a stamp of the kernel stack, not the driver: arrived */
	TSC_V_STACK_NOT_DELIVERED, /* ... did not arrive */
	TSC_V_NOT_TRIED,           /* nothing was sent that could carry it */
	TSC_V_NOT_ENABLED,         /* advertised, not arrived, the NIC is not set to stamp */
};

/* advertised: 1 / 0, or -1 for a stamp the stack makes whatever the
 * driver (TX sched, TX ack); got of tried packets carried it; enabled:
 * the NIC is set to make it (0 no, 1 yes, -1 unknown). */
enum tsc_verdict tsc_verdict_of(int advertised, unsigned got, unsigned tried, int enabled);

/* Below this many stamps a granularity means little: not reported. */
#define TSC_GRANULARITY_MIN_STAMPS 20
/* "delivered", "advertised but not delivered", ... */
const char *tsc_verdict_text(enum tsc_verdict v);

#endif
