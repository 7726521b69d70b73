/* tscap ping --plot FILE.svg: the round trips of one run in four charts,
 * from the same samples as the text and JSON summary (so the marked
 * percentiles are the printed ones): histogram, CDF (kernel stamps beside
 * user space), round trip over time with lost probes marked, and where
 * the time goes as a stacked bar of stage medians. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "ping_report.h"
#include "plot_svg.h"

enum { W = 1200, H = 860, TOP = 74 };

static void title_lines(struct svg *svg, const struct ping_result *r, struct latency_summary *s)
{
	char t[512], p50[32], p99[32];
	uint64_t lost = s->sent - s->received;

	snprintf(t, sizeof(t),
	         "tscap ping %s: %" PRIu64 " probes, %" PRIu64 " answered, %" PRIu64
	         " lost (%.2f%%), %" PRIu64 " duplicates, %" PRIu64 " reordered",
	         r->target, s->sent, s->received, lost,
	         s->sent ? 100.0 * (double)lost / (double)s->sent : 0.0, s->duplicates,
	         s->reordered);
	svg_text(svg, 24, 30, "start", 18, 1, "#000000", t);
	plot_fmt_ns(p50, sizeof(p50), samples_pct(&s->rtt, 50));
	plot_fmt_ns(p99, sizeof(p99), samples_pct(&s->rtt, 99));
	snprintf(
	    t, sizeof(t),
	    "round trip (t4 \xe2\x88\x92 t1) \xe2\x88\x92 (t3 \xe2\x88\x92 t2) from %s stamps, "
	    "reflector dwell excluded: p50 %s, p99 %s",
	    s->hw_t1 && s->hw_t4 ? "NIC"
	    : s->kernel_t1       ? "kernel"
	                         : "user-space",
	    p50, p99);
	svg_text(svg, 24, 54, "start", 14, 0, "#333333", t);
}

static void marks_of(struct tsc_samples *s, struct plot_mark *m)
{
	static const char *const names[] = {"p50", "p90", "p99", "p99.9"};
	static const double pcts[] = {50, 90, 99, 99.9};

	for (unsigned i = 0; i < 4; i++) {
		m[i] = (struct plot_mark){names[i], pcts[i], samples_pct(s, pcts[i])};
	}
}

/* Round trip per answered probe and the send time of every lost one,
 * both from the first probe's send. */
static int series(const struct ping_result *r, int64_t **t, int64_t **v, size_t *n, int64_t **lost,
                  size_t *n_lost)
{
	*t = malloc((r->sent ? r->sent : 1) * sizeof(**t));
	*v = malloc((r->sent ? r->sent : 1) * sizeof(**v));
	*lost = malloc((r->sent ? r->sent : 1) * sizeof(**lost));
	*n = *n_lost = 0;
	if (!*t || !*v || !*lost) {
		return -1;
	}
	int64_t t0 = r->sent ? r->recs[0].t1_user : 0;
	for (size_t i = 0; i < r->sent; i++) {
		const struct probe_rec *p = &r->recs[i];
		struct probe_figures f;
		probe_figures_of(p, &f);
		if (f.valid) {
			(*t)[*n] = p->t1_user - t0;
			(*v)[(*n)++] = f.rtt;
		} else {
			(*lost)[(*n_lost)++] = p->t1_user - t0;
		}
	}
	return 0;
}

static void stages(struct svg *svg, struct plot_box b, struct latency_summary *s)
{
	/* In path order; the reflector's user-space wait is inside its dwell. */
	static const struct {
		enum stage st;
		const char *key, *name;
		int inside;
	} order[] = {
	    {STAGE_QDISC, "sender_qdisc", "sender qdisc (sched \xe2\x86\x92 snd)", 0},
	    {STAGE_FORWARD, "forward", "forward wire+stacks (snd \xe2\x86\x92 peer rx) *", 0},
	    {STAGE_DWELL, "reflector_dwell", "reflector dwell (rx \xe2\x86\x92 tx)", 0},
	    {STAGE_PEER_USER, "peer_rx_to_user", "  within it: peer rx \xe2\x86\x92 its user space",
	     1},
	    {STAGE_BACKWARD, "backward", "backward wire+stacks (peer tx \xe2\x86\x92 rx) *", 0},
	    {STAGE_RX_USER, "rx_to_user", "sender rx \xe2\x86\x92 user space", 0},
	};
	struct plot_segment seg[STAGE_COUNT], refs[2];

	for (unsigned i = 0; i < STAGE_COUNT; i++) {
		struct tsc_samples *x = &s->stage[order[i].st];
		seg[i] = (struct plot_segment){order[i].name, order[i].key,
		                               x->n ? samples_pct(x, 50) : 0, x->n != 0,
		                               order[i].inside};
	}
	refs[0] = (struct plot_segment){"round trip, kernel stamps, p50 (dwell excluded)", "rtt",
	                                samples_pct(&s->rtt, 50), s->rtt.n != 0, 0};
	refs[1] = (struct plot_segment){"round trip, user space, p50 (dwell excluded)", "rtt_user",
	                                samples_pct(&s->rtt_user, 50), s->rtt_user.n != 0, 0};
	plot_stack(svg, b, "Where the time goes (median of each stage)",
	           "one probe's path, sender qdisc to sender user space", seg, STAGE_COUNT, refs,
	           2);
	svg_text(svg, b.x + 30, b.y + b.h - 8, "start", 11, 0, "#555555",
	         "* one-way: the two hosts' clocks are not known to be synchronised");
}

int ping_plot(const struct ping_result *r, struct latency_summary *s)
{
	struct svg svg;
	struct plot_mark marks[4];
	struct plot_range range;
	int64_t *t = NULL, *v = NULL, *lost = NULL;
	size_t n = 0, n_lost = 0;
	char title[400];
	int rc = -1;

	snprintf(title, sizeof(title), "tscap ping %s", r->target);
	if (series(r, &t, &v, &n, &lost, &n_lost) < 0) {
		tsc_err("ping: --plot: out of memory");
		goto out;
	}
	marks_of(&s->rtt, marks); /* sorts rtt */
	marks_of(&s->rtt_user, (struct plot_mark[4]){0});
	plot_range_of(s->rtt.v, s->rtt.n, &range);
	if (svg_begin(&svg, r->plot, W, H, title, " data-tool=\"tscap ping\"") < 0) {
		tsc_err("ping: cannot write %s: %s", r->plot, strerror(errno));
		goto out;
	}
	title_lines(&svg, r, s);
	plot_histogram(&svg, (struct plot_box){0, TOP, W / 2, 380}, "Round trip: histogram",
	               "round trip", s->rtt.v, s->rtt.n, &range, marks, 4);
	struct plot_series cdf[2] = {{"kernel stamps", s->rtt.v, s->rtt.n},
	                             {"user-space clocks", s->rtt_user.v, s->rtt_user.n}};
	plot_cdf(&svg, (struct plot_box){W / 2, TOP, W / 2, 380}, "Round trip: CDF", "round trip",
	         cdf, 2, (struct plot_mark[]){marks[0], marks[2]}, 2);
	plot_timeline(&svg, (struct plot_box){0, TOP + 380, W / 2, H - TOP - 380},
	              "Round trip over time, lost probes marked", "round trip", t, v, n, &range,
	              lost, n_lost, s->sent - s->received, "lost");
	stages(&svg, (struct plot_box){W / 2 + 48, TOP + 380, W / 2 - 48, H - TOP - 380}, s);
	if (svg_end(&svg) < 0) {
		tsc_err("ping: writing %s: %s", r->plot, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	free(t);
	free(v);
	free(lost);
	return rc;
}
