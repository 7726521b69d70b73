#include "sink_pcapng.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"
#include "capfilter.h"
#include "log.h"
#include "synth.h"
#include "version.h"

/* Small enough to stay in a core's L2 cache between the EPBs written into
 * it and the write() that copies it out: a 1 MiB buffer was evicted before
 * it was written, and each of its lines crossed the memory bus twice
 * (about 3% of a 64-byte capture's CPU, bench/compare). At 100,000
 * packets/s of 64 bytes this is still only about 140 writes per second. */
#define SINK_BUF        (128u << 10)
#define SINK_MAX_AGE_NS (100 * 1000 * 1000)

static int put_header(struct pcapng_sink *s, const struct pcapng_sink_if *ifs, unsigned n_if)
{
	char os[128], hw[64], appl[96];
	struct pcapng_shb_info shb = {.hardware = hw, .os = os, .userappl = appl};
	uint8_t *b;

	snprintf(appl, sizeof(appl), "tscap %s", tscap_version);

	tsc_os_describe(os, sizeof(os), hw, sizeof(hw));
	b = writer_reserve(&s->w, pcapng_shb_size(&shb));
	if (!b) {
		return s->w.err;
	}
	writer_commit(&s->w, pcapng_shb(b, &shb), 0);
	for (unsigned i = 0; i < n_if; i++) {
		b = writer_reserve(&s->w, pcapng_idb_size(ifs[i].name, ifs[i].desc));
		if (!b) {
			return s->w.err;
		}
		uint16_t lt = ifs[i].linktype ? ifs[i].linktype : PCAPNG_LINKTYPE_ETHERNET;
		writer_commit(&s->w, pcapng_idb(b, lt, s->snaplen, ifs[i].name, ifs[i].desc), 0);
	}
	return writer_flush(&s->w);
}

int pcapng_sink_open(struct pcapng_sink *s, const char *path, uint32_t snaplen,
                     const struct pcapng_sink_if *ifs, unsigned n_if)
{
	return pcapng_sink_open_ex(s, path, snaplen, ifs, n_if, 0);
}

int pcapng_sink_open_ex(struct pcapng_sink *s, const char *path, uint32_t snaplen,
                        const struct pcapng_sink_if *ifs, unsigned n_if, unsigned flags)
{
	int r = access(path, F_OK);

	s->created = strcmp(path, "-") != 0 && (r < 0 || (flags & PCAPNG_SINK_EXCL));
	s->snaplen = snaplen;
	s->note[0] = '\0';
	r = writer_open(&s->w, path, SINK_BUF, (flags & PCAPNG_SINK_EXCL) != 0);
	if (r < 0) {
		return r;
	}
	r = put_header(s, ifs, n_if);
	if (r < 0) {
		tsc_err("cannot write %s: %s", path, strerror(-r));
		writer_close(&s->w);
		if (s->created) {
			unlink(path);
		}
	}
	return r;
}

/* A frame captured whole (wire:, pcap:): its bytes as they came. */
static int put_frame(struct pcapng_sink *s, const struct tsc_pkt *p, uint64_t drops)
{
	uint8_t *b = writer_reserve(&s->w, PCAPNG_EPB_MAX(p->caplen));

	if (!b) {
		return s->w.err;
	}
	writer_commit(&s->w, pcapng_epb(b, p->endpoint, p, 0, s->snaplen, drops), 1);
	return 0;
}

void pcapng_sink_note(struct pcapng_sink *s, const char *text)
{
	snprintf(s->note, sizeof(s->note), "%s", text);
}

/* The block just committed (it ends the buffer) gets the pending note.
 * The caller reserved the room, so nothing was flushed in between. */
static void note_last_block(struct pcapng_sink *s)
{
	uint32_t len;
	size_t extra = pcapng_comment_size(s->note);

	if (s->w.len < 12 || s->w.len + extra > s->w.cap) {
		return; /* no room after all: the note waits for the next block */
	}
	memcpy(&len, s->w.buf + s->w.len - 4, 4);
	uint8_t *blk = s->w.buf + s->w.len - len;
	s->w.len += pcapng_add_comment(blk, s->note) - len;
	s->note[0] = '\0';
}

static int pkt_noted(struct pcapng_sink *s, const struct tsc_pkt *p, uint64_t drops)
{
	/* room for the packet however it is framed, and the comment */
	size_t most = PCAPNG_EPB_MAX(synth_hdr_len(p) + p->caplen);
	char note[sizeof(s->note)];

	if (!writer_reserve(&s->w, most + pcapng_comment_size(s->note))) {
		return s->w.err;
	}
	memcpy(note, s->note, sizeof(note));
	s->note[0] = '\0';
	int r = pcapng_sink_pkt(s, p, drops);
	memcpy(s->note, note, sizeof(note));
	if (r == 0) {
		note_last_block(s);
	}
	return r;
}

int pcapng_sink_pkt(struct pcapng_sink *s, const struct tsc_pkt *p, uint64_t drops)
{
	if (s->note[0]) {
		return pkt_noted(s, p, drops);
	}
	if (p->flags & TSC_PKT_FRAME) {
		return put_frame(s, p, drops);
	}
	size_t hdr = synth_hdr_len(p);
	uint8_t *b = writer_reserve(&s->w, PCAPNG_EPB_MAX(hdr + p->caplen));

	if (!b) {
		return s->w.err;
	}
	/* One pass over the payload: copied into the block and summed for the
	 * UDP checksum (all of it, also past the snap length, when we have it). */
	uint8_t *frame = b + PCAPNG_EPB_DATA_OFF;
	size_t cap = pcapng_epb_cap(p, hdr, s->snaplen);
	size_t copy = cap > hdr ? cap - hdr : 0;
	uint64_t sum =
	    synth_copy_sum(frame + hdr, p->data, copy, p->caplen < p->len ? copy : p->len);
	synth_udp_headers_sum(frame, p, sum);
	if (s->filter) {
		if (!tsc_filter_match(s->filter, frame, (uint32_t)cap, (uint32_t)(hdr + p->len))) {
			s->filtered++;
			s->carry_drops += drops;
			return 1;
		}
		drops += s->carry_drops;
		s->carry_drops = 0;
	}
	writer_commit(&s->w, pcapng_epb_framed(b, p->endpoint, p, hdr, s->snaplen, drops), 1);
	return 0;
}

size_t pcapng_sink_pkt_max(const struct pcapng_sink *s, const struct tsc_pkt *p)
{
	size_t frame = (p->flags & TSC_PKT_FRAME ? 0 : synth_hdr_len(p)) + p->caplen;

	return PCAPNG_EPB_MAX(frame < s->snaplen ? frame : s->snaplen) +
	       (s->note[0] ? pcapng_comment_size(s->note) : 0);
}

int pcapng_sink_batch_done(struct pcapng_sink *s)
{
	return s->w.is_pipe ? writer_flush(&s->w) : writer_tick(&s->w, SINK_MAX_AGE_NS);
}

int pcapng_sink_close(struct pcapng_sink *s, const struct pcapng_isb_info *isb, unsigned n_if)
{
	for (unsigned i = 0; i < n_if; i++) {
		size_t extra = s->note[0] ? pcapng_comment_size(s->note) : 0;
		uint8_t *b = writer_reserve(&s->w, PCAPNG_ISB_SIZE + extra);
		if (!b) {
			break;
		}
		writer_commit(&s->w, pcapng_isb(b, &isb[i]), 0);
		if (extra) {
			note_last_block(s);
		}
	}
	return writer_close(&s->w);
}
