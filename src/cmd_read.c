/* tscap read FILE...: one line per packet with every stamp, then a
 * summary. Reads tscap's own files (all stamps) and other writers'
 * pcapng / pcap; several files (a rotated capture) as one. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "frame.h"
#include "json.h"
#include "log.h"
#include "options.h"
#include "pcapng.h"
#include "pcapng_read.h"
#include "probe.h"
#include "read_delay.h"
#include "samples.h"

#define MAX_SESSIONS 64 /* as many as one `tscap send --flows` run makes */

/* One `tscap send` run seen in the file: loss, order, one-way delay. */
struct session {
	uint32_t id;
	char src[64];
	struct tsc_seq_stats seq;
	struct tsc_samples owd; /* packet time - sender's clock, ns */
};

struct read_summary {
	struct session sessions[MAX_SESSIONS];
	unsigned n_sessions;
	uint64_t untracked; /* probes beyond MAX_SESSIONS sessions */
	uint64_t packets, drops, truncated_pkts;
	int64_t first_ns, last_ns;                /* earliest and latest, not file order */
	uint64_t epb_source[TSC_CLOCK_COUNT + 1]; /* [COUNT]: not tscap's */
	uint64_t extra[TSC_CLOCK_COUNT];
	/* --json and --plot: the delay series and the statistics blocks */
	int collect;
	struct read_delay delay;
	struct rd_event *isb;
	size_t n_isb, isb_cap;
	uint8_t classic_tsresol; /* a classic pcap was read: its resolution */
};

static void fmt_ns(char *out, size_t len, int64_t ns)
{
	int64_t s = ns / 1000000000, f = ns % 1000000000;

	if (f < 0) {
		s -= 1;
		f += 1000000000;
	}
	snprintf(out, len, "%" PRId64 ".%09" PRId64, s, f);
}

static void account(const struct rd_event *ev, struct read_summary *sum)
{
	if (!sum->packets++ || ev->ts_ns < sum->first_ns) {
		sum->first_ns = ev->ts_ns;
	}
	if (sum->packets == 1 || ev->ts_ns > sum->last_ns) {
		sum->last_ns = ev->ts_ns;
	}
	sum->epb_source[ev->has_tscap ? ev->epb_clock : TSC_CLOCK_COUNT]++;
	sum->drops += ev->has_dropcount ? ev->dropcount : 0;
	sum->truncated_pkts += ev->caplen < ev->origlen;
	for (unsigned c = 0; ev->has_tscap && c < TSC_CLOCK_COUNT; c++) {
		sum->extra[c] += tsc_pkt_has(&ev->stamps, (enum tsc_clock)c);
	}
}

static struct session *session_for(struct read_summary *sum, uint32_t id, const char *src)
{
	for (unsigned i = 0; i < sum->n_sessions; i++) {
		if (sum->sessions[i].id == id && !strcmp(sum->sessions[i].src, src)) {
			return &sum->sessions[i];
		}
	}
	if (sum->n_sessions == MAX_SESSIONS) {
		return NULL;
	}
	struct session *s = &sum->sessions[sum->n_sessions++];
	s->id = id;
	snprintf(s->src, sizeof(s->src), "%s", src);
	samples_init(&s->owd, 1u << 22);
	return s;
}

/* A `tscap send` payload: its sequence number and one-way delay. */
static int probe_of(const struct frame_info *fi, struct tsc_probe *pr)
{
	return fi->payload && tsc_probe_parse(fi->payload, fi->payload_caplen, pr);
}

/* The probe's session, sequence number and one-way delay; with
 * --json/--plot also the packet's point of the delay series. */
static void account_probe(const struct frame_info *fi, const struct rd_event *ev,
                          struct read_summary *sum)
{
	struct tsc_probe pr;
	struct read_point pt = {.t = ev->ts_ns, .session = UINT32_MAX};
	int64_t ts_ns = ev->ts_ns;

