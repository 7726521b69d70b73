#include "pcap_live.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "nstime.h"
#include "rx_private.h"

struct pcap_live {
	pcap_t *p;
	int fd;
	struct pcap_live_info info;
};

/* The interface's time stamp types, by libpcap's names. */
static void list_types(pcap_t *p, char *out, size_t len, int *has_adapter, int *has_unsynced)
{
	int *types = NULL;
	int n = pcap_list_tstamp_types(p, &types);
	size_t used = 0;

	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		const char *name = pcap_tstamp_type_val_to_name(types[i]);
		*has_adapter |= types[i] == PCAP_TSTAMP_ADAPTER;
		*has_unsynced |= types[i] == PCAP_TSTAMP_ADAPTER_UNSYNCED;
		int w =
		    snprintf(out + used, len - used, "%s%s", used ? "," : "", name ? name : "?");
		if (w < 0 || (size_t)w >= len - used) {
			break;
		}
		used += (size_t)w;
	}
	if (n <= 0) {
		snprintf(out, len, "host (the only one libpcap lists)");
	}
	pcap_free_tstamp_types(types);
}

/* --stamp as a libpcap time stamp type: hw needs the adapter's clock,
 * auto takes it when offered, sw is the host's (the kernel's) stamp. */
static int pick_tstamp(struct pcap_live *pl, const struct tsc_endpoint *ep,
                       enum tsc_stamp_mode mode)
{
	int adapter = 0, unsynced = 0, type = PCAP_TSTAMP_HOST;

	list_types(pl->p, pl->info.offered, sizeof(pl->info.offered), &adapter, &unsynced);
	if (mode == TSC_STAMP_NONE) {
		tsc_err("%s: libpcap stamps every frame itself; --stamp none does not apply "
		        "(use sw for its host stamp)",
		        ep->text);
		return -EINVAL;
	}
	if (mode == TSC_STAMP_HW && !adapter && !unsynced) {
		tsc_err(
		    "%s: --stamp hw: libpcap offers no adapter time stamps on %s (it offers: %s)",
		    ep->text, ep->ifname, pl->info.offered);
		return -EOPNOTSUPP;
	}
	if (mode == TSC_STAMP_HW || mode == TSC_STAMP_AUTO) {
		type = adapter    ? PCAP_TSTAMP_ADAPTER
		       : unsynced ? PCAP_TSTAMP_ADAPTER_UNSYNCED
		                  : type;
	}
	if (pcap_set_tstamp_type(pl->p, type) != 0) {
		type = PCAP_TSTAMP_HOST; /* libpcap keeps its default: say so below */
	}
	return type;
}

static void label(struct pcap_live *pl, int type)
{
	const char *name = pcap_tstamp_type_val_to_name(type);

	snprintf(pl->info.tstamp, sizeof(pl->info.tstamp), "%s", name ? name : "host");
	if (type == PCAP_TSTAMP_ADAPTER || type == PCAP_TSTAMP_ADAPTER_UNSYNCED) {
		pl->info.clock = TSC_HW_RX;
		/* adapter: the NIC's clock brought to system time by the
		 * driver; adapter_unsynced: the NIC's own clock as it runs. */
		pl->info.base = type == PCAP_TSTAMP_ADAPTER ? TSC_BASE_REALTIME : TSC_BASE_PHC_UTC;
	} else {
		pl->info.clock = TSC_SW_RX; /* the kernel's (BPF's) stamp at the tap */
		pl->info.base = TSC_BASE_REALTIME;
	}
}

static int configure(struct pcap_live *pl, const struct tsc_endpoint *ep,
                     const struct tsc_source_opts *opts)
{
	static const pcap_direction_t dirs[] = {PCAP_D_INOUT, PCAP_D_IN, PCAP_D_OUT};
	pcap_t *p = pl->p;
	int type = pick_tstamp(pl, ep, opts->stamp);

	if (type < 0) {
		return type;
	}
	pcap_set_snaplen(p, (int)(opts->snaplen ? opts->snaplen : 262144));
	pcap_set_promisc(p, opts->promisc);
	pcap_set_immediate_mode(p, 1);
	if (opts->rcvbuf) {
		pcap_set_buffer_size(p, (int)opts->rcvbuf);
	}
	if (pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO) != 0) {
		tsc_note("%s: libpcap gives microsecond stamps here, not nanoseconds", ep->text);
	}
	int r = pcap_activate(p);
	if (r < 0) {
		tsc_err("%s: libpcap cannot capture on %s: %s", ep->text, ep->ifname,
		        r == PCAP_ERROR ? pcap_geterr(p) : pcap_statustostr(r));
		return -EIO;
	}
	if (r == PCAP_WARNING_TSTAMP_TYPE_NOTSUP) {
		type = PCAP_TSTAMP_HOST;
	}
	label(pl, type);
	pl->info.linktype = (uint16_t)pcap_datalink(p);
	if (opts->direction && pcap_setdirection(p, dirs[opts->direction % 3]) < 0) {
		tsc_err("%s: --direction %s: %s", ep->text,
		        tsc_direction_names[opts->direction % 3], pcap_geterr(p));
		return -EINVAL;
	}
	if (ep->filter[0]) {
		struct bpf_program prog;
		if (pcap_compile(p, &prog, ep->filter, 1, PCAP_NETMASK_UNKNOWN) < 0) {
			tsc_err("%s: filter '%s': %s", ep->text, ep->filter, pcap_geterr(p));
			return -EINVAL;
		}
		r = pcap_setfilter(p, &prog);
		pcap_freecode(&prog);
		if (r < 0) {
			tsc_err("%s: filter '%s': %s", ep->text, ep->filter, pcap_geterr(p));
			return -EINVAL;
		}
	}
	char ebuf[PCAP_ERRBUF_SIZE];
	if (pcap_setnonblock(p, 1, ebuf) < 0 || (pl->fd = pcap_get_selectable_fd(p)) < 0) {
		tsc_err("%s: libpcap gives no descriptor to wait on for %s", ep->text, ep->ifname);
		return -EOPNOTSUPP;
	}
	tsc_dbg("%s: libpcap, link type %u, time stamps '%s' (offered: %s)", ep->text,
	        pl->info.linktype, pl->info.tstamp, pl->info.offered);
	return 0;
}

