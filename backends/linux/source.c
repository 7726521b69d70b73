/* Linux sources: a UDP socket bound to the endpoint with SO_TIMESTAMPING,
 * SO_RXQ_OVFL and packet info on, and the NIC's stamping set up as asked. */
#include "source.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compat.h"
#include "log.h"
#include "pcap_live.h"

/* SO_RCVBUFFORCE (root) may exceed net.core.rmem_max; SO_RCVBUF may not. */
void linux_set_rcvbuf(struct tsc_source *src, uint32_t want)
{
	int got = 0;
	socklen_t len = sizeof(got);

	if (want && tsc_set_int(src->fd, SOL_SOCKET, SO_RCVBUFFORCE, (int)want) < 0) {
		tsc_set_int(src->fd, SOL_SOCKET, SO_RCVBUF, (int)want);
	}
	getsockopt(src->fd, SOL_SOCKET, SO_RCVBUF, &got, &len);
	/* The kernel reports double the payload space (bookkeeping). */
	src->grant.rcvbuf = (uint32_t)got / 2;
}

static int addr_matches(const struct sockaddr *sa, const struct tsc_endpoint *ep)
{
	if (sa->sa_family == AF_INET && ep->family == TSC_AF_INET) {
		return memcmp(&((const struct sockaddr_in *)(const void *)sa)->sin_addr, ep->addr,
		              4) == 0;
	}
	if (sa->sa_family == AF_INET6 && ep->family == TSC_AF_INET6) {
		return memcmp(&((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, ep->addr,
		              16) == 0;
	}
	return 0;
}

/* The interface whose NIC stamps this endpoint's packets, if one can be
 * named: the %IFNAME given, lo for loopback, the owner of a unicast
 * address. A wildcard or multicast endpoint without %IFNAME has none. */
static void stamp_ifname(const struct tsc_endpoint *ep, char *out, size_t outlen)
{
	struct ifaddrs *ifa, *i;

	out[0] = '\0';
	if (ep->ifname[0]) {
		snprintf(out, outlen, "%s", ep->ifname);
		return;
	}
	if (ep->loopback) {
		snprintf(out, outlen, "lo");
		return;
	}
	if (ep->wildcard || ep->multicast || getifaddrs(&ifa) < 0) {
		return;
	}
	for (i = ifa; i; i = i->ifa_next) {
		if (i->ifa_addr && addr_matches(i->ifa_addr, ep)) {
			snprintf(out, outlen, "%s", i->ifa_name);
			break;
		}
	}
	freeifaddrs(ifa);
}

static int require_hw(struct tsc_source *src, const char *ifname)
{
	struct linux_tsinfo caps;
	int r;

	if (!ifname[0]) {
		tsc_err("%s: --stamp hw needs the interface: add %%IFNAME to the endpoint",
		        src->ep.text);
		return -EINVAL;
	}
	r = hwstamp_caps(src->fd, ifname, &caps);
	if (r < 0 || !hwstamp_caps_rx_hw(&caps)) {
		tsc_err("%s: --stamp hw: interface %s does not timestamp received packets in "
		        "hardware (%s); use --stamp sw or auto",
		        src->ep.text, ifname,
		        r < 0 ? strerror(-r) : "ethtool -T shows no hardware-receive or PTP clock");
		return -EOPNOTSUPP;
	}
	r = hwstamp_enable(src->fd, ifname, 0, &src->hw);
	if (r < 0) {
		return r;
	}
	src->grant.hw_enabled = (uint8_t)src->hw.changed;
	src->dctx.hw_to_utc_ns = hwstamp_phc_tai_correction(caps.phc_index);
	return 0;
}

/* In auto mode hardware stamps arrive only if the NIC already stamps;
 * learn its clock's time scale in case it does. */
static void probe_hw(struct tsc_source *src, const char *ifname)
{
	struct linux_tsinfo caps;

	if (ifname[0] && hwstamp_caps(src->fd, ifname, &caps) == 0 && hwstamp_caps_rx_hw(&caps)) {
		src->dctx.hw_to_utc_ns = hwstamp_phc_tai_correction(caps.phc_index);
	}
}

/* Linux turns receive stamping on for the whole stack through deferred
 * work the first time any socket asks (a static key flipped from a work
 * queue), so the first datagrams after the first request can come
 * unstamped. Wait, boundedly, until a datagram to ourselves on loopback
 * comes back stamped. */
int linux_stamping_hold(void)
{
	static int live;
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t alen = sizeof(a);
	int flags = SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		return -errno;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPING, &flags, sizeof(flags)) < 0 ||
	    bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &alen) < 0) {
		return fd;
	}
	for (int i = 0; i < 200 && !live; i++) {
		uint8_t ctl[128], b = 0;
		struct iovec iov = {.iov_base = &b, .iov_len = 1};
		struct msghdr h = {.msg_iov = &iov,
		                   .msg_iovlen = 1,
		                   .msg_control = ctl,
		                   .msg_controllen = sizeof(ctl)};
		struct tsc_pkt p = {0};
		struct linux_decode_ctx ctx = {.abi = &cmsg_abi_native};
		if (sendto(fd, &b, 1, 0, (struct sockaddr *)&a, alen) < 0 ||
		    recvmsg(fd, &h, 0) < 0) {
			break;
		}
		linux_cmsg_decode(&ctx, ctl, h.msg_controllen, 0, &p);
		live = tsc_pkt_has(&p, TSC_SW_RX);
		if (!live) {
			usleep(1000);
		}
	}
	if (!live) {
		tsc_dbg("kernel receive stamping not confirmed live: first packets may lack sw-rx");
	}
	return fd;
}

