/* src/metrics.h: bucket placement (a value on a bound belongs to that
 * bound's bucket, as Prometheus' le means), cumulative buckets and a
 * count equal to the last one, exact sums in seconds, label escaping,
 * the text format's _total family names against OpenMetrics' bare ones
 * with # UNIT and # EOF, no OpenMetrics _sum after a negative value, and
 * which Accept headers get OpenMetrics. */
#include <stdlib.h>

#include "check.h"
#include "metrics.h"

static void test_buckets(void)
{
	CHECK_EQ_U64(metrics_bounds_ns[0], 1000);
	CHECK_EQ_U64(metrics_bounds_ns[1], 1500);
	CHECK_EQ_U64(metrics_bounds_ns[METRICS_BUCKETS - 1], 1000000000);
	for (unsigned i = 1; i < METRICS_BUCKETS; i++) {
		CHECK(metrics_bounds_ns[i] > metrics_bounds_ns[i - 1]);
	}
	CHECK_EQ_U64(metrics_bucket_of(-5000), 0); /* negative one-way delays: first bucket */
	CHECK_EQ_U64(metrics_bucket_of(0), 0);
	CHECK_EQ_U64(metrics_bucket_of(1000), 0);
	CHECK_EQ_U64(metrics_bucket_of(1001), 1);
	CHECK_EQ_U64(metrics_bucket_of(1500), 1);
	CHECK_EQ_U64(metrics_bucket_of(7000), 5);
	CHECK_EQ_U64(metrics_bucket_of(7001), 6);
	CHECK_EQ_U64(metrics_bucket_of(1000000000), METRICS_BUCKETS - 1);
	CHECK_EQ_U64(metrics_bucket_of(1000000001), METRICS_BUCKETS);
	CHECK_EQ_U64(metrics_bucket_of(INT64_MAX), METRICS_BUCKETS);
}

struct fixture {
	struct metrics_hist a, b;
	metrics_ctr c;
};

static void render(struct metrics_out *o, void *arg)
{
	struct fixture *f = arg;
	const struct metrics_hist *both[2] = {&f->a, &f->b};
	char l[256];

	metrics_family(o, "t_things", "counter", "things seen");
	metrics_counter(o, "t_things", metrics_labels(l, sizeof(l), "k", "a\"b\\c\nd", NULL),
	                metrics_get(&f->c));
	metrics_family(o, "t_delay_seconds", "histogram", "a delay");
	metrics_histogram(o, "t_delay_seconds", metrics_labels(l, sizeof(l), "x", "1", NULL), both,
	                  2);
	metrics_family(o, "t_up", "gauge", "up");
	metrics_gauge(o, "t_up", "", 1);
}

static int has(const char *text, const char *line)
{
	const char *p = strstr(text, line);

	if (!p) {
		fprintf(stderr, "    missing: %s\n", line);
	}
	return p != NULL;
}

static void test_text(void)
{
	struct fixture *f = calloc(1, sizeof(*f));
	size_t len;

	metrics_add(&f->c, 3);
	metrics_add(&f->c, 4);
	metrics_observe(&f->a, 1000);       /* le 1e-06 */
	metrics_observe(&f->a, 1200);       /* le 1.5e-06 */
	metrics_observe(&f->b, 2500000);    /* le 0.003, other thread */
	metrics_observe(&f->b, 3000000000); /* +Inf */
	char *t = metrics_render(render, f, 0, &len);
	CHECK(t && strlen(t) == len);
	CHECK(has(t, "# HELP t_things_total things seen\n# TYPE t_things_total counter\n"));
	CHECK(has(t, "t_things_total{k=\"a\\\"b\\\\c\\nd\"} 7\n"));
	CHECK(has(t, "# TYPE t_delay_seconds histogram\n"));
	CHECK(!strstr(t, "# UNIT"));
	CHECK(has(t, "t_delay_seconds_bucket{x=\"1\",le=\"1e-06\"} 1\n"));
	CHECK(has(t, "t_delay_seconds_bucket{x=\"1\",le=\"1.5e-06\"} 2\n"));
	CHECK(has(t, "t_delay_seconds_bucket{x=\"1\",le=\"0.002\"} 2\n"));
	CHECK(has(t, "t_delay_seconds_bucket{x=\"1\",le=\"0.003\"} 3\n"));
	CHECK(has(t, "t_delay_seconds_bucket{x=\"1\",le=\"1\"} 3\n"));
	CHECK(has(t, "t_delay_seconds_bucket{x=\"1\",le=\"+Inf\"} 4\n"));
	CHECK(has(t, "t_delay_seconds_sum{x=\"1\"} 3.002502200\n"));
	CHECK(has(t, "t_delay_seconds_count{x=\"1\"} 4\n"));
	CHECK(has(t, "t_up 1\n"));
	CHECK(!strstr(t, "# EOF"));
	free(t);

	/* OpenMetrics: bare counter family, units, # EOF last; a negative
	 * value takes the sum away (it would not be a counter). */
	metrics_observe(&f->a, -2000);
	t = metrics_render(render, f, 1, &len);
	CHECK(t != NULL);
	CHECK(has(t, "# HELP t_things things seen\n# TYPE t_things counter\n"));
	CHECK(has(t, "t_things_total{k=\"a\\\"b\\\\c\\nd\"} 7\n"));
	CHECK(has(t, "# UNIT t_delay_seconds seconds\n"));
	CHECK(has(t, "t_delay_seconds_bucket{x=\"1\",le=\"1e-06\"} 2\n"));
	CHECK(has(t, "t_delay_seconds_count{x=\"1\"} 5\n"));
	CHECK(!strstr(t, "_sum"));
	CHECK(len >= 6 && !strcmp(t + len - 6, "# EOF\n"));
	free(t);
	t = metrics_render(render, f, 0, &len);
	CHECK(has(t, "t_delay_seconds_sum{x=\"1\"} 3.002500200\n")); /* text format keeps it */
	free(t);
	free(f);
}

static void test_labels(void)
{
	char small[16];

	/* A value too long for the buffer is cut, and stays quoted. */
	CHECK_STR(metrics_labels(small, sizeof(small), "target", "udp://127.0.0.1:862", NULL),
	          "target=\"udp:/\"");
	CHECK_STR(metrics_labels(small, sizeof(small), "a", "1", "b", "2", NULL),
	          "a=\"1\",b=\"2\"");
	CHECK_STR(metrics_labels(small, sizeof(small), NULL), "");
}

static void test_accept(void)
{
	/* What Prometheus 2.42 sends. */
	CHECK(metrics_wants_openmetrics(
	    "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;"
	    "q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"));
	CHECK(!metrics_wants_openmetrics(NULL));
	CHECK(!metrics_wants_openmetrics("*/*"));
	CHECK(!metrics_wants_openmetrics("text/plain"));
	CHECK(!metrics_wants_openmetrics("text/plain;q=1, application/openmetrics-text;q=0.5"));
	CHECK(!metrics_wants_openmetrics("application/openmetrics-text;q=0"));
	CHECK(metrics_wants_openmetrics("Application/OpenMetrics-Text"));
}

int main(void)
{
	test_buckets();
	test_text();
	test_labels();
	test_accept();
	return check_done();
}
