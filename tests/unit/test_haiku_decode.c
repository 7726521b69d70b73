/* backends/haiku/decode.h on control buffers laid out as Haiku's stack
 * writes them (struct cmsghdr of 12 bytes, CMSG_DATA and CMSG_NXTHDR at
 * _ALIGN, _ALIGNBYTES = sizeof(long) - 1: data at 16 and 8-byte steps on
 * x86_64, 12 and 4 on 32-bit x86). Haiku has no packet stamps; SCM_RIGHTS
 * is its only control message. Every buffer is decoded from an
 * exactly-sized heap copy so ASan sees any read past it. */
#include <stdlib.h>
#include <string.h>

#include "cbuf.h"
#include "check.h"
#include "haiku/decode.h"

static void rights(const struct cbuf *c, size_t len, struct cmsg_rights *r)
{
	uint8_t *copy = malloc(len ? len : 1);

	if (!copy) {
		abort();
	}
	memcpy(copy, c->b, len);
	haiku_rights_decode(c->abi, copy, len, r);
	free(copy);
}

/* SCM_RIGHTS with two descriptors, on x86_64: as the literal bytes show,
 * SOL_SOCKET is -1 and the data starts at 16. */
static void test_rights_64(void)
{
	static const uint8_t want[] = {
	    0x18, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x01, 0, 0, 0, 0, 0, 0, 0, /* len 24, -1, 1 */
	    0x04, 0, 0, 0, 0x05, 0,    0,    0,                               /* fds 4, 5 */
	    0x14, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x01, 0, 0, 0, 0, 0, 0, 0, /* len 20 */
	    0x06, 0, 0, 0, 0,    0,    0,    0, /* fd 6, 4 bytes to _ALIGN */
	};
	struct cmsg_rights r;
	struct cbuf c;

	cb_init(&c, &haiku_abi_64);
	cb_add(&c, HAIKU_SOL_SOCKET, HAIKU_SCM_RIGHTS, (const uint8_t[]){4, 0, 0, 0, 5, 0, 0, 0},
	       8);
	cb_add(&c, HAIKU_SOL_SOCKET, HAIKU_SCM_RIGHTS, (const uint8_t[]){6, 0, 0, 0}, 4);
	CHECK_EQ_U64(c.len, sizeof(want));
	CHECK_MEM(c.b, want, sizeof(want));
	rights(&c, c.len, &r);
	CHECK_EQ_U64(r.msgs, 2);
	CHECK_EQ_U64(r.n, 3);
	CHECK_EQ_U64(r.fds[0], 4);
	CHECK_EQ_U64(r.fds[2], 6);
	CHECK_EQ_U64(r.bad + r.other + (unsigned)r.malformed, 0);

	/* Every cut: a header whose cmsg_len runs past the cut is malformed;
	 * fewer than 12 bytes left is the end. */
	for (size_t cut = 0; cut < c.len; cut++) {
		rights(&c, cut, &r);
		CHECK_EQ_U64(r.malformed, (cut >= 12 && cut < 24) || (cut >= 36 && cut < 44));
		CHECK_EQ_U64(r.n, cut < 24 ? 0 : cut < 44 ? 2 : 3);
	}
}

/* 32-bit x86: data right after the 12-byte header, 4-byte steps. */
static void test_rights_32(void)
{
	struct cmsg_rights r;
	struct cbuf c;

	cb_init(&c, &haiku_abi_32);
	cb_add(&c, HAIKU_SOL_SOCKET, HAIKU_SCM_RIGHTS, (const uint8_t[]){7, 0, 0, 0}, 4);
	cb_add(&c, HAIKU_SOL_SOCKET, HAIKU_SCM_RIGHTS, (const uint8_t[]){8, 0, 0, 0}, 4);
	CHECK_EQ_U64(c.len, 32);
	CHECK_EQ_U64(c.b[16], 16); /* second cmsg_len at 16 */
	rights(&c, c.len, &r);
	CHECK_EQ_U64(r.n, 2);
	CHECK_EQ_U64(r.fds[1], 8);

	/* The same bytes under the 64-bit layout do not decode as two fds. */
	c.abi = &haiku_abi_64;
	rights(&c, c.len, &r);
	CHECK(r.n != 2 || r.fds[0] != 7);
}

static void test_odd(void)
{
	struct cmsg_rights r;
	struct cbuf c;
	struct tsc_pkt p;

	/* Six bytes of descriptors, and Linux's SOL_SOCKET (1) which is not
	 * Haiku's. */
	cb_init(&c, &haiku_abi_64);
	cb_add(&c, HAIKU_SOL_SOCKET, HAIKU_SCM_RIGHTS, (const uint8_t[]){1, 0, 0, 0, 2, 0}, 6);
	cb_add(&c, 1, 1, (const uint8_t[]){3, 0, 0, 0}, 4);
	rights(&c, c.len, &r);
	CHECK_EQ_U64(r.n, 1);
	CHECK_EQ_U64(r.bad, 1);
	CHECK_EQ_U64(r.other, 1);

	/* The capture's decoder files no stamp and flags the bad message. */
	memset(&p, 0, sizeof(p));
	CHECK_EQ_U64(haiku_cmsg_decode(&haiku_abi_64, c.b, c.len, 0, &p), 2);
	CHECK_EQ_U64(p.stamp_set, 0);
	CHECK_EQ_U64(p.flags, TSC_PKT_CBAD);
	memset(&p, 0, sizeof(p));
	CHECK_EQ_U64(haiku_cmsg_decode(&haiku_abi_64, NULL, 0, 1, &p), 0);
	CHECK_EQ_U64(p.flags, TSC_PKT_CTRUNC);

	/* cmsg_len past the end. */
	cb_init(&c, &haiku_abi_64);
	cb_add_len(&c, HAIKU_SOL_SOCKET, HAIKU_SCM_RIGHTS, (const uint8_t[]){1, 0, 0, 0}, 4, 100);
	rights(&c, c.len, &r);
	CHECK_EQ_U64(r.n, 0);
	CHECK_EQ_U64(r.malformed, 1);
}

/* SO_PEERCRED's struct ucred: pid_t, uid_t, gid_t. */
static void test_ucred(void)
{
	uint8_t b[12];
	struct haiku_cred cr;

	put_le(b, 77, 4);
	put_le(b + 4, 0, 4);
	put_le(b + 8, 100, 4);
	CHECK_EQ_U64(haiku_ucred_decode(b, 12, &cr), 0);
	CHECK_EQ_U64(cr.pid, 77);
	CHECK_EQ_U64(cr.uid, 0);
	CHECK_EQ_U64(cr.gid, 100);
	CHECK_EQ_U64(haiku_ucred_decode(b, 8, &cr), (uint64_t)-1);
}

/* Built on Haiku itself: the written-out layout is the system's own. */
static void test_native(void)
{
#if defined(__HAIKU__)
	const struct cmsg_abi *a = sizeof(long) == 8 ? &haiku_abi_64 : &haiku_abi_32;

	CHECK_EQ_U64(cmsg_abi_native.hdr_len, a->hdr_len);
	CHECK_EQ_U64(cmsg_abi_native.len_size, a->len_size);
	CHECK_EQ_U64(cmsg_abi_native.align, a->align);
#endif
}

int main(void)
{
	SKIP_UNLESS_LITTLE_ENDIAN();
	test_native();
	test_rights_64();
	test_rights_32();
	test_odd();
	test_ucred();
	return check_done();
}
