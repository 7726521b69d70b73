/* backends/linux/decode_aux.h: SCM_RIGHTS, SCM_CREDENTIALS, SCM_PIDFD,
 * SCM_SECURITY from control buffers laid out as
 * Linux writes them, on the 64-bit and the 32-bit ABI; wrong lengths are
 * counted, never read past. Each buffer is decoded from an exactly-sized
 * heap copy so ASan sees any read past it. */
#include <stdlib.h>

#include "cbuf.h"
#include "check.h"
#include "linux/decode.h"
#include "linux/decode_aux.h"

static unsigned decode(const struct cbuf *c, size_t len, struct linux_aux *a)
{
	uint8_t *copy = malloc(len ? len : 1);

	if (!copy) {
		abort();
	}
	memcpy(copy, c->b, len);
	unsigned n = linux_aux_decode(c->abi, copy, len, a);
	free(copy);
	return n;
}

static void test_everything_at_once(const struct cmsg_abi *abi)
{
	struct cbuf c;
	struct linux_aux a;
	uint8_t fds[12], cred[12], i4[4];
	const char label[] = "system_u:system_r:sshd_t:s0";

	cb_init(&c, abi);
	put_le(fds, 7, 4), put_le(fds + 4, 9, 4), put_le(fds + 8, 12, 4);
	cb_add(&c, LNX_SOL_SOCKET, LNX_SCM_RIGHTS, fds, 12);
	put_le(cred, 4242, 4), put_le(cred + 4, 1000, 4), put_le(cred + 8, 100, 4);
	cb_add(&c, LNX_SOL_SOCKET, LNX_SCM_CREDENTIALS, cred, 12);
	put_le(i4, 15, 4);
	cb_add(&c, LNX_SOL_SOCKET, LNX_SCM_PIDFD, i4, 4);
	cb_add(&c, LNX_SOL_SOCKET, LNX_SCM_SECURITY, label, sizeof(label)); /* with its NUL */
	put_le(i4, 5, 4);
	cb_add(&c, LNX_SOL_SOCKET, LNX_SO_RXQ_OVFL, i4, 4); /* not this decoder's */

	CHECK_EQ_U64(decode(&c, c.len, &a), 4);
	CHECK_EQ_U64(a.nfds, 3);
	CHECK_EQ_U64(a.fds[0], 7);
	CHECK_EQ_U64(a.fds[2], 12);
	CHECK(a.has_cred);
	CHECK_EQ_U64(a.pid, 4242);
	CHECK_EQ_U64(a.uid, 1000);
	CHECK_EQ_U64(a.gid, 100);
	CHECK_EQ_U64(a.pidfd, 15);
	CHECK(a.has_label);
	CHECK_STR(a.label, label);
	CHECK_EQ_U64(a.bad, 0);
}

static void test_nothing_and_defaults(void)
{
	struct cbuf c;
	struct linux_aux a;

	cb_init(&c, &linux_abi_64);
	CHECK_EQ_U64(decode(&c, 0, &a), 0);
	CHECK_EQ_U64(a.nfds, 0);
	CHECK(!a.has_cred && !a.has_label);
	CHECK(a.pidfd == -1);
}

/* A label without its NUL, and one longer than the buffer: cut, ended. */
static void test_labels(void)
{
	struct cbuf c;
	struct linux_aux a;
	char big[300];

	cb_init(&c, &linux_abi_64);
	cb_add(&c, LNX_SOL_SOCKET, LNX_SCM_SECURITY, "unconfined", 10);
	decode(&c, c.len, &a);
	CHECK_STR(a.label, "unconfined");

	memset(big, 'x', sizeof(big));
	cb_init(&c, &linux_abi_64);
	cb_add(&c, LNX_SOL_SOCKET, LNX_SCM_SECURITY, big, sizeof(big));
	decode(&c, c.len, &a);
	CHECK_EQ_U64(strlen(a.label), sizeof(a.label) - 1);
}

/* More descriptors than kept: all counted, the first 16 kept. */
static void test_many_fds(void)
{
	struct cbuf c;
	struct linux_aux a;
	uint8_t fds[4 * 20];

	for (unsigned i = 0; i < 20; i++) {
		put_le(fds + 4 * i, 100 + i, 4);
	}
	cb_init(&c, &linux_abi_64);
	cb_add(&c, LNX_SOL_SOCKET, LNX_SCM_RIGHTS, fds, sizeof(fds));
	decode(&c, c.len, &a);
	CHECK_EQ_U64(a.nfds, 20);
	CHECK_EQ_U64(a.fds[15], 115);
}

/* Wrong lengths are counted as bad and leave the fields unset; a length
 * running past the buffer stops the walk without reading past it. */
static void test_malformed(void)
{
	struct cbuf c;
	struct linux_aux a;
	uint8_t d[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

	cb_init(&c, &linux_abi_64);
	cb_add(&c, LNX_SOL_SOCKET, LNX_SCM_CREDENTIALS, d, 8);
	cb_add(&c, LNX_SOL_SOCKET, LNX_SCM_PIDFD, d, 8);
	cb_add(&c, LNX_SOL_SOCKET, LNX_SCM_RIGHTS, d, 6);
	decode(&c, c.len, &a);
	CHECK_EQ_U64(a.bad, 3);
	CHECK(!a.has_cred && a.pidfd == -1);
	CHECK_EQ_U64(a.nfds, 1); /* the one whole descriptor in 6 bytes */

	cb_init(&c, &linux_abi_32);
	cb_add_len(&c, LNX_SOL_SOCKET, LNX_SCM_PIDFD, d, 4, 400);
	CHECK_EQ_U64(decode(&c, c.len, &a), 0);
	CHECK(a.pidfd == -1);
	for (size_t cut = 0; cut < c.len; cut++) {
		decode(&c, cut, &a); /* every prefix: ASan watches */
	}
}

int main(void)
{
	test_everything_at_once(&linux_abi_64);
	test_everything_at_once(&linux_abi_32);
	test_nothing_and_defaults();
	test_labels();
	test_many_fds();
	test_malformed();
	return check_done();
}
