/* Writes the seed corpus that does not come from a capture tool (see
 * make-corpus): control buffers as the Linux kernel writes them, both
 * from the unit tests' builder (cbuf.h: put_cmsg's layout, 64-bit and
 * 32-bit) and received live on loopback here; ethtool ts info and
 * hwtstamp_config of real drivers and of lo; STAMP packets from the codec;
 * endpoint strings; option lines.
 *   fuzz_seeds DIR   (DIR/<target>/<name>) */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/errqueue.h>
#include <linux/ethtool.h>
#include <linux/net_tstamp.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "cbuf.h"
#include "linux/decode.h"
#include "linux/decode_aux.h"
#include "stamp.h"

static const char *root;

static void put(const char *target, const char *name, const void *data, size_t len)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", root, target);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/%s", root, target, name);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
		fprintf(stderr, "fuzz_seeds: cannot write %s: %s\n", path, strerror(errno));
		exit(1);
	}
}

/* A control buffer for every decoder target. */
static void put_cmsg(const char *name, const struct cbuf *c, int aux)
{
	put("cmsg_walk", name, c->b, c->len);
	put(aux ? "linux_decode_aux" : "linux_decode", name, c->b, c->len);
}

static void pair(uint8_t *p, size_t w, int64_t a, int64_t b)
{
	put_le(p, (uint64_t)a, w);
	put_le(p + w, (uint64_t)b, w);
}

static void built(const struct cmsg_abi *abi, const char *tag)
{
	struct cbuf c;
	uint8_t d[64];
	char name[96];
	size_t w = abi->len_size; /* the native long */
	int32_t i4;

	/* SO_TIMESTAMPING (old: native long; new: 64-bit) with software and
	 * raw hardware stamps, the drop counter, IP_PKTINFO and the TTL. */
	for (int is_new = 0; is_new <= 1; is_new++) {
		size_t tw = is_new ? 8 : w;
		cb_init(&c, abi);
		memset(d, 0, sizeof(d));
		pair(d, tw, 1700000000, 123456789);
		pair(d + 4 * tw, tw, 1700000037, 500);
		cb_add(&c, LNX_SOL_SOCKET,
		       is_new ? LNX_SO_TIMESTAMPING_NEW : LNX_SO_TIMESTAMPING_OLD, d, 6 * tw);
		i4 = 3;
		cb_add(&c, LNX_SOL_SOCKET, LNX_SO_RXQ_OVFL, &i4, 4);
		memset(d, 0, 12);
		put_le(d, 1, 4);
		memcpy(d + 8, "\x7f\x00\x00\x01", 4);
		cb_add(&c, LNX_SOL_IP, LNX_IP_PKTINFO, d, 12);
		i4 = 64;
		cb_add(&c, LNX_SOL_IP, LNX_IP_TTL, &i4, 4);
		snprintf(name, sizeof(name), "%s-timestamping-%s-ovfl-pktinfo-ttl", tag,
		         is_new ? "new" : "old");
		put_cmsg(name, &c, 0);
	}
	/* SO_TIMESTAMPNS / SO_TIMESTAMP, IPv6 pktinfo and hop limit,
	 * SCM_TIMESTAMPING_PKTINFO. */
	cb_init(&c, abi);
	pair(d, w, 1700000000, 123456789);
	cb_add(&c, LNX_SOL_SOCKET, LNX_SO_TIMESTAMPNS_OLD, d, 2 * w);
	pair(d, 8, 1700000000, 123456);
	cb_add(&c, LNX_SOL_SOCKET, LNX_SO_TIMESTAMP_NEW, d, 16);
	memset(d, 0, 20);
	d[15] = 1;
	put_le(d + 16, 1, 4);
	cb_add(&c, LNX_SOL_IPV6, LNX_IPV6_PKTINFO, d, 20);
	i4 = 255;
	cb_add(&c, LNX_SOL_IPV6, LNX_IPV6_HOPLIMIT, &i4, 4);
	memset(d, 0, 16);
	put_le(d, 2, 4);
	put_le(d + 4, 100, 4);
	cb_add(&c, LNX_SOL_SOCKET, LNX_SCM_TIMESTAMPING_PKTINFO, d, 16);
	snprintf(name, sizeof(name), "%s-timestampns-timestamp-pktinfo6-hoplimit", tag);
	put_cmsg(name, &c, 0);

	/* Error queue: a TX_SND stamp (software and hardware) reported with
	 * sock_extended_err (ENOMSG, origin TIMESTAMPING, info SND, id 41). */
	cb_init(&c, abi);
	memset(d, 0, sizeof(d));
	pair(d, w, 1700000000, 1000);
	pair(d + 4 * w, w, 1700000037, 2000);
	cb_add(&c, LNX_SOL_SOCKET, LNX_SO_TIMESTAMPING_OLD, d, 6 * w);
	memset(d, 0, 32);
	put_le(d, LNX_ENOMSG, 4);
	d[4] = LNX_SO_EE_ORIGIN_TIMESTAMPING;
	put_le(d + 8, LNX_SCM_TSTAMP_SND, 4);
	put_le(d + 12, 41, 4);
	cb_add(&c, LNX_SOL_IP, LNX_IP_RECVERR, d, 16 + 16); /* + sockaddr_in offender */
	snprintf(name, sizeof(name), "%s-errqueue-tx-snd", tag);
	put_cmsg(name, &c, 0);

	/* What a unix socket passes. */
	cb_init(&c, abi);
	int32_t fds[3] = {5, 6, 7};
	cb_add(&c, LNX_SOL_SOCKET, LNX_SCM_RIGHTS, fds, sizeof(fds));
	int32_t cred[3] = {1234, 1000, 1000};
	cb_add(&c, LNX_SOL_SOCKET, LNX_SCM_CREDENTIALS, cred, sizeof(cred));
	i4 = 9;
	cb_add(&c, LNX_SOL_SOCKET, LNX_SCM_PIDFD, &i4, 4);
	cb_add(&c, LNX_SOL_SOCKET, LNX_SCM_SECURITY, "unconfined", 11);
	snprintf(name, sizeof(name), "%s-rights-creds-pidfd-security", tag);
	put_cmsg(name, &c, 1);

	/* A length that runs past the buffer after one good message. */
	cb_init(&c, abi);
	i4 = 1;
	cb_add(&c, LNX_SOL_SOCKET, LNX_SO_RXQ_OVFL, &i4, 4);
	cb_add_len(&c, LNX_SOL_SOCKET, LNX_SO_RXQ_OVFL, &i4, 4, 4096);
	snprintf(name, sizeof(name), "%s-length-past-end", tag);
	put_cmsg(name, &c, 0);
}

