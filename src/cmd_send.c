/* tscap send TARGET: a UDP load generator. sendmmsg batches, paced to
 * --rate; every payload carries a sequence number and the send time
 * (src/probe.h) so a capture can tell loss, reordering and one-way delay.
 * With --tx-stamps it also reads the kernel's TX stamps and reports the
 * time each datagram spent between the qdisc and the driver. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"
#include "cmds.h"
#include "json.h"
#include "log.h"
#include "nstime.h"
#include "options.h"
#include "stop.h"
#include "probe.h"
#include "samples.h"
#include "stats.h"

#define TX_RING 65536 /* TX stamps matched by id within this window */

struct send_opts {
	double rate, duration;
	unsigned long long count, size, batch, flows;
	int tx_stamps, quiet, json;
};

#define MAX_FLOWS 64

struct tx_match {
	uint32_t id;
	int64_t sched, sw, hw;
};

struct sender {
	struct send_opts o;
	struct tsc_endpoint target;
	struct tsc_tx *tx[MAX_FLOWS]; /* one socket (source port) per flow */
	uint64_t flow_seq[MAX_FLOWS];
	uint64_t batches;
	uint8_t **bufs;
	uint32_t *lens;
	uint32_t session;
	uint64_t sent;
	uint64_t n_stamps[TSC_CLOCK_COUNT];
	struct tx_match *ring;
	struct tsc_samples sched_to_sw;
	struct tsc_progress progress;
};

static int parse_args(struct sender *s, int argc, char **argv)
{
	struct send_opts *o = &s->o;
	const struct opt_spec tab[] = {
	    {"rate", 'r', OPT_DOUBLE, &o->rate, 0, 1e9, NULL, "PPS",
	     "packets per second, 0 = as fast as possible (default)"},
	    {"count", 'c', OPT_UINT, &o->count, 1, 1e18, NULL, "N", "stop after N datagrams"},
	    {"duration", 0, OPT_DOUBLE, &o->duration, 0.001, 1e9, NULL, "SEC",
	     "stop after SEC seconds"},
	    {"size", 's', OPT_UINT, &o->size, 1, 65507, NULL, "BYTES",
	     "UDP payload size (default 64; 24+ carries seq and time)"},
	    {"batch", 0, OPT_UINT, &o->batch, 1, 1024, NULL, "N",
	     "datagrams per sendmmsg (default 64)"},
	    {"flows", 0, OPT_UINT, &o->flows, 1, MAX_FLOWS, NULL, "N",
	     "N source sockets (ports), batches in turn; each its own session (default 1)"},
	    {"tx-stamps", 0, OPT_FLAG, &o->tx_stamps, 0, 0, NULL, NULL,
	     "collect kernel TX stamps, report sched->driver delay"},
	    {"quiet", 'q', OPT_FLAG, &o->quiet, 0, 0, NULL, NULL, "no progress line"},
	    {"verbose", 'v', OPT_FLAG, &tsc_verbose, 0, 0, NULL, NULL, "debug messages"},
	    {"json", 0, OPT_FLAG, &o->json, 0, 0, NULL, NULL, "print the summary as JSON"},
	    {0},
	};
	int first = opts_parse("send", tab, argc, argv);
	char err[256];

	if (first == -2) {
		opts_usage(stdout, "send", "udp://HOST:PORT [options]", tab);
		return 1;
	}
	if (first < 0) {
		return -1;
	}
	if (first != argc - 1) {
		tsc_err("send: give exactly one target (e.g. udp://127.0.0.1:9000)");
		return -1;
	}
	if (tsc_endpoint_parse_udp(argv[first], &s->target, err, sizeof(err)) < 0) {
		tsc_err("%s", err);
		return -1;
	}
	if (s->target.wildcard) {
		tsc_err("send: %s is a wildcard address: name a host", s->target.text);
		return -1;
	}
	if (o->flows > 1 && o->tx_stamps) {
		tsc_err("send: --tx-stamps works with one flow only");
		return -1;
	}
	if (s->target.family == TSC_AF_INET && o->size > 65507) {
		tsc_err("send: --size %llu is larger than an IPv4 UDP datagram (65507)", o->size);
		return -1;
	}
	return 0;
}

