/* tscap capture ENDPOINT... -w FILE: receive with kernel stamps, write
 * nanosecond pcapng. One-way flow: source -> rx path -> tsc_pkt -> sink. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"
#include "capfilter.h"
#include "clockstep.h"
#include "cmd_metrics.h"
#include "cmds.h"
#include "json.h"
#include "log.h"
#include "nstime.h"
#include "options.h"
#include "privs.h"
#include "rotate.h"
#include "stop.h"
#include "sink_pcapng.h"
#include "stats.h"

#define MAX_ENDPOINTS 64
#define MAX_THREADS   64
#define POLL_MS       100       /* bounds how long a packet may sit unwritten */
#define DRAIN_NS      250000000 /* after a stop: at most this long to read what is queued */
#define ROUND_BATCHES 16        /* receive calls per endpoint per poll round */
#define PIPE_CHECK_NS 100000000 /* how often an idle capture looks for its -w - reader */

struct capture_opts {
	const char *out;
	const char *filter; /* -f: wire:/pcap: in the kernel or libpcap, udp:// in user space */
	int direction, promisc;
	unsigned long long count, snaplen, batch, rcvbuf, ring_bufs, coalesce_us;
	double duration;
	unsigned long long threads;
	int stamp, clock, rx, quiet, json, no_summary;
	const char *metrics;
	double metrics_linger;
	const char *filesize;    /* -C */
	double rotate_s;         /* -G */
	unsigned long long ring; /* -W */
	int no_clobber;
	const char *user; /* -Z */
};

/* What the threads of one capture share. */
struct capture_shared {
	_Atomic uint64_t claimed; /* packets taken toward -c (claimed per call) */
	_Atomic uint64_t written; /* all threads, for the progress line */
};

/* One receiving thread: its own sockets (SO_REUSEPORT with --threads),
 * rx paths and output file. */
struct capture {
	struct capture_opts o;
	unsigned index;  /* thread number */
	char path[4096]; /* this thread's output */
	struct capture_shared *sh;
	unsigned n;
	struct tsc_endpoint ep[MAX_ENDPOINTS];
	struct tsc_source *src[MAX_ENDPOINTS];
	struct tsc_rx *rx[MAX_ENDPOINTS];
	/* Per endpoint: the rx path's own descriptor, and the socket when that
	 * is another one (io_uring: data waiting for the kernel's deferred
	 * receive work shows on the socket, finished receives on the ring). */
	struct pollfd pfd[2 * MAX_ENDPOINTS];
	struct tsc_ep_stats st[MAX_ENDPOINTS];
	struct tsc_pkt *pkts;
	struct pcapng_sink sink;
	struct tsc_filter *filter;    /* --filter, shared read-only by the threads */
	struct capture_ep_metrics *m; /* --metrics: this thread's, per endpoint */
	struct tsc_progress progress;
	uint64_t written;
	int failed;      /* a write or receive error stopped the capture */
	int reader_gone; /* the pipe's reader closed it: a normal end */
	/* Rotation (-C/-G/-W): the current file's counts start at base. */
	struct tsc_rotate rot;
	struct tsc_ep_stats base[MAX_ENDPOINTS];
	uint64_t files_flushed;
	int64_t file_start_ns;
	int no_file;          /* the next file could not be opened: nothing to close */
	int64_t pipe_checked; /* CLOCK_MONOTONIC ns of the last look for a -w - reader */
	struct tsc_clockstep clk;
};

/* A write or receive failed. The reader of a pipe going away (tshark -c,
 * Wireshark's stop, head) ends the capture normally, everywhere. */
static void fail(struct capture *c)
{
	if (c->sink.w.err == -EPIPE && c->sink.w.is_pipe) {
		c->reader_gone = 1;
		tsc_stop = SIGPIPE;
		return;
	}
	c->failed = 1;
}

static void catch_signals(void)
{
	tsc_stop_on_signals();
	signal(SIGPIPE, SIG_IGN); /* a reader that goes away is EPIPE */
}

static int check_rotation(const struct capture_opts *o)
{
	uint64_t bytes;

	if (o->filesize && rotate_parse_size(o->filesize, &bytes) < 0) {
		tsc_err("capture: '%s' is not a size for -C: a number of MB (1,000,000 bytes), or "
		        "with k, M or G (KiB, MiB, GiB), above 0",
		        o->filesize);
		return -1;
	}
	if (o->ring && !o->filesize && !(o->rotate_s > 0)) {
		tsc_err("capture: -W COUNT keeps a ring of files: it needs -C SIZE or -G SECONDS");
		return -1;
	}
	if ((o->filesize || o->rotate_s > 0) && !strcmp(o->out, "-")) {
		tsc_err("capture: -C/-G start new files: give -w FILE, not -");
		return -1;
	}
	return 0;
}

static int has_udp(const struct capture *c)
{
	for (unsigned i = 0; i < c->n; i++) {
		if (c->ep[i].kind == TSC_EP_UDP) {
			return 1;
		}
	}
	return 0;
}

/* -f goes to each wire: and pcap: endpoint without a filter of its own
 * (the kernel or libpcap runs it); udp:// endpoints run it in user space
 * over the frames tscap synthesizes. --direction and --promisc concern
 * interfaces only. */
