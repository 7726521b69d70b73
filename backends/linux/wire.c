/* wire:IFACE sources: an AF_PACKET raw socket on one interface. It
 * delivers SO_TIMESTAMPING control messages like any other socket, so the
 * same rx paths and decoder give every frame its software and hardware
 * stamps. The filter is attached before the socket is bound, so no
 * unfiltered frame is ever queued. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdatomic.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pcap_filter.h"
#include "log.h"
#include "pcapng.h"
#include "source.h"

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23 /* Linux 4.20 */
#endif

#define WIRE_ACCEPT 262144u /* a filter's "keep": the whole frame; the snap length cuts later */

/* Only Ethernet framing is written as captured (lo is Ethernet too). */
static int check_link(struct tsc_source *src, unsigned ifindex)
{
	struct ifreq ifr = {0};

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", src->ep.ifname);
	if (ioctl(src->fd, SIOCGIFHWADDR, &ifr) < 0) {
		tsc_err("%s: cannot read the link type of %s: %s", src->ep.text, src->ep.ifname,
		        strerror(errno));
		return -errno;
	}
	if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER &&
	    ifr.ifr_hwaddr.sa_family != ARPHRD_LOOPBACK) {
		tsc_err("%s: %s is not an Ethernet interface (ARPHRD %u): capture it with pcap:%s",
		        src->ep.text, src->ep.ifname, ifr.ifr_hwaddr.sa_family, src->ep.ifname);
		return -EPROTONOSUPPORT;
	}
	src->ifindex = ifindex;
	return 0;
}

/* The direction test in front of the user's program: load the packet
 * type the kernel gives filters, keep or reject PACKET_OUTGOING. Jumps
 * in classic BPF are relative, so the user's program runs unchanged. */
static unsigned direction_prefix(enum tsc_direction dir, struct sock_filter *out)
{
	if (dir == TSC_DIRECTION_INOUT) {
		return 0;
	}
	int keep_out = dir == TSC_DIRECTION_OUT;
	out[0] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
	                                      (uint32_t)(SKF_AD_OFF + SKF_AD_PKTTYPE));
	out[1] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PACKET_OUTGOING,
	                                      keep_out ? 1 : 0, keep_out ? 0 : 1);
	out[2] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0);
	return 3;
}

static int attach_filter(struct tsc_source *src, const struct tsc_source_opts *opts)
{
	enum tsc_direction dir = (enum tsc_direction)opts->direction;
	struct tsc_bpf user = {0};
	char err[512];
	int r = 0;

	/* Outgoing copies dropped before they are cloned, where the kernel can. */
	if (dir == TSC_DIRECTION_IN &&
	    tsc_set_int(src->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, 1) == 0) {
		dir = TSC_DIRECTION_INOUT;
	}
	if (src->ep.filter[0] && tsc_bpf_compile(src->ep.ifname, PCAPNG_LINKTYPE_ETHERNET,
	                                         src->ep.filter, &user, err, sizeof(err)) < 0) {
		tsc_err("%s: %s", src->ep.text, err);
		return -EINVAL;
	}
	if (dir == TSC_DIRECTION_INOUT && !user.len) {
		return 0; /* every frame */
	}
	unsigned n = user.len ? user.len : 1;
	struct sock_filter *prog = calloc(3 + n, sizeof(*prog));
	if (!prog) {
		tsc_bpf_free(&user);
		return -ENOMEM;
	}
	unsigned k = direction_prefix(dir, prog);
	if (!user.len) {
		prog[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, WIRE_ACCEPT);
	}
	for (unsigned i = 0; i < user.len; i++) {
		const struct tsc_bpf_insn *in = &user.insns[i];
		prog[k++] = (struct sock_filter){in->code, in->jt, in->jf, in->k};
	}
	struct sock_fprog fprog = {.len = (unsigned short)k, .filter = prog};
	if (setsockopt(src->fd, SOL_SOCKET, SO_ATTACH_FILTER, &fprog, sizeof(fprog)) < 0) {
		r = -errno;
		tsc_err("%s: the kernel refused the filter (SO_ATTACH_FILTER): %s", src->ep.text,
		        strerror(-r));
	}
	tsc_dbg("%s: filter of %u instructions attached (%s)", src->ep.text, k,
	        user.live ? "compiled on the live interface" : "compiled for plain Ethernet");
	free(prog);
	tsc_bpf_free(&user);
	return r;
}

