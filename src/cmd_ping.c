/* tscap ping TARGET: a STAMP session-sender (RFC 8762). Each probe's t1
 * is its real TX stamp from the kernel (or NIC), t4 the reply's RX stamp,
 * t2/t3 the reflector's; with a Follow-Up Telemetry TLV the reflector's
 * real TX stamp replaces its estimate. Reports round trip without the
 * reflector's dwell, one-way delays (clocks not known to be synchronised),
 * jitter, loss, duplicates, reordering, where the time goes, and the same
 * round trip from user-space clocks beside it. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend.h"
#include "cmd_metrics.h"
#include "cmds.h"
#include "json.h"
#include "latency.h"
#include "log.h"
#include "nstime.h"
#include "options.h"
#include "stop.h"
#include "ping_report.h"
#include "sink_pcapng.h"
#include "stamp.h"

static const char *const format_choices[] = {"ptp", "ntp", NULL};

struct ping_opts {
	double interval_ms, rate, duration, timeout;
	unsigned long long count, size;
	int stamp, format, json, quiet;
	const char *csv, *write, *plot, *metrics;
	double metrics_linger;
};

struct pinger {
	struct ping_opts o;
	struct tsc_endpoint target, local;
	struct tsc_addr to;
	struct tsc_source *src;
	struct tsc_rx *rx;
	struct probe_rec *recs;
	uint32_t *id_seq;        /* TX stamp id -> probe */
	uint32_t *order;         /* sequence numbers in arrival order */
	struct tsc_pkt *replies; /* -w: each probe's first reply, data copied */
	size_t cap, sent, n_order, send_failed, foreign;
	uint16_t ssid;
	uint16_t ee; /* t1's error estimate: a user-space time, 20 us */
	/* --metrics: probes are counted once settled (--timeout after
	 * sending, when their reply, TX stamp and follow-up are in). */
	struct ping_metrics *m;
	struct metrics_server *ms;
	size_t settled;
	uint32_t highest; /* highest sequence number answered so far */
	int64_t settle_ns;
	uint8_t buf[65536];
	struct tsc_pkt pkts[64];
};

static int grow(struct pinger *p)
{
	size_t cap = p->cap ? p->cap * 2 : 1024;
	struct probe_rec *r = realloc(p->recs, cap * sizeof(*r));
	uint32_t *ids = r ? realloc(p->id_seq, cap * sizeof(*ids)) : NULL;
	uint32_t *ord = ids ? realloc(p->order, cap * sizeof(*ord)) : NULL;

	if (r) {
		p->recs = r;
	}
	if (ids) {
		p->id_seq = ids;
	}
	struct tsc_pkt *rep = ord && p->o.write ? realloc(p->replies, cap * sizeof(*rep)) : NULL;
	if (!ord || (p->o.write && !rep)) {
		tsc_err("out of memory");
		return -1;
	}
	p->order = ord;
	if (rep) {
		p->replies = rep;
		memset(p->replies + p->cap, 0, (cap - p->cap) * sizeof(*rep));
	}
	memset(p->recs + p->cap, 0, (cap - p->cap) * sizeof(*r));
	p->cap = cap;
	return 0;
}

static int send_probe(struct pinger *p)
{
	struct stamp_test t = {.seq = (uint32_t)p->sent,
	                       .ts = tsc_now_realtime(),
	                       .ee = p->ee,
	                       .ssid = p->ssid,
	                       .ptp = p->o.format == 0};
	size_t len = stamp_sender_build(p->buf, (size_t)p->o.size, &t, 1, 1);

	if (p->sent == p->cap && grow(p) < 0) {
		return -1;
	}
	struct probe_rec *r = &p->recs[p->sent];
	r->t1_user = t.ts;
	int64_t id = tsc_source_send(p->src, &p->to, NULL, p->buf, len, (uint32_t)p->sent);
	if (id < 0) {
		p->send_failed++;
		if (p->m) {
			metrics_add(&p->m->send_failed, 1);
		}
		if (id != -EAGAIN && id != -ENOBUFS && id != -ECONNREFUSED) {
			tsc_err("ping: sending to %s: %s", p->target.text, strerror((int)-id));
			return -1;
		}
	} else if ((uint64_t)id < p->cap) {
		p->id_seq[id] = (uint32_t)p->sent;
	}
	p->sent++;
	if (p->m) {
		metrics_add(&p->m->sent, 1);
	}
	return 0;
}

