/* Control buffers for the decoder tests, written the way each kernel's
 * put_cmsg writes them: header (cmsg_len of the ABI's width, level, type),
 * data, padding to the ABI's alignment. */
#ifndef TSCAP_TEST_CBUF_H
#define TSCAP_TEST_CBUF_H

#include <stdint.h>
#include <string.h>

#include "cmsg_walk.h"

/* A control buffer written the way the kernel's put_cmsg writes it. */

struct cbuf {
	const struct cmsg_abi *abi;
	uint8_t b[1024];
	size_t len;
};

static inline void put_le(uint8_t *p, uint64_t v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		p[i] = (uint8_t)(v >> (8 * i));
	}
}

static inline size_t align_to(size_t n, size_t a)
{
	return (n + a - 1) / a * a;
}

static inline void cb_init(struct cbuf *c, const struct cmsg_abi *abi)
{
	c->abi = abi;
	c->len = 0;
	memset(c->b, 0, sizeof(c->b));
}

/* cmsg_len = CMSG_LEN(n) = aligned header + n; the next message starts at
 * CMSG_SPACE(n). cmsg_len may be given explicitly (clen != 0) to lie. */
static inline void cb_add_len(struct cbuf *c, int32_t level, int32_t type, const void *data,
                              size_t n, uint64_t clen)
{
	uint8_t *h = c->b + c->len;
	size_t data_off = align_to(c->abi->hdr_len, c->abi->align);

	put_le(h, clen ? clen : data_off + n, c->abi->len_size);
	put_le(h + c->abi->len_size, (uint32_t)level, 4);
	put_le(h + c->abi->len_size + 4, (uint32_t)type, 4);
	memcpy(h + data_off, data, n);
	c->len += align_to(data_off + n, c->abi->align);
}

static inline void cb_add(struct cbuf *c, int32_t level, int32_t type, const void *data, size_t n)
{
	cb_add_len(c, level, type, data, n, 0);
}

#endif