static void wait_stamping_live(void)
{
	int fd = linux_stamping_hold();

	if (fd >= 0) {
		close(fd);
	}
}

int linux_setup_stamps(struct tsc_source *src, enum tsc_stamp_mode mode, int tx)
{
	char ifname[TSC_IFNAME_MAX];
	int flags = SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE;
	int r;

	stamp_ifname(&src->ep, ifname, sizeof(ifname));
	snprintf(src->grant.ifname, sizeof(src->grant.ifname), "%s", ifname);
	if (tx) {
		/* reports carry only the stamps (OPT_TSONLY), numbered (OPT_ID) */
		flags |= SOF_TIMESTAMPING_TX_SCHED | SOF_TIMESTAMPING_TX_SOFTWARE |
		         SOF_TIMESTAMPING_OPT_ID | SOF_TIMESTAMPING_OPT_TSONLY;
		src->tx_stamps = 1;
		src->opt_id_cmsg = -1;
		if (mode != TSC_STAMP_SW && mode != TSC_STAMP_NONE) {
			flags |= SOF_TIMESTAMPING_TX_HARDWARE | SOF_TIMESTAMPING_RAW_HARDWARE;
		}
	}
	if (mode == TSC_STAMP_NONE) {
		flags &= ~(SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE);
		if (!tx) {
			return 0; /* user-space stamps only: what the kernel's stamping costs */
		}
		flags |= SOF_TIMESTAMPING_SOFTWARE; /* the TX reports still need it */
	}
	if (mode == TSC_STAMP_HW) {
		r = require_hw(src, ifname);
		if (r < 0) {
			return r;
		}
	} else if (mode == TSC_STAMP_AUTO) {
		probe_hw(src, ifname);
	}
	if (mode != TSC_STAMP_SW && mode != TSC_STAMP_NONE) {
		flags |= SOF_TIMESTAMPING_RX_HARDWARE | SOF_TIMESTAMPING_RAW_HARDWARE |
		         SOF_TIMESTAMPING_OPT_PKTINFO;
	}
	r = tsc_set_int(src->fd, SOL_SOCKET, SO_TIMESTAMPING, flags);
	if (r == -EINVAL && (flags & SOF_TIMESTAMPING_OPT_PKTINFO)) {
		flags &= ~SOF_TIMESTAMPING_OPT_PKTINFO; /* kernel older than 4.13 */
		r = tsc_set_int(src->fd, SOL_SOCKET, SO_TIMESTAMPING, flags);
	}
	if (r < 0) {
		tsc_err("%s: SO_TIMESTAMPING refused: %s", src->ep.text, strerror(-r));
		return r;
	}
	src->grant.sw_rx = mode != TSC_STAMP_NONE;
	src->grant.hw_rx = mode != TSC_STAMP_SW && mode != TSC_STAMP_NONE;
	wait_stamping_live();
	return 0;
}

int linux_link_scoped(const struct tsc_endpoint *ep)
{
	const uint8_t *a = ep->addr;

	return ep->family == TSC_AF_INET6 &&
	       ((a[0] == 0xfe && (a[1] & 0xc0) == 0x80) || (a[0] == 0xff && (a[1] & 0x0f) <= 2));
}