/* One datagram over loopback with every receive option, its control
 * buffer as the running kernel wrote it. */
static void live_udp(int family)
{
	int rx = socket(family, SOCK_DGRAM, 0), tx = socket(family, SOCK_DGRAM, 0);
	struct sockaddr_storage ss = {0};
	socklen_t sl = family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
	int one = 1;
	int flags = SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE |
	            SOF_TIMESTAMPING_RAW_HARDWARE | SOF_TIMESTAMPING_OPT_PKTINFO;

	ss.ss_family = (sa_family_t)family;
	if (family == AF_INET) {
		((struct sockaddr_in *)&ss)->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		setsockopt(rx, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one));
		setsockopt(rx, IPPROTO_IP, IP_RECVTTL, &one, sizeof(one));
	} else {
		((struct sockaddr_in6 *)&ss)->sin6_addr = in6addr_loopback;
		setsockopt(rx, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one));
		setsockopt(rx, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &one, sizeof(one));
	}
	setsockopt(rx, SOL_SOCKET, SO_TIMESTAMPING, &flags, sizeof(flags));
	setsockopt(rx, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one));
	setsockopt(rx, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof(one));
	if (bind(rx, (struct sockaddr *)&ss, sl) < 0 ||
	    getsockname(rx, (struct sockaddr *)&ss, &sl) < 0 ||
	    sendto(tx, "seed", 4, 0, (struct sockaddr *)&ss, sl) != 4) {
		fprintf(stderr, "fuzz_seeds: live UDP: %s\n", strerror(errno));
		exit(1);
	}
	uint8_t data[64], ctl[512];
	struct iovec iov = {data, sizeof(data)};
	struct msghdr m = {
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof(ctl)};
	if (recvmsg(rx, &m, 0) < 0) {
		fprintf(stderr, "fuzz_seeds: recvmsg: %s\n", strerror(errno));
		exit(1);
	}
	struct cbuf c = {.len = m.msg_controllen};
	memcpy(c.b, ctl, c.len);
	put_cmsg(family == AF_INET ? "live-udp4-rx" : "live-udp6-rx", &c, 0);

	/* TX stamps from the error queue of the sending socket. */
	int txf = SOF_TIMESTAMPING_TX_SOFTWARE | SOF_TIMESTAMPING_TX_SCHED |
	          SOF_TIMESTAMPING_SOFTWARE | SOF_TIMESTAMPING_OPT_ID | SOF_TIMESTAMPING_OPT_TSONLY;
	setsockopt(tx, SOL_SOCKET, SO_TIMESTAMPING, &txf, sizeof(txf));
	sendto(tx, "seed", 4, 0, (struct sockaddr *)&ss, sl);
	for (int i = 0; i < 2; i++) {
		usleep(20000);
		m.msg_controllen = sizeof(ctl);
		if (recvmsg(tx, &m, MSG_ERRQUEUE | MSG_DONTWAIT) < 0) {
			break;
		}
		c.len = m.msg_controllen;
		memcpy(c.b, ctl, c.len);
		char name[64];
		snprintf(name, sizeof(name), "live-udp%d-errqueue-%d", family == AF_INET ? 4 : 6,
		         i);
		put_cmsg(name, &c, 0);
	}
	close(rx);
	close(tx);
}