static void take_tx_stamps(struct pinger *p)
{
	struct tsc_tx_stamp st[64];
	int n;

	while ((n = tsc_source_tx_stamps(p->src, st, 64)) > 0) {
		for (int i = 0; i < n; i++) {
			if (st[i].id >= p->sent) {
				continue;
			}
			struct probe_rec *r = &p->recs[p->id_seq[st[i].id]];
			if (st[i].clock == TSC_TX_SCHED) {
				r->t1_sched = st[i].ns;
			} else if (st[i].clock == TSC_TX_HW) {
				r->t1 = st[i].ns, r->t1_hw = 1;
			} else if (st[i].clock == TSC_TX_SW && !r->t1_hw) {
				r->t1 = st[i].ns;
			}
		}
		if (n < 64) {
			break;
		}
	}
}

static void print_reply(const struct pinger *p, const struct probe_rec *r, uint32_t seq, size_t len)
{
	struct probe_figures f;

	if (p->o.quiet || p->o.json) {
		return;
	}
	probe_figures_of(r, &f);
	printf("%zu bytes from %s: seq=%u rtt=%.3f ms fwd=%.3f ms back=%.3f ms ttl=%u%s\n", len,
	       p->target.text, seq, (double)f.rtt / 1e6, (double)f.fwd / 1e6, (double)f.back / 1e6,
	       r->ttl, r->got > 1 ? " (DUP)" : "");
}

/* -w: the reply as received, its bytes copied (the rx path reuses its
 * buffers). */
static void keep_reply(struct tsc_pkt *keep, const struct tsc_pkt *pkt)
{
	uint8_t *copy = malloc(pkt->caplen ? pkt->caplen : 1);

	if (copy) {
		memcpy(copy, pkt->data, pkt->caplen);
		*keep = *pkt;
		keep->data = copy;
	}
}

/* --metrics, as each reply comes: duplicates, reordering (as the
 * summary counts them: against the highest sequence answered before),
 * and first replies to probes already counted lost. */
static void count_reply(struct pinger *p, const struct probe_rec *r, uint32_t seq)
{
	if (r->got) {
		metrics_add(&p->m->duplicates, 1);
		return;
	}
	if (p->n_order && seq < p->highest) {
		metrics_add(&p->m->reordered, 1);
	}
	p->highest = seq > p->highest ? seq : p->highest;
	if (seq < p->settled) {
		metrics_add(&p->m->late, 1);
	}
}

static enum ping_stamp_src src_of(int64_t kernel, int hw)
{
	return hw ? PING_SRC_NIC : kernel ? PING_SRC_KERNEL : PING_SRC_USER;
}

/* A probe's figures into the histograms, or a loss. */
static void settle_one(struct ping_metrics *m, const struct probe_rec *r)
{
	struct probe_figures f;

	if (!r->got) {
		metrics_add(&m->lost, 1);
		return;
	}
	probe_figures_of(r, &f);
	metrics_add(&m->replies, 1);
	metrics_add(&m->t1[src_of(r->t1, r->t1_hw)], 1);
	metrics_add(&m->t4[src_of(r->t4, r->t4_hw)], 1);
	metrics_observe(&m->rtt, f.rtt);
	metrics_observe(&m->rtt_user, f.rtt_user);
	metrics_observe(&m->fwd, f.fwd);
	metrics_observe(&m->back, f.back);
	if (r->t4) {
		metrics_observe(&m->rx_user, r->t4_user - r->t4);
	}
	if (r->peer_rx_kernel && r->peer_rx_user) {
		metrics_observe(&m->peer_user, r->peer_rx_user - r->peer_rx_kernel);
	}
}

/* Probes sent settle_ns ago or more (all: every one). */
static void settle(struct pinger *p, int all)
{
	int64_t now = tsc_now_realtime();

	while (p->m && p->settled < p->sent &&
	       (all || now - p->recs[p->settled].t1_user >= p->settle_ns)) {
		settle_one(p->m, &p->recs[p->settled++]);
	}
}

/* A reply of ours: the SSID we sent (RFC 8972), or 0 from a reflector
 * that predates it (RFC 8762 has MBZ there). */