static int join_group(struct tsc_source *src, unsigned ifindex)
{
	const struct tsc_endpoint *ep = &src->ep;
	int r;

	if (ep->family == TSC_AF_INET) {
		struct ip_mreqn mr = {.imr_ifindex = (int)ifindex};
		memcpy(&mr.imr_multiaddr, ep->addr, 4);
		r = setsockopt(src->fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr));
	} else {
		struct ipv6_mreq mr = {.ipv6mr_interface = ifindex};
		memcpy(&mr.ipv6mr_multiaddr, ep->addr, 16);
		r = setsockopt(src->fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mr, sizeof(mr));
	}
	if (r < 0) {
		r = -errno;
		tsc_err("%s: cannot join the group: %s", ep->text, strerror(-r));
	}
	return r;
}

static int configure(struct tsc_source *src, const struct tsc_source_opts *opts)
{
	const struct tsc_endpoint *ep = &src->ep;
	unsigned ifindex = 0;
	int r;

	if (ep->ifname[0] && !(ifindex = if_nametoindex(ep->ifname))) {
		tsc_err("%s: no interface named '%s'", ep->text, ep->ifname);
		return -ENODEV;
	}
	if (!ifindex && linux_link_scoped(ep)) {
		tsc_err("%s: a link-local address needs the interface: add %%IFNAME", ep->text);
		return -EINVAL;
	}
	if (ep->family == TSC_AF_INET6) {
		/* [::] takes IPv4 too (dual-stack); a specific address only IPv6. */
		tsc_set_int(src->fd, IPPROTO_IPV6, IPV6_V6ONLY, !ep->wildcard);
	}
	/* Only a wildcard socket needs the kernel to say, per packet, which
	 * address it was sent to; anywhere else it is the bound address (or
	 * group), and the control message would cost every packet. */
	if (ep->wildcard) {
		if (ep->family == TSC_AF_INET6) {
			tsc_set_int(src->fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1);
		}
		/* On an IPv6 socket: the IPv4 destination of mapped packets. */
		tsc_set_int(src->fd, IPPROTO_IP, IP_PKTINFO, 1);
	}
	src->grant.drops = tsc_set_int(src->fd, SOL_SOCKET, SO_RXQ_OVFL, 1) == 0;
	linux_set_rcvbuf(src, opts->rcvbuf);
	if (opts->reuseport && tsc_set_int(src->fd, SOL_SOCKET, SO_REUSEPORT, 1) < 0) {
		tsc_err("%s: SO_REUSEPORT refused: %s", ep->text, strerror(errno));
		return -errno;
	}
	if (ep->multicast) {
		tsc_set_int(src->fd, SOL_SOCKET, SO_REUSEADDR, 1);
	} else if (ifindex && setsockopt(src->fd, SOL_SOCKET, SO_BINDTODEVICE, ep->ifname,
	                                 (socklen_t)strlen(ep->ifname)) < 0) {
		r = -errno;
		tsc_err("%s: cannot bind to interface %s: %s", ep->text, ep->ifname, strerror(-r));
		return r;
	}
	if (opts->ttl) {
		tsc_set_int(src->fd, IPPROTO_IP, IP_RECVTTL, 1); /* IPv4, mapped too */
		if (ep->family == TSC_AF_INET6) {
			tsc_set_int(src->fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1);
		}
	}
	r = linux_setup_stamps(src, opts->stamp, opts->tx_stamps);
	if (r == 0) {
		r = tsc_bind_endpoint(src->fd, ep, ifindex, &src->bound.port);
	}
	if (r == 0 && ep->multicast) {
		r = join_group(src, ifindex);
	}
	return r;
}

int tsc_source_open(const struct tsc_endpoint *ep, const struct tsc_source_opts *opts,
                    struct tsc_source **out)
{
	struct tsc_source *src = calloc(1, sizeof(*src));
	int r;

