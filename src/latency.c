#include "latency.h"

#include <stdlib.h>

void probe_figures_of(const struct probe_rec *r, struct probe_figures *f)
{
	*f = (struct probe_figures){0};
	if (!r->got) {
		return;
	}
	int64_t t1 = r->t1 ? r->t1 : r->t1_user;
	int64_t t4 = r->t4 ? r->t4 : r->t4_user;
	int64_t t3 = r->t3_real ? r->t3_real : r->t3;
	int64_t dwell = t3 - r->t2;

	f->valid = 1;
	f->kernel_rtt = r->t1 && r->t4;
	f->rtt = (t4 - t1) - dwell;
	f->rtt_user = (r->t4_user - r->t1_user) - dwell;
	f->fwd = r->t2 - t1;
	f->back = t4 - t3;
}

double jitter_step(double j, int64_t transit, int64_t prev_transit)
{
	double d = (double)(transit - prev_transit);

	return j + ((d < 0 ? -d : d) - j) / 16.0;
}

static void add_stages(const struct probe_rec *r, struct latency_summary *s)
{
	int64_t t3 = r->t3_real ? r->t3_real : r->t3;

	if (r->t1 && r->t1_sched && !r->t1_hw) {
		samples_add(&s->stage[STAGE_QDISC], r->t1 - r->t1_sched);
	}
	samples_add(&s->stage[STAGE_FORWARD], r->t2 - (r->t1 ? r->t1 : r->t1_user));
	if (r->peer_rx_kernel && r->peer_rx_user) {
		samples_add(&s->stage[STAGE_PEER_USER], r->peer_rx_user - r->peer_rx_kernel);
	}
	samples_add(&s->stage[STAGE_DWELL], t3 - r->t2);
	samples_add(&s->stage[STAGE_BACKWARD], (r->t4 ? r->t4 : r->t4_user) - t3);
	if (r->t4) {
		samples_add(&s->stage[STAGE_RX_USER], r->t4_user - r->t4);
	}
}

void latency_summarise(const struct probe_rec *recs, size_t n, const uint32_t *order_seq,
                       size_t n_order, struct latency_summary *s)
{
	struct tsc_samples *all[] = {&s->rtt, &s->rtt_user, &s->fwd, &s->back};
	uint32_t highest = 0;
	int have_prev = 0;
	struct probe_figures prev = {0};

	*s = (struct latency_summary){.sent = n};
	for (unsigned i = 0; i < 4; i++) {
		samples_init(all[i], n ? n : 1);
	}
	for (unsigned i = 0; i < STAGE_COUNT; i++) {
		samples_init(&s->stage[i], n ? n : 1);
	}
	for (size_t i = 0; i < n; i++) {
		const struct probe_rec *r = &recs[i];
		struct probe_figures f;
		if (!r->got) {
			continue;
		}
		probe_figures_of(r, &f);
		s->received++;
		s->duplicates += r->got - 1u;
		s->kernel_t1 += r->t1 != 0;
		s->hw_t1 += r->t1_hw;
		s->kernel_t4 += r->t4 != 0;
		s->hw_t4 += r->t4_hw;
		s->follow_ups += r->t3_real != 0;
		samples_add(&s->rtt, f.rtt);
		samples_add(&s->rtt_user, f.rtt_user);
		samples_add(&s->fwd, f.fwd);
		samples_add(&s->back, f.back);
		add_stages(r, s);
	}
	/* Arrival order: reordering and jitter (first copy of each only). */
	for (size_t k = 0; k < n_order; k++) {
		uint32_t seq = order_seq[k];
		struct probe_figures f;
		if (seq >= n) {
			continue;
		}
		if (k && seq < highest) {
			s->reordered++;
		}
		highest = seq > highest ? seq : highest;
		probe_figures_of(&recs[seq], &f);
		if (have_prev) {
			s->jitter_fwd = jitter_step(s->jitter_fwd, f.fwd, prev.fwd);
			s->jitter_back = jitter_step(s->jitter_back, f.back, prev.back);
		}
		prev = f;
		have_prev = 1;
	}
}

void latency_free(struct latency_summary *s)
{
	samples_free(&s->rtt);
	samples_free(&s->rtt_user);
	samples_free(&s->fwd);
	samples_free(&s->back);
	for (unsigned i = 0; i < STAGE_COUNT; i++) {
		samples_free(&s->stage[i]);
	}
}

const char *stage_name(enum stage st)
{
	static const char *const names[STAGE_COUNT] = {
	    [STAGE_QDISC] = "sender qdisc (sched -> snd)",
	    [STAGE_FORWARD] = "forward wire+stacks (snd -> peer rx)",
	    [STAGE_PEER_USER] = "peer rx -> its user space",
	    [STAGE_DWELL] = "reflector dwell (rx -> tx)",
	    [STAGE_BACKWARD] = "backward wire+stacks (peer tx -> rx)",
	    [STAGE_RX_USER] = "sender rx -> user space",
	};
	return names[st];
}
