#include "read_delay.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "plot_svg.h"

#define MAX_LOST_TIMES (1u << 20) /* loss times kept; beyond, only counted */

void read_delay_add(struct read_delay *d, const struct read_point *p)
{
	if (d->n == READ_DELAY_MAX) {
		d->skipped++;
		return;
	}
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 4096;
		struct read_point *np = realloc(d->pts, cap * sizeof(*np));
		if (!np) {
			d->skipped++;
			return;
		}
		d->pts = np;
		d->cap = cap;
	}
	d->pts[d->n++] = *p;
}

const char *read_delay_key(enum read_delay_kind k)
{
	static const char *const keys[] = {"one_way", "kernel_to_user", "inter_arrival"};
	return keys[k];
}

struct by_seq {
	uint32_t session;
	uint64_t seq;
	int64_t t;
};

static int cmp_seq(const void *a, const void *b)
{
	const struct by_seq *x = a, *y = b;

	if (x->session != y->session) {
		return x->session < y->session ? -1 : 1;
	}
	return (x->seq > y->seq) - (x->seq < y->seq);
}

static void lost_at(struct read_delay *d, int64_t t)
{
	if (d->n_lost_t == d->lost_cap) {
		size_t cap = d->lost_cap ? d->lost_cap * 2 : 1024;
		int64_t *n = cap <= MAX_LOST_TIMES ? realloc(d->lost_t, cap * sizeof(*n)) : NULL;
		if (!n) {
			return; /* counted in d->lost all the same */
		}
		d->lost_t = n;
		d->lost_cap = cap;
	}
	d->lost_t[d->n_lost_t++] = t;
}

/* Gaps in each session's sequence numbers, counted from the first one
 * the file holds (as the text summary counts them); each loss is placed
 * between the packets around it. */
static int seq_losses(struct read_delay *d, int64_t t0)
{
	struct by_seq *b = malloc((d->n ? d->n : 1) * sizeof(*b));
	uint64_t first[17]; /* per session index (up to 16), the first seq in file order */
	uint8_t have[17] = {0};
	size_t m = 0;

	if (!b) {
		return -1;
	}
	for (size_t i = 0; i < d->n; i++) {
		const struct read_point *p = &d->pts[i];
		if (!(p->flags & RDP_OWD) || p->session >= 16) {
			continue;
		}
		if (!have[p->session]) {
			have[p->session] = 1;
			first[p->session] = p->seq;
		}
		if (p->seq >= first[p->session]) {
			b[m++] = (struct by_seq){p->session, p->seq, p->t - t0};
		}
	}
	qsort(b, m, sizeof(*b), cmp_seq);
	for (size_t i = 1; i < m; i++) {
		if (b[i].session != b[i - 1].session || b[i].seq <= b[i - 1].seq + 1) {
			continue;
		}
		uint64_t gap = b[i].seq - b[i - 1].seq - 1;
		d->lost += gap;
		for (uint64_t g = 1;
		     g <= gap && g <= MAX_LOST_TIMES && d->n_lost_t < MAX_LOST_TIMES; g++) {
			double f = (double)g / (double)(gap + 1);
			lost_at(d, b[i - 1].t + (int64_t)(f * (double)(b[i].t - b[i - 1].t)));
		}
	}
	free(b);
	return 0;
}

int read_delay_finish(struct read_delay *d)
{
	int any_owd = 0, any_k2u = 0;
	int64_t t0 = d->n ? d->pts[0].t : 0;

	for (size_t i = 0; i < d->n; i++) {
		any_owd |= d->pts[i].flags & RDP_OWD;
		any_k2u |= d->pts[i].flags & RDP_K2U;
		t0 = d->pts[i].t < t0 ? d->pts[i].t : t0;
	}
	d->kind = any_owd   ? RD_DELAY_ONE_WAY
	          : any_k2u ? RD_DELAY_KERNEL_TO_USER
	                    : RD_DELAY_INTER_ARRIVAL;
	size_t cap = d->n ? d->n : 1;
	samples_init(&d->v, cap);
	d->t = malloc(cap * sizeof(*d->t));
	d->val = malloc(cap * sizeof(*d->val));
	if (!d->t || !d->val) {
		return -1;
	}
	for (size_t i = 0; i < d->n; i++) {
		const struct read_point *p = &d->pts[i];
		int64_t v;
		if (d->kind == RD_DELAY_ONE_WAY && (p->flags & RDP_OWD)) {
			v = p->owd;
		} else if (d->kind == RD_DELAY_KERNEL_TO_USER && (p->flags & RDP_K2U)) {
			v = p->k2u;
		} else if (d->kind == RD_DELAY_INTER_ARRIVAL && i > 0) {
			v = p->t - d->pts[i - 1].t;
		} else {
			continue;
		}
		d->t[d->nv] = p->t - t0;
		d->val[d->nv++] = v;
		samples_add(&d->v, v);
	}
	if (d->kind == RD_DELAY_ONE_WAY) {
		return seq_losses(d, t0);
	}
	for (size_t i = 0; i < d->n; i++) {
		if (d->pts[i].drops) {
			d->lost += d->pts[i].drops;
			lost_at(d, d->pts[i].t - t0);
		}
	}
	return 0;
}