	if (!src) {
		tsc_err("out of memory");
		return -ENOMEM;
	}
	src->ep = *ep;
	src->endpoint = opts->endpoint;
	src->bound.family = ep->family;
	src->bound.port = ep->port;
	memcpy(src->bound.addr, ep->addr, sizeof(src->bound.addr));
	src->dctx.abi = &cmsg_abi_native;
	src->dctx.hw_base = TSC_BASE_PHC_UTC;
	src->kind = ep->kind;
	if (ep->kind == TSC_EP_WIRE) {
		src->fd = -1;
		r = linux_wire_configure(src, opts);
		if (r < 0) {
			goto no_config;
		}
	} else if (ep->kind == TSC_EP_PCAP) {
		struct pcap_live_info info;
		r = pcap_live_open(ep, opts, &src->pcap, &info);
		if (r < 0) {
			goto no_socket;
		}
		src->fd = pcap_live_fd(src->pcap);
		src->grant.linktype = info.linktype;
		src->grant.sw_rx = info.clock == TSC_SW_RX;
		src->grant.hw_rx = info.clock == TSC_HW_RX;
		snprintf(src->grant.ifname, sizeof(src->grant.ifname), "%s", ep->ifname);
		snprintf(src->grant.stamp_label, sizeof(src->grant.stamp_label),
		         "libpcap time stamp type %s", info.tstamp);
	} else {
		src->fd = socket(ep->family == TSC_AF_INET ? AF_INET : AF_INET6,
		                 SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (src->fd < 0) {
			r = -errno;
			tsc_err("%s: socket: %s", ep->text, strerror(-r));
			goto no_socket;
		}
		r = configure(src, opts);
		if (r < 0) {
			goto no_config;
		}
	}
	if (src->dctx.hw_to_utc_ns) {
		src->dctx.hw_base = TSC_BASE_PHC_TAI;
	}
	*out = src;
	return 0;

no_config:
	if (src->kind == TSC_EP_WIRE) {
		linux_wire_close(src);
	}
	if (src->fd >= 0) {
		hwstamp_restore(src->fd, &src->hw);
		close(src->fd);
	}
no_socket:
	free(src);
	return r;
}

void tsc_source_close(struct tsc_source *src)
{
	if (!src) {
		return;
	}
	if (src->kind == TSC_EP_WIRE) {
		linux_wire_close(src);
	} else if (src->kind == TSC_EP_PCAP) {
		pcap_live_close(src->pcap); /* closes the descriptor too */
		free(src);
		return;
	}
	hwstamp_restore(src->fd, &src->hw);
	close(src->fd);
	free(src);
}

int tsc_source_fd(const struct tsc_source *src)
{
	return src->fd;
}

uint16_t tsc_source_local_port(const struct tsc_source *src)
{
	return src->bound.port;
}

const struct tsc_grant *tsc_source_grant(const struct tsc_source *src)
{
	return &src->grant;
}

unsigned tsc_clock_choices(void)
{
	/* SO_TIMESTAMPING's software stamps are CLOCK_REALTIME in ns, the
	 * only clock the kernel stamps packets with (hardware stamps are the
	 * NIC's own clock, not chosen here). */
	return 1u << TSC_CLOCKSEL_AUTO | 1u << TSC_CLOCKSEL_REALTIME;
}

/* /proc/net/udp{,6}: "sl local rem st tx:rx tr:when retr uid timeout
 * inode ref pointer drops"; the socket is found by its inode. */
static int64_t proc_drops(const char *path, unsigned long inode)
{
	char line[512];
	FILE *f = fopen(path, "r");
	int64_t found = -1;

	if (!f) {
		return -1;
	}
	while (found < 0 && fgets(line, sizeof(line), f)) {
		unsigned long ino;
		unsigned long long drops;
		if (sscanf(line, "%*s %*s %*s %*s %*s %*s %*s %*s %*s %lu %*s %*s %llu", &ino,
		           &drops) == 2 &&
		    ino == inode) {
			found = (int64_t)drops;
		}
	}
	fclose(f);
	return found;
}

int64_t tsc_source_kernel_drops(struct tsc_source *src)
{
	struct stat st;

	if (src->kind == TSC_EP_WIRE) {
		return linux_wire_drops(src);
	}
	if (src->kind == TSC_EP_PCAP) {
		return pcap_live_drops(src->pcap);
	}
	if (fstat(src->fd, &st) < 0) {
		return -1;
	}
	int64_t d = proc_drops("/proc/net/udp", st.st_ino);
	return d >= 0 ? d : proc_drops("/proc/net/udp6", st.st_ino);
}

int tsc_source_queued(const struct tsc_source *src)
{
	int bytes = 0;

	if (src->kind == TSC_EP_PCAP) {
		return 0; /* libpcap's buffer is its own: what it holds is read by the drain */
	}
	/* SIOCINQ on UDP: the size of the next datagram, 0 when none waits
	 * (a zero-length datagram reads as none: harmless for a drain). */
	return ioctl(src->fd, SIOCINQ, &bytes) == 0 && bytes > 0;
}
