#include "clockstep.h"

#include <stdio.h>

#include "nstime.h"

void clockstep_init(struct tsc_clockstep *s, int64_t threshold_ns)
{
	*s = (struct tsc_clockstep){.threshold_ns = threshold_ns};
}

static int64_t mag(int64_t v)
{
	return v < 0 ? -v : v;
}

int64_t clockstep_feed(struct tsc_clockstep *s, int64_t mono_before, int64_t real,
                       int64_t mono_after)
{
	/* unsigned arithmetic: hostile (injected) values wrap, never UB */
	int64_t span = (int64_t)((uint64_t)mono_after - (uint64_t)mono_before);
	int64_t blur = span > 0 ? span / 2 + 1 : 1;
	int64_t mid = (int64_t)((uint64_t)mono_before + (uint64_t)(span / 2));
	int64_t offset = (int64_t)((uint64_t)real - (uint64_t)mid);
	int64_t step = 0;

	if (s->have) {
		int64_t d = (int64_t)((uint64_t)offset - (uint64_t)s->offset);
		if (mag(d) > s->threshold_ns + s->blur + blur) {
			step = d;
			s->steps++;
			s->last = d;
			if (mag(d) > mag(s->largest)) {
				s->largest = d;
			}
		}
	}
	s->offset = offset;
	s->blur = blur;
	s->have = 1;
	return step;
}

int64_t clockstep_sample(struct tsc_clockstep *s)
{
	int64_t best_b = 0, best_r = 0, best_a = 0;

	for (int i = 0; i < 3; i++) {
		int64_t b = tsc_now_monotonic(), r = tsc_now_realtime(), a = tsc_now_monotonic();
		if (i == 0 || a - b < best_a - best_b) {
			best_b = b;
			best_r = r;
			best_a = a;
		}
		if (a - b < 20000) {
			break; /* 20 us: tight enough */
		}
	}
	return clockstep_feed(s, best_b, best_r, best_a);
}

void clockstep_format(int64_t step_ns, char *out, unsigned len)
{
	uint64_t m = step_ns < 0 ? -(uint64_t)step_ns : (uint64_t)step_ns;

	snprintf(out, len, "%c%llu.%09llu", step_ns < 0 ? '-' : '+',
	         (unsigned long long)(m / TSC_NS_PER_SEC),
	         (unsigned long long)(m % TSC_NS_PER_SEC));
}
