/* POSIX sending: a connected UDP socket, one send() per datagram (no OS
 * here batches sends), no TX stamps. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "posix.h"

struct tsc_tx {
	int fd;
};

int tsc_tx_open(const struct tsc_endpoint *target, const struct tsc_tx_opts *opts,
                struct tsc_tx **out)
{
	struct tsc_tx *tx = calloc(1, sizeof(*tx));
	struct sockaddr_storage ss;
	socklen_t len;
	unsigned ifindex = 0;
	int r;

	if (!tx) {
		tsc_err("out of memory");
		return -ENOMEM;
	}
	if (opts->stamps) {
		tsc_note("%s: no TX stamps on %s", target->text, os_backend_name);
	}
	if (target->ifname[0] && !(ifindex = if_nametoindex(target->ifname))) {
		tsc_err("%s: no interface named '%s'", target->text, target->ifname);
		r = -ENODEV;
		goto no_socket;
	}
	tx->fd = socket(target->family == TSC_AF_INET ? AF_INET : AF_INET6, SOCK_DGRAM, 0);
	if (tx->fd < 0) {
		r = -errno;
		tsc_err("%s: socket: %s", target->text, strerror(-r));
		goto no_socket;
	}
	if (opts->sndbuf) {
		int v = (int)opts->sndbuf;
		setsockopt(tx->fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v));
	}
	tsc_sockaddr_endpoint(target, ifindex, &ss, &len);
	if (connect(tx->fd, (struct sockaddr *)&ss, len) < 0) {
		r = -errno;
		tsc_err("%s: cannot send there: %s", target->text, strerror(-r));
		goto no_config;
	}
	*out = tx;
	return 0;

no_config:
	close(tx->fd);
no_socket:
	free(tx);
	return r;
}

int tsc_tx_send(struct tsc_tx *tx, uint8_t *const *bufs, const uint32_t *lens, unsigned n)
{
	unsigned sent = 0;

	while (sent < n) {
		if (send(tx->fd, bufs[sent], lens[sent], 0) < 0) {
			/* ECONNREFUSED: an earlier datagram met a closed port;
			 * this one was not sent and the error is cleared. */
			if (errno == EINTR || errno == ECONNREFUSED) {
				continue;
			}
			return sent ? (int)sent : -errno;
		}
		sent++;
	}
	return (int)sent;
}

int tsc_tx_stamps(struct tsc_tx *tx, struct tsc_tx_stamp *out, unsigned max)
{
	(void)tx, (void)out, (void)max;
	return 0;
}

void tsc_tx_close(struct tsc_tx *tx)
{
	if (tx) {
		close(tx->fd);
		free(tx);
	}
}
