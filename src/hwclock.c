#include "hwclock.h"

#include "nstime.h"

int64_t tsc_phc_utc_correction(int64_t phc_minus_utc_ns, int32_t tai_offset_s)
{
	int64_t tai_ns = (int64_t)tai_offset_s * TSC_NS_PER_SEC;
	/* unsigned: INT64_MIN - tai_ns wraps far away instead of overflowing */
	int64_t off = (int64_t)((uint64_t)phc_minus_utc_ns - (uint64_t)tai_ns);

	if (tai_offset_s <= 0) {
		return 0;
	}
	if (off < TSC_NS_PER_SEC / 2 && off > -TSC_NS_PER_SEC / 2) {
		return tai_ns;
	}
	return 0;
}

int tsc_phc_offset_from(const int64_t (*s)[3], unsigned n, struct tsc_phc_offset *out)
{
	int best = -1;

	out->samples = 0;
	for (unsigned i = 0; i < n; i++) {
		if (s[i][2] < s[i][0]) {
			continue; /* the system clock stepped back inside the sample */
		}
		out->samples++;
		if (best < 0 || s[i][2] - s[i][0] < s[best][2] - s[best][0]) {
			best = (int)i;
		}
	}
	if (best < 0) {
		return -1;
	}
	/* midpoint without overflow: before + (after - before) / 2 */
	int64_t mid = s[best][0] + (s[best][2] - s[best][0]) / 2;
	out->offset_ns = s[best][1] - mid;
	out->window_ns = s[best][2] - s[best][0];
	return 0;
}
