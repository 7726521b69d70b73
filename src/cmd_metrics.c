#include "cmd_metrics.h"

#include <stddef.h>
#include <stdlib.h>

#include "log.h"

#define LBL 512

static void build_info(struct metrics_out *o, const char *command)
{
	char l[LBL];

	metrics_family(o, "tscap_build_info", "gauge", "tscap's version and the running command");
	metrics_gauge(
	    o, "tscap_build_info",
	    metrics_labels(l, sizeof(l), "version", TSCAP_VERSION, "command", command, NULL), 1);
}

/* The best receive stamp seen so far, from counts of each kind. */
static const char *in_use(uint64_t hw, uint64_t sw, uint64_t user)
{
	return hw ? "hw" : sw ? "sw" : user ? "user" : "none";
}

static void stamp_source_family(struct metrics_out *o)
{
	metrics_family(o, "tscap_stamp_source", "gauge",
	               "1, labelled with the receive stamp source in use: the best one seen so "
	               "far (hw: the NIC's, sw: the kernel's, user: the user-space clock only, "
	               "none: nothing received yet), and the one asked for with --stamp");
}

static void stamp_source(struct metrics_out *o, const char *command, const char *key,
                         const char *val, int stamp, struct tsc_source *src, const char *source)
{
	const struct tsc_grant *g = src ? tsc_source_grant(src) : NULL;
	char l[LBL];

	metrics_gauge(o, "tscap_stamp_source",
	              metrics_labels(l, sizeof(l), "command", command, key, val, "source", source,
	                             "requested", tsc_stamp_mode_names[stamp], "interface",
	                             g && g->ifname[0] ? g->ifname : "", NULL),
	              1);
}

static void counter(struct metrics_out *o, const char *name, const char *help, const char *labels,
                    const metrics_ctr *c)
{
	metrics_family(o, name, "counter", help);
	metrics_counter(o, name, labels, metrics_get(c));
}

static void one_hist(struct metrics_out *o, const char *name, const char *labels,
                     const struct metrics_hist *h)
{
	const struct metrics_hist *one[1] = {h};

	metrics_histogram(o, name, labels, one, 1);
}

/* A histogram family of ping's with two series that differ in one label
 * (key=v0 and key=v1), both for m's target. */
static void hist_pair(struct metrics_out *o, const char *name, const char *help, const char *target,
                      const char *key, const char *v0, const struct metrics_hist *h0,
                      const char *v1, const struct metrics_hist *h1)
{
	char l[LBL];

	metrics_family(o, name, "histogram", help);
	one_hist(o, name, metrics_labels(l, sizeof(l), "target", target, key, v0, NULL), h0);
	one_hist(o, name, metrics_labels(l, sizeof(l), "target", target, key, v1, NULL), h1);
}

void ping_metrics_render(struct metrics_out *o, void *arg)
{
	static const char *const src_names[PING_SRC_COUNT] = {"nic", "kernel", "user"};
	const struct ping_metrics *m = arg;
	char t[LBL], l[LBL];

	build_info(o, "ping");
	stamp_source_family(o);
	stamp_source(o, "ping", "target", m->target, m->stamp, m->src,
	             in_use(metrics_get(&m->t4[PING_SRC_NIC]), metrics_get(&m->t4[PING_SRC_KERNEL]),
	                    metrics_get(&m->t4[PING_SRC_USER])));
	metrics_labels(t, sizeof(t), "target", m->target, NULL);
	counter(o, "tscap_ping_sent", "STAMP probes sent", t, &m->sent);
	counter(o, "tscap_ping_send_failed", "probes the socket refused to send", t,
	        &m->send_failed);
	counter(o, "tscap_ping_replies",
	        "probes answered within --timeout (counted when settled, --timeout after sending)",
	        t, &m->replies);
	counter(o, "tscap_ping_lost", "probes with no reply within --timeout", t, &m->lost);
	counter(o, "tscap_ping_late", "first replies that came after their probe was counted lost",
	        t, &m->late);
	counter(o, "tscap_ping_duplicates", "extra copies of replies", t, &m->duplicates);
	counter(o, "tscap_ping_reordered", "replies that came after a later probe's reply", t,
	        &m->reordered);
	metrics_family(
	    o, "tscap_ping_stamps", "counter",
	    "answered probes by where their send (t1) and receive (t4) stamps came from");
	for (unsigned s = 0; s < PING_SRC_COUNT; s++) {
		metrics_counter(o, "tscap_ping_stamps",
		                metrics_labels(l, sizeof(l), "target", m->target, "stamp", "t1",
		                               "source", src_names[s], NULL),
		                metrics_get(&m->t1[s]));
		metrics_counter(o, "tscap_ping_stamps",
		                metrics_labels(l, sizeof(l), "target", m->target, "stamp", "t4",
		                               "source", src_names[s], NULL),
		                metrics_get(&m->t4[s]));
	}
	hist_pair(o, "tscap_ping_rtt_seconds",
	          "round trip without the reflector's dwell, from kernel/NIC stamps "
	          "(stamps=kernel) and from user-space clocks (stamps=user)",
	          m->target, "stamps", "kernel", &m->rtt, "user", &m->rtt_user);
	hist_pair(o, "tscap_ping_one_way_delay_seconds",
	          "one-way delay, sender to reflector (forward) and back; meaningful only "
	          "with synchronised clocks (may be negative)",
	          m->target, "direction", "forward", &m->fwd, "backward", &m->back);
	hist_pair(o, "tscap_ping_kernel_to_user_seconds",
	          "receive stamp to user space: the reply on this host (host=sender), the "
	          "probe on a tscap reflector (host=reflector)",
	          m->target, "host", "sender", &m->rx_user, "reflector", &m->peer_user);
}

