/* Charts as SVG, written by tscap itself (no plotting library): a
 * latency histogram with percentiles marked, a CDF, delay over time with
 * losses marked, and a stacked bar of stages. Axes carry units (ns, µs,
 * ms, s, chosen from the range) and ticks in 1-2-5 steps.
 *
 * Everything a chart marks is also in the SVG for programs: each
 * percentile marker is <g class="pct" data-pct="50" data-ns="1290">, each
 * stage <rect class="stage" data-stage="forward" data-ns="660">, losses
 * <g class="losses" data-count="3">, each with a <title> people see as a
 * tooltip. Values are int64 ns throughout. */
#ifndef TSCAP_PLOT_SVG_H
#define TSCAP_PLOT_SVG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct svg {
	FILE *f;
	int w, h;
};

struct plot_box {
	double x, y, w, h;
};

/* A percentile to mark: name "p50", pct 50, value. */
struct plot_mark {
	const char *name;
	double pct;
	int64_t ns;
};

/* One CDF line; v sorted ascending. */
struct plot_series {
	const char *name;
	const int64_t *v;
	size_t n;
};

/* One stacked-bar segment or reference bar; key goes into data-stage. */
struct plot_segment {
	const char *name, *key;
	int64_t ns;
	int present;
	int inside; /* part of the segment before it: drawn over its start, half height */
};

/* The delay axis shared by the histogram and the time line: from the
 * minimum to the maximum, or to p99.9 when a far tail would squash the
 * rest (values above are then counted, not lost). */
struct plot_range {
	int64_t lo, hi;
	size_t above; /* values > hi */
	int64_t max;
};

void plot_range_of(const int64_t *sorted, size_t n, struct plot_range *r);

/* Opens path and writes the header; title goes into <title>. Attributes
 * (a string of ` name="value"` pairs, or NULL) go on the root element. */
int svg_begin(struct svg *s, const char *path, int w, int h, const char *title, const char *attrs);
/* Closes the file; -1 (errno set) if anything failed to be written. */
int svg_end(struct svg *s);

/* Text at (x, y); anchor "start", "middle" or "end"; bold if bold. */
void svg_text(struct svg *s, double x, double y, const char *anchor, int size, int bold,
              const char *fill, const char *text);

void plot_histogram(struct svg *s, struct plot_box b, const char *title, const char *xlabel,
                    const int64_t *sorted, size_t n, const struct plot_range *r,
                    const struct plot_mark *marks, size_t n_marks);

/* series[0] is the one the marks belong to. A log x axis when every value
 * is positive and they span more than a factor of 4. */
void plot_cdf(struct svg *s, struct plot_box b, const char *title, const char *xlabel,
              const struct plot_series *series, size_t n_series, const struct plot_mark *marks,
              size_t n_marks);

/* v[i] at time t[i] (ns from the start); lost_t: times of losses,
 * n_lost_total their number (the times may be fewer when not all are
 * known). */
void plot_timeline(struct svg *s, struct plot_box b, const char *title, const char *ylabel,
                   const int64_t *t, const int64_t *v, size_t n, const struct plot_range *r,
                   const int64_t *lost_t, size_t n_lost, uint64_t n_lost_total,
                   const char *lost_label);

/* One bar of segments stacked left to right, and reference bars below it
 * (each a single value). Negative segments are listed, not drawn. */
void plot_stack(struct svg *s, struct plot_box b, const char *title, const char *bar_label,
                const struct plot_segment *seg, size_t n_seg, const struct plot_segment *refs,
                size_t n_refs);

/* "1.29 µs": three significant digits in the unit that fits. */
void plot_fmt_ns(char *out, size_t len, int64_t ns);

#endif