static void take_reply(struct pinger *p, const struct tsc_pkt *pkt)
{
	struct stamp_reply rep;

	if (stamp_reply_parse(pkt->data, pkt->caplen, tsc_now_realtime(), &rep) < 0 ||
	    (rep.ssid != p->ssid && rep.ssid != 0) || rep.sender_seq >= p->sent) {
		p->foreign++;
		return;
	}
	struct probe_rec *r = &p->recs[rep.sender_seq];
	if (p->m) {
		count_reply(p, r, rep.sender_seq);
	}
	if (!r->got++) {
		r->t2 = rep.t2;
		r->t3 = rep.t3;
		r->ttl = rep.ttl;
		r->peer_rx_kernel = rep.rx_kernel;
		r->peer_rx_user = rep.rx_user;
		r->t4_user = pkt->ns[TSC_USER];
		r->t4_hw = (uint8_t)tsc_pkt_has(pkt, TSC_HW_RX);
		r->t4 = r->t4_hw                      ? pkt->ns[TSC_HW_RX]
		        : tsc_pkt_has(pkt, TSC_SW_RX) ? pkt->ns[TSC_SW_RX]
		                                      : 0;
		p->order[p->n_order++] = rep.sender_seq;
		if (p->replies) {
			keep_reply(&p->replies[rep.sender_seq], pkt);
		}
	}
	if (rep.follow_up.present && rep.follow_up.ns && rep.follow_up.seq < p->sent) {
		p->recs[rep.follow_up.seq].t3_real = rep.follow_up.ns;
	}
	print_reply(p, r, rep.sender_seq, pkt->len);
}

static int receive(struct pinger *p, int64_t wait_ns)
{
	int fds[2] = {tsc_rx_wait_fd(p->rx), tsc_source_fd(p->src)};
	int r = tsc_wait_fds(fds, fds[1] != fds[0] ? 2 : 1, wait_ns > 0 ? wait_ns : 0);

	if (r < 0 && r != -EINTR) {
		return r;
	}
	take_tx_stamps(p);
	int n;
	while ((n = tsc_rx_recv(p->rx, p->pkts, 64)) > 0) {
		for (int i = 0; i < n; i++) {
			take_reply(p, &p->pkts[i]);
		}
	}
	settle(p, 0);
	return n < 0 ? n : 0;
}

static int64_t interval_ns(const struct ping_opts *o)
{
	return o->rate > 0 ? (int64_t)(1e9 / o->rate) : (int64_t)(o->interval_ms * 1e6);
}

static int run(struct pinger *p)
{
	int64_t step = interval_ns(&p->o), start = tsc_now_monotonic();
	int64_t end = p->o.duration > 0 ? start + (int64_t)(p->o.duration * 1e9) : INT64_MAX;
	int64_t next = start;

	while (!tsc_stop && (!p->o.count || p->sent < p->o.count)) {
		int64_t now = tsc_now_monotonic();
		if (now >= end) {
			break;
		}
		if (now >= next) {
			if (send_probe(p) < 0) {
				return 2;
			}
			next += step;
			continue;
		}
		if (receive(p, next - now) < 0) {
			return 2;
		}
	}
	/* Late replies and TX stamps, until all are in or the timeout. */
	int64_t deadline = tsc_now_monotonic() + (int64_t)(p->o.timeout * 1e9);
	while (!tsc_stop && p->n_order < p->sent - p->send_failed) {
		int64_t left = deadline - tsc_now_monotonic();
		if (left <= 0 || receive(p, left < 20000000 ? left : 20000000) < 0) {
			break;
		}
	}
	receive(p, 20000000); /* the last follow-up and TX stamps */
	settle(p, 1);
	return 0;
}

/* -w: each probe as sent (rebuilt: its bytes follow from seq, t1 and the
 * SSID) with its TX stamps and the sender's clock as the peer stamp,
 * then its reply with its RX stamps, in one pcapng interface. */