	if (sum->collect) {
		pt.drops = ev->has_dropcount ? (uint32_t)ev->dropcount : 0;
		if (ev->has_tscap && (ev->epb_clock == TSC_SW_RX || ev->epb_clock == TSC_HW_RX) &&
		    tsc_pkt_has(&ev->stamps, TSC_USER)) {
			pt.flags |= RDP_K2U;
			pt.k2u = ev->stamps.ns[TSC_USER] - ev->ts_ns;
		}
	}
	if (probe_of(fi, &pr)) {
		struct session *s = session_for(sum, pr.session, fi->src);
		int64_t owd = (int64_t)((uint64_t)ts_ns - (uint64_t)pr.send_ns);
		pt = (struct read_point){
		    pt.t, owd, pt.k2u, pr.seq, UINT32_MAX, pt.drops, (uint8_t)(pt.flags | RDP_OWD)};
		if (!s) {
			sum->untracked++;
		} else {
			pt.session = (uint32_t)(s - sum->sessions);
			tsc_seq_add(&s->seq, pr.seq);
			samples_add(&s->owd, owd);
		}
	}
	if (sum->collect) {
		read_delay_add(&sum->delay, &pt);
	}
}

static void print_packet(const struct frame_info *fi_, const struct rd_event *ev, uint64_t index)
{
	const struct frame_info fi = *fi_;
	struct tsc_probe pr;
	char t[32];
	enum tsc_clock src = ev->has_tscap ? ev->epb_clock : TSC_CLOCK_COUNT;

	fmt_ns(t, sizeof(t), ev->ts_ns);
	printf("%" PRIu64 " %s %s %s > %s %s", index, t, ev->has_tscap ? tsc_clock_name(src) : "ts",
	       fi.src, fi.dst, fi.proto);
	if (fi.has_payload_len) {
		printf(" payload=%u", fi.payload_len);
	}
	printf(" len=%u", ev->origlen);
	if (ev->caplen < ev->origlen) {
		printf(" caplen=%u", ev->caplen);
	}
	for (unsigned c = 0; ev->has_tscap && c < TSC_CLOCK_COUNT; c++) {
		if (tsc_pkt_has(&ev->stamps, (enum tsc_clock)c)) {
			fmt_ns(t, sizeof(t), ev->stamps.ns[c]);
			printf(" %s=%s", tsc_clock_name((enum tsc_clock)c), t);
		}
	}
	if (probe_of(&fi, &pr)) {
		printf(" seq=%" PRIu64 " owd=%" PRId64, pr.seq,
		       (int64_t)((uint64_t)ev->ts_ns - (uint64_t)pr.send_ns));
	}
	if (ev->has_dropcount && ev->dropcount) {
		printf(" drops=%" PRIu64, ev->dropcount);
	}
	if (ev->has_tscap && (ev->stamps.flags & TSC_PKT_CTRUNC)) {
		printf(" ctrunc");
	}
	if ((ev->epb_flags & 3) == PCAPNG_EPB_FLAG_OUTBOUND) {
		printf(" out"); /* a frame the host sent (wire: and pcap: see both ways) */
	}
	putchar('\n');
}

/* A packet's comment, on a line of its own: printable ASCII kept, the
 * rest (line breaks, bytes of UTF-8) shown as '?'. */
static void print_comment(const struct rd_event *ev, uint64_t index)
{
	printf("# comment on packet %" PRIu64 ": ", index);
	for (unsigned i = 0; i < ev->comment_len; i++) {
		uint8_t ch = ev->comment[i];
		putchar(ch >= 0x20 && ch < 0x7f ? ch : '?');
	}
	putchar('\n');
}

/* A name from the file, with control characters as '?': a newline in an
 * interface name once printed a line of its own that looked like a packet
 * (caught by tests/fuzz/fuzz_pcapng_read.c's check that every
 * non-# line is a packet). "-" when empty. */
