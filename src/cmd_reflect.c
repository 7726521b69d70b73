/* tscap reflect [ENDPOINT]: a stateless STAMP session-reflector (RFC 8762
 * §4.3, unauthenticated). The receive time t2 is the packet's best RX
 * stamp (hardware, kernel, user space); the transmit time t3 in the reply
 * is an estimate read just before the send, because the real TX stamp
 * comes from the kernel only after it. That real stamp goes back with the
 * session's next reply, in the Follow-Up Telemetry TLV (RFC 8972 §4.7)
 * when the sender asked for one. Answers in the sender's timestamp format
 * (Z flag). Packets shorter than a STAMP packet are counted, not answered. */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "cmd_metrics.h"
#include "cmds.h"
#include "json.h"
#include "log.h"
#include "nstime.h"
#include "options.h"
#include "stop.h"
#include "stamp.h"

#define SESSIONS 1024 /* senders remembered for follow-ups (addr, port, SSID) */
#define PENDING  4096 /* replies whose TX stamp may still come */
#define BATCH    64

/* One sender session: its last reply, whose real TX stamp the next reply
 * carries. */
struct session {
	struct tsc_addr peer;
	uint16_t ssid;
	uint8_t used, have_last, mode;
	uint32_t last_seq, last_id;
	int64_t last_tx;
};

struct reflect_opts {
	int stamp, rx, quiet, json;
	unsigned long long count, rcvbuf;
	double duration, metrics_linger;
	const char *metrics;
};

struct counters {
	uint64_t received, answered, short_pkts, truncated, send_failed, follow_ups;
	struct stamp_tlv_counts tlv;
};

struct reflector {
	struct reflect_opts o;
	struct tsc_endpoint ep;
	struct tsc_source *src;
	struct tsc_rx *rx;
	struct session sessions[SESSIONS];
	struct {
		uint32_t id;
		uint16_t session;
		uint8_t used;
	} pending[PENDING];
	struct counters n;
	struct reflect_metrics *m; /* --metrics */
	struct metrics_server *ms;
	uint32_t next_id;
	uint8_t reply[65536];
	struct tsc_pkt pkts[BATCH];
};

static uint32_t hash_session(const struct tsc_addr *a, uint16_t ssid)
{
	uint32_t h = 2166136261u ^ a->port ^ (uint32_t)ssid << 16;

	for (unsigned i = 0; i < 16; i++) {
		h = (h ^ a->addr[i]) * 16777619u;
	}
	return h;
}

static int same_peer(const struct session *s, const struct tsc_addr *a, uint16_t ssid)
{
	return s->used && s->ssid == ssid && s->peer.port == a->port &&
	       s->peer.family == a->family && !memcmp(s->peer.addr, a->addr, 16);
}

/* The sender's session, made if new; an old one is overwritten when the
 * table is full (a follow-up is then missing once, nothing else). */
static struct session *session_of(struct reflector *r, const struct tsc_addr *a, uint16_t ssid,
                                  uint16_t *index)
{
	uint32_t h = hash_session(a, ssid);

	for (unsigned probe = 0; probe < 8; probe++) {
		uint16_t i = (uint16_t)((h + probe) % SESSIONS);
		struct session *s = &r->sessions[i];
		if (!s->used || same_peer(s, a, ssid)) {
			if (!s->used) {
				*s = (struct session){.peer = *a, .ssid = ssid, .used = 1};
			}
			*index = i;
			return s;
		}
	}
	*index = (uint16_t)(h % SESSIONS);
	r->sessions[*index] = (struct session){.peer = *a, .ssid = ssid, .used = 1};
	return &r->sessions[*index];
}

/* Real TX stamps of earlier replies: hardware over the kernel's SND. */
static void take_tx_stamps(struct reflector *r)
{
	struct tsc_tx_stamp st[64];
	int n;

	while ((n = tsc_source_tx_stamps(r->src, st, 64)) > 0) {
		for (int i = 0; i < n; i++) {
			if (st[i].clock != TSC_TX_SW && st[i].clock != TSC_TX_HW) {
				continue;
			}
			unsigned slot = st[i].id % PENDING;
			if (!r->pending[slot].used || r->pending[slot].id != st[i].id) {
				continue;
			}
			struct session *s = &r->sessions[r->pending[slot].session];
			if (s->have_last && s->last_id == st[i].id &&
			    (st[i].clock == TSC_TX_HW || s->mode != STAMP_MODE_HW)) {
				s->last_tx = st[i].ns;
				s->mode = st[i].clock == TSC_TX_HW ? STAMP_MODE_HW : STAMP_MODE_SW;
			}
		}
		if (n < 64) {
			break;
		}
	}
}

