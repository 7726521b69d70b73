#include "ping_report.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "log.h"

static const double pcts[] = {50, 90, 99, 99.9};

static double mean_of(const struct tsc_samples *s)
{
	double sum = 0;

	for (size_t i = 0; i < s->n; i++) {
		sum += (double)s->v[i];
	}
	return s->n ? sum / (double)s->n : 0;
}

static void text_row(const char *name, struct tsc_samples *s, const char *note)
{
	printf("%-22s", name);
	if (!s->n) {
		printf("  (none)\n");
		return;
	}
	printf(" %9.3f %9.3f", (double)samples_pct(s, 0) / 1e3, mean_of(s) / 1e3);
	for (unsigned i = 0; i < sizeof(pcts) / sizeof(pcts[0]); i++) {
		printf(" %9.3f", (double)samples_pct(s, pcts[i]) / 1e3);
	}
	printf(" %9.3f%s\n", (double)samples_pct(s, 100) / 1e3, note);
}

/* A histogram of the round trips, 12 buckets from min to p99.9 and one
 * for the rest, with the buckets holding p50 and p99 marked. */
static void histogram(struct tsc_samples *s)
{
	enum { BUCKETS = 12, BAR = 40 };
	uint64_t count[BUCKETS + 1] = {0}, most = 0;

	if (s->n < 2) {
		return;
	}
	int64_t lo = samples_pct(s, 0), hi = samples_pct(s, 99.9);
	int64_t p50 = samples_pct(s, 50), p99 = samples_pct(s, 99);
	double width = (double)(hi - lo) / BUCKETS;
	width = width < 1 ? 1 : width;
	for (size_t i = 0; i < s->n; i++) {
		size_t b = (size_t)((double)(s->v[i] - lo) / width);
		count[s->v[i] > hi ? BUCKETS : b < BUCKETS ? b : BUCKETS - 1]++;
	}
	for (unsigned b = 0; b <= BUCKETS; b++) {
		most = count[b] > most ? count[b] : most;
	}
	printf("\nround trip (kernel stamps), us:\n");
	for (unsigned b = 0; b <= BUCKETS; b++) {
		double from = (double)lo + width * b, to = from + width;
		char bar[BAR + 1];
		size_t len = most ? (size_t)((double)count[b] * BAR / (double)most + 0.5) : 0;
		memset(bar, '#', len);
		bar[len] = 0;
		if (b == BUCKETS) {
			printf("  > %9.3f          %-*s %" PRIu64 "\n", (double)hi / 1e3, BAR, bar,
			       count[b]);
			continue;
		}
		int m50 = (double)p50 >= from && ((double)p50 < to || b == BUCKETS - 1);
		int m99 = (double)p99 >= from && ((double)p99 < to || b == BUCKETS - 1);
		printf("  %9.3f..%-9.3f %-*s %" PRIu64 "%s%s\n", from / 1e3, to / 1e3, BAR, bar,
		       count[b], m50 ? "  <- p50" : "", m99 ? "  <- p99" : "");
	}
}

static void print_text(const struct ping_result *r, struct latency_summary *s)
{
	uint64_t lost = s->sent - s->received;

	printf("\n--- %s STAMP statistics ---\n", r->target);
	printf("%" PRIu64 " probes sent, %" PRIu64 " answered, %.2f%% lost, %" PRIu64
	       " duplicates, %" PRIu64 " reordered\n",
	       s->sent, s->received, s->sent ? 100.0 * (double)lost / (double)s->sent : 0.0,
	       s->duplicates, s->reordered);
	printf("stamps: t1 from TX stamps on %" PRIu64 " (NIC %" PRIu64
	       "), t4 from RX stamps on %" PRIu64 " (NIC %" PRIu64
	       "), reflector's real TX time (follow-up) on %" PRIu64 "\n",
	       s->kernel_t1, s->hw_t1, s->kernel_t4, s->hw_t4, s->follow_ups);
	if (!s->received) {
		return;
	}
	printf("\n%-22s %9s %9s %9s %9s %9s %9s %9s   (us)\n", "", "min", "mean", "p50", "p90",
	       "p99", "p99.9", "max");
	text_row("rtt (kernel stamps)", &s->rtt, "");
	text_row("rtt (user space)", &s->rtt_user, "");
	text_row("forward one-way", &s->fwd, "  *");
	text_row("backward one-way", &s->back, "  *");
	printf("* clocks not known to be synchronised\n");
	printf("jitter (RFC 3550): forward %.3f us, backward %.3f us\n", s->jitter_fwd / 1e3,
	       s->jitter_back / 1e3);
	printf("\nwhere the time goes (median, us):\n");
	for (unsigned i = 0; i < STAGE_COUNT; i++) {
		struct tsc_samples *st = &s->stage[i];
		if (st->n) {
			printf("  %-38s %10.3f%s\n", stage_name((enum stage)i),
			       (double)samples_pct(st, 50) / 1e3,
			       i == STAGE_FORWARD || i == STAGE_BACKWARD ? "  *" : "");
		} else {
			printf("  %-38s %10s\n", stage_name((enum stage)i), "-");
		}
	}
	histogram(&s->rtt);
}

