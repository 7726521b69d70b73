#include "probe.h"

#include <stdlib.h>
#include <string.h>

static const uint8_t magic[4] = {'T', 'S', 'C', 'P'};

static void put_le(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++) {
		p[i] = (uint8_t)(v >> (8 * i));
	}
}

static uint64_t get_le(const uint8_t *p, int n)
{
	uint64_t v = 0;

	for (int i = n - 1; i >= 0; i--) {
		v = v << 8 | p[i];
	}
	return v;
}

void tsc_probe_fill(uint8_t *buf, size_t size, uint32_t session, uint64_t seq)
{
	size_t start = 0;

	if (size >= TSC_PROBE_HDR) {
		memcpy(buf, magic, 4);
		put_le(buf + 4, session, 4);
		put_le(buf + 8, seq, 8);
		put_le(buf + 16, 0, 8);
		start = TSC_PROBE_HDR;
	}
	for (size_t i = start; i < size; i++) {
		buf[i] = (uint8_t)i; /* the same for every seq: refilled only as a header */
	}
}

void tsc_probe_fill_header(uint8_t *buf, size_t size, uint32_t session, uint64_t seq,
                           int64_t send_ns)
{
	if (size >= TSC_PROBE_HDR) {
		put_le(buf + 4, session, 4);
		put_le(buf + 8, seq, 8);
		put_le(buf + 16, (uint64_t)send_ns, 8);
	}
}

int tsc_probe_parse(const uint8_t *buf, size_t len, struct tsc_probe *out)
{
	if (len < TSC_PROBE_HDR || memcmp(buf, magic, 4) != 0) {
		return 0;
	}
	out->session = (uint32_t)get_le(buf + 4, 4);
	out->seq = get_le(buf + 8, 8);
	out->send_ns = (int64_t)get_le(buf + 16, 8);
	return 1;
}

/* Room for bit `bit`, within 64 bits per number received (at least
 * 2^16) and 2^32: a crafted file with numbers 0 and 2^32 - 1 once made
 * `tscap read` allocate 512 MiB and count its bits one by one
 * (tests/fuzz/corpus/pcapng_read/regress-seq-far-apart). */
static int grow(struct tsc_seq_stats *s, uint64_t bit)
{
	if (bit < s->seen_bits) {
		return 1;
	}
	uint64_t limit = s->received < (1u << 10) ? 1u << 16 : s->received * 64;
	if (bit >= (1ull << 32) || bit >= limit) {
		return 0;
	}
	size_t bits = s->seen_bits ? s->seen_bits : 4096;
	while (bits <= bit) {
		bits *= 2;
	}
	uint8_t *m = realloc(s->seen, bits / 8);
	if (!m) {
		return 0;
	}
	memset(m + s->seen_bits / 8, 0, (bits - s->seen_bits) / 8);
	s->seen = m;
	s->seen_bits = bits;
	return 1;
}

void tsc_seq_add(struct tsc_seq_stats *s, uint64_t seq)
{
	if (!s->started) {
		s->started = 1;
		s->first = s->highest = seq;
	} else if (seq < s->first) {
		/* Earlier than the first seen: reordered; not tracked for
		 * duplicates (the bitmap starts at the first). */
		s->received++;
		s->reordered++;
		return;
	}
	uint64_t bit = seq - s->first;
	if (grow(s, bit)) {
		if (s->seen[bit / 8] & (1u << (bit % 8))) {
			s->duplicates++;
			return;
		}
		s->seen[bit / 8] |= (uint8_t)(1u << (bit % 8));
		s->unique++;
	} else {
		s->untracked++;
	}
	s->received++;
	if (seq < s->highest) {
		s->reordered++;
	} else {
		s->highest = seq;
	}
}

uint64_t tsc_seq_lost(const struct tsc_seq_stats *s)
{
	if (!s->started) {
		return 0;
	}
	uint64_t span = s->highest - s->first + 1; /* 0: all 2^64 numbers */
	uint64_t counted = s->unique + s->untracked;

	return span - 1 >= counted ? span - counted : 0;
}

void tsc_seq_free(struct tsc_seq_stats *s)
{
	free(s->seen);
	s->seen = NULL;
	s->seen_bits = 0;
}