static int apply_filter_opts(struct capture *c)
{
	const struct capture_opts *o = &c->o;
	unsigned ifaces = 0;

	for (unsigned i = 0; i < c->n; i++) {
		struct tsc_endpoint *ep = &c->ep[i];
		if (ep->kind == TSC_EP_UDP) {
			continue;
		}
		ifaces++;
		if (ep->kind == TSC_EP_PCAP && o->threads > 1) {
			tsc_err("capture: --threads: %s would see every frame once per thread; "
			        "use wire:%s (its threads share the frames)",
			        ep->text, ep->ifname);
			return -1;
		}
		if (o->filter && !ep->filter[0]) {
			if (strlen(o->filter) >= sizeof(ep->filter)) {
				tsc_err("capture: -f: the filter is longer than %zu characters",
				        sizeof(ep->filter) - 1);
				return -1;
			}
			snprintf(ep->filter, sizeof(ep->filter), "%s", o->filter);
		}
	}
	if (!ifaces && (o->direction || o->promisc)) {
		tsc_err("capture: %s applies to wire:IFACE and pcap:IFACE endpoints; a udp:// "
		        "endpoint keeps only what reaches its own port",
		        o->direction ? "--direction" : "--promisc");
		return -1;
	}
	return 0;
}

/* --clock: one of the clocks this OS stamps packets with. */
static int check_clock(const struct capture_opts *o)
{
	unsigned offered = tsc_clock_choices();
	char list[96] = "";
	size_t used = 0;

	if (o->clock != TSC_CLOCKSEL_AUTO && o->stamp == TSC_STAMP_NONE) {
		tsc_err(
		    "capture: --clock %s picks a kernel clock, but --stamp none takes no kernel "
		    "stamps",
		    tsc_clock_sel_names[o->clock]);
		return -1;
	}
	if (offered & (1u << o->clock)) {
		return 0;
	}
	for (unsigned i = 0; i < TSC_CLOCKSEL_COUNT; i++) {
		if (offered & (1u << i) && used < sizeof(list)) {
			used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s",
			                         used ? ", " : "", tsc_clock_sel_names[i]);
		}
	}
	tsc_err("capture: --clock %s: the %s backend does not stamp packets with that clock "
	        "(it offers %s)",
	        tsc_clock_sel_names[o->clock], TSCAP_BACKEND_NAME, list);
	return -1;
}

static int parse_args(struct capture *c, int argc, char **argv)
{
	struct capture_opts *o = &c->o;
	const struct opt_spec tab[] = {
	    {"write", 'w', OPT_STRING, &o->out, 0, 0, NULL, "FILE",
	     "pcapng output, - for stdout (required)"},
	    {"count", 'c', OPT_UINT, &o->count, 1, 1e18, NULL, "N", "stop after N packets"},
	    {"duration", 0, OPT_DOUBLE, &o->duration, 0.001, 1e9, NULL, "SEC",
	     "stop after SEC seconds"},
	    {"snaplen", 's', OPT_UINT, &o->snaplen, 1, 262144, NULL, "N",
	     "bytes of each frame to keep (default 262144)"},
	    {"stamp", 0, OPT_CHOICE, &o->stamp, 0, 0, tsc_stamp_mode_names, "auto|hw|sw|none",
	     "stamp source (default auto; none: user space only)"},
	    {"clock", 0, OPT_CHOICE, &o->clock, 0, 0, tsc_clock_sel_names,
	     "auto|realtime|realtime-us|bintime|monotonic",
	     "kernel clock stamping packets, where the OS offers a choice (default auto)"},
	    {"rx", 0, OPT_CHOICE, &o->rx, 0, 0, tsc_rx_kind_names, "auto|uring|mmsg|msg|ring",
	     "receive path (default auto: recvmmsg, see README; ring: wire: only)"},
	    {"coalesce", 0, OPT_UINT, &o->coalesce_us, 0, 100000, NULL, "USEC",
	     "while traffic flows, wait USEC between reads to batch (default 200, 0 = off)"},
	    {"threads", 0, OPT_UINT, &o->threads, 1, MAX_THREADS, NULL, "N",
	     "N receiving threads, SO_REUSEPORT sockets, one file each (default 1)"},
	    {"ring-bufs", 0, OPT_UINT, &o->ring_bufs, 1, 32768, NULL, "N",
	     "io_uring provided buffers, a power of 2 (default 256)"},
	    {"batch", 0, OPT_UINT, &o->batch, 1, 1024, NULL, "N",
	     "packets per receive call (default 64)"},
	    {"rcvbuf", 0, OPT_UINT, &o->rcvbuf, 4096, 1 << 30, NULL, "BYTES",
	     "socket receive buffer (default 8 MiB)"},
	    {"filter", 'f', OPT_STRING, &o->filter, 0, 0, NULL, "EXPR",
	     "keep frames matching EXPR (tcpdump syntax): wire:/pcap: in the kernel or libpcap, "
	     "udp:// over the synthesized frames"},
	    {"direction", 0, OPT_CHOICE, &o->direction, 0, 0, tsc_direction_names, "inout|in|out",
	     "wire:/pcap: frames received, sent or both (default inout)"},
	    {"promisc", 0, OPT_FLAG, &o->promisc, 0, 0, NULL, NULL,
	     "wire:/pcap: promiscuous mode while capturing"},
	    {"quiet", 'q', OPT_FLAG, &o->quiet, 0, 0, NULL, NULL, "no progress line"},
	    {"no-summary", 0, OPT_FLAG, &o->no_summary, 0, 0, NULL, NULL,
	     "no closing summary on stderr (errors still)"},
	    {"metrics", 0, OPT_STRING, &o->metrics, 0, 0, NULL, "ADDR:PORT",
	     "serve Prometheus metrics at http://ADDR:PORT/metrics"},
	    {"metrics-linger", 0, OPT_DOUBLE, &o->metrics_linger, 0, 3600, NULL, "SEC",
	     "after the capture, serve the final metrics SEC more seconds"},
	    {"verbose", 'v', OPT_FLAG, &tsc_verbose, 0, 0, NULL, NULL, "debug messages"},
	    {"json", 0, OPT_FLAG, &o->json, 0, 0, NULL, NULL,
	     "print the summary as JSON on stdout (not with -w -)"},
	    {"file-size", 'C', OPT_STRING, &o->filesize, 0, 0, NULL, "SIZE",
	     "new file before one passes SIZE (MB; or 100k, 10M, 1G: KiB, MiB, GiB)"},
	    {"rotate-seconds", 'G', OPT_DOUBLE, &o->rotate_s, 0.01, 1e9, NULL, "SEC",
	     "new file every SEC seconds"},
	    {"ring-files", 'W', OPT_UINT, &o->ring, 1, 100000, NULL, "COUNT",
	     "with -C/-G: keep only the newest COUNT files"},
	    {"no-clobber", 0, OPT_FLAG, &o->no_clobber, 0, 0, NULL, NULL,
	     "never overwrite an existing file (O_EXCL)"},
	    {"user", 'Z', OPT_STRING, &o->user, 0, 0, NULL, "USER",
	     "after setup, run as USER with no capabilities (default under sudo: the "
	     "invoking user; root: stay root)"},
	    {0},
	};
	int first = opts_parse("capture", tab, argc, argv);

	if (first == -2) {
		opts_usage(stdout, "capture", "ENDPOINT... -w FILE [options]", tab);
		return 1;
	}
	if (first < 0) {
		return -1;
	}
	if (first >= argc) {
		tsc_err("capture: no endpoint given (e.g. udp://127.0.0.1:9000)");
		return -1;
	}
	if (!o->out) {
		tsc_err("capture: no output file: add -w FILE (or -w - for stdout)");
		return -1;
	}
	if (!strcmp(o->out, "-") && isatty(STDOUT_FILENO)) {
		tsc_err("capture: -w - would write binary pcapng to the terminal: redirect or pipe "
		        "stdout (e.g. | tshark -r -)");
		return -1;
	}
	if (o->json && !strcmp(o->out, "-")) {
		tsc_err("capture: --json and -w - both want stdout: write the capture to a file");
		return -1;
	}
	if (o->threads > 1 && !strcmp(o->out, "-")) {
		tsc_err("capture: --threads writes one file per thread: give -w FILE, not -");
		return -1;
	}
	if (check_rotation(o) < 0 || check_clock(o) < 0) {
		return -1;
	}
	if (o->ring_bufs & (o->ring_bufs - 1)) {
		tsc_err("capture: --ring-bufs %llu is not a power of 2", o->ring_bufs);
		return -1;
	}
	if (argc - first > MAX_ENDPOINTS) {
		tsc_err("capture: at most %d endpoints", MAX_ENDPOINTS);
		return -1;
	}
	for (int i = first; i < argc; i++) {
		char err[256];
		if (tsc_endpoint_parse(argv[i], &c->ep[c->n++], err, sizeof(err)) < 0) {
			tsc_err("%s", err);
			return -1;
		}
	}
	if (apply_filter_opts(c) < 0) {
		return -1;
	}
	if (o->filter && *o->filter && has_udp(c)) {
		char err[256];
		if (tsc_filter_compile(o->filter, (uint32_t)o->snaplen, &c->filter, err,
		                       sizeof(err)) < 0) {
			tsc_err("capture: bad --filter '%s': %s", o->filter, err);
			return -1;
		}
	}
	return 0;
}