static int set_promisc(struct tsc_source *src, int on)
{
	struct packet_mreq mr = {.mr_ifindex = (int)src->ifindex, .mr_type = PACKET_MR_PROMISC};

	if (setsockopt(src->fd, SOL_PACKET, on ? PACKET_ADD_MEMBERSHIP : PACKET_DROP_MEMBERSHIP,
	               &mr, sizeof(mr)) < 0) {
		int e = errno;
		if (on) {
			tsc_err("%s: cannot switch %s to promiscuous mode: %s", src->ep.text,
			        src->ep.ifname, strerror(e));
		}
		return -e;
	}
	src->promisc = (uint8_t)on;
	return 0;
}

/* --rx auto: the mapped ring (the kernel copies each frame in its receive,
 * no syscall per frame: bench/ measured it at a third of the socket
 * paths' cost, below tcpdump's) wherever a frame has only one stamp to
 * keep, which is all the ring carries: software stamps asked for, or an
 * interface that cannot stamp in hardware. Where the NIC stamps, the
 * socket paths keep both stamps of every frame. Not with --threads
 * (fanout over rings is not tested here). */
static int ring_keeps_every_stamp(const struct tsc_source *src, const struct tsc_source_opts *opts)
{
	struct linux_tsinfo caps;

	if (!opts->ring_auto || opts->reuseport) {
		return 0;
	}
	if (opts->stamp == TSC_STAMP_SW) {
		return 1;
	}
	return opts->stamp == TSC_STAMP_AUTO &&
	       !(hwstamp_caps(src->fd, src->ep.ifname, &caps) == 0 && hwstamp_caps_rx_hw(&caps));
}

int linux_wire_configure(struct tsc_source *src, const struct tsc_source_opts *opts)
{
	unsigned ifindex = if_nametoindex(src->ep.ifname);
	int r;

	if (!ifindex) {
		tsc_err("%s: no interface named '%s'", src->ep.text, src->ep.ifname);
		return -ENODEV;
	}
	/* Protocol 0: the socket receives nothing until it is bound. */
	src->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (src->fd < 0) {
		r = -errno;
		tsc_err("%s: cannot open a packet socket: %s%s", src->ep.text, strerror(-r),
		        r == -EPERM ? " (needs CAP_NET_RAW)" : "");
		return r;
	}
	src->headroom = LINUX_WIRE_HEADROOM;
	if ((r = check_link(src, ifindex)) < 0) {
		return r;
	}
	tsc_set_int(src->fd, SOL_PACKET, PACKET_AUXDATA, 1); /* VLAN tag, true length */
	src->grant.drops = tsc_set_int(src->fd, SOL_SOCKET, SO_RXQ_OVFL, 1) == 0;
	linux_set_rcvbuf(src, opts->rcvbuf);
	int ring = opts->ring || ring_keeps_every_stamp(src, opts);
	if ((r = linux_setup_stamps(src, opts->stamp, 0)) < 0 ||
	    (r = attach_filter(src, opts)) < 0 ||
	    (ring && (r = linux_ring_setup(src, opts->rcvbuf, opts->stamp)) < 0)) {
		return r;
	}
	if (ring) { /* said in the file: never more stamps than there are */
		snprintf(src->grant.stamp_label, sizeof(src->grant.stamp_label),
		         "mapped ring, one stamp per frame");
	}
	struct sockaddr_ll sll = {
	    .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL), .sll_ifindex = (int)ifindex};
	if (bind(src->fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		r = -errno;
		tsc_err("%s: cannot bind to %s: %s", src->ep.text, src->ep.ifname, strerror(-r));
		return r;
	}
	/* --threads: the threads' sockets share the frames (by flow) instead
	 * of each seeing all of them. */
	if (opts->reuseport) {
		int fanout = (int)(((unsigned)getpid() + opts->endpoint) & 0xffff) |
		             PACKET_FANOUT_HASH << 16;
		if ((r = tsc_set_int(src->fd, SOL_PACKET, PACKET_FANOUT, fanout)) < 0) {
			tsc_err("%s: PACKET_FANOUT refused: %s", src->ep.text, strerror(-r));
			return r;
		}
	}
	return opts->promisc ? set_promisc(src, 1) : 0;
}

void linux_wire_close(struct tsc_source *src)
{
	if (src->promisc) {
		set_promisc(src, 0); /* the kernel would on close too; say it plainly */
	}
	linux_ring_unmap(src);
}

/* PACKET_STATISTICS hands out the counts since the last read and resets
 * them: add them up. */
int64_t linux_wire_drops(struct tsc_source *src)
{
	struct tpacket_stats st;
	socklen_t len = sizeof(st);

	if (getsockopt(src->fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) < 0) {
		return -1;
	}
	return (int64_t)(atomic_fetch_add(&src->wire_drops, st.tp_drops) + st.tp_drops);
}
