/* `tscap probe` on Linux: the interface's advertised capabilities
 * (ETHTOOL_GET_TS_INFO), its hardware config (SIOCGHWTSTAMP, read before
 * any write), --enable (SIOCSHWTSTAMP, undone on close) and the PHC's
 * offset to the system clock. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/net_tstamp.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compat.h"
#include "log.h"
#include "probe_private.h"
#include "source.h"

static uint32_t portable_caps(const struct linux_tsinfo *t)
{
	uint32_t c = 0, f = t->so_timestamping;

	c |= f & SOF_TIMESTAMPING_RX_SOFTWARE ? TSC_CAP_RX_SW : 0;
	c |= f & SOF_TIMESTAMPING_TX_SOFTWARE ? TSC_CAP_TX_SW : 0;
	c |= (f & SOF_TIMESTAMPING_RX_HARDWARE) && (f & SOF_TIMESTAMPING_RAW_HARDWARE)
	         ? TSC_CAP_RX_HW
	         : 0;
	c |= (f & SOF_TIMESTAMPING_TX_HARDWARE) && (f & SOF_TIMESTAMPING_RAW_HARDWARE)
	         ? TSC_CAP_TX_HW
	         : 0;
	return c;
}

static void config_text(const struct linux_hwconfig *c, char *out, size_t len)
{
	const char *tx = linux_tx_type_name(c->tx_type), *rx = linux_rx_filter_name(c->rx_filter);

	snprintf(out, len, "tx_type %s%.0d, rx_filter %s%.0d", tx ? tx : "#", tx ? 0 : c->tx_type,
	         rx ? rx : "#", rx ? 0 : c->rx_filter);
}

static void read_info(struct tsc_probe *p, struct tsc_nic_info *info)
{
	struct linux_tsinfo t;
	struct linux_hwconfig c;
	int r;

	snprintf(info->ifname, sizeof(info->ifname), "%s", p->ifname);
	info->ifindex = p->ifindex;
	info->phc_index = p->phc_index = -1;
	info->enable_err = -1;
	if ((r = hwstamp_caps(p->ctl_fd, p->ifname, &t)) < 0) {
		info->caps_err = -r;
	} else {
		info->advertised = portable_caps(&t);
		info->phc_index = p->phc_index = t.phc_index;
		linux_sof_names(t.so_timestamping, info->flags, sizeof(info->flags));
		linux_tx_type_names(t.tx_types, info->tx_types, sizeof(info->tx_types));
		linux_rx_filter_names(t.rx_filters, info->rx_filters, sizeof(info->rx_filters));
		info->hw_rx_cover = linux_rx_filter_cover(t.rx_filters);
	}
	info->hw_rx_on = info->hw_tx_on = -1;
	if ((r = hwstamp_config(p->ctl_fd, p->ifname, &c)) < 0) {
		info->config_err = -r;
	} else {
		config_text(&c, info->config, sizeof(info->config));
		info->hw_rx_on = c.rx_filter != HWTSTAMP_FILTER_NONE;
		info->hw_tx_on = c.tx_type != HWTSTAMP_TX_OFF;
	}
	if (p->o.enable) {
		info->enable_err = -hwstamp_enable(p->ctl_fd, p->ifname, 1, &p->hw);
		if (!info->enable_err && hwstamp_config(p->ctl_fd, p->ifname, &c) == 0) {
			config_text(&c, info->enabled, sizeof(info->enabled));
			info->hw_rx_on = c.rx_filter != HWTSTAMP_FILTER_NONE;
			info->hw_tx_on = c.tx_type != HWTSTAMP_TX_OFF;
		}
	}
}

/* The peer: the one given, or the loopback address for a loopback
 * interface; for any other interface the user must name a host. */
static int set_peer(struct tsc_probe *p)
{
	struct tsc_addr a = p->o.peer;
	char text[INET6_ADDRSTRLEN];

	if (a.family == TSC_AF_NONE) {
		if (strcmp(p->ifname, "lo") != 0) {
			tsc_err("probe: %s: give --peer ADDR, a host you own on that link "
			        "(it only has to answer ping)",
			        p->ifname);
			return -EINVAL;
		}
		a.family = TSC_AF_INET;
		memcpy(a.addr, (uint8_t[]){127, 0, 0, 1}, 4);
	}
	memset(&p->peer, 0, sizeof(p->peer));
	if (a.family == TSC_AF_INET) {
		struct sockaddr_in *s = (struct sockaddr_in *)&p->peer;
		s->sin_family = AF_INET;
		memcpy(&s->sin_addr, a.addr, 4);
		p->peer_len = sizeof(*s);
		inet_ntop(AF_INET, a.addr, text, sizeof(text));
	} else {
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)&p->peer;
		s->sin6_family = AF_INET6;
		memcpy(&s->sin6_addr, a.addr, 16);
		s->sin6_scope_id = p->ifindex;
		p->peer_len = sizeof(*s);
		inet_ntop(AF_INET6, a.addr, text, sizeof(text));
	}
	snprintf(p->peer_text, sizeof(p->peer_text), "%s", text);
	return 0;
}