static int open_sources(struct capture *c)
{
	for (unsigned i = 0; i < c->n; i++) {
		struct tsc_source_opts so = {.stamp = (enum tsc_stamp_mode)c->o.stamp,
		                             .clock = (enum tsc_clock_sel)c->o.clock,
		                             .rcvbuf = (uint32_t)c->o.rcvbuf,
		                             .endpoint = (uint16_t)i,
		                             .reuseport = c->o.threads > 1,
		                             .direction = (uint8_t)c->o.direction,
		                             .promisc = (uint8_t)c->o.promisc,
		                             .snaplen = (uint32_t)c->o.snaplen,
		                             .ring = c->o.rx == TSC_RX_RING,
		                             .ring_auto = c->o.rx == TSC_RX_AUTO};
		if (tsc_source_open(&c->ep[i], &so, &c->src[i]) < 0) {
			return -1;
		}
	}
	c->pkts = calloc(c->o.batch, sizeof(*c->pkts));
	return c->pkts ? 0 : -1;
}

/* The rx paths, opened by the thread that uses them: an io_uring ring
 * set up for a single issuer belongs to the thread that created it. */
static int open_rx(struct capture *c)
{
	uint32_t slot = c->o.snaplen < 65535 ? (uint32_t)c->o.snaplen : 65535;

	for (unsigned i = 0; i < c->n; i++) {
		struct tsc_rx_opts ro = {.kind = (enum tsc_rx_kind)c->o.rx,
		                         .batch = (unsigned)c->o.batch,
		                         .slot_len = slot,
		                         .ring_bufs = (unsigned)c->o.ring_bufs};
		if (tsc_rx_open(c->src[i], &ro, &c->rx[i]) < 0) {
			return -1;
		}
		int wfd = tsc_rx_wait_fd(c->rx[i]), sfd = tsc_source_fd(c->src[i]);
		c->pfd[2 * i] = (struct pollfd){.fd = wfd, .events = POLLIN};
		c->pfd[2 * i + 1] = (struct pollfd){.fd = sfd != wfd ? sfd : -1, .events = POLLIN};
	}
	return 0;
}

/* libpcap reads a pcapng file only when every interface in it has the
 * first one's link type (and tscap writes one snap length for all). */
static int check_linktypes(const struct capture *c, const struct pcapng_sink_if *ifs)
{
	for (unsigned i = 1; i < c->n; i++) {
		uint16_t a = ifs[0].linktype ? ifs[0].linktype : PCAPNG_LINKTYPE_ETHERNET;
		uint16_t b = ifs[i].linktype ? ifs[i].linktype : PCAPNG_LINKTYPE_ETHERNET;
		if (a != b) {
			tsc_err(
			    "capture: %s gives link type %u and %s link type %u: one file holds "
			    "one link type for libpcap's readers; capture them into separate "
			    "files (two tscap runs)",
			    c->ep[0].text, a, c->ep[i].text, b);
			return -1;
		}
	}
	return 0;
}

