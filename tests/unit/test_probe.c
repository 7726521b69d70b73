/* src/probe.h: the payload `tscap send` writes, and the loss / reordering
 * / duplicate counting `tscap read` does with its sequence numbers. */
#include <string.h>

#include "check.h"
#include "probe.h"

static void codec(void)
{
	uint8_t buf[64];
	struct tsc_probe p;

	tsc_probe_fill(buf, sizeof(buf), 1, 0);
	tsc_probe_fill_header(buf, sizeof(buf), 0xdeadbeef, 0x0102030405060708ull,
	                      1795439491382202282);
	static const uint8_t head[24] = {'T',  'S',  'C',  'P',  0xef, 0xbe, 0xad, 0xde,
	                                 8,    7,    6,    5,    4,    3,    2,    1,
	                                 0xaa, 0x4f, 0x8b, 0x6b, 0xb4, 0xae, 0xea, 0x18};
	CHECK_MEM(buf, head, sizeof(head));
	CHECK_EQ_U64(buf[24], 24);
	CHECK_EQ_U64(buf[63], 63);
	CHECK(tsc_probe_parse(buf, sizeof(buf), &p));
	CHECK_EQ_U64(p.session, 0xdeadbeef);
	CHECK_EQ_U64(p.seq, 0x0102030405060708ull);
	CHECK_EQ_U64((uint64_t)p.send_ns, 1795439491382202282ull);
	CHECK(!tsc_probe_parse(buf, 23, &p)); /* too short for a header */
	buf[0] = 'X';
	CHECK(!tsc_probe_parse(buf, sizeof(buf), &p)); /* not a probe */
	uint8_t tiny[10];
	tsc_probe_fill(tiny, sizeof(tiny), 1, 5); /* pattern only */
	CHECK_EQ_U64(tiny[0], 0);
	CHECK_EQ_U64(tiny[9], 9);
}

static void counts(const uint64_t *seqs, size_t n, uint64_t received, uint64_t lost,
                   uint64_t reordered, uint64_t dups)
{
	struct tsc_seq_stats s = {0};

	for (size_t i = 0; i < n; i++) {
		tsc_seq_add(&s, seqs[i]);
	}
	CHECK_EQ_U64(s.received, received);
	CHECK_EQ_U64(tsc_seq_lost(&s), lost);
	CHECK_EQ_U64(s.reordered, reordered);
	CHECK_EQ_U64(s.duplicates, dups);
	tsc_seq_free(&s);
}

int main(void)
{
	codec();
	static const uint64_t in_order[] = {0, 1, 2, 3, 4};
	counts(in_order, 5, 5, 0, 0, 0);
	static const uint64_t gaps[] = {0, 1, 4, 5, 9}; /* 2, 3, 6, 7, 8 lost */
	counts(gaps, 5, 5, 5, 0, 0);
	static const uint64_t swapped[] = {0, 2, 1, 3}; /* 1 came late */
	counts(swapped, 4, 4, 0, 1, 0);
	static const uint64_t late_fill[] = {0, 3, 1, 2}; /* gap filled late: not lost */
	counts(late_fill, 4, 4, 0, 2, 0);
	static const uint64_t dup[] = {0, 1, 1, 2, 0};
	counts(dup, 5, 3, 0, 0, 2);
	static const uint64_t offset[] = {1000000, 1000002, 1000001}; /* need not start at 0 */
	counts(offset, 3, 3, 0, 1, 0);
	static const uint64_t far[] = {0, 100000}; /* beyond the bitmap: received, not lost */
	counts(far, 2, 2, 99999, 0, 0);
	/* Numbers far apart (a crafted file, found by fuzzing tscap read):
	 * counted at once, with a bitmap of at most 2^16 bits. */
	static const uint64_t huge[] = {0, 0xfffffffeull, 5, 1ull << 40};
	counts(huge, 4, 4, (1ull << 40) + 1 - 4, 1, 0);
	static const uint64_t whole[] = {0, UINT64_MAX};
	counts(whole, 2, 2, UINT64_MAX - 1, 0, 0);
	struct tsc_seq_stats s = {0};
	tsc_seq_add(&s, 0);
	tsc_seq_add(&s, 0xfffffffeull);
	CHECK(s.seen_bits <= (1u << 16));
	tsc_seq_free(&s);
	s = (struct tsc_seq_stats){0};
	/* The bitmap follows a real stream with losses: 200,000 numbers, every
	 * tenth lost, a duplicate at the end noticed. */
	for (uint64_t i = 0; i < 200000; i++) {
		if (i % 10 != 9) {
			tsc_seq_add(&s, i);
		}
	}
	tsc_seq_add(&s, 199998);
	CHECK_EQ_U64(s.received, 180000);
	CHECK_EQ_U64(tsc_seq_lost(&s), 19999); /* 199999 is past the highest */
	CHECK_EQ_U64(s.duplicates, 1);
	CHECK_EQ_U64(s.untracked, 0);
	tsc_seq_free(&s);
	return check_done();
}