/* How far off a stamp of each kind may be, as error estimates, made once
 * (S is never set: tscap cannot know the clock is synchronised). */
static uint16_t ee_hw, ee_sw, ee_user;

static void make_error_estimates(void)
{
	ee_hw = stamp_ee_make(0, 0, 10);
	ee_sw = stamp_ee_make(0, 0, 1000);
	ee_user = stamp_ee_make(0, 0, 20000);
}

static void answer(struct reflector *r, const struct tsc_pkt *p)
{
	struct stamp_answer a = {0};
	uint16_t index;

	r->n.received++;
	if (p->caplen < STAMP_BASE_LEN) {
		r->n.short_pkts++;
		return;
	}
	if (p->flags & TSC_PKT_TRUNC) {
		r->n.truncated++; /* larger than we keep: cannot be reflected whole */
		return;
	}
	uint16_t ssid = (uint16_t)(p->data[14] << 8 | p->data[15]);
	struct session *s = session_of(r, &p->src, ssid, &index);
	enum tsc_clock best = tsc_pkt_best(p);
	a.t2 = best < TSC_CLOCK_COUNT ? p->ns[best] : tsc_now_realtime();
	a.ee_rx = best == TSC_HW_RX ? ee_hw : best == TSC_SW_RX ? ee_sw : ee_user;
	a.ee_tx = ee_user;
	a.ttl = p->ttl;
	a.rx_kernel = tsc_pkt_has(p, TSC_HW_RX)   ? p->ns[TSC_HW_RX]
	              : tsc_pkt_has(p, TSC_SW_RX) ? p->ns[TSC_SW_RX]
	                                          : 0;
	a.rx_user = tsc_pkt_has(p, TSC_USER) ? p->ns[TSC_USER] : 0;
	if (s->have_last && !s->last_tx && r->o.stamp != TSC_STAMP_NONE) {
		/* Two probes of a session in one batch: the previous reply's
		 * stamp is already on the error queue (software stamps are
		 * taken inside the send), so read it now rather than send a
		 * follow-up without it. One extra recvmsg, only in this case. */
		take_tx_stamps(r);
	}
	if (s->have_last) {
		a.follow_up = (struct stamp_follow_up){1, s->last_seq, s->last_tx, s->mode};
		r->n.follow_ups += s->last_tx != 0;
	}
	a.t3 = tsc_now_realtime();
	if (r->m) {
		metrics_add(&r->m->rx_src[best == TSC_HW_RX   ? PING_SRC_NIC
		                          : best == TSC_SW_RX ? PING_SRC_KERNEL
		                                              : PING_SRC_USER],
		            1);
		if (a.rx_kernel && a.rx_user) {
			metrics_observe(&r->m->rx_user, a.rx_user - a.rx_kernel);
		}
		metrics_observe(&r->m->dwell, a.t3 - a.t2);
	}
	size_t len = stamp_reflect(p->data, p->caplen, &a, r->reply, &r->n.tlv);
	int64_t id = tsc_source_send(r->src, &p->src, &p->dst, r->reply, len, r->next_id++);
	if (id < 0) {
		r->n.send_failed++;
		return;
	}
	r->n.answered++;
	s->have_last = 1;
	s->last_seq = (uint32_t)p->data[0] << 24 | (uint32_t)p->data[1] << 16 |
	              (uint32_t)p->data[2] << 8 | p->data[3];
	s->last_id = (uint32_t)id;
	s->last_tx = 0;
	s->mode = 0;
	r->pending[(uint32_t)id % PENDING].id = (uint32_t)id;
	r->pending[(uint32_t)id % PENDING].session = index;
	r->pending[(uint32_t)id % PENDING].used = 1;
}

