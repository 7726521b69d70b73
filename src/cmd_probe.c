/* tscap probe IFACE: what the interface and kernel really deliver. The
 * interface's advertised capabilities and hardware config, then probes
 * that cross it (ICMP echo to a peer, TCP writes for ACK stamps): which
 * stamps arrived on how many packets, their granularity, the spread
 * between stamps of one packet, and the NIC clock's offset to the system
 * clock. A verdict per capability says delivered / advertised but not
 * delivered / not advertised. */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "cmds.h"
#include "delivery.h"
#include "json.h"
#include "log.h"
#include "options.h"
#include "stop.h"
#include "samples.h"

struct probe_opts {
	unsigned long long count, tcp_port;
	double interval_ms;
	const char *peer;
	int enable, json;
};

/* One stamp kind, where it comes from and what the driver must say. */
struct kind {
	const char *key, *name, *dir;
	enum tsc_clock clock;
	int cap; /* enum tsc_cap, or -1: made by the stack whatever the driver */
	int tcp; /* carried by the TCP writes, not the echoes */
};

static const struct kind kinds[] = {
    {"rx_software", "RX software", "in", TSC_SW_RX, TSC_CAP_RX_SW, 0},
    {"rx_hardware", "RX hardware", "in", TSC_HW_RX, TSC_CAP_RX_HW, 0},
    {"tx_sched", "TX sched", "out", TSC_TX_SCHED, -1, 0},
    {"tx_software", "TX software", "out", TSC_TX_SW, TSC_CAP_TX_SW, 0},
    {"tx_hardware", "TX hardware", "out", TSC_TX_HW, TSC_CAP_TX_HW, 0},
    {"tx_ack", "TX ack (TCP)", "out", TSC_TX_ACK, -1, 1},
};
#define N_KINDS (sizeof(kinds) / sizeof(kinds[0]))

/* Differences between two stamps of one packet. */
struct spread_def {
	const char *key, *name;
	enum tsc_clock a, b; /* a - b */
};

static const struct spread_def spread_defs[] = {
    {"rx_user_minus_software", "RX user - software", TSC_USER, TSC_SW_RX},
    {"rx_software_minus_hardware", "RX software - hardware", TSC_SW_RX, TSC_HW_RX},
    {"tx_software_minus_hardware", "TX software - hardware", TSC_TX_SW, TSC_TX_HW},
    {"tx_software_minus_sched", "TX software - sched", TSC_TX_SW, TSC_TX_SCHED},
};
#define N_SPREADS (sizeof(spread_defs) / sizeof(spread_defs[0]))

struct kind_result {
	unsigned got, of;
	int64_t granularity;
	enum tsc_verdict verdict;
};

struct spread {
	size_t n;
	int64_t min, p50, p99, max;
};

struct report {
	struct tsc_nic_info info;
	const char *peer;
	unsigned probes, answered, writes, acked;
	struct kind_result k[N_KINDS];
	struct spread s[N_SPREADS];
	int phc_err;
	struct tsc_phc_offset phc;
};

static int parse_peer(const char *text, struct tsc_addr *a)
{
	if (inet_pton(AF_INET, text, a->addr) == 1) {
		a->family = TSC_AF_INET;
	} else if (inet_pton(AF_INET6, text, a->addr) == 1) {
		a->family = TSC_AF_INET6;
	} else {
		tsc_err("probe: '%s' is not an IPv4 or IPv6 address for --peer", text);
		return -1;
	}
	return 0;
}

static int parse_args(struct probe_opts *o, struct tsc_probe_opts *po, int argc, char **argv)
{
	const struct opt_spec tab[] = {
	    {"count", 'c', OPT_UINT, &o->count, 1, 65536, NULL, "N",
	     "probes to exchange (default 100)"},
	    {"interval", 'i', OPT_DOUBLE, &o->interval_ms, 0, 10000, NULL, "MS",
	     "time between probes (default 10)"},
	    {"peer", 0, OPT_STRING, &o->peer, 0, 0, NULL, "ADDR",
	     "a host you own on that link; it only has to answer ping (default on lo: "
	     "127.0.0.1)"},
	    {"tcp-port", 0, OPT_UINT, &o->tcp_port, 1, 65535, NULL, "PORT",
	     "a listening TCP port on the peer, for ACK stamps (on lo tscap listens itself)"},
	    {"enable", 0, OPT_FLAG, &o->enable, 0, 0, NULL, NULL,
	     "switch hardware stamping on (SIOCSHWTSTAMP; undone on exit; CAP_NET_ADMIN)"},
	    {"json", 0, OPT_FLAG, &o->json, 0, 0, NULL, NULL, "print JSON"},
	    {"verbose", 'v', OPT_FLAG, &tsc_verbose, 0, 0, NULL, NULL, "debug messages"},
	    {0},
	};
	int first = opts_parse("probe", tab, argc, argv);

	if (first == -2) {
		opts_usage(stdout, "probe", "IFACE [options]", tab);
		return 1;
	}
	if (first < 0) {
		return -1;
	}
	if (first != argc - 1) {
		tsc_err("probe: name exactly one interface (e.g. tscap probe lo)");
		return -1;
	}
	po->ifname = argv[first];
	po->enable = o->enable;
	po->tcp_port = (uint16_t)o->tcp_port;
	return o->peer ? parse_peer(o->peer, &po->peer) : 0;
}

