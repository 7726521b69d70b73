/* src/cmsg_walk.c on arbitrary bytes under every layout tscap decodes:
 * Linux 64-bit (16/8/8), Linux 32-bit and XNU (12/4/4), FreeBSD 64-bit
 * (12/4/8), and the host's own. Checked against the header bytes: each
 * item is a whole message inside the buffer at an aligned offset after
 * the previous one, with the level, type and length its header says; the
 * walk ends exactly when less than a header is left (0) or at the first
 * header whose length is shorter than a header or runs past the buffer
 * (-1), and stays ended. A walk of a prefix of the buffer (what MSG_CTRUNC
 * leaves) yields a prefix of the same messages. */
#include "fuzz.h"

#include "bytes.h"
#include "cmsg_walk.h"

static const struct cmsg_abi abis[] = {
    {.hdr_len = 16, .len_size = 8, .align = 8},
    {.hdr_len = 12, .len_size = 4, .align = 4},
    {.hdr_len = 12, .len_size = 4, .align = 8},
};

#define MAX_ITEMS 4096

static size_t up(size_t n, size_t a)
{
	return (n + a - 1) / a * a;
}

/* Walks buf[0, len); returns the number of items, their data offsets in
 * off[] (up to MAX_ITEMS). */
static size_t walk(const struct cmsg_abi *abi, const uint8_t *buf, size_t len, size_t *off)
{
	const size_t data_off = up(abi->hdr_len, abi->align);
	struct cmsg_iter it;
	struct cmsg_item c;
	size_t n = 0, pos = 0;
	int r;

	cmsg_iter_init(&it, abi, buf, len);
	while ((r = cmsg_next(&it, &c)) > 0) {
		FUZZ_ASSERT(n < MAX_ITEMS && n <= len / data_off, "item %zu of a %zu-byte buffer",
		            n, len);
		const uint8_t *h = buf + pos;
		uint64_t clen = tsc_load_uint(h, abi->len_size);
		int32_t level, type;
		memcpy(&level, h + abi->len_size, 4);
		memcpy(&type, h + abi->len_size + 4, 4);
		FUZZ_ASSERT(c.data == h + data_off, "item %zu: data at %td, header at %zu", n,
		            c.data - buf, pos);
		FUZZ_ASSERT(clen == data_off + c.data_len && pos + clen <= len,
		            "item %zu: cmsg_len %llu, data_len %zu, at %zu of %zu", n,
		            (unsigned long long)clen, c.data_len, pos, len);
		FUZZ_ASSERT(c.level == level && c.type == type, "item %zu: level/type", n);
		fuzz_touch(c.data, c.data_len);
		off[n++] = pos;
		pos += up((size_t)clen, abi->align);
	}
	FUZZ_ASSERT(r == 0 || r == -1, "cmsg_next returned %d", r);
	if (r == 0) {
		FUZZ_ASSERT(pos >= len || len - pos < abi->hdr_len,
		            "walk ended with %zu bytes left at %zu", len - pos, pos);
	} else {
		FUZZ_ASSERT(pos < len && len - pos >= abi->hdr_len, "malformed without a header");
		uint64_t clen = tsc_load_uint(buf + pos, abi->len_size);
		FUZZ_ASSERT(clen < data_off || clen > len - pos,
		            "header at %zu with cmsg_len %llu called malformed", pos,
		            (unsigned long long)clen);
	}
	FUZZ_ASSERT(cmsg_next(&it, &c) == 0 && cmsg_next(&it, &c) == 0,
	            "the walk did not stay ended");
	return n;
}

static size_t off_full[MAX_ITEMS], off_part[MAX_ITEMS];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cmsg_iter it;
	struct cmsg_item c;

	if (size > MAX_ITEMS * 8) {
		return 0; /* control buffers are small; keeps off[] bounded */
	}
	for (size_t i = 0; i <= sizeof(abis) / sizeof(abis[0]); i++) {
		const struct cmsg_abi *abi =
		    i < sizeof(abis) / sizeof(abis[0]) ? &abis[i] : &cmsg_abi_native;
		size_t n = walk(abi, data, size, off_full);
		/* MSG_CTRUNC: the kernel stopped writing at some byte. */
		size_t cut = size ? data[0] % (size + 1) : 0;
		size_t m = walk(abi, data, cut, off_part);
		FUZZ_ASSERT(m <= n && memcmp(off_part, off_full, m * sizeof(size_t)) == 0,
		            "the walk of a %zu-byte prefix is not a prefix of the walk", cut);
	}
	/* No buffer at all, whatever length comes with it. */
	cmsg_iter_init(&it, &abis[0], NULL, size);
	FUZZ_ASSERT(cmsg_next(&it, &c) == 0, "a NULL buffer has messages");
	return 0;
}
