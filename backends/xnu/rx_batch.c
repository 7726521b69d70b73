/* Batched receive on XNU: recvmsg_x, a private system call (bsd/sys/
 * socket_private.h in XNU's sources; not in the SDK headers), looked up
 * at run time so a system without it falls back to recvmsg. Each
 * msghdr_x is a msghdr plus msg_datalen, the bytes received. */
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "posix.h"

struct msghdr_x {
	void *msg_name;
	socklen_t msg_namelen;
	struct iovec *msg_iov;
	int msg_iovlen;
	void *msg_control;
	socklen_t msg_controllen;
	int msg_flags;
	size_t msg_datalen;
};

typedef ssize_t (*recvmsg_x_fn)(int s, const struct msghdr_x *msgp, unsigned cnt, int flags);

struct os_batch {
	recvmsg_x_fn call;
	struct msghdr *msgs;
	struct msghdr_x *x;
};

struct os_batch *os_batch_open(struct msghdr *msgs, unsigned n)
{
	void *sym = dlsym(RTLD_DEFAULT, "recvmsg_x");
	struct os_batch *b;

	if (!sym || !(b = calloc(1, sizeof(*b)))) {
		return NULL;
	}
	memcpy(&b->call, &sym, sizeof(b->call));
	b->msgs = msgs;
	b->x = calloc(n, sizeof(*b->x));
	if (!b->x) {
		free(b);
		return NULL;
	}
	return b;
}

int os_batch_recv(struct os_batch *b, int fd, unsigned n, size_t *lens)
{
	for (unsigned i = 0; i < n; i++) {
		const struct msghdr *h = &b->msgs[i];
		b->x[i] =
		    (struct msghdr_x){h->msg_name,    h->msg_namelen,    h->msg_iov, h->msg_iovlen,
		                      h->msg_control, h->msg_controllen, 0,          0};
	}
	ssize_t got = b->call(fd, b->x, n, MSG_DONTWAIT);
	if (got < 0) {
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
	}
	for (ssize_t i = 0; i < got; i++) {
		struct msghdr *h = &b->msgs[i];
		h->msg_namelen = b->x[i].msg_namelen;
		h->msg_controllen = b->x[i].msg_controllen;
		h->msg_flags = b->x[i].msg_flags;
		lens[i] = b->x[i].msg_datalen;
	}
	return (int)got;
}

void os_batch_close(struct os_batch *b)
{
	free(b->x);
	free(b);
}