static int make_buffers(struct sender *s)
{
	unsigned n = (unsigned)s->o.batch;

	s->bufs = calloc(n, sizeof(*s->bufs));
	s->lens = calloc(n, sizeof(*s->lens));
	if (!s->bufs || !s->lens) {
		return -1;
	}
	for (unsigned i = 0; i < n; i++) {
		s->bufs[i] = malloc(s->o.size);
		if (!s->bufs[i]) {
			return -1;
		}
		tsc_probe_fill(s->bufs[i], s->o.size, s->session, 0);
		s->lens[i] = (uint32_t)s->o.size;
	}
	if (s->o.tx_stamps) {
		s->ring = calloc(TX_RING, sizeof(*s->ring));
		samples_init(&s->sched_to_sw, 1u << 20);
		if (!s->ring) {
			return -1;
		}
	}
	return 0;
}

/* A stamp for datagram id: when its SCHED and driver (SND) stamps are
 * both in, the time between them is one sample. */
static void take_stamp(struct sender *s, const struct tsc_tx_stamp *t)
{
	struct tx_match *m = &s->ring[t->id % TX_RING];

	s->n_stamps[t->clock]++;
	if (m->id != t->id) {
		*m = (struct tx_match){.id = t->id};
	}
	if (t->clock == TSC_TX_SCHED) {
		m->sched = t->ns;
	} else if (t->clock == TSC_TX_SW) {
		m->sw = t->ns;
	} else if (t->clock == TSC_TX_HW) {
		m->hw = t->ns;
	}
	if (m->sched && m->sw && (t->clock == TSC_TX_SCHED || t->clock == TSC_TX_SW)) {
		samples_add(&s->sched_to_sw, m->sw - m->sched);
	}
}

static void collect_stamps(struct sender *s)
{
	struct tsc_tx_stamp st[64];
	int n;

	while ((n = tsc_tx_stamps(s->tx[0], st, 64)) > 0) {
		for (int i = 0; i < n; i++) {
			take_stamp(s, &st[i]);
		}
	}
}

/* How many datagrams are due now at --rate; sleeps until one is. */
static uint64_t due(const struct sender *s, int64_t t0)
{
	if (s->o.rate <= 0) {
		return s->o.batch;
	}
	for (;;) {
		int64_t now = tsc_now_monotonic();
		uint64_t allowed = (uint64_t)((double)(now - t0) * s->o.rate / 1e9) + 1;
		if (allowed > s->sent) {
			return allowed - s->sent;
		}
		if (tsc_stop) {
			return 0;
		}
		int64_t next = t0 + (int64_t)((double)s->sent * 1e9 / s->o.rate);
		tsc_sleep_until_monotonic(next);
	}
}

static int send_loop(struct sender *s)
{
	int64_t t0 = tsc_now_monotonic();
	int64_t end = s->o.duration > 0 ? t0 + (int64_t)llround(s->o.duration * 1e9) : 0;

	while (!tsc_stop && (!s->o.count || s->sent < s->o.count)) {
		uint64_t k = due(s, t0);
		int64_t now = tsc_now_monotonic();
		if (!k || (end && now >= end)) {
			break;
		}
		if (k > s->o.batch) {
			k = s->o.batch;
		}
		if (s->o.count && k > s->o.count - s->sent) {
			k = s->o.count - s->sent;
		}
		/* Batches take turns over the flows; each flow is its own session
		 * with its own sequence numbers, as a receiver sees it. */
		unsigned f = (unsigned)(s->batches++ % s->o.flows);
		int64_t send_ns = tsc_now_realtime();
		for (uint64_t i = 0; i < k; i++) {
			tsc_probe_fill_header(s->bufs[i], s->o.size, s->session + f,
			                      s->flow_seq[f] + i, send_ns);
		}
		int r = tsc_tx_send(s->tx[f], s->bufs, s->lens, (unsigned)k);
		if (r < 0 && r != -ENOBUFS && r != -EAGAIN) {
			tsc_err("send to %s failed after %" PRIu64 " datagrams: %s", s->target.text,
			        s->sent, strerror(-r));
			return -1;
		}
		s->sent += r > 0 ? (uint64_t)r : 0;
		s->flow_seq[f] += r > 0 ? (uint64_t)r : 0;
		if (s->o.tx_stamps) {
			collect_stamps(s);
		}
		progress_tick(&s->progress, now, s->sent, 0);
	}
	s->o.duration = (double)(tsc_now_monotonic() - t0) / 1e9; /* what it took */
	return 0;
}

