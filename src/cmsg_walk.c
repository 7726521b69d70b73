#include "cmsg_walk.h"

#include "bytes.h"

#include <string.h>
#include <sys/socket.h>

/* The host's own layout, taken from the host's headers. CMSG_ALIGN is
 * not POSIX (XNU and FreeBSD user space lack it); CMSG_SPACE(1) -
 * CMSG_LEN(0) is the alignment unit everywhere. */
const struct cmsg_abi cmsg_abi_native = {
    .hdr_len = (uint8_t)sizeof(struct cmsghdr),
    .len_size = (uint8_t)sizeof(((struct cmsghdr *)0)->cmsg_len),
    .align = (uint8_t)(CMSG_SPACE(1) - CMSG_LEN(0)),
};

static size_t align_up(size_t n, size_t a)
{
	return (n + a - 1) & ~(a - 1);
}

void cmsg_iter_init(struct cmsg_iter *it, const struct cmsg_abi *abi, const void *buf, size_t len)
{
	it->buf = buf;
	it->len = buf ? len : 0;
	it->off = 0;
	it->abi = abi;
}

int cmsg_next(struct cmsg_iter *it, struct cmsg_item *item)
{
	const struct cmsg_abi *abi = it->abi;
	size_t rest = it->len - it->off;

	/* Like CMSG_NXTHDR: less than a header left is the end. */
	if (rest < abi->hdr_len) {
		it->off = it->len;
		return 0;
	}
	const uint8_t *h = it->buf + it->off;
	uint64_t clen = tsc_load_uint(h, abi->len_size);
	size_t data_off = align_up(abi->hdr_len, abi->align);

	if (clen < data_off || clen > rest) {
		it->off = it->len;
		return -1;
	}
	memcpy(&item->level, h + abi->len_size, 4);
	memcpy(&item->type, h + abi->len_size + 4, 4);
	item->data = h + data_off;
	item->data_len = (size_t)clen - data_off;

	size_t step = align_up((size_t)clen, abi->align);
	it->off = step >= rest ? it->len : it->off + step;
	return 1;
}

unsigned cmsg_take_fds(const struct cmsg_item *c, int *fds, unsigned max, unsigned *n)
{
	for (size_t off = 0; off + 4 <= c->data_len; off += 4) {
		if (*n < max) {
			memcpy(&fds[*n], c->data + off, 4);
		}
		(*n)++;
	}
	return c->data_len % 4 ? 1u : 0u;
}

void cmsg_rights_collect(const struct cmsg_abi *abi, const void *ctl, size_t len, int32_t level,
                         int32_t type, struct cmsg_rights *out)
{
	struct cmsg_iter it;
	struct cmsg_item c;
	int r;

	memset(out, 0, sizeof(*out));
	cmsg_iter_init(&it, abi, ctl, len);
	while ((r = cmsg_next(&it, &c)) > 0) {
		if (c.level == level && c.type == type) {
			out->bad += cmsg_take_fds(&c, out->fds, CMSG_RIGHTS_MAX, &out->n);
			out->msgs++;
		} else {
			out->other++;
		}
	}
	out->malformed = r < 0;
}
