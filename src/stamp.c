#include "stamp.h"

#include <math.h>
#include <string.h>

#define NS          1000000000LL
#define NTP_TO_UNIX 2208988800LL /* seconds from 1900 to 1970 */
#define TWO32       4294967296LL

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8), p[1] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)(v >> 32));
	put32(p + 4, (uint32_t)v);
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) << 32 | get32(p + 4);
}

/* floor division, for stamps before 1970 too */
static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b < 0);
}

void stamp_ts_put(uint8_t out[8], int64_t ns, int ptp)
{
	/* sub from the remainder: sec * NS overflows below
	 * -9223372036000000000 ns (found by tests/fuzz/fuzz_stamp.c) */
	int64_t sec = floor_div(ns, NS), sub = ns % NS + (ns % NS < 0 ? NS : 0);

	if (ptp) {
		put32(out, (uint32_t)sec);
		put32(out + 4, (uint32_t)sub);
		return;
	}
	/* round to the nearest 2^-32 s: reading back rounds to the same ns */
	uint64_t frac = ((uint64_t)sub * (uint64_t)TWO32 + (uint64_t)NS / 2) / (uint64_t)NS;
	if (frac == (uint64_t)TWO32) {
		frac = 0, sec++;
	}
	put32(out, (uint32_t)(sec + NTP_TO_UNIX));
	put32(out + 4, (uint32_t)frac);
}

/* The full seconds count whose low 32 bits are low, nearest to near. */
static int64_t unwrap32(uint32_t low, int64_t near)
{
	int64_t base = near - TWO32 / 2;

	return base + (int64_t)((uint32_t)low - (uint32_t)base);
}

int64_t stamp_ts_get(const uint8_t in[8], int ptp, int64_t near_ns)
{
	uint32_t sec = get32(in), sub = get32(in + 4);
	int64_t near_s = floor_div(near_ns, NS);

	/* In unsigned: exact whenever the result fits in int64, and a
	 * reference near its ends wraps instead of overflowing. */
	if (ptp) {
		return (int64_t)((uint64_t)unwrap32(sec, near_s) * NS + (sub < NS ? sub : NS - 1));
	}
	uint64_t ns = ((uint64_t)sub * (uint64_t)NS + (uint64_t)TWO32 / 2) >> 32;
	return (int64_t)((uint64_t)(unwrap32(sec, near_s + NTP_TO_UNIX) - NTP_TO_UNIX) * NS + ns);
}

uint16_t stamp_ee_make(int synced, int ptp, int64_t err_ns)
{
	uint16_t flags = (uint16_t)((synced ? STAMP_EE_S : 0) | (ptp ? STAMP_EE_Z : 0));
	double want = err_ns > 0 ? (double)err_ns : 1;

	for (int scale = 0; scale < 64; scale++) {
		double unit = ldexp(1e9, scale - 32); /* ns per multiplier step */
		double m = ceil(want / unit);
		if (m <= 255) {
			return (uint16_t)(flags | scale << 8 | (m < 1 ? 1 : (int)m));
		}
	}
	return (uint16_t)(flags | 63 << 8 | 255);
}

double stamp_ee_ns(uint16_t ee)
{
	return (ee & 0xff) * ldexp(1e9, ((ee >> 8) & 0x3f) - 32);
}

size_t stamp_sender_build(uint8_t *out, size_t len, const struct stamp_test *t, int follow_up,
                          int tscap_rx)
{
	size_t need = STAMP_BASE_LEN + (follow_up ? STAMP_TLV_HDR + STAMP_FOLLOW_UP_LEN : 0) +
	              (tscap_rx ? STAMP_TLV_HDR + STAMP_TSCAP_RX_LEN : 0);
	size_t off = STAMP_BASE_LEN;

	if (len < need || (len > need && len - need < STAMP_TLV_HDR) || len - need > 65535) {
		return 0;
	}
	memset(out, 0, len);
	put32(out, t->seq);
	stamp_ts_put(out + 4, t->ts, t->ptp);
	put16(out + 12, (uint16_t)((t->ee & ~STAMP_EE_Z) | (t->ptp ? STAMP_EE_Z : 0)));
	put16(out + 14, t->ssid);
	/* The reflector fills these in; the sender sends zero values. */
	if (follow_up) {
		out[off + 1] = STAMP_TLV_FOLLOW_UP;
		put16(out + off + 2, STAMP_FOLLOW_UP_LEN);
		off += STAMP_TLV_HDR + STAMP_FOLLOW_UP_LEN;
	}
	if (tscap_rx) {
		out[off + 1] = STAMP_TLV_TSCAP_RX;
		put16(out + off + 2, STAMP_TSCAP_RX_LEN);
		off += STAMP_TLV_HDR + STAMP_TSCAP_RX_LEN;
	}
	if (off < len) {
		out[off + 1] = STAMP_TLV_PADDING;
		put16(out + off + 2, (uint16_t)(len - off - STAMP_TLV_HDR));
	}
	return len;
}