static void measure_kinds(struct report *r, const struct tsc_pkt *echo, const struct tsc_pkt *tcp)
{
	int64_t *v = malloc((r->probes + r->writes + 1) * sizeof(*v));

	for (unsigned i = 0; i < N_KINDS; i++) {
		const struct kind *k = &kinds[i];
		const struct tsc_pkt *p = k->tcp ? tcp : echo;
		unsigned n = k->tcp ? r->writes : r->probes;
		struct kind_result *x = &r->k[i];
		/* RX stamps come with replies: their share is of the replies. */
		x->of = k->tcp ? r->writes : (!strcmp(k->dir, "in") ? r->answered : r->probes);
		for (unsigned j = 0; j < n; j++) {
			if (tsc_pkt_has(&p[j], k->clock) && v) {
				v[x->got++] = p[j].ns[k->clock];
			}
		}
		x->granularity =
		    v && x->got >= TSC_GRANULARITY_MIN_STAMPS ? tsc_granularity_ns(v, x->got) : 0;
		int adv = k->cap < 0 ? -1 : (r->info.advertised & (unsigned)k->cap) != 0;
		int on = k->clock == TSC_HW_RX   ? r->info.hw_rx_on
		         : k->clock == TSC_TX_HW ? r->info.hw_tx_on
		                                 : -1;
		x->verdict = tsc_verdict_of(adv, x->got, x->of, on);
	}
	free(v);
}

static void measure_spreads(struct report *r, const struct tsc_pkt *echo)
{
	for (unsigned i = 0; i < N_SPREADS; i++) {
		const struct spread_def *d = &spread_defs[i];
		struct tsc_samples s;
		samples_init(&s, r->probes);
		for (unsigned j = 0; j < r->probes; j++) {
			if (tsc_pkt_has(&echo[j], d->a) && tsc_pkt_has(&echo[j], d->b)) {
				samples_add(&s, echo[j].ns[d->a] - echo[j].ns[d->b]);
			}
		}
		r->s[i] = (struct spread){s.n, samples_pct(&s, 0), samples_pct(&s, 50),
		                          samples_pct(&s, 99), samples_pct(&s, 100)};
		samples_free(&s);
	}
}

static const char *or_none(const char *s)
{
	return s && s[0] ? s : "none";
}

static void print_interface(const struct tsc_nic_info *in)
{
	printf("Interface %s (index %u)\n", in->ifname, in->ifindex);
	if (in->caps_err) {
		printf("  capabilities (ETHTOOL_GET_TS_INFO): unavailable: %s\n",
		       strerror(in->caps_err));
	} else {
		printf("  advertised (ETHTOOL_GET_TS_INFO): %s\n", in->flags);
		printf("  hardware clock: %s", in->phc_index >= 0 ? "" : "none\n");
		if (in->phc_index >= 0) {
			printf("/dev/ptp%d\n", in->phc_index);
		}
		printf("  TX types: %s; RX filters: %s\n", in->tx_types, in->rx_filters);
		static const char *const cover[] = {
		    [TSC_HW_RX_NONE] = "software stamps only (no hardware RX filter)",
		    [TSC_HW_RX_SOME] = "hardware stamps on PTP frames only (no RX filter ALL)",
		    [TSC_HW_RX_ALL] = "hardware stamps on every frame (RX filter ALL)",
		};
		printf("  wire:%s capture: %s\n", in->ifname, cover[in->hw_rx_cover % 3]);
	}
	if (in->config_err) {
		printf("  hardware config (SIOCGHWTSTAMP): %s\n",
		       in->config_err == EOPNOTSUPP || in->config_err == EINVAL
		           ? "the driver has none (no hardware stamping)"
		           : strerror(in->config_err));
	} else {
		printf("  hardware config (SIOCGHWTSTAMP): %s\n", in->config);
	}
	if (in->enable_err > 0) {
		printf("  --enable (SIOCSHWTSTAMP): failed: %s%s\n", strerror(in->enable_err),
		       in->enable_err == EPERM ? " (needs CAP_NET_ADMIN)" : "");
	} else if (in->enable_err == 0) {
		printf("  --enable (SIOCSHWTSTAMP): now %s (restored on exit)\n",
		       or_none(in->enabled));
	}
}

