/* Unaligned host-order loads from untrusted bytes: memcpy, never a cast
 * (STYLE.md point 4), so the compiler emits one plain load. */
#ifndef TSCAP_BYTES_H
#define TSCAP_BYTES_H

#include <stdint.h>
#include <string.h>

#include "nstime.h"

/* An unsigned field of width 4 or 8, as cmsg_len and time fields come. */
static inline uint64_t tsc_load_uint(const uint8_t *p, size_t width)
{
	if (width == 8) {
		uint64_t v;
		memcpy(&v, p, 8);
		return v;
	}
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

/* The same, sign-extended: time_t and long fields. */
static inline int64_t tsc_load_int(const uint8_t *p, size_t width)
{
	return width == 8 ? (int64_t)tsc_load_uint(p, 8) : (int64_t)(int32_t)tsc_load_uint(p, 4);
}

/* A timeval / timespec laid out by another ABI: seconds of width sec_w,
 * then the sub-second field of width sub_w at offset sub_off, scaled by
 * mul (1000 for µs, 1 for ns). Into ns with wrapping arithmetic. */
static inline int64_t tsc_load_timepair(const uint8_t *p, size_t sec_w, size_t sub_off,
                                        size_t sub_w, int64_t mul)
{
	int64_t sub = tsc_load_int(p + sub_off, sub_w);

	return tsc_ns_from_parts(tsc_load_int(p, sec_w), (int64_t)((uint64_t)sub * (uint64_t)mul));
}

#endif
