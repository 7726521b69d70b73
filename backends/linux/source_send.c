/* Sending from a source's socket (tscap reflect answers, tscap ping
 * probes), with the datagram's id for its TX stamps chosen per send
 * (SCM_TS_OPT_ID, Linux 6.13) where the kernel allows it, and the source
 * address chosen per send (IP_PKTINFO / IPV6_PKTINFO) on wildcard
 * sockets. */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "compat.h"
#include "source.h"

/* Appends one control message; returns the new length. */
static size_t put_cmsg(uint8_t *ctl, size_t used, int level, int type, const void *data, size_t len)
{
	struct cmsghdr h = {.cmsg_len = CMSG_LEN(len), .cmsg_level = level, .cmsg_type = type};

	memcpy(ctl + used, &h, sizeof(h));
	memcpy(ctl + used + CMSG_LEN(0), data, len);
	return used + CMSG_SPACE(len);
}

static size_t source_address(const struct tsc_source *src, const struct tsc_addr *from,
                             uint8_t *ctl, size_t used)
{
	if (!from || !src->ep.wildcard || from->family == TSC_AF_NONE) {
		return used;
	}
	if (from->family == TSC_AF_INET) {
		struct in_pktinfo pi = {0};
		memcpy(&pi.ipi_spec_dst, from->addr, 4);
		return put_cmsg(ctl, used, IPPROTO_IP, IP_PKTINFO, &pi, sizeof(pi));
	}
	struct in6_pktinfo pi6 = {0};
	memcpy(&pi6.ipi6_addr, from->addr, 16);
	return put_cmsg(ctl, used, IPPROTO_IPV6, IPV6_PKTINFO, &pi6, sizeof(pi6));
}

int64_t tsc_source_send(struct tsc_source *src, const struct tsc_addr *to,
                        const struct tsc_addr *from, const void *buf, size_t len, uint32_t want_id)
{
	union {
		struct cmsghdr align;
		uint8_t b[CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(uint32_t))];
	} ctl;
	struct sockaddr_storage ss;
	socklen_t sslen;
	struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};

	tsc_sockaddr(src->ep.family, to, 0, &ss, &sslen);
	for (;;) {
		size_t used = source_address(src, from, ctl.b, 0);
		int with_id = src->tx_stamps && src->opt_id_cmsg != 0;
		if (with_id) {
			used = put_cmsg(ctl.b, used, SOL_SOCKET, SCM_TS_OPT_ID, &want_id,
			                sizeof(want_id));
		}
		struct msghdr h = {.msg_name = &ss,
		                   .msg_namelen = sslen,
		                   .msg_iov = &iov,
		                   .msg_iovlen = 1,
		                   .msg_control = used ? ctl.b : NULL,
		                   .msg_controllen = used};
		if (sendmsg(src->fd, &h, MSG_DONTWAIT) >= 0) {
			if (with_id) {
				src->opt_id_cmsg = 1;
			}
			return with_id ? (int64_t)want_id : (int64_t)src->tx_count++;
		}
		if (errno == EINVAL && with_id && src->opt_id_cmsg < 0) {
			src->opt_id_cmsg = 0; /* before 6.13: the kernel counts */
			continue;
		}
		return -errno;
	}
}

int tsc_source_tx_stamps(struct tsc_source *src, struct tsc_tx_stamp *out, unsigned max)
{
	return linux_errqueue_read(src->fd, &src->dctx, out, max);
}