static const char *printable(const char *s, char *out, size_t len)
{
	size_t i = 0;

	for (; s[i] && i + 1 < len; i++) {
		out[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	}
	out[i] = '\0';
	return i ? out : "-";
}

static void print_isb(const struct rd_file *r, const struct rd_event *ev)
{
	const struct rd_if *ifc = &r->ifs[ev->if_id];
	char name[sizeof(ifc->name)], desc[sizeof(ifc->desc)];

	printf("# interface %u %s (%s):", ev->if_id, printable(ifc->name, name, sizeof(name)),
	       printable(ifc->desc, desc, sizeof(desc)));
	if (ev->has_ifrecv) {
		printf(" received %" PRIu64, ev->ifrecv);
	}
	if (ev->has_ifdrop) {
		printf(" dropped %" PRIu64, ev->ifdrop);
	}
	if (ev->has_usrdeliv) {
		printf(" delivered %" PRIu64, ev->usrdeliv);
	}
	if (ev->has_start && ev->has_end) {
		char a[32], b[32];
		fmt_ns(a, sizeof(a), ev->start_ns);
		fmt_ns(b, sizeof(b), ev->end_ns);
		printf(" from %s to %s", a, b);
	}
	putchar('\n');
}

static void print_summary(const struct read_summary *s)
{
	char a[32], b[32], d[32];

	printf("# packets: %" PRIu64 "\n", s->packets);
	if (s->packets) {
		fmt_ns(a, sizeof(a), s->first_ns);
		fmt_ns(b, sizeof(b), s->last_ns);
		uint64_t span = (uint64_t)s->last_ns - (uint64_t)s->first_ns;
		snprintf(d, sizeof(d), "%" PRIu64 ".%09" PRIu64, span / 1000000000u,
		         span % 1000000000u);
		printf("# time span: %s .. %s (%s s)\n", a, b, d);
	}
	printf("# drops (epb_dropcount): %" PRIu64 "\n", s->drops);
	if (s->truncated_pkts) {
		printf("# packets cut at the snap length: %" PRIu64 "\n", s->truncated_pkts);
	}
	printf("# stamp sources:");
	for (unsigned c = 0; c <= TSC_CLOCK_COUNT; c++) {
		if (s->epb_source[c]) {
			printf(" %s %" PRIu64 " (packet time)",
			       c < TSC_CLOCK_COUNT ? tsc_clock_name((enum tsc_clock)c) : "unknown",
			       s->epb_source[c]);
		}
	}
	for (unsigned c = 0; c < TSC_CLOCK_COUNT; c++) {
		if (s->extra[c]) {
			printf(" %s %" PRIu64, tsc_clock_name((enum tsc_clock)c), s->extra[c]);
		}
	}
	putchar('\n');
	if (s->classic_tsresol) {
		printf("# format: classic pcap (%s)\n", s->classic_tsresol == 9 ? "ns" : "us");
	}
}

/* Per `tscap send` run: what arrived, what did not, in what order, and
 * how long it took from the sender's clock to the packet time (the two
 * clocks are one on loopback; across hosts only if synchronised). */
static void print_sessions(struct read_summary *sum)
{
	for (unsigned i = 0; i < sum->n_sessions; i++) {
		struct session *s = &sum->sessions[i];
		printf("# probes from %s (session %08x): received %" PRIu64 ", lost %" PRIu64
		       ", reordered %" PRIu64 ", duplicates %" PRIu64 ", seq %" PRIu64 "..%" PRIu64
		       "\n",
		       s->src, s->id, s->seq.received, tsc_seq_lost(&s->seq), s->seq.reordered,
		       s->seq.duplicates, s->seq.first, s->seq.highest);
		printf("# one-way delay ns (packet time - sender clock; clocks not known to be "
		       "synchronised): min %" PRId64 " median %" PRId64 " p99 %" PRId64
		       " max %" PRId64 "\n",
		       samples_pct(&s->owd, 0), samples_pct(&s->owd, 50), samples_pct(&s->owd, 99),
		       samples_pct(&s->owd, 100));
	}
	if (sum->untracked) {
		printf("# probes of further sessions not tracked: %" PRIu64 "\n", sum->untracked);
	}
}

static void free_summary(struct read_summary *sum)
{
	for (unsigned i = 0; i < sum->n_sessions; i++) {
		tsc_seq_free(&sum->sessions[i].seq);
		samples_free(&sum->sessions[i].owd);
	}
	read_delay_free(&sum->delay);
	free(sum->isb);
}

/* --json: keep each statistics block for the end. */
static void keep_isb(struct read_summary *sum, const struct rd_event *ev)
{
	if (sum->n_isb == sum->isb_cap) {
		size_t cap = sum->isb_cap ? sum->isb_cap * 2 : 16;
		struct rd_event *n = cap <= 65536 ? realloc(sum->isb, cap * sizeof(*n)) : NULL;
		if (!n) {
			return;
		}
		sum->isb = n;
		sum->isb_cap = cap;
	}
	sum->isb[sum->n_isb++] = *ev;
}

static void json_u64_or_null(const char *key, int has, uint64_t v)
{
	if (has) {
		printf(", \"%s\": %" PRIu64, key, v);
	} else {
		printf(", \"%s\": null", key);
	}
}

static void json_isbs(const struct read_summary *sum, const struct rd_file *r)
{
	printf(", \"interface_statistics\": [");
	for (size_t i = 0; i < sum->n_isb; i++) {
		const struct rd_event *ev = &sum->isb[i];
		printf("%s{\"interface\": %u, ", i ? ", " : "", ev->if_id);
		json_kv_str(stdout, 1, "name", r->ifs[ev->if_id].name);
		json_kv_str(stdout, 0, "description", r->ifs[ev->if_id].desc);
		json_u64_or_null("received", ev->has_ifrecv, ev->ifrecv);
		json_u64_or_null("dropped", ev->has_ifdrop, ev->ifdrop);
		json_u64_or_null("delivered", ev->has_usrdeliv, ev->usrdeliv);
		printf("}");
	}
	printf("]");
}

static void json_stamp_sources(const struct read_summary *s)
{
	int n = 0;

	printf(", \"packet_time_sources\": {");
	for (unsigned c = 0; c <= TSC_CLOCK_COUNT; c++) {
		if (s->epb_source[c]) {
			printf("%s\"%s\": %" PRIu64, n++ ? ", " : "",
			       c < TSC_CLOCK_COUNT ? tsc_clock_name((enum tsc_clock)c) : "unknown",
			       s->epb_source[c]);
		}
	}
	printf("}, \"extra_stamps\": {");
	n = 0;
	for (unsigned c = 0; c < TSC_CLOCK_COUNT; c++) {
		if (s->extra[c]) {
			printf("%s\"%s\": %" PRIu64, n++ ? ", " : "",
			       tsc_clock_name((enum tsc_clock)c), s->extra[c]);
		}
	}
	printf("}");
}

static void json_sessions(struct read_summary *sum)
{
	printf(", \"sessions\": [");
	for (unsigned i = 0; i < sum->n_sessions; i++) {
		struct session *s = &sum->sessions[i];
		char id[16];
		snprintf(id, sizeof(id), "%08x", s->id);
		printf("%s{", i ? ", " : "");
		json_kv_str(stdout, 1, "source", s->src);
		json_kv_str(stdout, 0, "session", id);
		printf(", \"received\": %" PRIu64 ", \"lost\": %" PRIu64 ", \"reordered\": %" PRIu64
		       ", \"duplicates\": %" PRIu64 ", \"first_seq\": %" PRIu64
		       ", \"last_seq\": %" PRIu64 ", \"one_way\": ",
		       s->seq.received, tsc_seq_lost(&s->seq), s->seq.reordered, s->seq.duplicates,
		       s->seq.first, s->seq.highest);
		json_samples(stdout, &s->owd);
		printf("}");
	}
	printf("], \"untracked_probes\": %" PRIu64, sum->untracked);
}

/* --json: the summary as one object (doc/json.md). */
static void print_json(struct read_summary *sum, const struct rd_file *r, const char *path,
                       const char *err)
{
	printf("{");
	json_kv_str(stdout, 1, "file", path);
	json_kv_str(stdout, 0, "format",
	            !r->classic              ? "pcapng"
	            : r->ifs[0].tsresol == 9 ? "pcap-ns"
	                                     : "pcap-us");
	printf(", \"unit\": \"ns\", \"packets\": %" PRIu64, sum->packets);
	if (sum->packets) {
		printf(", \"first_ns\": %" PRId64 ", \"last_ns\": %" PRId64, sum->first_ns,
		       sum->last_ns);
	} else {
		printf(", \"first_ns\": null, \"last_ns\": null");
	}
	printf(", \"drops\": %" PRIu64 ", \"cut_packets\": %" PRIu64, sum->drops,
	       sum->truncated_pkts);
	json_stamp_sources(sum);
	json_isbs(sum, r);
	json_sessions(sum);
	printf(", \"delay_kind\": \"%s\", \"delay_lost\": %" PRIu64 ", \"delay\": ",
	       read_delay_key(sum->delay.kind), sum->delay.lost);
	json_samples(stdout, &sum->delay.v);
	printf(", \"truncated\": %s, \"error\": ", r->truncated && !err ? "true" : "false");
	if (err) {
		json_str(stdout, err);
	} else {
		printf("null");
	}
	printf("}\n");
}

struct read_opts {
	int quiet, json;
	const char *plot;
};

/* One file's packets and statistics into sum; r is left open (--json
 * names its interfaces at the end). rd_next's last result, or -2 when
 * the file cannot be opened (after one line). */
static int read_file(struct rd_file *r, const char *path, const struct read_opts *o,
                     struct read_summary *sum)
{
	struct rd_event ev;
	int got;

	if (rd_open(r, path) < 0) {
		tsc_err("read: %s: %s", path, r->err);
		return -2;
	}
	while ((got = rd_next(r, &ev)) > 0) {
		if (ev.kind == RD_STATS) {
			if (o->json) {
				keep_isb(sum, &ev);
			} else {
				print_isb(r, &ev);
			}
			continue;
		}
		struct frame_info fi;
		frame_describe(r->ifs[ev.if_id].linktype, ev.data, ev.caplen, &fi);
		account(&ev, sum);
		account_probe(&fi, &ev, sum);
		if (!o->quiet && !o->json) {
			print_packet(&fi, &ev, sum->packets);
			if (ev.comment) {
				print_comment(&ev, sum->packets);
			}
		}
	}
	if (r->classic) {
		sum->classic_tsresol = r->ifs[0].tsresol;
	}
	if (got < 0) {
		tsc_err("read: %s: %s (after packet %" PRIu64 ")", path, r->err, sum->packets);
	} else if (r->truncated && !o->json) {
		/* not an error: a killed capture; what came before is above */
		printf("# truncated: %s ends inside a block after packet %" PRIu64
		       " (a capture that was killed); everything before it is above\n",
		       strcmp(path, "-") ? path : "stdin", sum->packets);
	}
	return got;
}

int cmd_read(int argc, char **argv)
{
	struct read_opts o = {0};
	const struct opt_spec tab[] = {
	    {"summary", 's', OPT_FLAG, &o.quiet, 0, 0, NULL, NULL, "only the summary"},
	    {"json", 0, OPT_FLAG, &o.json, 0, 0, NULL, NULL, "print the summary as JSON"},
	    {"plot", 0, OPT_STRING, &o.plot, 0, 0, NULL, "FILE",
	     "draw the delay (one-way, kernel->user or inter-arrival) as SVG charts in FILE"},
	    {0},
	};
	int first = opts_parse("read", tab, argc, argv);

	if (first == -2) {
		opts_usage(stdout, "read", "FILE... [options]", tab);
		return 0;
	}
	if (first < 0) {
		return 1;
	}
	if (first >= argc) {
		tsc_err("read: give a FILE (- for stdin), or several to read as one capture");
		return 1;
	}
	int many = argc - first > 1;
	if (many && (o.json || o.plot)) {
		tsc_err("read: --json and --plot read one FILE");
		return 1;
	}
	struct rd_file r;
	struct read_summary sum = {.collect = o.json || o.plot};
	int got = 0, rc = 0;

	/* Several files (a rotated capture) are read in the order given, as
	 * one: packet numbers and the probe sessions run across them. */
	for (int a = first; a < argc && !rc; a++) {
		if (many) {
			printf("# file %s\n", argv[a]);
		}
		got = read_file(&r, argv[a], &o, &sum);
		rc = got < 0 ? 1 : 0;
		if (got == -2 || (a + 1 < argc && !rc)) {
			rd_close(&r);
		}
	}
	if (got == -2) {
		free_summary(&sum);
		return 1;
	}
	if (sum.collect && read_delay_finish(&sum.delay) < 0) {
		tsc_err("read: out of memory for --json/--plot");
		rc = 1;
	}
	if (o.json) {
		print_json(&sum, &r, argv[first], got < 0 ? r.err : NULL);
	} else {
		print_summary(&sum);
		print_sessions(&sum);
	}
	if (o.plot && rc == 0 && read_delay_plot(&sum.delay, o.plot, argv[first]) < 0) {
		rc = 1;
	}
	free_summary(&sum);
	rd_close(&r);
	return rc;
}