static int open_output(struct capture *c)
{
	struct pcapng_sink_if ifs[MAX_ENDPOINTS];
	char names[MAX_ENDPOINTS][TSC_IFNAME_MAX + 8];
	char descs[MAX_ENDPOINTS][sizeof(c->ep[0].text) + 80];

	for (unsigned i = 0; i < c->n; i++) {
		const struct tsc_grant *g = tsc_source_grant(c->src[i]);
		snprintf(names[i], sizeof(names[i]), "%s", g->ifname[0] ? g->ifname : "any");
		snprintf(descs[i], sizeof(descs[i]), "%s%s%s%s", c->ep[i].text,
		         g->stamp_label[0] ? " (" : "", g->stamp_label,
		         g->stamp_label[0] ? ")" : "");
		ifs[i] = (struct pcapng_sink_if){
		    .name = names[i], .desc = descs[i], .linktype = g->linktype};
	}
	if (check_linktypes(c, ifs) < 0) {
		return -1;
	}
	c->sink.filter = c->filter;
	return pcapng_sink_open_ex(&c->sink, c->path, (uint32_t)c->o.snaplen, ifs, c->n,
	                           c->o.no_clobber ? PCAPNG_SINK_EXCL : 0);
}

/* Interface statistics of the current file: what happened since it was
 * opened (isb_starttime), so each file of a rotation stands alone and
 * the files' counts add up to the capture's. */
static void file_isbs(const struct capture *c, struct pcapng_isb_info *isb, int64_t now)
{
	for (unsigned i = 0; i < c->n; i++) {
		uint64_t recv = c->st[i].received - c->base[i].received;
		uint64_t drops = c->st[i].drops - c->base[i].drops;
		isb[i] =
		    (struct pcapng_isb_info){.if_id = i,
		                             .now_ns = now,
		                             .start_ns = c->file_start_ns,
		                             .end_ns = now,
		                             .ifrecv = recv + drops,
		                             .ifdrop = drops,
		                             .usrdeliv = c->st[i].written - c->base[i].written};
	}
}

/* The current file's statistics blocks, flush, close: 0, or -1 after
 * one line saying what failed. */
static int close_file(struct capture *c, int64_t now)
{
	struct pcapng_isb_info isb[MAX_ENDPOINTS];

	file_isbs(c, isb, now);
	int r = pcapng_sink_close(&c->sink, isb, c->n);
	if (r == -EPIPE && c->sink.w.is_pipe) {
		c->reader_gone = 1; /* a normal end: the summary says so */
	} else if (r < 0) {
		tsc_err("writing %s failed: %s; the file holds the packets up to the last "
		        "complete write",
		        strcmp(c->path, "-") ? c->path : "stdout", strerror(-r));
		c->failed = 1;
	}
	return r < 0 ? -1 : 0;
}

static void file_begin(struct capture *c, int64_t now)
{
	memcpy(c->base, c->st, sizeof(c->st[0]) * c->n);
	c->file_start_ns = now;
}

/* The first output file: -w's name, or with -C/-G the first of the
 * numbered ones. */
static int output_first(struct capture *c)
{
	const struct capture_opts *o = &c->o;
	uint64_t bytes = 0;
	int64_t now = tsc_now_realtime();

	if (o->filesize || o->rotate_s > 0) {
		rotate_parse_size(o->filesize ? o->filesize : "", &bytes);
		if (rotate_init(&c->rot, c->path, bytes, (int64_t)llround(o->rotate_s * 1e9),
		                (unsigned)o->ring) < 0) {
			return -1;
		}
		rotate_next(&c->rot, now, c->path, sizeof(c->path));
	}
	if (open_output(c) < 0) {
		c->no_file = 1;
		return -1;
	}
	if (rotate_on(&c->rot)) {
		rotate_opened(&c->rot, c->path, tsc_now_monotonic());
	}
	file_begin(c, now);
	return 0;
}

/* Close the current file and go on in the next: between two packets, so
 * none is lost or written twice. 0, or -1 (the capture stops). */
static int rotate(struct capture *c)
{
	int64_t now = tsc_now_realtime();

	if (close_file(c, now) < 0) {
		c->no_file = 1;
		return -1;
	}
	c->files_flushed += c->sink.w.flushed;
	rotate_next(&c->rot, now, c->path, sizeof(c->path));
	if (open_output(c) < 0) {
		c->no_file = c->failed = 1;
		return -1;
	}
	rotate_opened(&c->rot, c->path, tsc_now_monotonic());
	file_begin(c, now);
	return 0;
}

/* Packets written to the current file. */
static uint64_t file_packets(const struct capture *c)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < c->n; i++) {
		n += c->st[i].written - c->base[i].written;
	}
	return n;
}

/* -C: a new file first if this packet would take the current one past
 * the size (with room for its closing statistics blocks). */
static int rotate_if_full(struct capture *c, const struct tsc_pkt *p)
{
	uint64_t bytes = (uint64_t)c->sink.w.committed + c->sink.w.len;

	if (!rotate_size_due(&c->rot, bytes, pcapng_sink_pkt_max(&c->sink, p),
	                     (uint64_t)c->n * PCAPNG_ISB_SIZE, file_packets(c))) {
		return 0;
	}
	return rotate(c);
}

static uint64_t remaining(const struct capture *c)
{
	return c->o.count ? c->o.count - atomic_load(&c->sh->claimed) : UINT64_MAX;
}