static void live_unix(void)
{
	int sv[2], one = 1;

	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) < 0) {
		return;
	}
	setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one));
	setsockopt(sv[1], SOL_SOCKET, 76 /* SO_PASSPIDFD, Linux 6.5 */, &one, sizeof(one));
	setsockopt(sv[1], SOL_SOCKET, SO_PASSSEC, &one, sizeof(one));
	uint8_t ctl[512], data[8];
	struct iovec iov = {(void *)"seed", 4};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl};
	int fds[2] = {0, 1};
	struct cmsghdr *h = (struct cmsghdr *)ctl;
	memset(ctl, 0, sizeof(ctl));
	h->cmsg_level = SOL_SOCKET;
	h->cmsg_type = SCM_RIGHTS;
	h->cmsg_len = CMSG_LEN(sizeof(fds));
	memcpy(CMSG_DATA(h), fds, sizeof(fds));
	m.msg_controllen = CMSG_SPACE(sizeof(fds));
	sendmsg(sv[0], &m, 0);
	iov = (struct iovec){data, sizeof(data)};
	m.msg_control = ctl;
	m.msg_controllen = sizeof(ctl);
	if (recvmsg(sv[1], &m, 0) >= 0) {
		struct cbuf c = {.len = m.msg_controllen};
		memcpy(c.b, ctl, c.len);
		put_cmsg("live-unix-rights-creds", &c, 1);
		for (struct cmsghdr *p = CMSG_FIRSTHDR(&m); p; p = CMSG_NXTHDR(&m, p)) {
			if (p->cmsg_level == SOL_SOCKET && p->cmsg_type == SCM_RIGHTS) {
				int got[4];
				memcpy(got, CMSG_DATA(p), p->cmsg_len - CMSG_LEN(0));
				for (size_t i = 0; i < (p->cmsg_len - CMSG_LEN(0)) / sizeof(int);
				     i++) {
					close(got[i]);
				}
			}
		}
	}
	close(sv[0]);
	close(sv[1]);
}

