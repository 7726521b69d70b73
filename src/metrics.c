/* The exposition formats: Prometheus text 0.0.4 and OpenMetrics 1.0. */
#include "metrics.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define US 1000LL
#define MS 1000000LL

const int64_t metrics_bounds_ns[METRICS_BUCKETS] = {
    1 * US,   1500,     2 * US,   3 * US,    5 * US,    7 * US,   10 * US,  15 * US,
    20 * US,  30 * US,  50 * US,  70 * US,   100 * US,  150 * US, 200 * US, 300 * US,
    500 * US, 700 * US, 1 * MS,   1500 * US, 2 * MS,    3 * MS,   5 * MS,   7 * MS,
    10 * MS,  15 * MS,  20 * MS,  30 * MS,   50 * MS,   70 * MS,  100 * MS, 150 * MS,
    200 * MS, 300 * MS, 500 * MS, 700 * MS,  1000 * MS,
};

unsigned metrics_bucket_of(int64_t ns)
{
	unsigned lo = 0, hi = METRICS_BUCKETS;

	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;
		if (metrics_bounds_ns[mid] < ns) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return lo;
}

void metrics_observe(struct metrics_hist *h, int64_t ns)
{
	metrics_add(&h->bucket[metrics_bucket_of(ns)], 1);
	atomic_store_explicit(
	    &h->sum_ns,
	    (int64_t)((uint64_t)atomic_load_explicit(&h->sum_ns, memory_order_relaxed) +
	              (uint64_t)ns),
	    memory_order_relaxed);
	if (ns < 0 && !atomic_load_explicit(&h->negative, memory_order_relaxed)) {
		atomic_store_explicit(&h->negative, 1, memory_order_relaxed);
	}
}

__attribute__((format(printf, 2, 0))) static void out_vprintf(struct metrics_out *o,
                                                              const char *fmt, va_list ap)
{
	for (;;) {
		va_list aq;
		va_copy(aq, ap);
		int n = o->failed ? -1 : vsnprintf(o->buf + o->len, o->cap - o->len, fmt, aq);
		va_end(aq);
		if (n < 0) {
			o->failed = 1;
			return;
		}
		if ((size_t)n < o->cap - o->len) {
			o->len += (size_t)n;
			return;
		}
		size_t cap = (o->cap + (size_t)n + 1) * 2;
		char *b = realloc(o->buf, cap);
		if (!b) {
			o->failed = 1;
			return;
		}
		o->buf = b;
		o->cap = cap;
	}
}