int tsc_probe_open(const struct tsc_probe_opts *o, struct tsc_probe **out,
                   struct tsc_nic_info *info)
{
	struct tsc_probe *p = calloc(1, sizeof(*p));
	int r;

	if (p) {
		p->stamping = -1;
	}
	memset(info, 0, sizeof(*info));
	if (!p) {
		tsc_err("out of memory");
		return -ENOMEM;
	}
	p->o = *o;
	snprintf(p->ifname, sizeof(p->ifname), "%s", o->ifname);
	if (strlen(o->ifname) >= sizeof(p->ifname) || !(p->ifindex = if_nametoindex(p->ifname))) {
		tsc_err("probe: no interface named '%s' (see: ip link)", o->ifname);
		free(p);
		return -ENODEV;
	}
	p->dctx = (struct linux_decode_ctx){.abi = &cmsg_abi_native, .hw_base = TSC_BASE_PHC_UTC};
	p->ctl_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (p->ctl_fd < 0) {
		tsc_err("probe: socket: %s", strerror(errno));
	}
	if (p->ctl_fd < 0 || (r = set_peer(p)) < 0) {
		r = p->ctl_fd < 0 ? -errno : r;
		tsc_probe_close(p);
		return r;
	}
	read_info(p, info);
	p->stamping = linux_stamping_hold();
	if (p->phc_index >= 0) {
		p->dctx.hw_to_utc_ns = hwstamp_phc_tai_correction(p->phc_index);
	}
	*out = p;
	return 0;
}

int tsc_probe_phc_offset(struct tsc_probe *p, struct tsc_phc_offset *out)
{
	if (p->phc_index < 0) {
		return -ENODEV;
	}
	return hwstamp_phc_offset(p->phc_index, out);
}

const char *tsc_probe_peer(const struct tsc_probe *p)
{
	return p->peer_text;
}

int probe_stamping(int fd, int tx_ack)
{
	int flags = SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_RX_HARDWARE |
	            SOF_TIMESTAMPING_TX_SCHED | SOF_TIMESTAMPING_TX_SOFTWARE |
	            SOF_TIMESTAMPING_TX_HARDWARE | SOF_TIMESTAMPING_SOFTWARE |
	            SOF_TIMESTAMPING_RAW_HARDWARE | SOF_TIMESTAMPING_OPT_ID |
	            SOF_TIMESTAMPING_OPT_TSONLY | (tx_ack ? SOF_TIMESTAMPING_TX_ACK : 0) |
	            /* software TX stamps too when the NIC stamps in hardware */
	            SOF_TIMESTAMPING_OPT_TX_SWHW;

	return setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPING, &flags, sizeof(flags)) < 0 ? -errno : 0;
}

int probe_bind_device(const struct tsc_probe *p, int fd)
{
	socklen_t len = (socklen_t)strlen(p->ifname) + 1;

	return setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, p->ifname, len) < 0 ? -errno : 0;
}

void probe_drain_errqueue(const struct tsc_probe *p, int fd, struct tsc_pkt *out, unsigned n,
                          unsigned unit)
{
	for (;;) {
		uint8_t ctl[512];
		struct tsc_tx_stamp st[2];
		struct msghdr h = {.msg_control = ctl, .msg_controllen = sizeof(ctl)};
		if (recvmsg(fd, &h, MSG_ERRQUEUE | MSG_DONTWAIT) < 0) {
			return;
		}
		unsigned k = linux_errqueue_decode(&p->dctx, ctl, h.msg_controllen, st);
		for (unsigned i = 0; i < k; i++) {
			unsigned idx = st[i].id / unit;
			if (idx < n) {
				tsc_pkt_stamp(&out[idx], (enum tsc_clock)st[i].clock, st[i].ns,
				              st[i].clock == TSC_TX_HW ? TSC_BASE_PHC_UTC
				                                       : TSC_BASE_REALTIME);
			}
		}
	}
}

void tsc_probe_close(struct tsc_probe *p)
{
	if (!p) {
		return;
	}
	if (p->ctl_fd >= 0) {
		hwstamp_restore(p->ctl_fd, &p->hw);
		close(p->ctl_fd);
	}
	if (p->stamping >= 0) {
		close(p->stamping);
	}
	free(p);
}