static const struct kind_result *result_of(const struct report *r, enum tsc_clock c)
{
	for (unsigned i = 0; i < N_KINDS; i++) {
		if (kinds[i].clock == c) {
			return &r->k[i];
		}
	}
	return &r->k[0];
}

static void print_text(const struct report *r)
{
	print_interface(&r->info);
	printf("\n%u ICMP echoes to %s through %s: %u answered", r->probes, r->peer, r->info.ifname,
	       r->answered);
	if (r->writes) {
		printf("; %u TCP writes: %u acknowledged", r->writes, r->acked);
	}
	printf("\n");
	if (!r->answered && !result_of(r, TSC_TX_SCHED)->got) {
		printf(
		    "no probe left through %s (no route or neighbour for %s there?): the verdicts "
		    "below say nothing about the driver\n",
		    r->info.ifname, r->peer);
	}
	printf("\n%-14s %-4s %-18s %-12s %s\n", "stamp", "dir", "arrived", "granularity",
	       "verdict");
	for (unsigned i = 0; i < N_KINDS; i++) {
		const struct kind_result *x = &r->k[i];
		char got[32], gran[24];
		snprintf(got, sizeof(got), "%u/%u %3.0f%%", x->got, x->of,
		         x->of ? 100.0 * x->got / x->of : 0.0);
		snprintf(gran, sizeof(gran), x->granularity ? "%" PRId64 " ns" : "-",
		         x->granularity);
		printf("%-14s %-4s %-18s %-12s %s\n", kinds[i].name, kinds[i].dir, got, gran,
		       tsc_verdict_text(x->verdict));
	}
	printf("\nspread, us              n       min    median       p99       max\n");
	for (unsigned i = 0; i < N_SPREADS; i++) {
		const struct spread *s = &r->s[i];
		printf("%-22s %6zu", spread_defs[i].name, s->n);
		if (s->n) {
			printf(" %9.3f %9.3f %9.3f %9.3f\n", (double)s->min / 1e3,
			       (double)s->p50 / 1e3, (double)s->p99 / 1e3, (double)s->max / 1e3);
		} else {
			printf("   (no packet had both)\n");
		}
	}
	if (r->phc_err == -ENODEV) {
		printf("\nPHC: none, so no NIC-to-system clock offset\n");
	} else if (r->phc_err) {
		printf("\nPHC /dev/ptp%d: offset unavailable: %s\n", r->info.phc_index,
		       strerror(-r->phc_err));
	} else {
		printf("\nPHC /dev/ptp%d - system clock: %+.9f s (window %" PRId64 " ns, %s, %u "
		       "samples)\n",
		       r->info.phc_index, (double)r->phc.offset_ns / 1e9, r->phc.window_ns,
		       r->phc.method, r->phc.samples);
	}
}

static void json_err(const char *key, int err, const char *value)
{
	printf(", \"%s\": ", key);
	if (err) {
		printf("null, \"%s_error\": ", key);
		json_str(stdout, strerror(err));
	} else {
		json_str(stdout, value);
	}
}

static void print_json_interface(const struct tsc_nic_info *in)
{
	printf("{\"interface\": {");
	json_kv_str(stdout, 1, "name", in->ifname);
	printf(", \"index\": %u, \"phc_index\": %d", in->ifindex, in->phc_index);
	json_err("so_timestamping", in->caps_err, in->flags);
	json_err("tx_types", in->caps_err, in->tx_types);
	json_err("rx_filters", in->caps_err, in->rx_filters);
	if (!in->caps_err) {
		static const char *const cover[] = {"none", "ptp", "all"};
		printf(", \"wire_hw_rx\": \"%s\"", cover[in->hw_rx_cover % 3]);
	}
	json_err("hardware_config", in->config_err, in->config);
	if (in->enable_err >= 0) {
		json_err("enabled_config", in->enable_err, in->enabled);
	}
	printf("}");
}