/* Up to want packets toward -c, exactly across threads. */
static unsigned claim(struct capture *c, unsigned want)
{
	if (!c->o.count) {
		return want;
	}
	uint64_t cur = atomic_load(&c->sh->claimed);
	for (;;) {
		uint64_t left = c->o.count - cur;
		unsigned take = left < want ? (unsigned)left : want;
		if (!take || atomic_compare_exchange_weak(&c->sh->claimed, &cur, cur + take)) {
			return take;
		}
	}
}

/* Up to max_batches receive calls on endpoint i, stopping early when it
 * has nothing more or the count is reached; -1 on a fatal error. The bound
 * keeps a flooded endpoint from starving the others, the flush, the
 * progress line and the stop checks: poll is level-triggered, so what is
 * left comes in the next round. Returns 1 if it stopped at the bound. */
static int drain_one(struct capture *c, unsigned i, unsigned max_batches)
{
	for (unsigned b = 0; b < max_batches; b++) {
		unsigned max = claim(c, (unsigned)c->o.batch);
		if (!max) {
			return 0;
		}
		int n = tsc_rx_recv(c->rx[i], c->pkts, max);
		if (c->o.count && (unsigned)(n > 0 ? n : 0) < max) {
			atomic_fetch_sub(&c->sh->claimed, max - (unsigned)(n > 0 ? n : 0));
		}
		if (n > 0) {
			atomic_fetch_add(&c->sh->written, (uint64_t)n);
		}
		if (n < 0) {
			tsc_err("%s: receive failed: %s", c->ep[i].text, strerror(-n));
			return -1;
		}
		for (int k = 0; k < n; k++) {
			int full = c->rot.max_bytes && rotate_if_full(c, &c->pkts[k]) < 0;
			uint64_t d = stats_on_pkt(&c->st[i], &c->pkts[k]);
			if (c->m) {
				capture_metrics_pkt(&c->m[i], &c->pkts[k]);
			}
			int w = full ? -1 : pcapng_sink_pkt(&c->sink, &c->pkts[k], d);
			if (w < 0) {
				/* Pulled from the socket: count the rest as received. */
				while (++k < n) {
					stats_on_pkt(&c->st[i], &c->pkts[k]);
				}
				return -1;
			}
			c->st[i].written += w == 0; /* 1: the filter left it out */
			c->written++;
		}
		if ((unsigned)n < max) {
			return 0;
		}
	}
	return 1; /* stopped by the limit: more may be queued */
}

static uint64_t total_drops(const struct capture *c)
{
	uint64_t d = 0;

	for (unsigned i = 0; i < c->n; i++) {
		d += c->st[i].drops;
	}
	return d;
}

static int64_t deadline(const struct capture *c)
{
	return c->o.duration > 0 ? tsc_now_monotonic() + (int64_t)llround(c->o.duration * 1e9) : 0;
}

/* One poll and the reads it calls for: -1 on a fatal error, else 1 if an
 * endpoint may have more queued than the round took. With `flowing` (one
 * endpoint, traffic seen in the last round) no poll: every rx path reads
 * without blocking, and while a stream flows the poll would only say
 * what the read finds out anyway, one syscall per batch for nothing. */
static int receive_round(struct capture *c, int timeout_ms, int flowing)
{
	int all = flowing && c->n == 1;
	int r = all ? 1 : poll(c->pfd, 2 * c->n, timeout_ms);
	int more = 0;

	if (r < 0) {
		return errno == EINTR ? 0 : -1;
	}
	for (unsigned i = 0; i < c->n && r > 0; i++) {
		if (all || c->pfd[2 * i].revents || c->pfd[2 * i + 1].revents) {
			int d = drain_one(c, i, ROUND_BATCHES);
			if (d < 0) {
				return -1;
			}
			more |= d;
		}
	}
	if (c->m) {
		capture_metrics_publish(c->m, c->st, c->n);
	}
	return pcapng_sink_batch_done(&c->sink) < 0 ? -1 : more;
}

static int queued_anywhere(const struct capture *c)
{
	for (unsigned i = 0; i < c->n; i++) {
		if (tsc_rx_pending(c->rx[i]) || tsc_source_queued(c->src[i])) {
			return 1;
		}
	}
	return 0;
}

/* A pipe whose reader went away while nothing is being written: its
 * write end polls POLLERR, so an idle capture stops too, not only at the
 * next packet's EPIPE. */
static int pipe_reader_left(struct capture *c, int64_t now)
{
	struct pollfd p = {.fd = c->sink.w.fd, .events = 0};

	if (!c->sink.w.is_pipe || p.fd < 0 || now - c->pipe_checked < PIPE_CHECK_NS) {
		return 0;
	}
	c->pipe_checked = now;
	if (poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP))) {
		c->sink.w.err = -EPIPE; /* reported as if a write had said so */
		return 1;
	}
	return 0;
}

/* The wall clock stepped since the last round: say so once (thread 0),
 * and put it on the next packet of every thread's file. */
static void clock_check(struct capture *c)
{
	int64_t step = clockstep_sample(&c->clk);
	char txt[32], note[160];

	if (!step) {
		return;
	}
	clockstep_format(step, txt, sizeof(txt));
	snprintf(note, sizeof(note),
	         "tscap: the wall clock (CLOCK_REALTIME) stepped %s s against CLOCK_MONOTONIC "
	         "before this packet; packet times jump with it",
	         txt);
	pcapng_sink_note(&c->sink, note);
	if (c->index == 0) {
		tsc_err(
		    "the wall clock (CLOCK_REALTIME) stepped %s s against CLOCK_MONOTONIC during "
		    "the capture: packet times jump there (noted in the file)",
		    txt);
	}
}

/* Between two receive rounds: -G, the -w - reader, the wall clock. -1
 * stops the capture. */
static int between_rounds(struct capture *c)
{
	int64_t now = tsc_now_monotonic();

	if (rotate_time_due(&c->rot, now) && rotate(c) < 0) {
		return -1;
	}
	clock_check(c);
	return pipe_reader_left(c, now) ? -1 : 0;
}

