#include "samples.h"

#include <stdlib.h>

void samples_init(struct tsc_samples *s, size_t max)
{
	*s = (struct tsc_samples){.max = max};
}

void samples_add(struct tsc_samples *s, int64_t x)
{
	s->seen++;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 1024;
		if (s->n >= s->max) {
			return;
		}
		int64_t *v = realloc(s->v, cap * sizeof(*v));
		if (!v) {
			return;
		}
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = x;
}

static int cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

int64_t samples_pct(struct tsc_samples *s, double p)
{
	if (!s->n) {
		return 0;
	}
	qsort(s->v, s->n, sizeof(*s->v), cmp);
	size_t i = (size_t)(p / 100.0 * (double)(s->n - 1) + 0.5);
	return s->v[i < s->n ? i : s->n - 1];
}

void samples_free(struct tsc_samples *s)
{
	free(s->v);
	*s = (struct tsc_samples){0};
}
