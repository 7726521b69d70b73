/* tscap read FILE: one line per packet with every stamp, then a summary.
 * Reads tscap's own files (all stamps) and other writers' pcapng / pcap. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cmds.h"
#include "frame.h"
#include "log.h"
#include "options.h"
#include "pcapng.h"
#include "pcapng_read.h"
#include "probe.h"
#include "samples.h"

#define MAX_SESSIONS 16

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

static void account_probe(const struct frame_info *fi, int64_t ts_ns, struct read_summary *sum)
{
	struct tsc_probe pr;

	if (!probe_of(fi, &pr)) {
		return;
	}
	struct session *s = session_for(sum, pr.session, fi->src);
	if (!s) {
		sum->untracked++;
		return;
	}
	tsc_seq_add(&s->seq, pr.seq);
	samples_add(&s->owd, (int64_t)((uint64_t)ts_ns - (uint64_t)pr.send_ns));
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

static void print_isb(const struct rd_file *r, const struct rd_event *ev)
{
	const struct rd_if *ifc = &r->ifs[ev->if_id];

	printf("# interface %u %s (%s):", ev->if_id, ifc->name[0] ? ifc->name : "-",
	       ifc->desc[0] ? ifc->desc : "-");
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
		tsc_seq_free(&s->seq);
		samples_free(&s->owd);
	}
	if (sum->untracked) {
		printf("# probes of further sessions not tracked: %" PRIu64 "\n", sum->untracked);
	}
}

/* One file's packets and statistics into sum: 0, or 1 after a one-line
 * error. A file that ends inside a block is not an error: what comes
 * before is read and a note says where it ends. */
static int read_one(const char *path, int quiet, struct read_summary *sum)
{
	struct rd_file r;
	struct rd_event ev;
	int got;

	if (rd_open(&r, path) < 0) {
		tsc_err("read: %s: %s", path, r.err);
		rd_close(&r);
		return 1;
	}
	while ((got = rd_next(&r, &ev)) > 0) {
		if (ev.kind == RD_STATS) {
			print_isb(&r, &ev);
			continue;
		}
		struct frame_info fi;
		frame_describe(r.ifs[ev.if_id].linktype, ev.data, ev.caplen, &fi);
		account(&ev, sum);
		account_probe(&fi, ev.ts_ns, sum);
		if (!quiet) {
			print_packet(&fi, &ev, sum->packets);
		}
		if (!quiet && ev.comment) {
			print_comment(&ev, sum->packets);
		}
	}
	if (r.classic) {
		sum->classic_tsresol = r.ifs[0].tsresol;
	}
	if (got < 0) {
		tsc_err("read: %s: %s (after packet %" PRIu64 ")", path, r.err, sum->packets);
	} else if (r.truncated) {
		printf("# truncated: %s ends inside a block after packet %" PRIu64
		       " (a capture that was killed); everything before it is above\n",
		       strcmp(path, "-") ? path : "stdin", sum->packets);
	}
	rd_close(&r);
	return got < 0 ? 1 : 0;
}

int cmd_read(int argc, char **argv)
{
	int quiet = 0;
	const struct opt_spec tab[] = {
	    {"summary", 's', OPT_FLAG, &quiet, 0, 0, NULL, NULL, "only the summary"},
	    {0},
	};
	int first = opts_parse("read", tab, argc, argv);

	if (first == -2) {
		opts_usage(stdout, "read", "FILE...", tab);
		return 0;
	}
	if (first < 0) {
		return 1;
	}
	if (first >= argc) {
		tsc_err("read: give a FILE (- for stdin), or several to read as one capture");
		return 1;
	}
	struct read_summary sum = {0};
	int rc = 0;

	/* Several files (a rotated capture) are read in the order given, as
	 * one: packet numbers and the probe sessions run across them. */
	for (int a = first; a < argc && !rc; a++) {
		if (argc - first > 1) {
			printf("# file %s\n", argv[a]);
		}
		rc = read_one(argv[a], quiet, &sum);
	}
	print_summary(&sum);
	print_sessions(&sum);
	return rc;
}