static const struct {
	const char *axis, *title, *what, *lost;
} texts[] = {
    [RD_DELAY_ONE_WAY] = {"one-way delay", "One-way delay",
                          "one-way delay = packet time \xe2\x88\x92 the sender's clock in the "
                          "tscap send payload (across hosts: only with synchronised clocks)",
                          "lost (sequence gaps)"},
    [RD_DELAY_KERNEL_TO_USER] = {"kernel \xe2\x86\x92 user delay", "Kernel \xe2\x86\x92 user delay",
                                 "kernel \xe2\x86\x92 user delay = user stamp \xe2\x88\x92 packet "
                                 "time: how long datagrams waited in the socket",
                                 "dropped by the kernel"},
    [RD_DELAY_INTER_ARRIVAL] = {"inter-arrival time", "Inter-arrival time",
                                "inter-arrival time = packet time \xe2\x88\x92 the previous "
                                "packet's (file order)",
                                "dropped by the kernel"},
};

int read_delay_plot(struct read_delay *d, const char *path, const char *file)
{
	enum { W = 1200, H = 820, TOP = 74 };
	static const char *const names[] = {"p50", "p90", "p99", "p99.9"};
	static const double pcts[] = {50, 90, 99, 99.9};
	struct plot_mark marks[4];
	struct plot_range range;
	struct svg svg;
	char t[512], a[32], b[32], title[64];

	for (unsigned i = 0; i < 4; i++) {
		marks[i] = (struct plot_mark){names[i], pcts[i], samples_pct(&d->v, pcts[i])};
	}
	plot_range_of(d->v.v, d->v.n, &range);
	snprintf(t, sizeof(t), " data-tool=\"tscap read\" data-delay=\"%s\"",
	         read_delay_key(d->kind));
	snprintf(title, sizeof(title), "tscap read: %s", read_delay_key(d->kind));
	if (svg_begin(&svg, path, W, H, title, t) < 0) {
		tsc_err("read: cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	plot_fmt_ns(a, sizeof(a), marks[0].ns);
	plot_fmt_ns(b, sizeof(b), marks[2].ns);
	snprintf(t, sizeof(t), "tscap read %s: %zu delays, %" PRIu64 " %s%s", file, d->nv, d->lost,
	         texts[d->kind].lost, d->skipped ? " (first 4194304 packets)" : "");
	svg_text(&svg, 24, 30, "start", 18, 1, "#000000", t);
	snprintf(t, sizeof(t), "%s; p50 %s, p99 %s", texts[d->kind].what, a, b);
	svg_text(&svg, 24, 54, "start", 14, 0, "#333333", t);
	snprintf(title, sizeof(title), "%s: histogram", texts[d->kind].title);
	plot_histogram(&svg, (struct plot_box){0, TOP, W / 2, 370}, title, texts[d->kind].axis,
	               d->v.v, d->v.n, &range, marks, 4);
	struct plot_series cdf = {texts[d->kind].axis, d->v.v, d->v.n};
	snprintf(title, sizeof(title), "%s: CDF", texts[d->kind].title);
	plot_cdf(&svg, (struct plot_box){W / 2, TOP, W / 2, 370}, title, texts[d->kind].axis, &cdf,
	         1, (struct plot_mark[]){marks[0], marks[2]}, 2);
	snprintf(title, sizeof(title), "%s over time, losses marked", texts[d->kind].title);
	plot_timeline(&svg, (struct plot_box){0, TOP + 370, W, H - TOP - 370}, title,
	              texts[d->kind].axis, d->t, d->val, d->nv, &range, d->lost_t, d->n_lost_t,
	              d->lost, texts[d->kind].lost);
	if (svg_end(&svg) < 0) {
		tsc_err("read: writing %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

void read_delay_free(struct read_delay *d)
{
	free(d->pts);
	free(d->t);
	free(d->val);
	free(d->lost_t);
	samples_free(&d->v);
	*d = (struct read_delay){0};
}