static int parse_args(struct reflector *r, int argc, char **argv)
{
	struct reflect_opts *o = &r->o;
	const struct opt_spec tab[] = {
	    {"stamp", 0, OPT_CHOICE, &o->stamp, 0, 0, tsc_stamp_mode_names, "SRC",
	     "RX/TX stamps: auto (hardware where the NIC has it), hw, sw, none"},
	    {"rx", 0, OPT_CHOICE, &o->rx, 0, 0, tsc_rx_kind_names, "PATH",
	     "receive path: auto, uring, mmsg, msg"},
	    {"count", 'c', OPT_UINT, &o->count, 1, 1e18, NULL, "N", "stop after N answers"},
	    {"duration", 0, OPT_DOUBLE, &o->duration, 0.001, 1e9, NULL, "SEC",
	     "stop after SEC seconds"},
	    {"rcvbuf", 0, OPT_UINT, &o->rcvbuf, 4096, 1 << 30, NULL, "BYTES",
	     "socket receive buffer (default 8 MiB)"},
	    {"quiet", 'q', OPT_FLAG, &o->quiet, 0, 0, NULL, NULL, "no start line"},
	    {"metrics", 0, OPT_STRING, &o->metrics, 0, 0, NULL, "ADDR:PORT",
	     "serve Prometheus metrics at http://ADDR:PORT/metrics"},
	    {"metrics-linger", 0, OPT_DOUBLE, &o->metrics_linger, 0, 3600, NULL, "SEC",
	     "after stopping, serve the final metrics SEC more seconds"},
	    {"verbose", 'v', OPT_FLAG, &tsc_verbose, 0, 0, NULL, NULL, "debug messages"},
	    {"json", 0, OPT_FLAG, &o->json, 0, 0, NULL, NULL,
	     "print the summary as JSON on stdout when it stops"},
	    {0},
	};
	int first = opts_parse("reflect", tab, argc, argv);
	char err[256];

	if (first == -2) {
		opts_usage(stdout, "reflect", "[udp://ADDR:PORT] [options]", tab);
		return 1;
	}
	if (first < 0) {
		return -1;
	}
	if (first < argc - 1) {
		tsc_err("reflect: give one endpoint at most (default udp://[::]:862)");
		return -1;
	}
	if (tsc_endpoint_parse_udp(first < argc ? argv[first] : "udp://[::]:862", &r->ep, err,
	                           sizeof(err)) < 0) {
		tsc_err("%s", err);
		return -1;
	}
	return 0;
}

static void print_summary(const struct reflector *r)
{
	int64_t drops = tsc_source_kernel_drops(r->src);
	const struct counters *n = &r->n;

	fprintf(stderr,
	        "reflect: %" PRIu64 " received, %" PRIu64 " answered, %" PRIu64
	        " not answered (send failed), %" PRIu64 " too short for STAMP, %" PRIu64
	        " truncated, %" PRId64 " dropped by the kernel; TLVs: %u unknown, %u malformed; "
	        "%" PRIu64 " follow-ups with the real TX stamp\n",
	        n->received, n->answered, n->send_failed, n->short_pkts, n->truncated,
	        drops < 0 ? 0 : drops, n->tlv.unknown, n->tlv.malformed, n->follow_ups);
}

/* --json: the summary as one object on stdout (doc/json.md). */
static void print_json(const struct reflector *r, int failed)
{
	int64_t drops = tsc_source_kernel_drops(r->src);
	const struct counters *n = &r->n;

	printf("{");
	json_kv_str(stdout, 1, "endpoint", r->ep.text);
	printf(", \"received\": %" PRIu64 ", \"answered\": %" PRIu64 ", \"send_failed\": %" PRIu64
	       ", \"short\": %" PRIu64 ", \"truncated\": %" PRIu64 ", \"dropped\": %" PRId64
	       ", \"tlv_unknown\": %u, \"tlv_malformed\": %u, \"follow_ups\": %" PRIu64
	       ", \"stopped_by_error\": %s}\n",
	       n->received, n->answered, n->send_failed, n->short_pkts, n->truncated,
	       drops < 0 ? 0 : drops, n->tlv.unknown, n->tlv.malformed, n->follow_ups,
	       failed ? "true" : "false");
	fflush(stdout);
}