static void run(struct capture *c)
{
	int64_t end = deadline(c);

	int coalescing = 0, next_timeout_zero = 0;

	clockstep_init(&c->clk, CLOCKSTEP_THRESHOLD_NS);
	clockstep_sample(&c->clk); /* the reference the rounds compare with */

	while (!tsc_stop && remaining(c)) {
		int64_t now = tsc_now_monotonic();
		int timeout = POLL_MS;
		if (end) {
			if (now >= end) {
				break;
			}
			int64_t left_ms = (end - now + 999999) / 1000000;
			timeout = left_ms < POLL_MS ? (int)left_ms : POLL_MS;
		}
		/* Traffic is flowing: let a batch build up instead of waking for
		 * every packet. The kernel has stamped them already; only the
		 * user-space stamp (and the file) see the wait. */
		if (coalescing) {
			struct timespec ts = {0, (long)c->o.coalesce_us * 1000};
			nanosleep(&ts, NULL);
			timeout = 0;
		}
		if (next_timeout_zero) {
			timeout = 0;
		}
		int64_t rot_ms = rotate_ms_left(&c->rot, now);
		timeout = rot_ms >= 0 && rot_ms < timeout ? (int)rot_ms : timeout;
		uint64_t before = c->written;
		int more = receive_round(c, timeout, coalescing || next_timeout_zero);
		if (more < 0 || between_rounds(c) < 0) {
			fail(c);
			return;
		}
		/* Wait only when the round emptied the queues it touched; when it
		 * did not, look again at once. */
		coalescing = c->o.coalesce_us && c->written != before && !more;
		next_timeout_zero = more;
		progress_tick(&c->progress, tsc_now_monotonic(), atomic_load(&c->sh->written),
		              total_drops(c));
	}
	/* What the kernel already queued was sent before the stop: keep it,
	 * until every socket is empty (an io_uring ring that ran dry returns
	 * nothing for a call while data still waits) or the time is up. */
	for (unsigned i = 0; i < c->n; i++) {
		tsc_rx_stop(c->rx[i]);
	}
	int64_t drain_end = tsc_now_monotonic() + DRAIN_NS;
	while (remaining(c) && tsc_now_monotonic() < drain_end) {
		uint64_t before = c->written;
		for (unsigned i = 0; i < c->n; i++) {
			if (drain_one(c, i, 1) < 0) {
				fail(c);
				return;
			}
		}
		if (c->written == before && !queued_anywhere(c)) {
			return;
		}
	}
	/* Out of time (or count): what an rx path already pulled from its
	 * socket is ours and is taken regardless; what is left in sockets is
	 * reported in the summary. */
	for (unsigned i = 0; i < c->n && remaining(c); i++) {
		for (int k = 0; k < 1024 && tsc_rx_pending(c->rx[i]); k++) {
			if (drain_one(c, i, 1) < 0) {
				fail(c);
				return;
			}
		}
	}
}

/* Kernel drops: the socket table is exact (it also counts drops after the
 * last packet); the per-packet counter is the fallback. */
static void settle_drops(struct capture *c)
{
	for (unsigned i = 0; i < c->n; i++) {
		int64_t k = tsc_source_kernel_drops(c->src[i]);
		if (k > (int64_t)c->st[i].drops) {
			c->st[i].drops = (uint64_t)k;
		}
	}
}

static int finish(struct capture *c)
{
	settle_drops(c);
	if (c->m) {
		capture_metrics_publish(c->m, c->st, c->n);
	}
	return c->no_file ? -1 : close_file(c, tsc_now_realtime());
}

/* Packets in the files: the closed ones and the current one. */
static uint64_t file_flushed(const struct capture *c)
{
	return c->files_flushed + c->sink.w.flushed;
}

static void rotation_summary(const struct capture *c)
{
	const struct tsc_rotate *r = &c->rot;

	if (!rotate_on(r)) {
		return;
	}
	fprintf(stderr, "tscap: %u file%s: %s", r->seq, r->seq == 1 ? "" : "s",
	        r->seq > 1 ? r->first : c->path);
	if (r->seq > 1) {
		fprintf(stderr, " .. %s", c->path);
	}
	if (r->deleted) {
		fprintf(stderr, " (the newest %u kept, %llu older removed by -W)", r->keep,
		        (unsigned long long)r->deleted);
	}
	fputc('\n', stderr);
}

/* Totals over every thread's endpoints; one line per endpoint when there
 * are several, one per thread's file when there are several. */