static void out_printf(struct metrics_out *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void out_printf(struct metrics_out *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	out_vprintf(o, fmt, ap);
	va_end(ap);
}

char *metrics_labels(char *out, size_t len, ...)
{
	va_list ap;
	size_t n = 0;
	const char *k;

	va_start(ap, len);
	/* Room is checked before every byte: a set too long is cut (and still
	 * ends in a quote only when it fits). */
	while ((k = va_arg(ap, const char *)) != NULL && n + 1 < len) {
		const char *v = va_arg(ap, const char *);
		int w = snprintf(out + n, len - n, "%s%s=\"", n ? "," : "", k);
		n = w < 0 || (size_t)w >= len - n ? len - 1 : n + (size_t)w;
		for (; v && *v && n + 3 < len; v++) {
			const char *esc = *v == '\\'   ? "\\\\"
			                  : *v == '"'  ? "\\\""
			                  : *v == '\n' ? "\\n"
			                               : NULL;
			if (esc) {
				out[n++] = esc[0];
				out[n++] = esc[1];
			} else {
				out[n++] = *v;
			}
		}
		if (n + 1 < len) {
			out[n++] = '"';
		}
	}
	va_end(ap);
	out[n < len ? n : len - 1] = '\0';
	return out;
}

void metrics_family(struct metrics_out *o, const char *name, const char *type, const char *help)
{
	int counter = !strcmp(type, "counter");
	const char *suffix = counter && !o->openmetrics ? "_total" : "";
	size_t nl = strlen(name);

	out_printf(o, "# HELP %s%s %s\n# TYPE %s%s %s\n", name, suffix, help, name, suffix, type);
	if (o->openmetrics && nl > 8 && !strcmp(name + nl - 8, "_seconds")) {
		out_printf(o, "# UNIT %s seconds\n", name);
	}
}

static void sample(struct metrics_out *o, const char *name, const char *suffix, const char *labels,
                   const char *extra)
{
	int any = (labels && *labels) || extra;

	out_printf(o, "%s%s%s%s%s%s%s ", name, suffix, any ? "{" : "", labels ? labels : "",
	           labels && *labels && extra ? "," : "", extra ? extra : "", any ? "}" : "");
}

void metrics_counter(struct metrics_out *o, const char *name, const char *labels, uint64_t v)
{
	sample(o, name, "_total", labels, NULL);
	out_printf(o, "%llu\n", (unsigned long long)v);
}

void metrics_gauge(struct metrics_out *o, const char *name, const char *labels, double v)
{
	sample(o, name, "", labels, NULL);
	out_printf(o, "%.17g\n", v);
}

/* Seconds from ns, exactly: "-0.000012345". */
static void seconds(char *out, size_t len, int64_t ns)
{
	uint64_t a = ns < 0 ? 0 - (uint64_t)ns : (uint64_t)ns;

	snprintf(out, len, "%s%llu.%09llu", ns < 0 ? "-" : "",
	         (unsigned long long)(a / 1000000000u), (unsigned long long)(a % 1000000000u));
}

void metrics_histogram(struct metrics_out *o, const char *name, const char *labels,
                       const struct metrics_hist *const *h, unsigned n)
{
	uint64_t cum = 0;
	int64_t sum = 0;
	int negative = 0;
	char le[48], s[40];

	for (unsigned b = 0; b <= METRICS_BUCKETS; b++) {
		for (unsigned t = 0; t < n; t++) {
			cum += metrics_get(&h[t]->bucket[b]);
		}
		if (b < METRICS_BUCKETS) {
			snprintf(le, sizeof(le), "le=\"%g\"", (double)metrics_bounds_ns[b] / 1e9);
		} else {
			snprintf(le, sizeof(le), "le=\"+Inf\"");
		}
		sample(o, name, "_bucket", labels, le);
		out_printf(o, "%llu\n", (unsigned long long)cum);
	}
	for (unsigned t = 0; t < n; t++) {
		sum += atomic_load_explicit(&((struct metrics_hist *)h[t])->sum_ns,
		                            memory_order_relaxed);
		negative |= atomic_load_explicit(&((struct metrics_hist *)h[t])->negative,
		                                 memory_order_relaxed);
	}
	/* OpenMetrics: a histogram with negative observations has no sum
	 * (it would not be a counter). */
	if (!(o->openmetrics && negative)) {
		seconds(s, sizeof(s), sum);
		sample(o, name, "_sum", labels, NULL);
		out_printf(o, "%s\n", s);
	}
	sample(o, name, "_count", labels, NULL);
	out_printf(o, "%llu\n", (unsigned long long)cum);
}

char *metrics_render(metrics_render_fn fn, void *arg, int openmetrics, size_t *len)
{
	struct metrics_out o = {.openmetrics = openmetrics};

	fn(&o, arg);
	if (openmetrics) {
		out_printf(&o, "# EOF\n");
	}
	if (o.failed || !o.buf) {
		free(o.buf);
		return NULL;
	}
	*len = o.len;
	return o.buf;
}

/* The q of a media range in an Accept header, -1 if absent. */
static double q_of(const char *accept, const char *type)
{
	size_t tl = strlen(type);

	for (const char *p = accept; p && *p;) {
		while (*p == ' ' || *p == ',') {
			p++;
		}
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len >= tl && !strncasecmp(p, type, tl) &&
		    (len == tl || p[tl] == ';' || p[tl] == ' ')) {
			double q = 1;
			for (const char *x = p; x < p + len; x++) {
				if (!strncmp(x, ";q=", 3) || !strncmp(x, "; q=", 4)) {
					q = strtod(strchr(x, '=') + 1, NULL);
					break;
				}
			}
			return q;
		}
		p = end;
	}
	return -1;
}

int metrics_wants_openmetrics(const char *accept)
{
	if (!accept) {
		return 0;
	}
	double om = q_of(accept, "application/openmetrics-text");
	double text = q_of(accept, "text/plain");

	return om > 0 && om >= text;
}
