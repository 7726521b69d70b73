/* src/delivery.h: the granularity a run of stamps shows and the verdict
 * per capability that `tscap probe` prints. */
#include "check.h"
#include "delivery.h"

#define S 1000000000LL

static void test_granularity(void)
{
	const int64_t ns1[] = {1700000000 * S + 123456789, 1700000000 * S + 987654322};
	const int64_t nic8[] = {1700000000 * S + 8, 1700000001 * S + 800, 1700000002 * S + 1024};
	const int64_t us[] = {1700000000 * S + 5000, 1700000000 * S + 123000, 5 * S + 999000};
	const int64_t whole[] = {1700000000 * S, 1700000001 * S};
	const int64_t neg[] = {-1700000000 * S - 16, -32};

	CHECK_EQ_U64(tsc_granularity_ns(ns1, 2), 1);
	CHECK_EQ_U64(tsc_granularity_ns(nic8, 3), 8);
	CHECK_EQ_U64(tsc_granularity_ns(us, 3), 1000);
	CHECK_EQ_U64(tsc_granularity_ns(whole, 2), S);
	CHECK_EQ_U64(tsc_granularity_ns(neg, 2), 16);
	CHECK_EQ_U64(tsc_granularity_ns(ns1, 0), 0);
}

static void test_verdicts(void)
{
	CHECK_STR(tsc_verdict_text(tsc_verdict_of(1, 10, 10, -1)), "delivered");
	CHECK_STR(tsc_verdict_text(tsc_verdict_of(1, 0, 10, -1)), "advertised but not delivered");
	CHECK_STR(tsc_verdict_text(tsc_verdict_of(0, 0, 10, -1)), "not advertised");
	CHECK_STR(tsc_verdict_text(tsc_verdict_of(0, 3, 10, -1)),
	          "delivered though not advertised");
	CHECK_STR(tsc_verdict_text(tsc_verdict_of(-1, 10, 10, -1)), "delivered (kernel stack)");
	CHECK_STR(tsc_verdict_text(tsc_verdict_of(-1, 0, 10, -1)), "not delivered (kernel stack)");
	CHECK_STR(tsc_verdict_text(tsc_verdict_of(1, 0, 0, -1)), "not tried");
	CHECK_STR(tsc_verdict_text(tsc_verdict_of(1, 0, 10, 0)),
	          "advertised, not switched on (try --enable)");
	CHECK_STR(tsc_verdict_text(tsc_verdict_of(1, 0, 10, 1)), "advertised but not delivered");
}

int main(void)
{
	test_granularity();
	test_verdicts();
	return check_done();
}