/* One TLV of a request, answered in place in the reply. */
static void answer_tlv(uint8_t *tlv, uint16_t vlen, const struct stamp_answer *a, int ptp,
                       struct stamp_tlv_counts *c)
{
	uint8_t *v = tlv + STAMP_TLV_HDR;

	tlv[0] = 0; /* the sender's flags mean nothing to us */
	switch (tlv[1]) {
	case STAMP_TLV_PADDING:
		return;
	case STAMP_TLV_FOLLOW_UP:
		if (vlen != STAMP_FOLLOW_UP_LEN) {
			break;
		}
		memset(v, 0, vlen);
		if (a->follow_up.present) {
			put32(v, a->follow_up.seq);
			if (a->follow_up.ns) {
				stamp_ts_put(v + 4, a->follow_up.ns, ptp);
				v[12] = a->follow_up.mode;
			}
		}
		return;
	case STAMP_TLV_TSCAP_RX:
		if (vlen != STAMP_TSCAP_RX_LEN) {
			break;
		}
		put64(v, (uint64_t)a->rx_kernel);
		put64(v + 8, (uint64_t)a->rx_user);
		return;
	default:
		tlv[0] = STAMP_TLV_U;
		c->unknown++;
		return;
	}
	tlv[0] = STAMP_TLV_M; /* a known type with the wrong length */
	c->malformed++;
}

size_t stamp_reflect(const uint8_t *in, size_t len, const struct stamp_answer *a, uint8_t *out,
                     struct stamp_tlv_counts *counts)
{
	if (len < STAMP_BASE_LEN) {
		return 0;
	}
	int ptp = (get16(in + 12) & STAMP_EE_Z) != 0;
	memcpy(out + STAMP_BASE_LEN, in + STAMP_BASE_LEN, len - STAMP_BASE_LEN);
	memset(out, 0, STAMP_BASE_LEN);
	memcpy(out, in, 4); /* stateless: the sender's sequence number */
	stamp_ts_put(out + 4, a->t3, ptp);
	put16(out + 12, (uint16_t)((a->ee_tx & ~STAMP_EE_Z) | (ptp ? STAMP_EE_Z : 0)));
	memcpy(out + 14, in + 14, 2); /* SSID */
	stamp_ts_put(out + 16, a->t2, ptp);
	memcpy(out + 24, in, 4);
	memcpy(out + 28, in + 4, 8);
	memcpy(out + 36, in + 12, 2);
	out[40] = a->ttl;
	for (size_t off = STAMP_BASE_LEN; off + STAMP_TLV_HDR <= len;) {
		uint16_t vlen = get16(out + off + 2);
		if (vlen > len - off - STAMP_TLV_HDR) {
			out[off] = STAMP_TLV_M; /* runs past the packet: stop here */
			counts->malformed++;
			break;
		}
		answer_tlv(out + off, vlen, a, ptp, counts);
		off += STAMP_TLV_HDR + vlen;
	}
	return len;
}

static void read_tlvs(const uint8_t *in, size_t len, struct stamp_reply *r)
{
	for (size_t off = STAMP_BASE_LEN; off + STAMP_TLV_HDR <= len;) {
		const uint8_t *v = in + off + STAMP_TLV_HDR;
		uint16_t vlen = get16(in + off + 2);
		if (vlen > len - off - STAMP_TLV_HDR) {
			r->tlv_flagged++;
			return;
		}
		if (in[off] & (STAMP_TLV_U | STAMP_TLV_M | STAMP_TLV_I)) {
			r->tlv_flagged++;
		} else if (in[off + 1] == STAMP_TLV_FOLLOW_UP && vlen == STAMP_FOLLOW_UP_LEN) {
			r->follow_up.present = 1;
			r->follow_up.seq = get32(v);
			r->follow_up.mode = v[12];
			r->follow_up.ns = get64(v + 4) ? stamp_ts_get(v + 4, r->ptp, r->t3) : 0;
		} else if (in[off + 1] == STAMP_TLV_TSCAP_RX && vlen == STAMP_TSCAP_RX_LEN) {
			r->rx_kernel = (int64_t)get64(v);
			r->rx_user = (int64_t)get64(v + 8);
		}
		off += STAMP_TLV_HDR + vlen;
	}
}

int stamp_reply_parse(const uint8_t *in, size_t len, int64_t near_ns, struct stamp_reply *r)
{
	memset(r, 0, sizeof(*r));
	if (len < STAMP_BASE_LEN) {
		return -1;
	}
	r->seq = get32(in);
	r->ee = get16(in + 12);
	r->ptp = (r->ee & STAMP_EE_Z) != 0;
	r->t3 = stamp_ts_get(in + 4, r->ptp, near_ns);
	r->ssid = get16(in + 14);
	r->t2 = stamp_ts_get(in + 16, r->ptp, near_ns);
	r->sender_seq = get32(in + 24);
	r->sender_ee = get16(in + 36);
	r->sender_ts = stamp_ts_get(in + 28, (r->sender_ee & STAMP_EE_Z) != 0, near_ns);
	r->ttl = in[40];
	read_tlvs(in, len, r);
	return 0;
}