static void summary(struct capture *const *w, unsigned nw)
{
	const struct capture *c = w[0];
	uint64_t received = 0, drops = 0, written = 0, filtered = 0, stalls = 0,
	         stamps[TSC_CLOCK_COUNT] = {0};
	int gone = 0;
	char list[256];

	for (unsigned t = 0; t < nw; t++) {
		written += file_flushed(w[t]); /* in the files, not just encoded */
		filtered += w[t]->sink.filtered;
		gone |= w[t]->reader_gone;
		for (unsigned i = 0; i < c->n; i++) {
			received += w[t]->st[i].received;
			drops += w[t]->st[i].drops;
			stalls += tsc_rx_stalls(w[t]->rx[i]);
			for (unsigned k = 0; k < TSC_CLOCK_COUNT; k++) {
				stamps[k] += w[t]->st[i].stamps[k];
			}
		}
	}
	stats_stamp_list(stamps, list, sizeof(list));
	fprintf(stderr,
	        "tscap: %llu received, %llu dropped by the kernel, %llu written to %s%s\n"
	        "tscap: stamps: %s\n",
	        (unsigned long long)received, (unsigned long long)drops,
	        (unsigned long long)written, strcmp(c->path, "-") ? c->o.out : "stdout",
	        nw > 1 ? " (one file per thread)" : "", list);
	for (unsigned t = 0; t < nw; t++) {
		if (nw > 1) {
			fprintf(stderr, "tscap: thread %u: %llu written to %s\n", t,
			        (unsigned long long)file_flushed(w[t]), w[t]->path);
		}
		rotation_summary(w[t]);
		for (unsigned i = 0; i < c->n; i++) {
			if (c->n > 1) {
				fprintf(stderr,
				        "tscap: %s: %llu received, %llu dropped by the kernel\n",
				        c->ep[i].text, (unsigned long long)w[t]->st[i].received,
				        (unsigned long long)w[t]->st[i].drops);
			}
			if (tsc_source_queued(w[t]->src[i])) {
				fprintf(
				    stderr,
				    "tscap: %s: datagrams were still arriving when the capture "
				    "stopped: those left in the socket are not in the file and not "
				    "counted\n",
				    c->ep[i].text);
			}
		}
	}
	if (c->filter) {
		fprintf(stderr, "tscap: %llu left out by the filter\n",
		        (unsigned long long)filtered);
	}
	if (gone) {
		fprintf(stderr, "tscap: the reader closed the pipe: capture ended\n");
	}
	if (written + filtered < received) {
		fprintf(stderr, "tscap: %llu received packets are not in the file (%s)\n",
		        (unsigned long long)(received - written - filtered),
		        gone ? "the reader had gone" : "write failed");
	}
	if (c->clk.steps) {
		char txt[32];
		clockstep_format(c->clk.largest, txt, sizeof(txt));
		fprintf(
		    stderr,
		    "tscap: the wall clock stepped %llu time%s during the capture (largest %s s): "
		    "packet times jump there; the packet after each step has a comment\n",
		    (unsigned long long)c->clk.steps, c->clk.steps == 1 ? "" : "s", txt);
	}
	if (stalls) {
		fprintf(stderr,
		        "tscap: the receive ran out of buffers %llu times (ENOBUFS; the socket "
		        "held the data meanwhile)\n",
		        (unsigned long long)stalls);
	}
	if (!stamps[TSC_HW_RX] && received && c->o.stamp == TSC_STAMP_AUTO) {
		/* Haiku has none but user-space stamps. */
		fprintf(stderr, "tscap: no hardware stamps arrived: %s stamps are in the file\n",
		        stamps[TSC_SW_RX] ? "software" : "user-space");
	}
}

/* --json: the summary as one object on stdout (doc/json.md). */
static void summary_json(struct capture *const *w, unsigned nw, int failed)
{
	const struct capture *c = w[0];
	uint64_t received = 0, drops = 0, written = 0, stalls = 0, stamps[TSC_CLOCK_COUNT] = {0};

	for (unsigned t = 0; t < nw; t++) {
		written += file_flushed(w[t]);
		for (unsigned i = 0; i < c->n; i++) {
			received += w[t]->st[i].received;
			drops += w[t]->st[i].drops;
			stalls += tsc_rx_stalls(w[t]->rx[i]);
			for (unsigned k = 0; k < TSC_CLOCK_COUNT; k++) {
				stamps[k] += w[t]->st[i].stamps[k];
			}
		}
	}
	printf("{");
	json_kv_str(stdout, 1, "file", c->o.out);
	printf(", \"received\": %llu, \"dropped\": %llu, \"written\": %llu, \"not_written\": "
	       "%llu, \"ring_stalls\": %llu, \"stopped_by_error\": %s, \"stamps\": {",
	       (unsigned long long)received, (unsigned long long)drops, (unsigned long long)written,
	       (unsigned long long)(written < received ? received - written : 0),
	       (unsigned long long)stalls, failed ? "true" : "false");
	for (unsigned k = 0, n = 0; k < TSC_CLOCK_COUNT; k++) {
		if (stamps[k]) {
			printf("%s\"%s\": %llu", n++ ? ", " : "", tsc_clock_name((enum tsc_clock)k),
			       (unsigned long long)stamps[k]);
		}
	}
	printf("}, \"endpoints\": [");
	for (unsigned i = 0; i < c->n; i++) {
		uint64_t r = 0, d = 0, wr = 0;
		int queued = 0;
		for (unsigned t = 0; t < nw; t++) {
			r += w[t]->st[i].received;
			d += w[t]->st[i].drops;
			wr += w[t]->st[i].written;
			queued |= tsc_source_queued(w[t]->src[i]) != 0;
		}
		printf("%s{", i ? ", " : "");
		json_kv_str(stdout, 1, "endpoint", c->ep[i].text);
		const char *ifn = tsc_source_grant(w[0]->src[i])->ifname;
		json_kv_str(stdout, 0, "interface", ifn[0] ? ifn : "any");
		printf(", \"received\": %llu, \"dropped\": %llu, \"written\": %llu, "
		       "\"left_in_socket\": %s}",
		       (unsigned long long)r, (unsigned long long)d, (unsigned long long)wr,
		       queued ? "true" : "false");
	}
	printf("], \"files\": [");
	for (unsigned t = 0; t < nw; t++) {
		printf("%s{", t ? ", " : "");
		json_kv_str(stdout, 1, "file", w[t]->path);
		printf(", \"written\": %llu", (unsigned long long)file_flushed(w[t]));
		if (rotate_on(&w[t]->rot)) {
			printf(", \"rotated_files\": %u, \"removed_files\": %llu", w[t]->rot.seq,
			       (unsigned long long)w[t]->rot.deleted);
			json_kv_str(stdout, 0, "first_kept",
			            w[t]->rot.seq > 1 ? w[t]->rot.first : w[t]->path);
		}
		printf("}");
	}
	printf("]}\n");
	fflush(stdout);
}