static void tsinfo(void)
{
	/* igb on an i210, ixgbe on an 82599, veth/lo: as in test_tsinfo.c */
	static const struct {
		const char *name;
		uint32_t sof;
		int32_t phc;
		uint32_t tx, rx;
	} drv[] = {{"ts-info-i210", 0x5f, 0, 0x3, 0x3},
	           {"ts-info-82599", 0x5f, 2, 0x3, 0x1031},
	           {"ts-info-software-only", 0x1a, -1, 0, 0},
	           {"ts-info-every-bit", 0xffffffffu, 7, 0xffffffffu, 0xffffffffu}};
	uint8_t b[44];

	for (size_t i = 0; i < sizeof(drv) / sizeof(drv[0]); i++) {
		memset(b, 0, sizeof(b));
		put_le(b, 0x41, 4);
		put_le(b + 4, drv[i].sof, 4);
		put_le(b + 8, (uint32_t)drv[i].phc, 4);
		put_le(b + 12, drv[i].tx, 4);
		put_le(b + 28, drv[i].rx, 4);
		put("linux_tsinfo", drv[i].name, b, sizeof(b));
	}
	/* hwtstamp_config: flags, tx_type ON, rx_filter ALL; and PTP_V2_EVENT */
	uint8_t h[12] = {0};
	put_le(h + 4, 1, 4);
	put_le(h + 8, 1, 4);
	put("linux_tsinfo", "hwtstamp-config-on-all", h, sizeof(h));
	put_le(h + 8, 12, 4);
	put("linux_tsinfo", "hwtstamp-config-on-ptpv2-event", h, sizeof(h));

	/* lo, live */
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct ethtool_ts_info info = {.cmd = ETHTOOL_GET_TS_INFO};
	struct ifreq ifr = {0};
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	ifr.ifr_data = (void *)&info;
	if (fd >= 0 && ioctl(fd, SIOCETHTOOL, &ifr) == 0) {
		put("linux_tsinfo", "live-ts-info-lo", &info, sizeof(info));
	}
	if (fd >= 0) {
		close(fd);
	}
}

static void stamp(void)
{
	const int64_t t0 = 1700000000LL * 1000000000LL + 123456789;
	uint8_t req[256], rep[256];
	struct stamp_answer a = {.t2 = t0 + 1000,
	                         .t3 = t0 + 3000,
	                         .ee_tx = 0x0105,
	                         .ttl = 64,
	                         .follow_up = {1, 6, t0 - 500, STAMP_MODE_SW},
	                         .rx_kernel = t0 + 1000,
	                         .rx_user = t0 + 2000};
	struct stamp_tlv_counts n = {0, 0};
	static const struct {
		const char *name;
		size_t len;
		int ptp, fu, rx;
	} kinds[] = {{"sender-44-ntp", 44, 0, 0, 0},
	             {"sender-44-ptp", 44, 1, 0, 0},
	             {"sender-84-ntp-followup-rx", 84, 0, 1, 1},
	             {"sender-128-ptp-followup-rx-padding", 128, 1, 1, 1},
	             {"sender-64-ntp-padding", 64, 0, 0, 0}};
	char name[96];

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		struct stamp_test t = {.seq = (uint32_t)i,
		                       .ts = t0,
		                       .ee = 0x0101,
		                       .ssid = 0xbeef,
		                       .ptp = kinds[i].ptp};
		size_t len = stamp_sender_build(req, kinds[i].len, &t, kinds[i].fu, kinds[i].rx);
		put("stamp", kinds[i].name, req, len);
		stamp_reflect(req, len, &a, rep, &n);
		snprintf(name, sizeof(name), "reply-to-%s", kinds[i].name);
		put("stamp", name, rep, len);
	}
	/* a request with an unknown TLV, then one whose length runs past */
	struct stamp_test t = {.seq = 9, .ts = t0, .ssid = 1};
	size_t len = stamp_sender_build(req, 72, &t, 0, 0);
	req[44 + 1] = 200; /* the padding TLV becomes an unknown type */
	put("stamp", "sender-unknown-tlv", req, len);
	req[44 + 2] = 0xff;
	put("stamp", "sender-tlv-past-end", req, len);
}

/* pcapng made by hand, in either byte order, for what the capture tools
 * here do not write: big-endian sections, if_tsresol as a power of two,
 * if_tsoffset, 802.1Q and Linux cooked frames, EPB flags and drop counts,
 * simple packet blocks, unknown blocks, and blocks too short for their
 * type (framed correctly, which mutation rarely gets right). */
struct png {
	uint8_t b[2048];
	size_t len;
	int be;
};

static void png_u(struct png *p, uint64_t v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		p->b[p->len + i] = (uint8_t)(v >> 8 * (p->be ? n - 1 - i : i));
	}
	p->len += n;
}

