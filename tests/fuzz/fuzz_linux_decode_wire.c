/* A packet socket's control messages and frame (backends/linux/
 * decode_wire.c) on arbitrary bytes: the first half is the control
 * buffer, the rest the frame. The tag goes back where it was: the
 * addresses unchanged, then TPID and TCI, then the rest of the frame as
 * the kernel gave it; never a write outside the headroom and frame. */
#include "fuzz.h"

#include "linux/decode.h"
#include "linux/decode_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct linux_decode_ctx ctx = {.abi = &linux_abi_64};
	struct linux_auxdata aux;
	struct tsc_pkt p = {0};
	size_t half = size / 2;

	memset(&aux, 0, sizeof(aux));
	linux_cmsg_decode_wire(&ctx, data, half, 0, &p, &aux);
	if (!linux_auxdata_has_vlan(&aux)) {
		return 0;
	}
	uint32_t caplen = (uint32_t)(size - half);
	uint8_t *buf = malloc(4 + (size_t)caplen + 1); /* exact: headroom + frame */
	memcpy(buf + 4, data + half, caplen);
	uint8_t *start = linux_vlan_reinsert(buf + 4, &caplen, &aux);
	if (start == buf) {
		FUZZ_ASSERT(caplen == size - half + 4, "caplen %u", caplen);
		FUZZ_ASSERT(memcmp(start, data + half, 12) == 0, "addresses moved intact");
		FUZZ_ASSERT(start[14] == (uint8_t)(aux.vlan_tci >> 8) &&
		                start[15] == (uint8_t)aux.vlan_tci,
		            "TCI in network order");
		FUZZ_ASSERT(memcmp(start + 16, data + half + 12, caplen - 16) == 0,
		            "the rest as given");
	} else {
		FUZZ_ASSERT(start == buf + 4 && size - half < 12, "only short frames stay");
	}
	free(buf);
	return 0;
}