void reflect_metrics_render(struct metrics_out *o, void *arg)
{
	const struct reflect_metrics *m = arg;
	char e[LBL];
	int64_t drops = m->src ? tsc_source_kernel_drops(m->src) : -1;

	build_info(o, "reflect");
	stamp_source_family(o);
	stamp_source(o, "reflect", "endpoint", m->endpoint, m->stamp, m->src,
	             in_use(metrics_get(&m->rx_src[PING_SRC_NIC]),
	                    metrics_get(&m->rx_src[PING_SRC_KERNEL]),
	                    metrics_get(&m->rx_src[PING_SRC_USER])));
	metrics_labels(e, sizeof(e), "endpoint", m->endpoint, NULL);
	counter(o, "tscap_reflect_received", "datagrams received", e, &m->received);
	counter(o, "tscap_reflect_answered", "STAMP replies sent", e, &m->answered);
	counter(o, "tscap_reflect_too_short", "datagrams too short for STAMP (not answered)", e,
	        &m->short_pkts);
	counter(o, "tscap_reflect_truncated", "datagrams larger than kept (not answered)", e,
	        &m->truncated);
	counter(o, "tscap_reflect_send_failed", "replies the socket refused to send", e,
	        &m->send_failed);
	metrics_family(o, "tscap_reflect_rx_stamps", "counter",
	               "requests by the source of their receive stamp (t2)");
	static const char *const src_names[PING_SRC_COUNT] = {"nic", "kernel", "user"};
	for (unsigned k = 0; k < PING_SRC_COUNT; k++) {
		char l[LBL];
		metrics_counter(o, "tscap_reflect_rx_stamps",
		                metrics_labels(l, sizeof(l), "endpoint", m->endpoint, "source",
		                               src_names[k], NULL),
		                metrics_get(&m->rx_src[k]));
	}
	counter(o, "tscap_reflect_follow_ups",
	        "replies carrying the previous reply's real TX stamp", e, &m->follow_ups);
	metrics_family(o, "tscap_reflect_kernel_drops", "counter",
	               "datagrams the kernel dropped on the socket (its own count)");
	metrics_counter(o, "tscap_reflect_kernel_drops", e, drops > 0 ? (uint64_t)drops : 0);
	metrics_family(o, "tscap_reflect_kernel_to_user_seconds", "histogram",
	               "a request's kernel/NIC receive stamp to user space");
	one_hist(o, "tscap_reflect_kernel_to_user_seconds", e, &m->rx_user);
	metrics_family(o, "tscap_reflect_dwell_seconds", "histogram",
	               "a request's receive stamp to the reply's send call");
	one_hist(o, "tscap_reflect_dwell_seconds", e, &m->dwell);
}