static void json_dist(const char *key, struct tsc_samples *s)
{
	printf(", \"%s\": ", key);
	json_samples(stdout, s);
}

static void print_json(const struct ping_result *r, struct latency_summary *s)
{
	static const char *const stage_keys[STAGE_COUNT] = {"sender_qdisc",    "forward",
	                                                    "peer_rx_to_user", "reflector_dwell",
	                                                    "backward",        "rx_to_user"};

	printf("{");
	json_kv_str(stdout, 1, "target", r->target);
	printf(", \"sent\": %" PRIu64 ", \"received\": %" PRIu64 ", \"lost\": %" PRIu64
	       ", \"loss_pct\": %.4f, \"duplicates\": %" PRIu64 ", \"reordered\": %" PRIu64
	       ", \"send_failed\": %" PRIu64 ", \"foreign\": %" PRIu64,
	       s->sent, s->received, s->sent - s->received,
	       s->sent ? 100.0 * (double)(s->sent - s->received) / (double)s->sent : 0.0,
	       s->duplicates, s->reordered, r->send_failed, r->foreign);
	printf(", \"t1_kernel\": %" PRIu64 ", \"t1_nic\": %" PRIu64 ", \"t4_kernel\": %" PRIu64
	       ", \"t4_nic\": %" PRIu64 ", \"follow_ups\": %" PRIu64
	       ", \"clocks_synchronised\": null, \"unit\": \"ns\"",
	       s->kernel_t1, s->hw_t1, s->kernel_t4, s->hw_t4, s->follow_ups);
	json_dist("rtt", &s->rtt);
	json_dist("rtt_user", &s->rtt_user);
	json_dist("forward", &s->fwd);
	json_dist("backward", &s->back);
	printf(", \"jitter_forward\": %.0f, \"jitter_backward\": %.0f, \"stages\": {",
	       s->jitter_fwd, s->jitter_back);
	for (unsigned i = 0; i < STAGE_COUNT; i++) {
		printf("%s\"%s\": ", i ? ", " : "", stage_keys[i]);
		if (s->stage[i].n) {
			printf("%" PRId64, samples_pct(&s->stage[i], 50));
		} else {
			printf("null");
		}
	}
	printf("}}\n");
}

static int write_csv(const struct ping_result *r)
{
	FILE *f = fopen(r->csv, "w");

	if (!f) {
		tsc_err("ping: cannot write %s: %s", r->csv, strerror(errno));
		return -1;
	}
	fprintf(f, "seq,answered,t1_ns,t1_source,t1_user_ns,t2_ns,t3_ns,t3_real_ns,t4_ns,t4_source,"
	           "t4_user_ns,rtt_ns,rtt_user_ns,forward_ns,backward_ns,ttl\n");
	for (size_t i = 0; i < r->sent; i++) {
		const struct probe_rec *p = &r->recs[i];
		struct probe_figures fig;
		probe_figures_of(p, &fig);
		fprintf(f, "%zu,%u,%" PRId64 ",%s,%" PRId64, i, p->got, p->t1,
		        p->t1_hw ? "nic"
		        : p->t1  ? "kernel"
		                 : "none",
		        p->t1_user);
		if (!p->got) {
			fprintf(f, ",,,,,,,,,,\n");
			continue;
		}
		fprintf(f,
		        ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%s,%" PRId64 ",%" PRId64
		        ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%u\n",
		        p->t2, p->t3, p->t3_real, p->t4,
		        p->t4_hw ? "nic"
		        : p->t4  ? "kernel"
		                 : "none",
		        p->t4_user, fig.rtt, fig.rtt_user, fig.fwd, fig.back, p->ttl);
	}
	if (fclose(f) != 0) {
		tsc_err("ping: writing %s: %s", r->csv, strerror(errno));
		return -1;
	}
	return 0;
}

int ping_report(const struct ping_result *r)
{
	struct latency_summary s;
	int rc = 0;

	latency_summarise(r->recs, r->sent, r->order, r->n_order, &s);
	if (r->csv && write_csv(r) < 0) {
		rc = 1;
	}
	if (r->plot && ping_plot(r, &s) < 0) {
		rc = 1;
	}
	if (r->json) {
		print_json(r, &s);
	} else {
		print_text(r, &s);
	}
	if (!rc && !s.received) {
		tsc_err("ping: no reply from %s", r->target);
		rc = 2;
	}
	latency_free(&s);
	return rc;
}