static void print_json(const struct report *r)
{
	print_json_interface(&r->info);
	printf(",\n \"peer\": ");
	json_str(stdout, r->peer);
	printf(", \"probes\": %u, \"answered\": %u, \"tcp_writes\": %u, \"tcp_acked\": %u,\n",
	       r->probes, r->answered, r->writes, r->acked);
	printf(" \"stamps\": [");
	for (unsigned i = 0; i < N_KINDS; i++) {
		const struct kind *k = &kinds[i];
		const struct kind_result *x = &r->k[i];
		printf("%s\n  {", i ? "," : "");
		json_kv_str(stdout, 1, "key", k->key);
		json_kv_str(stdout, 0, "direction", k->dir);
		printf(", \"advertised\": %s", k->cap < 0                              ? "null"
		                               : r->info.advertised & (unsigned)k->cap ? "true"
		                                                                       : "false");
		printf(", \"delivered\": %u, \"of\": %u, \"granularity_ns\": ", x->got, x->of);
		if (x->granularity) {
			printf("%" PRId64, x->granularity);
		} else {
			printf("null");
		}
		json_kv_str(stdout, 0, "verdict", tsc_verdict_text(x->verdict));
		printf("}");
	}
	printf("],\n \"spreads\": [");
	for (unsigned i = 0; i < N_SPREADS; i++) {
		const struct spread *s = &r->s[i];
		printf("%s\n  {", i ? "," : "");
		json_kv_str(stdout, 1, "key", spread_defs[i].key);
		printf(", \"n\": %zu", s->n);
		if (s->n) {
			printf(", \"min_ns\": %" PRId64 ", \"median_ns\": %" PRId64
			       ", \"p99_ns\": %" PRId64 ", \"max_ns\": %" PRId64,
			       s->min, s->p50, s->p99, s->max);
		}
		printf("}");
	}
	printf("],\n \"phc\": ");
	if (r->phc_err) {
		printf("null");
	} else {
		printf("{\"offset_ns\": %" PRId64 ", \"window_ns\": %" PRId64 ", \"samples\": %u",
		       r->phc.offset_ns, r->phc.window_ns, r->phc.samples);
		json_kv_str(stdout, 0, "method", r->phc.method);
		printf("}");
	}
	printf("}\n");
}

/* TCP writes wait for their ACK one by one: a few hundred tell enough. */
#define TCP_WRITES_MAX 200

int cmd_probe(int argc, char **argv)
{
	struct probe_opts o = {.count = 100, .interval_ms = 10};
	struct tsc_probe_opts po = {0};
	struct report r = {0};
	struct tsc_probe *p;
	int a = parse_args(&o, &po, argc, argv);

	if (a) {
		return a > 0 ? 0 : 1;
	}
	po.stop = &tsc_stop;
	/* a stop ends the run, not tscap: summaries print, a NIC's config is put back */
	tsc_stop_on_signals();
	if (tsc_probe_open(&po, &p, &r.info) < 0) {
		return 1;
	}
	unsigned count = (unsigned)o.count;
	struct tsc_pkt *echo = calloc(count, sizeof(*echo));
	struct tsc_pkt *tcp = calloc(count, sizeof(*tcp));
	int n = echo && tcp
	            ? tsc_probe_echo(p, echo, count, (unsigned)(o.interval_ms * 1e3), &r.probes)
	            : -ENOMEM;
	if (n < 0) {
		free(echo), free(tcp);
		tsc_probe_close(p);
		return 1;
	}
	r.answered = (unsigned)n;
	r.peer = tsc_probe_peer(p);
	int t = tsc_stop ? 0
	                 : tsc_probe_tcp(p, tcp, count < TCP_WRITES_MAX ? count : TCP_WRITES_MAX,
	                                 &r.writes);
	r.acked = t > 0 ? (unsigned)t : 0;
	r.phc_err = tsc_probe_phc_offset(p, &r.phc);
	measure_kinds(&r, echo, tcp);
	measure_spreads(&r, echo);
	if (o.json) {
		print_json(&r);
	} else {
		print_text(&r);
	}
	if (!r.answered) {
		tsc_err("probe: no echo came back from %s through %s", r.peer, po.ifname);
	}
	free(echo);
	free(tcp);
	tsc_probe_close(p);
	return r.answered ? 0 : 2;
}