static void report(struct sender *s)
{
	double secs = s->o.duration > 0 ? s->o.duration : 1e-9;

	fprintf(stderr,
	        "tscap: sent %" PRIu64 " datagrams of %llu bytes to %s in %.3f s: %.0f pps, %.1f "
	        "Mbit/s of payload\n",
	        s->sent, s->o.size, s->target.text, secs, (double)s->sent / secs,
	        (double)s->sent * (double)s->o.size * 8 / secs / 1e6);
	if (!s->o.tx_stamps) {
		return;
	}
	fprintf(stderr,
	        "tscap: tx stamps: sched %" PRIu64 ", driver (sw) %" PRIu64 ", hardware %" PRIu64
	        " of %" PRIu64 " datagrams\n",
	        s->n_stamps[TSC_TX_SCHED], s->n_stamps[TSC_TX_SW], s->n_stamps[TSC_TX_HW], s->sent);
	if (s->sched_to_sw.n) {
		struct tsc_samples *d = &s->sched_to_sw;
		fprintf(stderr,
		        "tscap: sched->driver (qdisc) delay, ns: min %" PRId64 " median %" PRId64
		        " p99 %" PRId64 " max %" PRId64 " (%zu samples)\n",
		        samples_pct(d, 0), samples_pct(d, 50), samples_pct(d, 99),
		        samples_pct(d, 100), d->n);
	}
}

/* --json: the summary as one object on stdout (doc/json.md). */
static void report_json(struct sender *s, int failed)
{
	double secs = s->o.duration > 0 ? s->o.duration : 1e-9;
	char session[16];

	snprintf(session, sizeof(session), "%08x", s->session);
	printf("{");
	json_kv_str(stdout, 1, "target", s->target.text);
	json_kv_str(stdout, 0, "session", session);
	printf(", \"sent\": %" PRIu64 ", \"size\": %llu, \"flows\": %llu, \"seconds\": %.6f, "
	       "\"pps\": %.0f, \"payload_mbit_s\": %.3f, \"stopped_by_error\": %s, \"unit\": "
	       "\"ns\", \"tx_stamps\": ",
	       s->sent, s->o.size, s->o.flows, secs, (double)s->sent / secs,
	       (double)s->sent * (double)s->o.size * 8 / secs / 1e6, failed ? "true" : "false");
	if (!s->o.tx_stamps) {
		printf("null, \"sched_to_driver\": null}\n");
		return;
	}
	printf("{\"sched\": %" PRIu64 ", \"software\": %" PRIu64 ", \"hardware\": %" PRIu64
	       "}, \"sched_to_driver\": ",
	       s->n_stamps[TSC_TX_SCHED], s->n_stamps[TSC_TX_SW], s->n_stamps[TSC_TX_HW]);
	json_samples(stdout, &s->sched_to_sw);
	printf("}\n");
}

static void cleanup(struct sender *s)
{
	for (unsigned i = 0; s->bufs && i < s->o.batch; i++) {
		free(s->bufs[i]);
	}
	free(s->bufs);
	free(s->lens);
	free(s->ring);
	samples_free(&s->sched_to_sw);
	for (unsigned f = 0; f < MAX_FLOWS; f++) {
		tsc_tx_close(s->tx[f]);
	}
}

int cmd_send(int argc, char **argv)
{
	static struct sender s; /* large (flows); one per process */
	s = (struct sender){.o = {.size = 64, .batch = 64, .flows = 1}};
	int rc = 1;

	int r = parse_args(&s, argc, argv);
	if (r != 0) {
		return r > 0 ? 0 : 1;
	}
	tsc_stop_on_signals();
	s.session = (uint32_t)(tsc_now_realtime() ^ ((int64_t)getpid() << 16));
	struct tsc_tx_opts to = {.stamps = s.o.tx_stamps, .sndbuf = 4u << 20};
	if (make_buffers(&s) < 0) {
		tsc_err("send: out of memory");
		goto out;
	}
	for (unsigned f = 0; f < s.o.flows; f++) {
		if (tsc_tx_open(&s.target, &to, &s.tx[f]) < 0) {
			goto out;
		}
	}
	s.progress.enabled = !s.o.quiet && isatty(STDERR_FILENO);
	rc = send_loop(&s) == 0 ? 0 : 2; /* 2: a send failed during the run */
	if (s.o.tx_stamps) {             /* the last reports trail the last send */
		int64_t until = tsc_now_monotonic() + 200 * 1000 * 1000;
		while (tsc_now_monotonic() < until) {
			collect_stamps(&s);
			usleep(10000);
		}
	}
	progress_end(&s.progress);
	if (s.o.json) {
		report_json(&s, rc == 2);
	} else {
		report(&s);
	}
out:
	cleanup(&s);
	return rc;
}
