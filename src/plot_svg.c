#include "plot_svg.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

/* Okabe-Ito: told apart with any colour vision, and in grey. */
static const char *const palette[] = {"#E69F00", "#56B4E9", "#009E73", "#CC79A7",
                                      "#0072B2", "#D55E00", "#F0E442", "#000000"};

/* One colour per percentile, the same in every chart. */
static const char *mark_color(double pct)
{
	return pct <= 50 ? "#D55E00" : pct <= 90 ? "#009E73" : pct <= 99 ? "#CC79A7" : "#E69F00";
}

#define C_DATA  "#0072B2"
#define C_OTHER "#E69F00"
#define C_LOSS  "#D00000"
#define C_GRID  "#DDDDDD"
#define C_AXIS  "#333333"

/* An axis: data values (ns, or plain numbers) to pixels, with ticks. */
struct axis {
	double lo, hi; /* data units, the ends of the axis */
	double p0, p1; /* pixels of lo and hi */
	int log;
	double scale; /* data units per label unit */
	const char *unit;
	double step; /* linear: tick step in label units */
	int decimals;
};

void plot_fmt_ns(char *out, size_t len, int64_t ns)
{
	double a = fabs((double)ns);
	double scale = a < 1e3 ? 1 : a < 1e6 ? 1e3 : a < 1e9 ? 1e6 : 1e9;
	const char *unit = a < 1e3 ? "ns" : a < 1e6 ? "µs" : a < 1e9 ? "ms" : "s";
	double v = (double)ns / scale;
	double av = fabs(v);

	snprintf(out, len, "%.*f %s", scale == 1 || av >= 100 ? 0 : av >= 10 ? 1 : 2, v, unit);
}

static void pick_unit(double maxabs, struct axis *a)
{
	static const struct {
		double below, scale;
		const char *unit;
	} units[] = {{1e3, 1, "ns"}, {1e6, 1e3, "µs"}, {1e9, 1e6, "ms"}, {INFINITY, 1e9, "s"}};

	for (unsigned i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (maxabs < units[i].below) {
			a->scale = units[i].scale;
			a->unit = units[i].unit;
			return;
		}
	}
}

