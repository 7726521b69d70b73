/* Prometheus metrics (--metrics ADDR:PORT). The hot path only bumps
 * counters and histogram buckets in structs its own thread owns, with
 * relaxed atomic loads and stores (a plain add, no locked instruction:
 * one writer per variable); the HTTP thread reads them with relaxed loads
 * and writes the exposition, in Prometheus' text format 0.0.4 or in
 * OpenMetrics 1.0 when the scraper asks for it (Accept). */
#ifndef TSCAP_METRICS_H
#define TSCAP_METRICS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/* Histogram bucket bounds: 1, 1.5, 2, 3, 5 and 7 times each power of ten
 * from 1 us to 100 ms, and 1 s; then +Inf. */
#define METRICS_BUCKETS 37
extern const int64_t metrics_bounds_ns[METRICS_BUCKETS];

typedef _Atomic uint64_t metrics_ctr;

/* One writer per counter: load and store, relaxed. */
static inline void metrics_add(metrics_ctr *c, uint64_t n)
{
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + n,
	                      memory_order_relaxed);
}

static inline void metrics_set(metrics_ctr *c, uint64_t v)
{
	atomic_store_explicit(c, v, memory_order_relaxed);
}

static inline uint64_t metrics_get(const metrics_ctr *c)
{
	return atomic_load_explicit((metrics_ctr *)c, memory_order_relaxed);
}

/* Observations in ns. The count is the sum of the buckets, so a reader
 * never sees a count that its buckets do not add up to. */
struct metrics_hist {
	metrics_ctr bucket[METRICS_BUCKETS + 1]; /* the last: above 1 s */
	_Atomic int64_t sum_ns;
	_Atomic int negative; /* a value below 0 was seen (unsynchronised clocks) */
};

/* Index of the first bucket whose bound is >= ns (METRICS_BUCKETS: +Inf). */
unsigned metrics_bucket_of(int64_t ns);
void metrics_observe(struct metrics_hist *h, int64_t ns);

/* An exposition being written. */
struct metrics_out {
	char *buf;
	size_t len, cap;
	int failed; /* out of memory */
	int openmetrics;
};

/* Label set text for a sample: k1="v1",k2="v2" (values escaped), from
 * NULL-terminated key, value pairs. Returns out. */
char *metrics_labels(char *out, size_t len, ...) __attribute__((sentinel));

/* # HELP and # TYPE (and # UNIT for a _seconds family in OpenMetrics).
 * type: "counter", "gauge" or "histogram"; a counter's name is given
 * without _total. */
void metrics_family(struct metrics_out *o, const char *name, const char *type, const char *help);
void metrics_counter(struct metrics_out *o, const char *name, const char *labels, uint64_t v);
void metrics_gauge(struct metrics_out *o, const char *name, const char *labels, double v);
/* The sum of n histograms (one per thread) as one series. */
void metrics_histogram(struct metrics_out *o, const char *name, const char *labels,
                       const struct metrics_hist *const *h, unsigned n);

typedef void (*metrics_render_fn)(struct metrics_out *o, void *arg);

/* The whole exposition (ends with # EOF in OpenMetrics); malloc'd text,
 * or NULL when out of memory. */
char *metrics_render(metrics_render_fn fn, void *arg, int openmetrics, size_t *len);

/* 1 if an Accept header prefers OpenMetrics to the text format. */
int metrics_wants_openmetrics(const char *accept);

/* The HTTP server (libmicrohttpd), on its own thread. */
struct metrics_server;

/* Listen on ADDR:PORT ("127.0.0.1:9100", "[::1]:9100", ":9100" for every
 * address; port 0 picks one) and serve GET /metrics. Prints where on
 * stderr. 0, or -1 after a one-line error. */
int metrics_start(const char *addr, metrics_render_fn fn, void *arg, struct metrics_server **out);
/* Keep serving up to sec seconds more (a signal ends it sooner), so that
 * a scrape sees the final values. */
void metrics_linger(struct metrics_server *s, double sec);
/* Stop the thread; after it returns nothing reads the counters. */
void metrics_stop(struct metrics_server *s);

#endif
