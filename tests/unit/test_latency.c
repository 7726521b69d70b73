/* src/latency.h: the figures of each probe from t1..t4 (dwell removed,
 * follow-up TX time preferred, negative one-way delays kept as they are),
 * RFC 3550 jitter, and loss / duplicates / reordering over a run. */
#include "check.h"
#include "latency.h"

#define T 1700000000000000000LL

static void test_figures(void)
{
	/* t1 by the kernel, reflector 1 ms away with a 30 us dwell whose real
	 * TX came 2 us after its estimate, 200 us back. */
	struct probe_rec r = {.t1_user = T - 5000,
	                      .t1 = T,
	                      .t2 = T + 1000000,
	                      .t3 = T + 1028000,
	                      .t3_real = T + 1030000,
	                      .t4 = T + 1230000,
	                      .t4_user = T + 1240000,
	                      .got = 1};
	struct probe_figures f;

	probe_figures_of(&r, &f);
	CHECK(f.valid && f.kernel_rtt);
	CHECK_EQ_U64(f.rtt, 1200000);              /* 1 230 000 - 30 000 dwell */
	CHECK_EQ_U64(f.rtt_user, 1200000 + 15000); /* user clocks: 5 + 10 us more */
	CHECK_EQ_U64(f.fwd, 1000000);
	CHECK_EQ_U64(f.back, 200000);

	/* Unsynchronised clocks: the reflector 3 ms behind. The one-way delays
	 * go negative and stay so; the round trip does not care. */
	r.t2 -= 3000000, r.t3 -= 3000000, r.t3_real -= 3000000;
	probe_figures_of(&r, &f);
	CHECK_EQ_U64(f.fwd, -2000000);
	CHECK_EQ_U64(f.back, 3200000);
	CHECK_EQ_U64(f.rtt, 1200000);

	/* Without a follow-up the reflector's estimate is used; without a
	 * kernel TX stamp, the sender's clock. */
	r.t3_real = 0;
	r.t1 = 0;
	probe_figures_of(&r, &f);
	CHECK(!f.kernel_rtt);
	CHECK_EQ_U64(f.rtt, 1235000 - 28000);

	struct probe_rec lost = {.t1 = T};
	probe_figures_of(&lost, &f);
	CHECK(!f.valid);
}

static void test_jitter(void)
{
	/* RFC 3550 A.8: J += (|D| - J) / 16 */
	double j = jitter_step(0, 1160, 1000);
	CHECK(j == 10.0);
	j = jitter_step(j, 1000, 1160);
	CHECK(j == 10.0 + (160 - 10.0) / 16);
	CHECK(jitter_step(5, 7, 7) == 5 - 5.0 / 16);
}

static void test_summary(void)
{
	struct probe_rec recs[6] = {0};
	/* 6 sent: 0..4 answered (2 twice), 5 lost; arrival 0 1 3 2 4 */
	for (int i = 0; i < 5; i++) {
		recs[i] =
		    (struct probe_rec){.t1 = T + i * 1000000LL,
		                       .t2 = T + i * 1000000LL + 500000 + (i == 3 ? 20000 : 0),
		                       .t3 = T + i * 1000000LL + 510000,
		                       .t4 = T + i * 1000000LL + 1010000,
		                       .t4_user = T + i * 1000000LL + 1020000,
		                       .t1_user = T + i * 1000000LL - 1000,
		                       .got = 1};
	}
	recs[2].got = 2;
	recs[5].t1 = T + 5000000;
	const uint32_t order[] = {0, 1, 3, 2, 4};
	struct latency_summary s;

	latency_summarise(recs, 6, order, 5, &s);
	CHECK_EQ_U64(s.sent, 6);
	CHECK_EQ_U64(s.received, 5);
	CHECK_EQ_U64(s.duplicates, 1);
	CHECK_EQ_U64(s.reordered, 1); /* 2 after 3 */
	CHECK_EQ_U64(s.rtt.n, 5);
	CHECK_EQ_U64(samples_pct(&s.rtt, 50), 1000000);
	CHECK_EQ_U64(samples_pct(&s.fwd, 100), 520000);
	/* forward transit in arrival order 500, 500, 520, 500, 500 us:
	 * |D| = 0, 20, 20, 0 */
	double j = 0;
	j = jitter_step(j, 0, 0);
	j = jitter_step(j, 20000, 0);
	j = jitter_step(j, 0, 20000);
	j = jitter_step(j, 0, 0);
	CHECK(s.jitter_fwd > j - 1e-6 && s.jitter_fwd < j + 1e-6);
	CHECK_EQ_U64(s.stage[STAGE_RX_USER].n, 5);
	CHECK_EQ_U64(samples_pct(&s.stage[STAGE_RX_USER], 50), 10000);
	latency_free(&s);
}

int main(void)
{
	test_figures();
	test_jitter();
	test_summary();
	return check_done();
}
