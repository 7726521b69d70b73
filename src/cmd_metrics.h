/* What ping, reflect and capture show on --metrics (README: "Prometheus
 * metrics"). Each struct is written by one thread (the command's, or one
 * capture thread's) with metrics_add/metrics_set/metrics_observe and read
 * by the HTTP thread through the render functions. */
#ifndef TSCAP_CMD_METRICS_H
#define TSCAP_CMD_METRICS_H

#include "backend.h"
#include "metrics.h"
#include "stats.h"

/* Where t1 / t4 came from, in the order of their label values. */
enum ping_stamp_src { PING_SRC_NIC, PING_SRC_KERNEL, PING_SRC_USER, PING_SRC_COUNT };

struct ping_metrics {
	const char *target;
	struct tsc_source *src;
	int stamp; /* --stamp */
	metrics_ctr sent, send_failed, replies, lost, late, duplicates, reordered;
	metrics_ctr t1[PING_SRC_COUNT], t4[PING_SRC_COUNT];
	struct metrics_hist rtt, rtt_user, fwd, back, rx_user, peer_user;
};

void ping_metrics_render(struct metrics_out *o, void *arg);

struct reflect_metrics {
	const char *endpoint;
	struct tsc_source *src;
	int stamp;
	metrics_ctr received, answered, short_pkts, truncated, send_failed, follow_ups;
	metrics_ctr rx_src[PING_SRC_COUNT]; /* answered requests by their t2's source */
	struct metrics_hist rx_user, dwell;
};

void reflect_metrics_render(struct metrics_out *o, void *arg);

/* One capture thread's view of one endpoint. */
struct capture_ep_metrics {
	metrics_ctr received, written, drops;
	metrics_ctr stamps[TSC_CLOCK_COUNT];
	struct metrics_hist rx_user;
};

struct capture_metrics {
	unsigned threads, n;
	int stamp;
	const char *ep[64];             /* n endpoint texts */
	struct tsc_source **src;        /* [thread * n + endpoint] */
	struct capture_ep_metrics *per; /* [thread * n + endpoint] */
	struct metrics_server *server;
};

/* Per packet: kernel software RX stamp -> user-space stamp. */
static inline void capture_metrics_pkt(struct capture_ep_metrics *m, const struct tsc_pkt *p)
{
	if (tsc_pkt_has(p, TSC_SW_RX) && tsc_pkt_has(p, TSC_USER)) {
		metrics_observe(&m->rx_user, p->ns[TSC_USER] - p->ns[TSC_SW_RX]);
	}
}

/* Per receive round: a thread's counters for its n endpoints. */
void capture_metrics_publish(struct capture_ep_metrics *m, const struct tsc_ep_stats *st,
                             unsigned n);

/* For threads x n endpoints; NULL after a one-line error. The caller
 * fills in src, then starts the server (0, or -1 after a one-line error). */
struct capture_metrics *capture_metrics_new(unsigned threads, unsigned n, const char **ep,
                                            int stamp);
int capture_metrics_serve(struct capture_metrics *cm, const char *addr);
/* Linger (seconds), stop the server, free. */
void capture_metrics_end(struct capture_metrics *cm, double linger);

#endif