int pcap_live_open(const struct tsc_endpoint *ep, const struct tsc_source_opts *opts,
                   struct pcap_live **out, struct pcap_live_info *info)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	struct pcap_live *pl = calloc(1, sizeof(*pl));

	if (!pl) {
		return -ENOMEM;
	}
	pl->p = pcap_create(ep->ifname, ebuf);
	if (!pl->p) {
		tsc_err("%s: libpcap: %s", ep->text, ebuf);
		free(pl);
		return -ENODEV;
	}
	int r = configure(pl, ep, opts);
	if (r < 0) {
		pcap_live_close(pl);
		return r;
	}
	*info = pl->info;
	*out = pl;
	return 0;
}

int pcap_live_fd(const struct pcap_live *pl)
{
	return pl->fd;
}

int64_t pcap_live_drops(struct pcap_live *pl)
{
	struct pcap_stat st;

	return pcap_stats(pl->p, &st) == 0 ? (int64_t)st.ps_drop : -1;
}

void pcap_live_close(struct pcap_live *pl)
{
	if (pl) {
		pcap_close(pl->p);
		free(pl);
	}
}

struct rx_pcap {
	struct tsc_rx base;
	struct pcap_live *pl;
	uint16_t endpoint;
	uint32_t slot_len;
	unsigned batch;
	uint8_t *slots;
	struct tsc_pkt *out; /* the call's packets, filled by the callback */
	unsigned n;
};

static void on_frame(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct rx_pcap *rx = (struct rx_pcap *)(void *)user;
	struct tsc_pkt *p = &rx->out[rx->n];
	uint8_t *slot = rx->slots + (size_t)rx->n * rx->slot_len;
	uint32_t cap = h->caplen < rx->slot_len ? h->caplen : rx->slot_len;

	memcpy(slot, bytes, cap);
	memset(p, 0, sizeof(*p));
	p->data = slot;
	p->caplen = cap;
	p->len = h->len;
	p->endpoint = rx->endpoint;
	p->flags = TSC_PKT_FRAME | (cap < h->len ? TSC_PKT_TRUNC : 0);
	/* Nanosecond precision: tv_usec holds nanoseconds. */
	int64_t ns = tsc_ns_from_parts((int64_t)h->ts.tv_sec, (int64_t)h->ts.tv_usec);
	tsc_pkt_stamp(p, (enum tsc_clock)rx->pl->info.clock, ns,
	              (enum tsc_timebase)rx->pl->info.base);
	rx->n++;
}

static int recv_pcap(struct tsc_rx *base, struct tsc_pkt *pkts, unsigned max)
{
	struct rx_pcap *rx = container_of(base, struct rx_pcap, base);

	rx->out = pkts;
	rx->n = 0;
	int r = pcap_dispatch(rx->pl->p, (int)(max < rx->batch ? max : rx->batch), on_frame,
	                      (u_char *)rx);
	if (r < 0) {
		tsc_err("libpcap: %s", pcap_geterr(rx->pl->p));
		return -EIO;
	}
	int64_t now = tsc_now_realtime();
	for (unsigned i = 0; i < rx->n; i++) {
		tsc_pkt_stamp(&pkts[i], TSC_USER, now, TSC_BASE_REALTIME);
	}
	return (int)rx->n;
}

static void close_pcap(struct tsc_rx *base)
{
	struct rx_pcap *rx = container_of(base, struct rx_pcap, base);

	free(rx->slots);
	free(rx);
}

static const struct tsc_rx_ops pcap_ops = {.name = "pcap", .recv = recv_pcap, .close = close_pcap};

int rx_pcap_open(struct pcap_live *pl, uint16_t endpoint, const struct tsc_rx_opts *opts,
                 struct tsc_rx **out)
{
	struct rx_pcap *rx = calloc(1, sizeof(*rx));

	if (!rx || !(rx->slots = malloc((size_t)opts->batch * opts->slot_len))) {
		free(rx);
		tsc_err("out of memory for %u receive slots of %u bytes", opts->batch,
		        opts->slot_len);
		return -ENOMEM;
	}
	rx->base.ops = &pcap_ops;
	rx->base.wait_fd = pl->fd;
	rx->pl = pl;
	rx->endpoint = endpoint;
	rx->slot_len = opts->slot_len;
	rx->batch = opts->batch;
	*out = &rx->base;
	return 0;
}
