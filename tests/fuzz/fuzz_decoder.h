/* The harness for one OS's receive-path cmsg decoder (control buffer ->
 * struct tsc_pkt). A target for another OS is one small file:
 *
 *   #include "fuzz_decoder.h"
 *   #include "freebsd/decode.h"
 *   static unsigned run(const struct cmsg_abi *abi, const uint8_t *ctl, size_t len,
 *                       int ctrunc, struct tsc_pkt *pkt)
 *   {
 *           ... call the decoder with abi ...
 *   }
 *   static const struct cmsg_abi *const abis[] = {&freebsd_abi_64, &freebsd_abi_32, NULL};
 *   FUZZ_DECODER(.abis = abis, .decode = run, .stamps = FUZZ_RX_STAMPS,
 *                .cbad_on_malformed = 1)
 *
 * and one line in CMakeLists.txt: tscap_fuzz_target(freebsd_decode).
 *
 * The same bytes are decoded under every layout the OS has, with and
 * without MSG_CTRUNC, each time twice into records prefilled with a
 * pattern. Properties checked for any input:
 * - the decoder reads only inside the buffer (ASan: libFuzzer hands it an
 *   exactly-sized heap copy);
 * - it sets only the stamps it may (RX ones for a receive decoder), each
 *   with a known time base, and only the known flags;
 * - MSG_CTRUNC shows as TSC_PKT_CTRUNC, and only then;
 * - it leaves what the rx path owns alone (payload pointer, lengths,
 *   source address, endpoint);
 * - the same bytes give the same record (nothing uninitialised is read);
 * - it never reports more unrecognised messages than the buffer holds,
 *   and (cbad_on_malformed) a buffer the walker finds malformed sets
 *   TSC_PKT_CBAD. */
#ifndef TSCAP_FUZZ_DECODER_H
#define TSCAP_FUZZ_DECODER_H

#include "fuzz.h"

#include "cmsg_walk.h"
#include "pkt.h"

#define FUZZ_RX_STAMPS ((uint16_t)(1u << TSC_HW_RX | 1u << TSC_SW_RX))

struct fuzz_decoder {
	const struct cmsg_abi *const *abis; /* NULL-terminated */
	unsigned (*decode)(const struct cmsg_abi *abi, const uint8_t *ctl, size_t len, int ctrunc,
	                   struct tsc_pkt *pkt);
	uint16_t stamps;       /* bits (1 << enum tsc_clock) the decoder may set */
	int cbad_on_malformed; /* a malformed walk must set TSC_PKT_CBAD */
};

static const uint8_t fuzz_decoder_payload[1];

/* A record as an rx path hands it to the decoder: what the rx path owns
 * is filled with recognisable values, the rest with a pattern. */
static inline void fuzz_decoder_prefill(struct tsc_pkt *p)
{
	memset(p, 0, sizeof(*p));
	p->data = fuzz_decoder_payload;
	p->caplen = 0x5a5a5a5a;
	p->len = 0xa5a5a5a5;
	p->src.family = TSC_AF_INET6;
	p->src.port = 0x1234;
	memset(p->src.addr, 0x77, sizeof(p->src.addr));
	p->endpoint = 0x4321;
}

/* Messages and how the walk ended, by the walker alone. */
static inline size_t fuzz_decoder_walk(const struct cmsg_abi *abi, const uint8_t *ctl, size_t len,
                                       int *malformed)
{
	struct cmsg_iter it;
	struct cmsg_item c;
	size_t n = 0;
	int r;

	cmsg_iter_init(&it, abi, ctl, len);
	while ((r = cmsg_next(&it, &c)) > 0) {
		n++;
	}
	*malformed = r < 0;
	return n;
}

static inline void fuzz_decoder_check(const struct fuzz_decoder *d, const struct cmsg_abi *abi,
                                      const uint8_t *ctl, size_t len, int ctrunc)
{
	struct tsc_pkt a, b, ref;
	int malformed;
	size_t n = fuzz_decoder_walk(abi, ctl, len, &malformed);

	fuzz_decoder_prefill(&a);
	fuzz_decoder_prefill(&b);
	fuzz_decoder_prefill(&ref);
	unsigned unknown = d->decode(abi, ctl, len, ctrunc, &a);
	unsigned unknown_b = d->decode(abi, ctl, len, ctrunc, &b);

	FUZZ_ASSERT(unknown == unknown_b && memcmp(&a, &b, sizeof(a)) == 0,
	            "two decodes of the same bytes differ");
	FUZZ_ASSERT(unknown <= n, "%u unrecognised messages in a buffer of %zu", unknown, n);
	FUZZ_ASSERT((a.stamp_set & ~d->stamps) == 0, "stamp set 0x%x, allowed 0x%x", a.stamp_set,
	            d->stamps);
	for (unsigned c = 0; c < TSC_CLOCK_COUNT; c++) {
		if (tsc_pkt_has(&a, (enum tsc_clock)c)) {
			FUZZ_ASSERT(a.base[c] <= TSC_BASE_PHC_TAI, "clock %u: time base %u", c,
			            a.base[c]);
		}
	}
	FUZZ_ASSERT((a.flags & ~(TSC_PKT_CTRUNC | TSC_PKT_CBAD)) == 0, "flags 0x%x", a.flags);
	FUZZ_ASSERT(!!(a.flags & TSC_PKT_CTRUNC) == !!ctrunc, "ctrunc %d, flags 0x%x", ctrunc,
	            a.flags);
	FUZZ_ASSERT(!d->cbad_on_malformed || !malformed || (a.flags & TSC_PKT_CBAD),
	            "the walker finds the buffer malformed, TSC_PKT_CBAD is not set");
	FUZZ_ASSERT(a.data == ref.data && a.caplen == ref.caplen && a.len == ref.len &&
	                memcmp(&a.src, &ref.src, sizeof(a.src)) == 0 && a.endpoint == ref.endpoint,
	            "the decoder wrote a field the rx path owns");
}

static inline int fuzz_decoder_run(const struct fuzz_decoder *d, const uint8_t *data, size_t size)
{
	for (const struct cmsg_abi *const *abi = d->abis; *abi; abi++) {
		fuzz_decoder_check(d, *abi, data, size, 0);
		fuzz_decoder_check(d, *abi, data, size, 1);
	}
	return 0;
}

#define FUZZ_DECODER(...)                                                                          \
	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)                               \
	{                                                                                          \
		static const struct fuzz_decoder d_ = {__VA_ARGS__};                               \
		return fuzz_decoder_run(&d_, data, size);                                          \
	}

#endif