/* 1, 2 or 5 times a power of ten: about range / target. */
static double nice_step(double range, int target)
{
	double raw = range / target;
	double p = pow(10, floor(log10(raw)));
	double m = raw / p;

	return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

/* A linear axis over [lo, hi] with about `ticks` ticks at 1-2-5 steps,
 * its ends rounded out to whole steps. ns: values are nanoseconds (pick
 * a unit); else plain numbers (counts: whole steps). */
static void axis_linear(struct axis *a, double lo, double hi, double p0, double p1, int ticks,
                        int ns)
{
	*a = (struct axis){.p0 = p0, .p1 = p1, .scale = 1, .unit = ""};
	if (ns) {
		pick_unit(fmax(fabs(lo), fabs(hi)), a);
	}
	double ulo = lo / a->scale, uhi = hi / a->scale;
	if (uhi <= ulo) {
		double d = ulo != 0 ? fabs(ulo) * 0.1 : 1;
		ulo -= d;
		uhi += d;
	}
	a->step = nice_step(uhi - ulo, ticks);
	if (!ns && a->step < 1) {
		a->step = 1;
	}
	ulo = floor(ulo / a->step + 1e-9) * a->step;
	uhi = ceil(uhi / a->step - 1e-9) * a->step;
	if (uhi <= ulo) {
		uhi = ulo + a->step;
	}
	a->lo = ulo * a->scale;
	a->hi = uhi * a->scale;
	a->decimals = a->step >= 1 ? 0 : (int)ceil(-log10(a->step) - 1e-9);
}

static double floor125(double v)
{
	double p = pow(10, floor(log10(v)));
	double m = v / p;

	return (m >= 5 - 1e-9 ? 5 : m >= 2 - 1e-9 ? 2 : 1) * p;
}

static double ceil125(double v)
{
	double p = pow(10, floor(log10(v)));
	double m = v / p;

	return (m <= 1 + 1e-9 ? 1 : m <= 2 + 1e-9 ? 2 : m <= 5 + 1e-9 ? 5 : 10) * p;
}

/* A log axis (lo > 0) from the 1-2-5 value at or below lo to the one at
 * or above hi; the unit fits the middle of the range. */
static void axis_log(struct axis *a, double lo, double hi, double p0, double p1)
{
	*a = (struct axis){.p0 = p0, .p1 = p1, .log = 1};
	a->lo = floor125(lo);
	a->hi = ceil125(hi);
	if (a->hi <= a->lo) {
		a->hi = ceil125(a->lo * 1.01);
	}
	pick_unit(sqrt(a->lo * a->hi), a);
}

static double px(const struct axis *a, double v)
{
	double f;

	if (a->log) {
		v = v > a->lo ? v : a->lo;
		f = (log10(v) - log10(a->lo)) / (log10(a->hi) - log10(a->lo));
	} else {
		f = (v - a->lo) / (a->hi - a->lo);
	}
	return a->p0 + f * (a->p1 - a->p0);
}

/* The ticks of an axis: value (data units), whether labelled. Returns the
 * count written (at most max). */
static int ticks_of(const struct axis *a, double *val, int *label, int max)
{
	int n = 0;

	if (!a->log) {
		double ulo = a->lo / a->scale, uhi = a->hi / a->scale;
		for (int k = 0; n < max; k++) {
			double u = ulo + k * a->step;
			if (u > uhi + a->step * 1e-6) {
				break;
			}
			val[n] = (fabs(u) < a->step * 1e-9 ? 0 : u) * a->scale;
			label[n++] = 1;
		}
		return n;
	}
	static const double m125[] = {1, 2, 5};
	int d0 = (int)floor(log10(a->lo) + 1e-9), d1 = (int)ceil(log10(a->hi) - 1e-9);
	for (int d = d0; d <= d1; d++) {
		for (unsigned i = 0; i < 3 && n < max; i++) {
			double v = m125[i] * pow(10, d);
			if (v < a->lo * (1 - 1e-9) || v > a->hi * (1 + 1e-9)) {
				continue;
			}
			val[n] = v;
			label[n++] = d1 - d0 <= 3 || i == 0;
		}
	}
	return n;
}

static void tick_text(const struct axis *a, double v, char *out, size_t len)
{
	double u = v / a->scale;
	int dec = a->decimals;

	if (a->log) {
		dec = u >= 1 ? 0 : (int)ceil(-log10(u) - 1e-9);
	}
	snprintf(out, len, "%.*f", dec, u);
}

/* Text as XML character data: markup escaped, and what XML 1.0 does not
 * allow (control characters, bytes that are not UTF-8, as a file name may
 * have) written as '?'. */
static void put_escaped(FILE *f, const char *text)
{
	const unsigned char *t = (const unsigned char *)text;

	while (*t) {
		int n = utf8_seq_len(t);
		if (*t == '&') {
			fputs("&amp;", f);
		} else if (*t == '<') {
			fputs("&lt;", f);
		} else if (*t == '>') {
			fputs("&gt;", f);
		} else if (*t == '"') {
			fputs("&quot;", f);
		} else if (!n || (*t < 0x20 && *t != '\t')) {
			fputc('?', f);
			n = 1;
		} else {
			fwrite(t, 1, (size_t)n, f);
		}
		t += n ? n : 1;
	}
}

static void text_(struct svg *s, double x, double y, const char *anchor, int size, int bold,
                  const char *fill, const char *text, int halo)
{
	fprintf(s->f,
	        "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\"%s fill=\"%s\"%s>",
	        x, y, anchor, size, bold ? " font-weight=\"bold\"" : "", fill,
	        halo ? " stroke=\"white\" stroke-width=\"3\" stroke-linejoin=\"round\" "
	               "paint-order=\"stroke\""
	             : "");
	put_escaped(s->f, text);
	fputs("</text>\n", s->f);
}

void svg_text(struct svg *s, double x, double y, const char *anchor, int size, int bold,
              const char *fill, const char *text)
{
	text_(s, x, y, anchor, size, bold, fill, text, 0);
}

/* A label over data: a white outline keeps it readable on bars and lines. */
static void label(struct svg *s, double x, double y, const char *anchor, const char *fill,
                  const char *text)
{
	text_(s, x, y, anchor, 12, 1, fill, text, 1);
}

int svg_begin(struct svg *s, const char *path, int w, int h, const char *title, const char *attrs)
{
	s->f = fopen(path, "w");
	s->w = w;
	s->h = h;
	if (!s->f) {
		return -1;
	}
	fprintf(s->f,
	        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	        "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" "
	        "height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"DejaVu Sans, Verdana, "
	        "Arial, sans-serif\"%s>\n<title>",
	        w, h, w, h, attrs ? attrs : "");
	put_escaped(s->f, title);
	fprintf(s->f, "</title>\n<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", w, h);
	return 0;
}

int svg_end(struct svg *s)
{
	fputs("</svg>\n", s->f);
	int bad = ferror(s->f);
	int err = errno;
	if (fclose(s->f) != 0) {
		return -1;
	}
	if (bad) {
		errno = err ? err : EIO;
		return -1;
	}
	return 0;
}

/* The inner plotting area of a panel: room for tick labels and titles. */
static struct plot_box inner(struct plot_box b)
{
	return (struct plot_box){b.x + 78, b.y + 40, b.w - 78 - 22, b.h - 40 - 54};
}

static void panel_title(struct svg *s, struct plot_box b, const char *title)
{
	svg_text(s, b.x + 78, b.y + 24, "start", 15, 1, "#000000", title);
}

static void axis_label(char *out, size_t len, const char *label, const struct axis *a)
{
	if (a->unit[0]) {
		snprintf(out, len, "%s (%s)", label, a->unit);
	} else {
		snprintf(out, len, "%s", label);
	}
}

/* Grid lines, ticks and labels for x (below the area) and y (left). */
static void draw_axes(struct svg *s, struct plot_box in, const struct axis *x, const char *xlabel,
                      const struct axis *y, const char *ylabel, const char *ysuffix)
{
	double val[64];
	int lab[64];
	char t[96];
	int n;

	fprintf(s->f, "<g class=\"axes\" font-size=\"12\" fill=\"%s\">\n", C_AXIS);
	n = ticks_of(x, val, lab, 64);
	for (int i = 0; i < n; i++) {
		double p = px(x, val[i]);
		fprintf(s->f,
		        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n"
		        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n",
		        p, in.y, p, in.y + in.h, C_GRID, p, in.y + in.h, p,
		        in.y + in.h + (lab[i] ? 5 : 3), C_AXIS);
		if (lab[i]) {
			tick_text(x, val[i], t, sizeof(t));
			svg_text(s, p, in.y + in.h + 18, "middle", 12, 0, C_AXIS, t);
		}
	}
	n = ticks_of(y, val, lab, 64);
	for (int i = 0; i < n; i++) {
		double p = px(y, val[i]);
		fprintf(s->f,
		        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n"
		        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n",
		        in.x, p, in.x + in.w, p, C_GRID, in.x - 5, p, in.x, p, C_AXIS);
		tick_text(y, val[i], t, sizeof(t));
		strncat(t, ysuffix, sizeof(t) - strlen(t) - 1);
		svg_text(s, in.x - 8, p + 4, "end", 12, 0, C_AXIS, t);
	}
	fprintf(s->f,
	        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" "
	        "stroke=\"%s\"/>\n",
	        in.x, in.y, in.w, in.h, C_AXIS);
	axis_label(t, sizeof(t), xlabel, x);
	svg_text(s, in.x + in.w / 2, in.y + in.h + 40, "middle", 13, 0, "#000000", t);
	axis_label(t, sizeof(t), ylabel, y);
	fprintf(s->f,
	        "<text transform=\"translate(%.1f,%.1f) rotate(-90)\" text-anchor=\"middle\" "
	        "font-size=\"13\" fill=\"#000000\">",
	        in.x - 58, in.y + in.h / 2);
	put_escaped(s->f, t);
	fputs("</text>\n</g>\n", s->f);
}

void plot_range_of(const int64_t *sorted, size_t n, struct plot_range *r)
{
	*r = (struct plot_range){0};
	if (!n) {
		return;
	}
	size_t i999 = (size_t)(99.9 / 100.0 * (double)(n - 1) + 0.5);
	int64_t lo = sorted[0], max = sorted[n - 1], p999 = sorted[i999];

	r->lo = lo;
	r->max = max;
	r->hi = max;
	/* A tail more than twice as long as the body: cut at p99.9. */
	if ((double)(max - lo) > 3.0 * (double)(p999 - lo) && p999 > lo) {
		r->hi = p999;
		for (size_t i = n; i > 0 && sorted[i - 1] > p999; i--) {
			r->above++;
		}
	}
}

static void mark_group_open(struct svg *s, const struct plot_mark *m, const char *what)
{
	char v[32];

	plot_fmt_ns(v, sizeof(v), m->ns);
	fprintf(s->f,
	        "<g class=\"pct\" data-pct=\"%g\" data-ns=\"%lld\"><title>%s %s: %s (%lld ns)",
	        m->pct, (long long)m->ns, m->name, what, v, (long long)m->ns);
	fputs("</title>\n", s->f);
}

static void note_above(struct svg *s, struct plot_box in, const struct plot_range *r)
{
	char t[128], hi[32], max[32];

	if (!r->above) {
		return;
	}
	plot_fmt_ns(hi, sizeof(hi), r->hi);
	plot_fmt_ns(max, sizeof(max), r->max);
	snprintf(t, sizeof(t), "%zu above %s (max %s) not shown", r->above, hi, max);
	fprintf(s->f, "<g class=\"above\" data-count=\"%zu\" data-max-ns=\"%lld\">", r->above,
	        (long long)r->max);
	svg_text(s, in.x + in.w, in.y - 8, "end", 12, 0, C_LOSS, t); /* above the area */
	fputs("</g>\n", s->f);
}

/* Bin edges over the x axis: about 40 of 1-2-5 width on a linear axis
 * (at least 1 ns), 20 per decade on a log one. Returns the bin count. */
static int bin_edges(const struct axis *x, double *edge, int max)
{
	int nb;

	if (x->log) {
		double k0 = floor(log10(x->lo) * 20 + 1e-9), k1 = ceil(log10(x->hi) * 20 - 1e-9);
		nb = (int)(k1 - k0);
		nb = nb < 1 ? 1 : nb > max ? max : nb;
		for (int k = 0; k <= nb; k++) {
			edge[k] = pow(10, (k0 + k) / 20);
		}
		return nb;
	}
	double bw = nice_step((x->hi - x->lo) / x->scale, 40) * x->scale;
	bw = bw < 1 ? 1 : bw;
	nb = (int)ceil((x->hi - x->lo) / bw - 1e-9);
	nb = nb < 1 ? 1 : nb > max ? max : nb;
	for (int k = 0; k <= nb; k++) {
		edge[k] = x->lo + bw * k;
	}
	return nb;
}

void plot_histogram(struct svg *s, struct plot_box b, const char *title, const char *xlabel,
                    const int64_t *sorted, size_t n, const struct plot_range *r,
                    const struct plot_mark *marks, size_t n_marks)
{
	struct plot_box in = inner(b);
	struct axis x, y;
	enum { MAX_BINS = 200 };
	uint64_t count[MAX_BINS] = {0}, most = 0;
	double edge[MAX_BINS + 1];

	panel_title(s, b, title);
	if (!n) {
		svg_text(s, in.x + in.w / 2, in.y + in.h / 2, "middle", 14, 0, C_AXIS, "no data");
		return;
	}
	/* Log when the values span more than a factor of 20: the body and
	 * the tail both get room. */
	if (r->lo > 0 && (double)r->hi / (double)r->lo > 20) {
		axis_log(&x, (double)r->lo, (double)r->hi, in.x, in.x + in.w);
	} else {
		axis_linear(&x, (double)r->lo, (double)r->hi, in.x, in.x + in.w, 6, 1);
	}
	int nb = bin_edges(&x, edge, MAX_BINS);
	int k = 0;
	for (size_t i = 0; i < n && sorted[i] <= r->hi; i++) { /* sorted: bins in order */
		while (k < nb - 1 && (double)sorted[i] >= edge[k + 1]) {
			k++;
		}
		count[k]++;
	}
	for (k = 0; k < nb; k++) {
		most = count[k] > most ? count[k] : most;
	}
	axis_linear(&y, 0, (double)most * 1.1, in.y + in.h, in.y, 5, 0); /* room for labels */
	draw_axes(s, in, &x, xlabel, &y, "count", "");
	if (x.log) {
		svg_text(s, in.x + in.w, in.y + in.h + 40, "end", 11, 0, C_AXIS, "log scale");
	}
	fprintf(s->f, "<g class=\"bars\" fill=\"%s\">\n", C_DATA);
	for (k = 0; k < nb; k++) {
		if (!count[k]) {
			continue;
		}
		double x0 = px(&x, edge[k]), x1 = px(&x, edge[k + 1]);
		double top = px(&y, (double)count[k]);
		fprintf(
		    s->f,
		    "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"><title>%llu</title>"
		    "</rect>\n",
		    x0 + 0.5, top, x1 - x0 > 1.5 ? x1 - x0 - 1 : 0.5, in.y + in.h - top,
		    (unsigned long long)count[k]);
	}
	fputs("</g>\n", s->f);
	for (size_t i = 0; i < n_marks; i++) {
		const struct plot_mark *m = &marks[i];
		const char *c = mark_color(m->pct);
		double p = px(&x, (double)m->ns);
		char v[32], t[64];
		plot_fmt_ns(v, sizeof(v), m->ns);
		snprintf(t, sizeof(t), "%s %s", m->name, v);
		mark_group_open(s, m, "marked");
		fprintf(s->f,
		        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
		        "stroke-width=\"2\" stroke-dasharray=\"6,3\"/>\n",
		        p, in.y, p, in.y + in.h, c);
		double ty = in.y + 16 + 16 * (double)i;
		int right = p > in.x + in.w * 0.7;
		label(s, right ? p - 4 : p + 4, ty, right ? "end" : "start", c, t);
		fputs("</g>\n", s->f);
	}
	note_above(s, in, r);
}

static void legend_line(struct svg *s, double x, double y, const char *color, const char *dash,
                        const char *text)
{
	fprintf(s->f,
	        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
	        "stroke-width=\"2.5\"%s%s%s/>\n",
	        x, y - 4, x + 22, y - 4, color, dash ? " stroke-dasharray=\"" : "",
	        dash ? dash : "", dash ? "\"" : "");
	svg_text(s, x + 28, y, "start", 12, 0, "#000000", text);
}

void plot_cdf(struct svg *s, struct plot_box b, const char *title, const char *xlabel,
              const struct plot_series *series, size_t n_series, const struct plot_mark *marks,
              size_t n_marks)
{
	struct plot_box in = inner(b);
	struct axis x, y;
	double lo = INFINITY, hi = -INFINITY;

	panel_title(s, b, title);
	/* The first series whole; the others up to their p99, so that one
	 * far outlier of a comparison does not squash both curves. */
	for (size_t k = 0; k < n_series; k++) {
		const struct plot_series *sr = &series[k];
		if (sr->n) {
			size_t top = k ? (size_t)(0.99 * (double)(sr->n - 1) + 0.5) : sr->n - 1;
			lo = fmin(lo, (double)sr->v[0]);
			hi = fmax(hi, (double)sr->v[top]);
		}
	}
	if (!(lo <= hi)) {
		svg_text(s, in.x + in.w / 2, in.y + in.h / 2, "middle", 14, 0, C_AXIS, "no data");
		return;
	}
	if (lo > 0 && hi / lo > 4) { /* log: both a tight body and a tail get room */
		axis_log(&x, lo, hi, in.x, in.x + in.w);
	} else {
		axis_linear(&x, lo, hi, in.x, in.x + in.w, 6, 1);
	}
	axis_linear(&y, 0, 100, in.y + in.h, in.y, 5, 0);
	draw_axes(s, in, &x, xlabel, &y, "share at or below", " %");
	if (x.log) {
		svg_text(s, in.x + in.w, in.y + in.h + 40, "end", 11, 0, C_AXIS, "log scale");
	}
	for (size_t k = 0; k < n_series; k++) {
		const struct plot_series *sr = &series[k];
		if (!sr->n) {
			continue;
		}
		fprintf(s->f,
		        "<path class=\"cdf\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s "
		        "d=\"M%.1f,%.1f",
		        k ? C_OTHER : C_DATA, k ? " stroke-dasharray=\"7,3\"" : "",
		        px(&x, (double)sr->v[0]), px(&y, 0));
		/* Steps, one per pixel column: exact to the eye, bounded in size;
		 * what lies beyond the axis leaves it at the right edge. */
		size_t i = 0;
		while (i < sr->n && (double)sr->v[i] <= x.hi) {
			double xi = px(&x, (double)sr->v[i]);
			size_t j = i;
			while (j < sr->n && (double)sr->v[j] <= x.hi &&
			       px(&x, (double)sr->v[j]) - xi < 0.5) {
				j++;
			}
			fprintf(s->f, " L%.1f,%.1f L%.1f,%.1f", xi,
			        px(&y, 100.0 * (double)i / (double)sr->n), xi,
			        px(&y, 100.0 * (double)j / (double)sr->n));
			i = j;
		}
		if (i < sr->n) {
			fprintf(s->f, " H%.1f", in.x + in.w);
		}
		fputs("\"/>\n", s->f);
		if (i < sr->n) {
			char t[160], m[32];
			plot_fmt_ns(m, sizeof(m), sr->v[sr->n - 1]);
			snprintf(t, sizeof(t), "%s: %.1f%% beyond the axis (max %s)", sr->name,
			         100.0 * (double)(sr->n - i) / (double)sr->n, m);
			svg_text(s, in.x + in.w, in.y - 8, "end", 11, 0, C_AXIS, t);
		}
		/* Bottom right: a CDF rises from bottom left to top right. */
		legend_line(s, in.x + in.w * 0.42,
		            in.y + in.h - 12 - 18 * (double)(n_series - 1 - k),
		            k ? C_OTHER : C_DATA, k ? "7,3" : NULL, sr->name);
	}
	for (size_t i = 0; i < n_marks; i++) {
		const struct plot_mark *m = &marks[i];
		const char *c = mark_color(m->pct);
		double mx = px(&x, (double)m->ns), my = px(&y, m->pct);
		char v[32], t[64];
		plot_fmt_ns(v, sizeof(v), m->ns);
		snprintf(t, sizeof(t), "%s %s", m->name, v);
		mark_group_open(s, m, "marked");
		fprintf(s->f,
		        "<path d=\"M%.1f,%.1f H%.1f V%.1f\" fill=\"none\" stroke=\"%s\" "
		        "stroke-width=\"1.5\" stroke-dasharray=\"5,3\"/>\n"
		        "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\"/>\n",
		        in.x, my, mx, in.y + in.h, c, mx, my, c);
		int right = mx > in.x + in.w * 0.7;
		label(s, right ? mx - 8 : mx + 8, my + (i % 2 ? 14 : -6), right ? "end" : "start",
		      c, t);
		fputs("</g>\n", s->f);
	}
}

/* Marks cell (x, y) of a w x h grid; returns 1 if it was free. */
static int claim_cell(uint8_t *grid, int w, int h, double x, double y)
{
	int cx = (int)x, cy = (int)y;

	if (!grid || cx < 0 || cy < 0 || cx >= w || cy >= h) {
		return 1;
	}
	size_t bit = (size_t)cy * (size_t)w + (size_t)cx;
	if (grid[bit / 8] & (1u << (bit % 8))) {
		return 0;
	}
	grid[bit / 8] |= (uint8_t)(1u << (bit % 8));
	return 1;
}

/* Losses: red ticks rising from the bottom edge, one per pixel column,
 * drawn under the points; their count in the corner. */
static void draw_losses(struct svg *s, struct plot_box in, const struct axis *x,
                        const int64_t *lost_t, size_t n_lost, uint64_t total, const char *what)
{
	char legend[96];
	int w = (int)in.w + 2;
	uint8_t *col = calloc((size_t)w / 8 + 1, 1);

	fprintf(s->f, "<g class=\"losses\" data-count=\"%llu\"><title>%llu %s</title>\n",
	        (unsigned long long)total, (unsigned long long)total, what);
	if (n_lost) {
		fprintf(s->f,
		        "<path stroke=\"%s\" stroke-opacity=\"0.7\" stroke-width=\"1.5\" "
		        "fill=\"none\" d=\"",
		        C_LOSS);
		for (size_t i = 0; i < n_lost; i++) {
			double xp = px(x, (double)lost_t[i]);
			if (claim_cell(col, w, 1, xp - in.x, 0)) {
				fprintf(s->f, "M%.1f %.1fv-12", xp, in.y + in.h);
			}
		}
		fputs("\"/>\n", s->f);
	}
	snprintf(legend, sizeof(legend), "%llu %s", (unsigned long long)total, what);
	fprintf(s->f,
	        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
	        "stroke-width=\"2\"/>\n",
	        in.x + in.w - 10, in.y - 18, in.x + in.w - 10, in.y - 6, C_LOSS);
	svg_text(s, in.x + in.w - 16, in.y - 8, "end", 12, 0, C_LOSS, legend);
	fputs("</g>\n", s->f);
	free(col);
}

void plot_timeline(struct svg *s, struct plot_box b, const char *title, const char *ylabel,
                   const int64_t *t, const int64_t *v, size_t n, const struct plot_range *r,
                   const int64_t *lost_t, size_t n_lost, uint64_t n_lost_total,
                   const char *lost_label)
{
	struct plot_box in = inner(b);
	struct axis x, y;
	int64_t tmax = 1;

	panel_title(s, b, title);
	if (!n && !n_lost) {
		svg_text(s, in.x + in.w / 2, in.y + in.h / 2, "middle", 14, 0, C_AXIS, "no data");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		tmax = t[i] > tmax ? t[i] : tmax;
	}
	for (size_t i = 0; i < n_lost; i++) {
		tmax = lost_t[i] > tmax ? lost_t[i] : tmax;
	}
	axis_linear(&x, 0, (double)tmax, in.x, in.x + in.w, 8, 1);
	if (n && r->lo > 0 && (double)r->hi / (double)r->lo > 20) { /* as the histogram */
		axis_log(&y, (double)r->lo, (double)r->hi, in.y + in.h, in.y);
	} else {
		axis_linear(&y, (double)(n ? r->lo : 0), (double)(n ? r->hi : 1), in.y + in.h, in.y,
		            5, 1);
	}
	draw_axes(s, in, &x, "time since the first packet", &y, ylabel, "");
	if (y.log) {
		svg_text(s, in.x - 70, in.y + in.h + 40, "start", 11, 0, C_AXIS, "log scale");
	}
	draw_losses(s, in, &x, lost_t, n_lost, n_lost_total, lost_label);
	/* Dots as zero-length round-capped strokes, one per 2x2 px cell. */
	int gw = (int)(in.w / 2) + 1, gh = (int)(in.h / 2) + 2;
	size_t grid_len = (size_t)gw * (size_t)gh / 8 + 1;
	uint8_t *grid = calloc(grid_len, 1);
	size_t above = 0;
	fprintf(
	    s->f,
	    "<path class=\"points\" stroke=\"%s\" stroke-width=\"3.2\" stroke-linecap=\"round\" "
	    "fill=\"none\" d=\"",
	    C_DATA);
	for (size_t i = 0; i < n; i++) {
		if (v[i] > r->hi) {
			above++;
			continue;
		}
		double xp = px(&x, (double)t[i]), yp = px(&y, (double)v[i]);
		if (claim_cell(grid, gw, gh, (xp - in.x) / 2, (yp - in.y) / 2)) {
			fprintf(s->f, "M%.1f %.1fh0", xp, yp);
		}
	}
	fputs("\"/>\n", s->f);
	if (above && grid) { /* cut off at the top: a mark on the top edge */
		memset(grid, 0, grid_len);
		fprintf(s->f, "<path class=\"above\" fill=\"%s\" stroke=\"none\" d=\"", C_LOSS);
		for (size_t i = 0; i < n; i++) {
			double xp = px(&x, (double)t[i]);
			if (v[i] > r->hi && claim_cell(grid, gw, 1, (xp - in.x) / 2, 0)) {
				fprintf(s->f, "M%.1f %.1fl-3,6h6z", xp, in.y);
			}
		}
		fputs("\"/>\n", s->f);
		char hi[32], note[96];
		plot_fmt_ns(hi, sizeof(hi), r->hi);
		snprintf(note, sizeof(note), "▲ %zu above %s", above, hi);
		svg_text(s, in.x + 6, in.y + 20, "start", 12, 0, C_LOSS, note);
	}
	free(grid);
}

void plot_stack(struct svg *s, struct plot_box b, const char *title, const char *bar_label,
                const struct plot_segment *seg, size_t n_seg, const struct plot_segment *refs,
                size_t n_refs)
{
	struct plot_box in = {b.x + 30, b.y + 40, b.w - 30 - 22, 0};
	struct axis x;
	double total = 0, most = 1;
	enum { BAR = 22, ROW = 44 };

	panel_title(s, (struct plot_box){b.x - 48, b.y, b.w, b.h}, title);
	for (size_t i = 0; i < n_seg; i++) {
		total += seg[i].present && !seg[i].inside && seg[i].ns > 0 ? (double)seg[i].ns : 0;
	}
	most = fmax(most, total);
	for (size_t i = 0; i < n_refs; i++) {
		most = fmax(most, refs[i].present ? (double)refs[i].ns : 0);
	}
	in.h = (double)(1 + n_refs) * ROW;
	axis_linear(&x, 0, most, in.x, in.x + in.w, 6, 1);
	/* Vertical grid and the x axis below the bars. */
	double val[64];
	int lab[64];
	char t[160], v[32];
	int nt = ticks_of(&x, val, lab, 64);
	fprintf(s->f, "<g class=\"axes\" font-size=\"12\" fill=\"%s\">\n", C_AXIS);
	for (int i = 0; i < nt; i++) {
		double p = px(&x, val[i]);
		tick_text(&x, val[i], t, sizeof(t));
		fprintf(s->f,
		        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n",
		        p, in.y, p, in.y + in.h + 5, C_GRID);
		svg_text(s, p, in.y + in.h + 18, "middle", 12, 0, C_AXIS, t);
	}
	axis_label(t, sizeof(t), "time", &x);
	svg_text(s, in.x + in.w / 2, in.y + in.h + 36, "middle", 13, 0, "#000000", t);
	fprintf(s->f,
	        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n</g>\n",
	        in.x, in.y + in.h, in.x + in.w, in.y + in.h, C_AXIS);
	/* The stacked bar. */
	svg_text(s, in.x, in.y + 13, "start", 13, 0, "#000000", bar_label);
	double at = 0, prev_at = 0;
	double lx = in.x, ly = in.y + in.h + 62;
	for (size_t i = 0; i < n_seg; i++) {
		const struct plot_segment *g = &seg[i];
		const char *c = palette[i % 8];
		if (!g->present) {
			snprintf(t, sizeof(t), "%s: not measured", g->name);
		} else {
			plot_fmt_ns(v, sizeof(v), g->ns);
			snprintf(t, sizeof(t), "%s: %s%s", g->name, v,
			         g->ns < 0 ? " (negative: not drawn)" : "");
		}
		fprintf(s->f, "<g class=\"stage\" data-stage=\"%s\"", g->key);
		if (g->present) {
			fprintf(s->f, " data-ns=\"%lld\"", (long long)g->ns);
		}
		fputs("><title>", s->f);
		put_escaped(s->f, t);
		fputs("</title>\n", s->f);
		if (g->present && g->ns > 0 && g->inside) {
			double x0 = px(&x, prev_at), x1 = px(&x, prev_at + (double)g->ns);
			fprintf(
			    s->f,
			    "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.2f\" height=\"%d\" fill=\"%s\" "
			    "stroke=\"white\" stroke-width=\"0.5\"/>\n",
			    x0, in.y + 18 + BAR / 4.0, x1 - x0, BAR / 2, c);
		} else if (g->present && g->ns > 0) {
			double x0 = px(&x, at), x1 = px(&x, at + (double)g->ns);
			fprintf(
			    s->f,
			    "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.2f\" height=\"%d\" fill=\"%s\" "
			    "stroke=\"white\" stroke-width=\"0.5\"/>\n",
			    x0, in.y + 18, x1 - x0, BAR, c);
			prev_at = at;
			at += (double)g->ns;
		}
		fprintf(s->f,
		        "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" fill=\"%s\"/>\n",
		        lx, ly - 10, g->present ? c : "#FFFFFF");
		svg_text(s, lx + 18, ly, "start", 12, 0, "#000000", t);
		fputs("</g>\n", s->f);
		ly += 17;
	}
	for (size_t i = 0; i < n_refs; i++) {
		const struct plot_segment *g = &refs[i];
		double y0 = in.y + ROW * (double)(i + 1);
		if (g->present) {
			plot_fmt_ns(v, sizeof(v), g->ns);
		} else {
			snprintf(v, sizeof(v), "not measured");
		}
		snprintf(t, sizeof(t), "%s: %s", g->name, v);
		fprintf(s->f, "<g class=\"reference\" data-stage=\"%s\"", g->key);
		if (g->present) {
			fprintf(s->f, " data-ns=\"%lld\"", (long long)g->ns);
		}
		fputs(">", s->f);
		svg_text(s, in.x, y0 + 13, "start", 13, 0, "#000000", t);
		if (g->present && g->ns > 0) {
			fprintf(s->f,
			        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.2f\" height=\"%d\" "
			        "fill=\"%s\"/>\n",
			        in.x, y0 + 18, px(&x, (double)g->ns) - in.x, BAR,
			        i ? "#777777" : "#AAAAAA");
		}
		fputs("</g>\n", s->f);
	}
}
