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

/* PTP_SYS_OFFSET_EXTENDED samples [sys before, phc, sys after] as a PHC
 * running on TAI returns them: the narrowest window decides. */
static void test_phc_offset(void)
{
	const int64_t t = 1700000000 * S;
	const int64_t s[4][3] = {
	    {t, t + 37 * S + 900, t + 2000},            /* window 2000, offset +37 s - 100 */
	    {t + 10000, t + 37 * S + 10300, t + 10400}, /* window 400, offset +37 s + 100 */
	    {t + 20000, t + 37 * S + 20250, t + 20900}, /* window 900 */
	    {t + 30000, t + 37 * S + 30000, t + 29000}, /* clock stepped back: ignored */
	};
	struct tsc_phc_offset o;

	CHECK_EQ_U64(tsc_phc_offset_from(s, 4, &o), 0);
	CHECK_EQ_U64(o.offset_ns, 37 * S + 100);
	CHECK_EQ_U64(o.window_ns, 400);
	CHECK_EQ_U64(o.samples, 3);
	CHECK(tsc_phc_offset_from(s + 3, 1, &o) < 0);
	CHECK(tsc_phc_offset_from(s, 0, &o) < 0);

	/* A PHC behind the system clock: a negative offset, to the ns. */
	const int64_t b[1][3] = {{t, t - 5 * MS + 7, t + 11}};
	CHECK_EQ_U64(tsc_phc_offset_from(b, 1, &o), 0);
	CHECK_EQ_U64(o.offset_ns, -5 * MS + 2); /* midpoint t + 5 */
}

int main(void)
{
	test_corrections();
	test_phc_offset();
	test_extreme_negative();
	return check_done();
}
