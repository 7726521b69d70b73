/* backends/linux/decode.c on arbitrary bytes: the receive decoder capture
 * uses (control buffer -> struct tsc_pkt) under the 64-bit and 32-bit
 * layouts (fuzz_decoder.h lists the properties), and the error-queue
 * decoder of TX stamps. */
#include "fuzz_decoder.h"

#include "linux/decode.h"

#define TAI_UTC_NS 37000000000LL

static unsigned decode(const struct cmsg_abi *abi, const uint8_t *ctl, size_t len, int ctrunc,
                       struct tsc_pkt *pkt)
{
	const struct linux_decode_ctx ctx = {abi, TAI_UTC_NS, TSC_BASE_PHC_TAI};
	unsigned unknown = linux_cmsg_decode(&ctx, ctl, len, ctrunc, pkt);

	/* Software stamps are the kernel's CLOCK_REALTIME, hardware ones the
	 * PHC's time base as the context names it. */
	FUZZ_ASSERT(!tsc_pkt_has(pkt, TSC_SW_RX) || pkt->base[TSC_SW_RX] == TSC_BASE_REALTIME,
	            "software stamp in base %u", pkt->base[TSC_SW_RX]);
	FUZZ_ASSERT(!tsc_pkt_has(pkt, TSC_HW_RX) || pkt->base[TSC_HW_RX] == TSC_BASE_PHC_TAI,
	            "hardware stamp in base %u", pkt->base[TSC_HW_RX]);
	return unknown;
}

static const struct cmsg_abi *const abis[] = {&linux_abi_64, &linux_abi_32, NULL};
static const struct fuzz_decoder rx = {
    .abis = abis, .decode = decode, .stamps = FUZZ_RX_STAMPS, .cbad_on_malformed = 1};

static void errqueue(const struct cmsg_abi *abi, const uint8_t *ctl, size_t len)
{
	const struct linux_decode_ctx ctx = {abi, TAI_UTC_NS, TSC_BASE_PHC_TAI};
	struct tsc_tx_stamp out[3];

	memset(out, 0xa5, sizeof(out));
	unsigned n = linux_errqueue_decode(&ctx, ctl, len, out);
	FUZZ_ASSERT(n <= 2, "%u TX stamps from one report", n);
	for (unsigned i = 0; i < n; i++) {
		FUZZ_ASSERT(out[i].clock == TSC_TX_SCHED || out[i].clock == TSC_TX_SW ||
		                out[i].clock == TSC_TX_HW || out[i].clock == TSC_TX_ACK,
		            "TX stamp %u has clock %u", i, out[i].clock);
	}
	/* Two: the software and the hardware stamp of one send, one id. */
	FUZZ_ASSERT(n < 2 || (out[0].clock == TSC_TX_SW && out[1].clock == TSC_TX_HW &&
	                      out[0].id == out[1].id),
	            "two stamps %u/%u ids %u/%u", out[0].clock, out[1].clock, out[0].id, out[1].id);
	FUZZ_ASSERT(out[2].id == 0xa5a5a5a5u, "wrote past the two stamps it may");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_decoder_run(&rx, data, size);
	errqueue(&linux_abi_64, data, size);
	errqueue(&linux_abi_32, data, size);
	return 0;
}