/* --metrics: the counters, once per batch. */
static void publish(struct reflector *r)
{
	struct reflect_metrics *m = r->m;

	if (m) {
		metrics_set(&m->received, r->n.received);
		metrics_set(&m->answered, r->n.answered);
		metrics_set(&m->short_pkts, r->n.short_pkts);
		metrics_set(&m->truncated, r->n.truncated);
		metrics_set(&m->send_failed, r->n.send_failed);
		metrics_set(&m->follow_ups, r->n.follow_ups);
	}
}

static int start_metrics(struct reflector *r)
{
	r->m = calloc(1, sizeof(*r->m));
	if (!r->m) {
		tsc_err("out of memory");
		return -1;
	}
	r->m->endpoint = r->ep.text;
	r->m->src = r->src;
	r->m->stamp = r->o.stamp;
	return metrics_start(r->o.metrics, reflect_metrics_render, r->m, &r->ms);
}

static int serve(struct reflector *r)
{
	int64_t end = r->o.duration > 0 ? tsc_now_monotonic() + (int64_t)(r->o.duration * 1e9) : 0;
	struct pollfd pf[2] = {{.fd = tsc_rx_wait_fd(r->rx), .events = POLLIN},
	                       {.fd = tsc_source_fd(r->src), .events = 0}}; /* POLLERR: TX stamps */

	if (pf[1].fd == pf[0].fd) {
		pf[1].fd = -1;
	}
	while (!tsc_stop && (!r->o.count || r->n.answered < r->o.count)) {
		if (end && tsc_now_monotonic() >= end) {
			break;
		}
		if (poll(pf, 2, 100) < 0 && errno != EINTR) {
			tsc_err("reflect: poll: %s", strerror(errno));
			return 2;
		}
		take_tx_stamps(r);
		int got = tsc_rx_recv(r->rx, r->pkts, BATCH);
		if (got < 0) {
			tsc_err("reflect: receive: %s", strerror(-got));
			return 2;
		}
		for (int i = 0; i < got && (!r->o.count || r->n.answered < r->o.count); i++) {
			answer(r, &r->pkts[i]);
		}
		publish(r);
	}
	return 0;
}

int cmd_reflect(int argc, char **argv)
{
	struct reflector *r = calloc(1, sizeof(*r));
	int rc = 1;

	if (!r) {
		tsc_err("out of memory");
		return 1;
	}
	r->o.rcvbuf = 8 << 20;
	int a = parse_args(r, argc, argv);
	if (a) {
		free(r);
		return a > 0 ? 0 : 1;
	}
	struct tsc_source_opts so = {.stamp = (enum tsc_stamp_mode)r->o.stamp,
	                             .rcvbuf = (uint32_t)r->o.rcvbuf,
	                             .tx_stamps = 1,
	                             .ttl = 1};
	struct tsc_rx_opts ro = {.kind = r->o.rx == TSC_RX_AUTO ? TSC_RX_MMSG
	                                                        : (enum tsc_rx_kind)r->o.rx,
	                         .batch = BATCH,
	                         .slot_len = 65535};
	if (tsc_source_open(&r->ep, &so, &r->src) < 0 || tsc_rx_open(r->src, &ro, &r->rx) < 0 ||
	    (r->o.metrics && start_metrics(r) < 0)) {
		goto out;
	}
	tsc_stop_on_signals();
	if (!r->o.quiet) {
		fprintf(stderr, "reflect: answering STAMP on %s (%s; Ctrl-C to stop)\n", r->ep.text,
		        tsc_source_grant(r->src)->hw_rx
		            ? "kernel stamps, hardware where the NIC stamps"
		        : tsc_source_grant(r->src)->sw_rx ? "kernel stamps"
		                                          : "user-space stamps");
	}
	make_error_estimates();
	rc = serve(r);
	tsc_rx_stop(r->rx);
	if (r->o.json) {
		print_json(r, rc != 0);
	} else {
		print_summary(r);
	}
	metrics_linger(r->ms, r->o.metrics_linger);
out:
	metrics_stop(r->ms);
	free(r->m);
	tsc_rx_close(r->rx);
	tsc_source_close(r->src);
	free(r);
	return rc;
}