static int write_probes(struct pinger *p)
{
	struct pcapng_sink sink = {0};
	struct pcapng_sink_if ifs[1] = {
	    {.name = "ping", .desc = "tscap ping: STAMP probes and replies"}};
	int r = 0;

	if (pcapng_sink_open(&sink, p->o.write, 65535, ifs, 1) < 0) {
		return -1;
	}
	for (size_t i = 0; r == 0 && i < p->sent; i++) {
		const struct probe_rec *rec = &p->recs[i];
		const struct tsc_pkt *rep = &p->replies[i];
		struct stamp_test t = {.seq = (uint32_t)i,
		                       .ts = rec->t1_user,
		                       .ee = p->ee,
		                       .ssid = p->ssid,
		                       .ptp = p->o.format == 0};
		struct tsc_pkt q = {.data = p->buf};
		q.caplen = q.len =
		    (uint32_t)stamp_sender_build(p->buf, (size_t)p->o.size, &t, 1, 1);
		q.src = rep->data ? rep->dst : (struct tsc_addr){.family = p->to.family};
		q.src.port = tsc_source_local_port(p->src);
		q.dst = p->to;
		tsc_pkt_stamp(&q, TSC_PEER, rec->t1_user, TSC_BASE_REALTIME);
		if (rec->t1_sched) {
			tsc_pkt_stamp(&q, TSC_TX_SCHED, rec->t1_sched, TSC_BASE_REALTIME);
		}
		if (rec->t1) {
			tsc_pkt_stamp(&q, rec->t1_hw ? TSC_TX_HW : TSC_TX_SW, rec->t1,
			              rec->t1_hw ? TSC_BASE_PHC_UTC : TSC_BASE_REALTIME);
		}
		r = pcapng_sink_pkt(&sink, &q, 0);
		if (r == 0 && rep->data) {
			r = pcapng_sink_pkt(&sink, rep, 0);
		}
	}
	int c = pcapng_sink_close(&sink, NULL, 0);
	return r < 0 || c < 0 ? -1 : 0;
}

static int parse_target(struct pinger *p, const char *arg)
{
	char text[300], err[256];

	if (!strstr(arg, "://")) { /* a bare host: STAMP's port */
		snprintf(text, sizeof(text), strchr(arg, ':') ? "udp://[%s]:%d" : "udp://%s:%d",
		         arg, STAMP_PORT);
		arg = text;
	}
	if (tsc_endpoint_parse_udp(arg, &p->target, err, sizeof(err)) < 0) {
		tsc_err("%s", err);
		return -1;
	}
	if (p->target.wildcard || p->target.multicast) {
		tsc_err("ping: %s: name one host", p->target.text);
		return -1;
	}
	p->to.family = p->target.family;
	p->to.port = p->target.port;
	memcpy(p->to.addr, p->target.addr, 16);
	p->local = p->target;
	p->local.wildcard = 1;
	p->local.port = 0;
	memset(p->local.addr, 0, sizeof(p->local.addr));
	snprintf(p->local.text, sizeof(p->local.text), "%s",
	         p->target.family == TSC_AF_INET ? "udp://0.0.0.0:0" : "udp://[::]:0");
	return 0;
}

static int parse_args(struct pinger *p, int argc, char **argv)
{
	struct ping_opts *o = &p->o;
	const struct opt_spec tab[] = {
	    {"count", 'c', OPT_UINT, &o->count, 1, 1e9, NULL, "N",
	     "send N probes (default 10, or no limit with --duration)"},
	    {"interval", 'i', OPT_DOUBLE, &o->interval_ms, 0.001, 3.6e6, NULL, "MS",
	     "time between probes (default 100)"},
	    {"rate", 'r', OPT_DOUBLE, &o->rate, 0.001, 1e6, NULL, "PPS",
	     "probes per second (instead of --interval)"},
	    {"duration", 0, OPT_DOUBLE, &o->duration, 0.001, 1e9, NULL, "SEC",
	     "stop sending after SEC seconds"},
	    {"size", 's', OPT_UINT, &o->size, 84, 65507, NULL, "BYTES",
	     "STAMP packet size, padded with an Extra Padding TLV (default 84)"},
	    {"format", 0, OPT_CHOICE, &o->format, 0, 0, format_choices, "FMT",
	     "timestamp format asked of the reflector: ptp (ns) or ntp"},
	    {"timeout", 0, OPT_DOUBLE, &o->timeout, 0, 3600, NULL, "SEC",
	     "wait this long for the last replies (default 1)"},
	    {"stamp", 0, OPT_CHOICE, &o->stamp, 0, 0, tsc_stamp_mode_names, "SRC",
	     "auto (hardware where the NIC has it), hw, sw, none (user space)"},
	    {"json", 0, OPT_FLAG, &o->json, 0, 0, NULL, NULL, "print the summary as JSON"},
	    {"csv", 0, OPT_STRING, &o->csv, 0, 0, NULL, "FILE",
	     "write every probe's times to FILE"},
	    {"write", 'w', OPT_STRING, &o->write, 0, 0, NULL, "FILE",
	     "write the probes and replies to FILE (pcapng, every stamp)"},
	    {"plot", 0, OPT_STRING, &o->plot, 0, 0, NULL, "FILE",
	     "draw the round trips as SVG charts in FILE"},
	    {"quiet", 'q', OPT_FLAG, &o->quiet, 0, 0, NULL, NULL, "no line per reply"},
	    {"metrics", 0, OPT_STRING, &o->metrics, 0, 0, NULL, "ADDR:PORT",
	     "serve Prometheus metrics at http://ADDR:PORT/metrics"},
	    {"metrics-linger", 0, OPT_DOUBLE, &o->metrics_linger, 0, 3600, NULL, "SEC",
	     "after the summary, serve the final metrics SEC more seconds"},
	    {"verbose", 'v', OPT_FLAG, &tsc_verbose, 0, 0, NULL, NULL, "debug messages"},
	    {0},
	};
	int first = opts_parse("ping", tab, argc, argv);

	if (first == -2) {
		opts_usage(stdout, "ping", "HOST | udp://HOST:PORT [options]", tab);
		return 1;
	}
	if (first < 0) {
		return -1;
	}
	if (first != argc - 1) {
		tsc_err("ping: give exactly one target (a host, or udp://HOST:PORT)");
		return -1;
	}
	if (o->size > 88 && o->size < 88 + 4) {
		tsc_err("ping: --size %llu leaves no room for a padding TLV: use 84, 88, or 92 and "
		        "up",
		        o->size);
		return -1;
	}
	return parse_target(p, argv[first]);
}

