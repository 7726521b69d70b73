/* backends/linux/decode_aux.c on arbitrary bytes: SCM_RIGHTS, SCM_CREDENTIALS,
 * SCM_PIDFD and SCM_SECURITY under the 64-bit and 32-bit layouts. What it
 * reports is checked against the messages the walker finds: every
 * descriptor counted, the first 16 kept in order, the label a C string
 * inside its array, wrong lengths counted as bad. */
#include "fuzz.h"

#include "linux/decode.h"
#include "linux/decode_aux.h"

static int32_t i32(const uint8_t *p)
{
	int32_t v;

	memcpy(&v, p, 4);
	return v;
}

static void check(const struct cmsg_abi *abi, const uint8_t *ctl, size_t len)
{
	struct linux_aux aux;
	struct cmsg_iter it;
	struct cmsg_item c;
	unsigned known = 0, nfds = 0, bad = 0, has_label = 0, has_cred = 0;
	int32_t pidfd = -1;

	memset(&aux, 0x5a, sizeof(aux));
	unsigned got = linux_aux_decode(abi, ctl, len, &aux);

	cmsg_iter_init(&it, abi, ctl, len);
	while (cmsg_next(&it, &c) > 0) {
		if (c.level != LNX_SOL_SOCKET) {
			continue;
		}
		switch (c.type) {
		case LNX_SCM_RIGHTS:
			for (size_t off = 0; off + 4 <= c.data_len; off += 4, nfds++) {
				FUZZ_ASSERT(nfds >= LINUX_AUX_FDS ||
				                aux.fds[nfds] == i32(c.data + off),
				            "descriptor %u", nfds);
			}
			bad += c.data_len % 4 != 0;
			break;
		case LNX_SCM_CREDENTIALS:
			has_cred |= c.data_len == 12;
			bad += c.data_len != 12;
			break;
		case LNX_SCM_PIDFD:
			pidfd = c.data_len == 4 ? i32(c.data) : pidfd;
			bad += c.data_len != 4;
			break;
		case LNX_SCM_SECURITY:
			has_label = 1;
			break;
		default:
			continue;
		}
		known++;
	}
	FUZZ_ASSERT(got == known, "decoder recognised %u, walker finds %u", got, known);
	FUZZ_ASSERT(aux.nfds == nfds, "decoder counts %u descriptors, walker %u", aux.nfds, nfds);
	FUZZ_ASSERT(aux.bad == bad, "decoder counts %u bad, walker %u", aux.bad, bad);
	FUZZ_ASSERT(aux.has_cred == (int)has_cred, "credentials %d", aux.has_cred);
	FUZZ_ASSERT(aux.pidfd == pidfd, "pidfd %d, walker %d", aux.pidfd, pidfd);
	FUZZ_ASSERT(aux.has_label == (int)has_label, "label %d", aux.has_label);
	FUZZ_ASSERT(memchr(aux.label, 0, sizeof(aux.label)) != NULL || !has_label,
	            "label not terminated inside its array");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check(&linux_abi_64, data, size);
	check(&linux_abi_32, data, size);
	return 0;
}
