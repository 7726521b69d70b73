/* A bounded set of int64 samples (delays in ns) and their percentiles. */
#ifndef TSCAP_SAMPLES_H
#define TSCAP_SAMPLES_H

#include <stddef.h>
#include <stdint.h>

struct tsc_samples {
	int64_t *v;
	size_t n, cap, max; /* max: stop keeping samples beyond this many */
	uint64_t seen;      /* all added, kept or not */
};

void samples_init(struct tsc_samples *s, size_t max);
void samples_add(struct tsc_samples *s, int64_t x);
/* Sorts in place; p in [0, 100]. Returns 0 when empty. */
int64_t samples_pct(struct tsc_samples *s, double p);
void samples_free(struct tsc_samples *s);

#endif