static void capture_render(struct metrics_out *o, void *arg)
{
	const struct capture_metrics *cm = arg;
	const struct metrics_hist *h[64];
	char e[LBL];

	build_info(o, "capture");
	stamp_source_family(o);
	for (unsigned i = 0; i < cm->n; i++) {
		uint64_t hw = 0, sw = 0, user = 0;
		for (unsigned t = 0; t < cm->threads; t++) {
			const struct capture_ep_metrics *m = &cm->per[t * cm->n + i];
			hw += metrics_get(&m->stamps[TSC_HW_RX]);
			sw += metrics_get(&m->stamps[TSC_SW_RX]);
			user += metrics_get(&m->received);
		}
		stamp_source(o, "capture", "endpoint", cm->ep[i], cm->stamp, cm->src[i],
		             in_use(hw, sw, user));
	}
	static const struct {
		const char *name, *help;
		size_t off;
	} ctrs[] = {
	    {"tscap_capture_received", "datagrams received",
	     offsetof(struct capture_ep_metrics, received)},
	    {"tscap_capture_written", "datagrams written to the file (after --filter)",
	     offsetof(struct capture_ep_metrics, written)},
	};
	for (unsigned c = 0; c < sizeof(ctrs) / sizeof(ctrs[0]); c++) {
		metrics_family(o, ctrs[c].name, "counter", ctrs[c].help);
		for (unsigned i = 0; i < cm->n; i++) {
			uint64_t v = 0;
			for (unsigned t = 0; t < cm->threads; t++) {
				const char *base = (const char *)&cm->per[t * cm->n + i];
				v += metrics_get((const metrics_ctr *)(base + ctrs[c].off));
			}
			metrics_counter(o, ctrs[c].name,
			                metrics_labels(e, sizeof(e), "endpoint", cm->ep[i], NULL),
			                v);
		}
	}
	metrics_family(o, "tscap_capture_kernel_drops", "counter",
	               "datagrams the kernel dropped on the sockets");
	for (unsigned i = 0; i < cm->n; i++) {
		uint64_t v = 0;
		for (unsigned t = 0; t < cm->threads; t++) {
			int64_t k = cm->src[t * cm->n + i]
			                ? tsc_source_kernel_drops(cm->src[t * cm->n + i])
			                : -1;
			uint64_t seen = metrics_get(&cm->per[t * cm->n + i].drops);
			v += k > (int64_t)seen ? (uint64_t)k : seen;
		}
		metrics_counter(o, "tscap_capture_kernel_drops",
		                metrics_labels(e, sizeof(e), "endpoint", cm->ep[i], NULL), v);
	}
	metrics_family(o, "tscap_capture_stamps", "counter", "stamps received, by clock");
	for (unsigned i = 0; i < cm->n; i++) {
		for (unsigned k = 0; k < TSC_CLOCK_COUNT; k++) {
			uint64_t v = 0;
			for (unsigned t = 0; t < cm->threads; t++) {
				v += metrics_get(&cm->per[t * cm->n + i].stamps[k]);
			}
			if (v) {
				metrics_counter(
				    o, "tscap_capture_stamps",
				    metrics_labels(e, sizeof(e), "endpoint", cm->ep[i], "clock",
				                   tsc_clock_name((enum tsc_clock)k), NULL),
				    v);
			}
		}
	}
	metrics_family(o, "tscap_capture_kernel_to_user_seconds", "histogram",
	               "kernel software receive stamp to the user-space stamp after the receive "
	               "call");
	for (unsigned i = 0; i < cm->n; i++) {
		unsigned nh = 0;
		for (unsigned t = 0; t < cm->threads && nh < 64; t++) {
			h[nh++] = &cm->per[t * cm->n + i].rx_user;
		}
		metrics_histogram(o, "tscap_capture_kernel_to_user_seconds",
		                  metrics_labels(e, sizeof(e), "endpoint", cm->ep[i], NULL), h, nh);
	}
}

void capture_metrics_publish(struct capture_ep_metrics *m, const struct tsc_ep_stats *st,
                             unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		metrics_set(&m[i].received, st[i].received);
		metrics_set(&m[i].written, st[i].written);
		metrics_set(&m[i].drops, st[i].drops);
		for (unsigned k = 0; k < TSC_CLOCK_COUNT; k++) {
			metrics_set(&m[i].stamps[k], st[i].stamps[k]);
		}
	}
}

struct capture_metrics *capture_metrics_new(unsigned threads, unsigned n, const char **ep,
                                            int stamp)
{
	struct capture_metrics *cm = calloc(1, sizeof(*cm));

	if (cm) {
		cm->per = calloc((size_t)threads * n, sizeof(*cm->per));
		cm->src = calloc((size_t)threads * n, sizeof(*cm->src));
	}
	if (!cm || !cm->per || !cm->src) {
		tsc_err("out of memory");
		capture_metrics_end(cm, 0);
		return NULL;
	}
	cm->threads = threads;
	cm->n = n;
	for (unsigned i = 0; i < n && i < 64; i++) {
		cm->ep[i] = ep[i];
	}
	cm->stamp = stamp;
	return cm;
}

int capture_metrics_serve(struct capture_metrics *cm, const char *addr)
{
	return metrics_start(addr, capture_render, cm, &cm->server);
}

void capture_metrics_end(struct capture_metrics *cm, double linger)
{
	if (!cm) {
		return;
	}
	metrics_linger(cm->server, linger);
	metrics_stop(cm->server);
	free(cm->per);
	free(cm->src);
	free(cm);
}