static void png_bytes(struct png *p, const void *d, size_t n)
{
	memcpy(p->b + p->len, d, n);
	p->len += n;
	while (p->len % 4) {
		p->b[p->len++] = 0;
	}
}

static size_t png_begin(struct png *p, uint32_t type)
{
	size_t at = p->len;

	png_u(p, type, 4);
	png_u(p, 0, 4); /* length, set by png_end */
	return at;
}

static void png_end(struct png *p, size_t at)
{
	uint32_t n = (uint32_t)(p->len - at + 4);
	size_t save = p->len;

	p->len = at + 4;
	png_u(p, n, 4);
	p->len = save;
	png_u(p, n, 4);
}

static void png_opt(struct png *p, uint16_t code, const void *v, uint16_t n)
{
	png_u(p, code, 2);
	png_u(p, n, 2);
	png_bytes(p, v, n);
}

static void png_shb(struct png *p)
{
	size_t at = png_begin(p, 0x0A0D0D0A);
	png_u(p, 0x1A2B3C4D, 4);
	png_u(p, 1, 2);
	png_u(p, 0, 2);
	png_u(p, UINT64_MAX, 8);
	png_end(p, at);
}

static void png_idb(struct png *p, uint16_t linktype, uint8_t tsresol, int64_t tsoffset)
{
	size_t at = png_begin(p, 1);
	png_u(p, linktype, 2);
	png_u(p, 0, 2);
	png_u(p, 65535, 4);
	png_opt(p, 2, "eth0.100", 8);
	png_opt(p, 9, &tsresol, 1);
	uint8_t off[8];
	struct png tmp = {.be = p->be};
	png_u(&tmp, (uint64_t)tsoffset, 8);
	memcpy(off, tmp.b, 8);
	png_opt(p, 14, off, 8);
	png_u(p, 0, 4); /* opt_endofopt */
	png_end(p, at);
}

/* A UDP datagram 10.0.0.1:5000 > 10.0.0.2:6000 carrying a tscap send
 * header, after the given link-layer header. */
