/* The FreeBSD, XNU and Haiku decoders (backends/<os>/decode.c, plain C
 * over bytes) on arbitrary bytes, under each of their layouts: never a
 * read outside the buffer (ASan sees the exact-size copy libFuzzer
 * gives), stamps only where flagged, counts bounded by what the walker
 * finds, mach ticks scaled without overflow. */
#include "fuzz.h"

#include "freebsd/decode.h"
#include "haiku/decode.h"
#include "xnu/decode.h"

static unsigned messages(const struct cmsg_abi *abi, const uint8_t *d, size_t n)
{
	struct cmsg_iter it;
	struct cmsg_item c;
	unsigned k = 0;

	cmsg_iter_init(&it, abi, d, n);
	while (cmsg_next(&it, &c) > 0) {
		k++;
	}
	return k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct cmsg_abi *fb[] = {&freebsd_abi_64, &freebsd_abi_i386};
	for (unsigned i = 0; i < 2; i++) {
		struct freebsd_decode_ctx ctx = {.abi = fb[i], .mono_to_real_ns = 1};
		struct tsc_pkt p = {0};
		unsigned unknown = freebsd_cmsg_decode(&ctx, data, size, 0, &p);
		FUZZ_ASSERT(unknown <= messages(fb[i], data, size), "freebsd unknown %u", unknown);
		FUZZ_ASSERT((p.stamp_set & ~((1u << TSC_SW_RX) | (1u << TSC_HW_RX))) == 0,
		            "freebsd stamps %x", p.stamp_set);
		struct freebsd_aux aux;
		freebsd_aux_decode(fb[i], data, size, (int)(size & 1), &aux);
		FUZZ_ASSERT(aux.ngroups <= 65536u, "freebsd groups %u", aux.ngroups);
	}
	struct xnu_decode_ctx x = {.abi = &xnu_abi, .tb = {125, 3}};
	struct tsc_pkt p = {0};
	xnu_cmsg_decode(&x, data, size, 1, &p);
	FUZZ_ASSERT(p.flags & TSC_PKT_CTRUNC, "xnu ctrunc");
	FUZZ_ASSERT((p.stamp_set & ~(1u << TSC_SW_RX)) == 0, "xnu stamps %x", p.stamp_set);
	if (size >= 16) {
		uint64_t ticks;
		struct xnu_timebase tb;
		memcpy(&ticks, data, 8);
		memcpy(&tb, data + 8, 8);
		int64_t ns = xnu_ticks_to_ns(ticks, tb);
		FUZZ_ASSERT(ns >= 0, "ticks %llu -> %lld", (unsigned long long)ticks,
		            (long long)ns);
		if (tb.denom && tb.numer == tb.denom && ticks <= INT64_MAX) {
			FUZZ_ASSERT(ns == (int64_t)ticks, "1/1 timebase changed %llu",
			            (unsigned long long)ticks);
		}
	}
	const struct cmsg_abi *hk[] = {&haiku_abi_64, &haiku_abi_32};
	for (unsigned i = 0; i < 2; i++) {
		struct tsc_pkt h = {0};
		struct cmsg_rights r;
		haiku_cmsg_decode(hk[i], data, size, 0, &h);
		FUZZ_ASSERT(h.stamp_set == 0, "haiku has no kernel stamps");
		haiku_rights_decode(hk[i], data, size, &r);
		FUZZ_ASSERT(r.msgs <= messages(hk[i], data, size), "haiku rights %u", r.msgs);
	}
	return 0;
}
