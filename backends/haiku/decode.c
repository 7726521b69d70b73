#include "decode.h"

#include <string.h>

const struct cmsg_abi haiku_abi_64 = {.hdr_len = 12, .len_size = 4, .align = 8};
const struct cmsg_abi haiku_abi_32 = {.hdr_len = 12, .len_size = 4, .align = 4};

unsigned haiku_cmsg_decode(const struct cmsg_abi *abi, const void *ctl, size_t len, int msg_ctrunc,
                           struct tsc_pkt *pkt)
{
	struct cmsg_rights r;

	cmsg_rights_collect(abi, ctl, len, HAIKU_SOL_SOCKET, HAIKU_SCM_RIGHTS, &r);
	if (msg_ctrunc) {
		pkt->flags |= TSC_PKT_CTRUNC;
	}
	if (r.malformed || r.bad) {
		pkt->flags |= TSC_PKT_CBAD;
	}
	return r.msgs + r.other;
}

void haiku_rights_decode(const struct cmsg_abi *abi, const void *ctl, size_t len,
                         struct cmsg_rights *out)
{
	cmsg_rights_collect(abi, ctl, len, HAIKU_SOL_SOCKET, HAIKU_SCM_RIGHTS, out);
}

int haiku_ucred_decode(const void *buf, size_t len, struct haiku_cred *out)
{
	if (len != HAIKU_UCRED_LEN) {
		return -1;
	}
	memcpy(&out->pid, buf, 4);
	memcpy(&out->uid, (const uint8_t *)buf + 4, 4);
	memcpy(&out->gid, (const uint8_t *)buf + 8, 4);
	return 0;
}
