/* src/hwclock.h: which time scale a NIC clock keeps, from PHC - UTC and
 * the kernel's TAI - UTC offset. */
#include "check.h"
#include "hwclock.h"

#define S  1000000000LL
#define MS 1000000LL

static void test_corrections(void)
{
	static const struct {
		int64_t diff_ns;
		int32_t tai_s;
		int64_t want;
	} cases[] = {
	    /* PHC on TAI (ptp4l): 37 s ahead, give or take the sampling. */
	    {37 * S, 37, 37 * S},
	    {37 * S + 3 * MS, 37, 37 * S},
	    {37 * S - 3 * MS, 37, 37 * S},
	    {37 * S + 499 * MS, 37, 37 * S},
	    {37 * S - 499 * MS, 37, 37 * S},
	    {37 * S + S / 2 - 1, 37, 37 * S},
	    {37 * S - S / 2 + 1, 37, 37 * S},
	    /* Half a second or more away from TAI: not trusted. */
	    {37 * S + S / 2, 37, 0},
	    {37 * S - S / 2, 37, 0},
	    {37 * S + 600 * MS, 37, 0},
	    /* PHC on UTC. */
	    {0, 37, 0},
	    {2 * MS, 37, 0},
	    {-2 * MS, 37, 0},
	    /* The kernel does not know the TAI offset (no NTP/PTP told it). */
	    {0, 0, 0},
	    {37 * S, 0, 0},
	    {2 * MS, 0, 0},
	    /* Not synchronised to anything. */
	    {5 * S, 37, 0},
	    {-5 * S, 37, 0},
	    {-37 * S, 37, 0},
	    {-1700000000LL * S, 37, 0}, /* PHC counting from boot */
	    {1700000000LL * S, 37, 0},
	    /* Another TAI offset (the table changes with leap seconds). */
	    {38 * S + MS, 38, 38 * S},
	    {37 * S, 38, 0},
	    /* A negative TAI offset is not meaningful. */
	    {-37 * S, -37, 0},
	    {0, -1, 0},
	    /* Extremes of the inputs that are still far from any TAI offset. */
	    {INT64_MAX, 37, 0},
	    {INT64_MAX, INT32_MAX, 0},
	    {(int64_t)INT32_MAX * S, INT32_MAX, (int64_t)INT32_MAX * S},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (!CHECK_EQ_U64(tsc_phc_utc_correction(cases[i].diff_ns, cases[i].tai_s),
		                  cases[i].want)) {
			fprintf(stderr, "    case %zu: diff %lld ns, TAI offset %d s\n", i,
			        (long long)cases[i].diff_ns, (int)cases[i].tai_s);
		}
	}
}

/* Last: PHC - UTC near INT64_MIN (a PHC read that failed, or garbage)
 * must give 0, and computing diff - TAI must not overflow a signed
 * subtraction (UBSan stops here if it does). */
static void test_extreme_negative(void)
{
	fprintf(stderr, "note: next, PHC - UTC = INT64_MIN (UBSan stops here if hwclock.c "
	                "subtracts in signed arithmetic)\n");
	fflush(stderr);
	CHECK_EQ_U64(tsc_phc_utc_correction(INT64_MIN, 37), 0);
	CHECK_EQ_U64(tsc_phc_utc_correction(INT64_MIN + 1, 1), 0);
}

int main(void)
{
	test_corrections();
	test_extreme_negative();
	return check_done();
}
