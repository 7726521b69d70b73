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
