#include "decode_aux.h"

#include <string.h>

#include "decode.h"

static int32_t load_i32(const uint8_t *p)
{
	int32_t v;

	memcpy(&v, p, 4);
	return v;
}

static int decode_socket(const struct cmsg_item *c, struct linux_aux *aux)
{
	switch (c->type) {
	case LNX_SCM_RIGHTS:
		aux->bad += cmsg_take_fds(c, aux->fds, LINUX_AUX_FDS, &aux->nfds);
		return 1;
	case LNX_SCM_CREDENTIALS: /* struct ucred: pid, uid, gid */
		if (c->data_len != 12) {
			aux->bad++;
			return 1;
		}
		aux->has_cred = 1;
		aux->pid = load_i32(c->data);
		memcpy(&aux->uid, c->data + 4, 4);
		memcpy(&aux->gid, c->data + 8, 4);
		return 1;
	case LNX_SCM_PIDFD:
		if (c->data_len != 4) {
			aux->bad++;
			return 1;
		}
		aux->pidfd = load_i32(c->data);
		return 1;
	case LNX_SCM_SECURITY: {
		/* The label's length is the message's; a trailing NUL is optional. */
		size_t n = c->data_len < sizeof(aux->label) ? c->data_len : sizeof(aux->label) - 1;
		memcpy(aux->label, c->data, n);
		aux->label[n] = 0;
		aux->has_label = 1;
		return 1;
	}
	}
	return 0;
}

unsigned linux_aux_decode(const struct cmsg_abi *abi, const void *ctl, size_t len,
                          struct linux_aux *aux)
{
	struct cmsg_iter it;
	struct cmsg_item c;
	unsigned known = 0;

	memset(aux, 0, sizeof(*aux));
	aux->pidfd = -1;
	cmsg_iter_init(&it, abi, ctl, len);
	while (cmsg_next(&it, &c) > 0) {
		if (c.level == LNX_SOL_SOCKET) {
			known += (unsigned)decode_socket(&c, aux);
		}
	}
	return known;
}