static void cleanup(struct capture *c)
{
	for (unsigned i = 0; i < c->n; i++) {
		tsc_rx_close(c->rx[i]);
		if (c->src[i]) {
			tsc_source_close(c->src[i]);
		}
	}
	free(c->pkts);
}

/* "x.pcapng" -> "x.1.pcapng", "x" -> "x.1": thread t's file. */
static void thread_path(const char *out, unsigned t, unsigned threads, char *path, size_t len)
{
	const char *dot = strrchr(out, '.');
	const char *slash = strrchr(out, '/');

	if (threads == 1) {
		snprintf(path, len, "%s", out);
	} else if (dot && (!slash || dot > slash)) {
		snprintf(path, len, "%.*s.%u%s", (int)(dot - out), out, t, dot);
	} else {
		snprintf(path, len, "%s.%u", out, t);
	}
}

static void *worker_run(void *arg)
{
	struct capture *c = arg;

	if (c->o.threads > 1) {
		tsc_pin_thread(c->index);
		if (open_rx(c) < 0) {
			c->failed = 1;
			tsc_stop = SIGTERM; /* the others stop too */
			return NULL;
		}
	}
	run(c);
	return NULL;
}

/* --metrics: one set of counters per thread and endpoint, read by the
 * HTTP thread. */
static struct capture_metrics *start_metrics(struct capture **w, unsigned nw)
{
	const char *ep[MAX_ENDPOINTS];

	for (unsigned i = 0; i < w[0]->n; i++) {
		ep[i] = w[0]->ep[i].text;
	}
	struct capture_metrics *cm = capture_metrics_new(nw, w[0]->n, ep, w[0]->o.stamp);
	for (unsigned t = 0; cm && t < nw; t++) {
		w[t]->m = &cm->per[t * w[0]->n];
		for (unsigned i = 0; i < w[0]->n; i++) {
			cm->src[t * w[0]->n + i] = w[t]->src[i];
		}
	}
	if (cm && capture_metrics_serve(cm, w[0]->o.metrics) < 0) {
		capture_metrics_end(cm, 0);
		cm = NULL;
	}
	return cm;
}

/* Threads 1.. run with the stop signals blocked: the main thread (thread
 * 0) takes them and the flag reaches every loop within a poll timeout. */
static int start_threads(struct capture **w, unsigned nw, pthread_t *tid)
{
	sigset_t block, old;
	int r = 0;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	for (unsigned t = 1; t < nw && !r; t++) {
		r = pthread_create(&tid[t], NULL, worker_run, w[t]);
		if (r) {
			tsc_err("capture: cannot start thread %u: %s", t, strerror(r));
			tsc_stop = SIGTERM;
			nw = t;
		}
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return r ? -(int)nw : (int)nw;
}

int cmd_capture(int argc, char **argv)
{
	struct capture *w[MAX_THREADS] = {0};
	struct capture_shared sh = {0};
	struct capture_metrics *cm = NULL;
	pthread_t tid[MAX_THREADS];
	unsigned nw = 0;
	int rc = 1;

	w[0] = calloc(1, sizeof(*w[0]));
	if (!w[0]) {
		return 1;
	}
	w[0]->o = (struct capture_opts){
	    .snaplen = 262144, .batch = 64, .rcvbuf = 8u << 20, .coalesce_us = 200, .threads = 1};
	int r = parse_args(w[0], argc, argv);
	if (r != 0) {
		rc = r > 0 ? 0 : 1;
		nw = 1;
		goto out;
	}
	catch_signals();
	for (nw = 0; nw < w[0]->o.threads; nw++) {
		if (nw && !(w[nw] = malloc(sizeof(*w[nw])))) {
			goto out;
		}
		if (nw) {
			*w[nw] = *w[0]; /* options and endpoints; nothing opened yet */
		}
		w[nw]->index = nw;
		w[nw]->sh = &sh;
		thread_path(w[0]->o.out, nw, (unsigned)w[0]->o.threads, w[nw]->path,
		            sizeof(w[nw]->path));
	}
	/* Sockets first: a port in use must not leave an empty file behind. */
	for (unsigned t = 0; t < nw; t++) {
		if (open_sources(w[t]) < 0 || (nw == 1 && open_rx(w[t]) < 0)) {
			goto out;
		}
	}
	/* Then no privilege: the files are created as the user we become,
	 * and every thread (the metrics server's too) starts without any. */
	if (privs_drop("capture", w[0]->o.user) < 0) {
		goto out;
	}
	if (w[0]->o.metrics && !(cm = start_metrics(w, nw))) {
		goto out;
	}
	for (unsigned t = 0; t < nw; t++) {
		if (output_first(w[t]) < 0) {
			goto out;
		}
	}
	w[0]->progress.enabled = !w[0]->o.quiet && isatty(STDERR_FILENO);
	int started = start_threads(w, nw, tid);
	unsigned joined = (unsigned)(started < 0 ? -started : started);
	worker_run(w[0]);
	for (unsigned t = 1; t < joined; t++) {
		pthread_join(tid[t], NULL);
	}
	progress_end(&w[0]->progress);
	rc = started < 0 ? 2 : 0;
	for (unsigned t = 0; t < nw; t++) {
		finish(w[t]);
		rc = w[t]->failed ? 2 : rc;
	}
	if (w[0]->o.json) {
		summary_json(w, nw, rc == 2);
	} else if (!w[0]->o.no_summary) {
		summary(w, nw);
	}
	capture_metrics_end(cm, w[0]->o.metrics_linger);
	cm = NULL;
out:
	capture_metrics_end(cm, 0);
	for (unsigned t = 0; t < nw || (t == 0 && w[0]); t++) {
		if (!w[t]) {
			break;
		}
		if (t == 0) {
			tsc_filter_free(w[0]->filter);
		}
		cleanup(w[t]);
		rotate_free(&w[t]->rot);
		free(w[t]);
		w[t] = NULL;
	}
	return rc;
}