static int start_metrics(struct pinger *p)
{
	p->m = calloc(1, sizeof(*p->m));
	if (!p->m) {
		tsc_err("out of memory");
		return -1;
	}
	p->m->target = p->target.text;
	p->m->src = p->src;
	p->m->stamp = p->o.stamp;
	p->settle_ns = (int64_t)((p->o.timeout > 0.1 ? p->o.timeout : 0.1) * 1e9);
	return metrics_start(p->o.metrics, ping_metrics_render, p->m, &p->ms);
}

int cmd_ping(int argc, char **argv)
{
	struct pinger *p = calloc(1, sizeof(*p));
	int rc = 1;

	if (!p) {
		tsc_err("out of memory");
		return 1;
	}
	p->o = (struct ping_opts){.interval_ms = 100, .size = 84, .timeout = 1};
	int a = parse_args(p, argc, argv);
	if (a) {
		free(p);
		return a > 0 ? 0 : 1;
	}
	if (!p->o.count && p->o.duration <= 0) {
		p->o.count = 10; /* like ping -c: a bounded run unless asked */
	}
	p->ssid = (uint16_t)(tsc_now_realtime() % 65535 + 1); /* nonzero (RFC 8972) */
	p->ee = stamp_ee_make(0, 0, 20000);
	struct tsc_source_opts so = {
	    .stamp = (enum tsc_stamp_mode)p->o.stamp, .rcvbuf = 4 << 20, .tx_stamps = 1, .ttl = 1};
	struct tsc_rx_opts ro = {.kind = TSC_RX_MSG, .batch = 64, .slot_len = 65535};
	if (tsc_source_open(&p->local, &so, &p->src) < 0 || tsc_rx_open(p->src, &ro, &p->rx) < 0 ||
	    grow(p) < 0) {
		goto out;
	}
	if (p->o.metrics && start_metrics(p) < 0) {
		goto out;
	}
	tsc_stop_on_signals();
	if (!p->o.quiet && !p->o.json) {
		printf("STAMP %s: %llu-byte probes every %.3f ms\n", p->target.text, p->o.size,
		       (double)interval_ns(&p->o) / 1e6);
	}
	rc = run(p);
	if (rc == 0) {
		struct ping_result res = {.target = p->target.text,
		                          .recs = p->recs,
		                          .sent = p->sent,
		                          .order = p->order,
		                          .n_order = p->n_order,
		                          .send_failed = p->send_failed,
		                          .foreign = p->foreign,
		                          .json = p->o.json,
		                          .csv = p->o.csv,
		                          .plot = p->o.plot};
		rc = ping_report(&res);
		if (p->o.write && write_probes(p) < 0 && rc == 0) {
			rc = 1;
		}
		metrics_linger(p->ms, p->o.metrics_linger);
	}
out:
	metrics_stop(p->ms);
	free(p->m);
	tsc_rx_close(p->rx);
	tsc_source_close(p->src);
	free(p->recs);
	free(p->id_seq);
	free(p->order);
	for (size_t i = 0; p->replies && i < p->sent; i++) {
		free((void *)p->replies[i].data);
	}
	free(p->replies);
	free(p);
	return rc;
}