static size_t frame(uint8_t *f, const uint8_t *l2, size_t l2len)
{
	static const uint8_t ip[28] = {0x45, 0, 0,  52, 0, 0, 0x40, 0,    64,   17,   0, 0,  10, 0,
	                               0,    1, 10, 0,  0, 2, 0x13, 0x88, 0x17, 0x70, 0, 32, 0,  0};
	memcpy(f, l2, l2len);
	memcpy(f + l2len, ip, sizeof(ip));
	uint8_t *pl = f + l2len + sizeof(ip);
	memcpy(pl, "TSCP\x01\0\0\0\x07\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 24);
	return l2len + sizeof(ip) + 24;
}

static void png_epb(struct png *p, uint32_t if_id, uint64_t ts, const uint8_t *f, size_t n)
{
	size_t at = png_begin(p, 6);
	png_u(p, if_id, 4);
	png_u(p, ts >> 32, 4);
	png_u(p, ts & 0xffffffffu, 4);
	png_u(p, n, 4);
	png_u(p, n + 100, 4); /* cut at capture */
	png_bytes(p, f, n);
	uint8_t v[8];
	struct png tmp = {.be = p->be};
	png_u(&tmp, 0x1u, 4); /* inbound */
	memcpy(v, tmp.b, 4);
	png_opt(p, 2, v, 4);
	tmp.len = 0;
	png_u(&tmp, 42, 8);
	memcpy(v, tmp.b, 8);
	png_opt(p, 4, v, 8); /* epb_dropcount */
	png_u(p, 0, 4);
	png_end(p, at);
}

static void png_isb(struct png *p, uint32_t if_id)
{
	size_t at = png_begin(p, 5);
	png_u(p, if_id, 4);
	png_u(p, 0, 8);
	for (uint16_t code = 4; code <= 8; code += 1) {
		uint8_t v[8];
		struct png tmp = {.be = p->be};
		png_u(&tmp, code * 1000u, 8);
		memcpy(v, tmp.b, 8);
		png_opt(p, code, v, 8);
	}
	png_u(p, 0, 4);
	png_end(p, at);
}

/* A block of the given type, framed right, with n bytes of body. */
static void png_short(struct png *p, uint32_t type, size_t n)
{
	size_t at = png_begin(p, type);
	uint8_t z[32] = {0};
	png_bytes(p, z, n);
	png_end(p, at);
}

static void pcapng_crafted(void)
{
	static const uint8_t eth_vlan[18] = {2, 0, 0, 0,    0, 2, 2,   0,    0,
	                                     0, 0, 1, 0x81, 0, 0, 100, 0x08, 0};
	static const uint8_t sll[16] = {0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, 0x08, 0};
	uint8_t f[128];

	for (int be = 0; be <= 1; be++) {
		struct png p = {.be = be};
		png_shb(&p);
		png_idb(&p, 1, 0x80 | 20, 100); /* 2^-20 s, +100 s */
		png_idb(&p, 113, 3, -5);        /* ms, Linux cooked */
		png_epb(&p, 0, 1ull << 40, f, frame(f, eth_vlan, sizeof(eth_vlan)));
		png_epb(&p, 1, 1700000000123ull, f, frame(f, sll, sizeof(sll)));
		size_t at = png_begin(&p, 3); /* simple packet block */
		size_t n = frame(f, eth_vlan, sizeof(eth_vlan));
		png_u(&p, n, 4);
		png_bytes(&p, f, n);
		png_end(&p, at);
		png_short(&p, 0x0BAD, 8); /* unknown: skipped */
		png_isb(&p, 0);
		png_isb(&p, 1);
		put("pcapng_read", be ? "crafted-big-endian" : "crafted-little-endian", p.b, p.len);
	}
	/* each kind of block too short for its fields */
	static const struct {
		const char *name;
		uint32_t type;
		size_t body;
	} shorts[] = {{"crafted-short-idb", 1, 4},
	              {"crafted-short-epb", 6, 12},
	              {"crafted-short-isb", 5, 8},
	              {"crafted-short-spb", 3, 0}};
	for (size_t i = 0; i < sizeof(shorts) / sizeof(shorts[0]); i++) {
		struct png p = {0};
		png_shb(&p);
		if (shorts[i].type != 1) {
			png_idb(&p, 1, 9, 0);
		}
		png_short(&p, shorts[i].type, shorts[i].body);
		put("pcapng_read", shorts[i].name, p.b, p.len);
	}
	struct png p = {0};
	size_t at = png_begin(&p, 0x0A0D0D0A); /* SHB of 16 bytes */
	png_u(&p, 0x1A2B3C4D, 4);
	png_end(&p, at);
	put("pcapng_read", "crafted-short-shb", p.b, p.len);
}

static void text(const char *target, const char *name, const char *s)
{
	put(target, name, s, strlen(s));
}

static void strings(void)
{
	text("endpoint", "v4", "udp://127.0.0.1:9000");
	text("endpoint", "v6", "udp://[::1]:9000");
	text("endpoint", "v6-any", "udp://[::]:9000");
	text("endpoint", "v4-multicast-if", "udp://239.1.2.3:5000%eth0");
	text("endpoint", "v6-multicast-if", "udp://[ff02::1:3]:5000%veth-a");
	text("endpoint", "v4-mapped", "udp://[::ffff:127.0.0.1]:862");
	text("endpoint", "bad-scheme", "tcp://127.0.0.1:80");
	text("endpoint", "bad-port", "udp://127.0.0.1:65536");
	text("options", "capture", "udp://127.0.0.1:9000\n-w\n/tmp/x.pcapng\n-c\n100\n-q");
	text("options", "long-forms",
	     "--count=5\n--batch\n64\n--stamp=hw\n--rate\n1e5\nudp://[::1]:1");
	text("options", "grouped-shorts", "-qvw\nout\n-s\n128\n--duration=2.5\n--\n-x");
	text("options", "bad-choice", "--stamp\nsome");
	text("options", "out-of-range", "--batch\n0");
	text("options", "missing-argument", "-c");
	text("options", "help", "--help");
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: fuzz_seeds DIR\n");
		return 2;
	}
	root = argv[1];
	built(&linux_abi_64, "linux64");
	built(&linux_abi_32, "linux32");
	live_udp(AF_INET);
	live_udp(AF_INET6);
	live_unix();
	tsinfo();
	stamp();
	pcapng_crafted();
	strings();
	return 0;
}
