/* src/stamp.c on arbitrary bytes, both ways.
 *
 * Parse: any bytes as a reflector's reply (what `tscap ping` reads off the
 * network); its timestamps, re-encoded and decoded again, are the same ns.
 * Reflect: any bytes as a sender's request (what `tscap reflect` answers):
 * the reply, parsed, carries the request's sequence number, SSID,
 * timestamp and error estimate and the reflector's t2, t3 and TTL exactly;
 * its TLV area is the request's byte for byte except the flags (none for
 * Padding and well-formed Follow-Up / tscap RX, U for unknown types, M for
 * a known type of the wrong length or a TLV running past the packet, after
 * which nothing is touched) and the values of the TLVs it fills; the
 * parser counts as flagged what the reflector flagged; reflecting the
 * reply again changes none of its TLVs.
 * Build: a sender packet from fields taken from the input is built exactly
 * when it fits, and its fields come back through reflect and parse.
 * Error estimates: the one made for an error is never below it. */
#include "fuzz.h"

#include <math.h>

#include "stamp.h"

#define NS     1000000000LL
#define NOW_NS 1795436951786834073LL /* 2026-11-23, as "now" */

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* decode(encode(t)) == t for a t that came out of decode, unless t is a
 * whole half-era (2^31 s) from near: a fraction of 0xffffffff at the top
 * of the window rounds up to exactly that distance, where the era below
 * is as near as the one above, and either answer is right. */
static void ts_stable(int64_t t, int ptp, int64_t near, const char *what)
{
	uint8_t b[8];

	if ((uint64_t)t - (uint64_t)near + (1ull << 31) * NS >= (1ull << 32) * NS - NS) {
		return;
	}

	stamp_ts_put(b, t, ptp);
	int64_t again = stamp_ts_get(b, ptp, near);
	FUZZ_ASSERT(again == t, "%s %lld (%s) decodes again as %lld", what, (long long)t,
	            ptp ? "PTP" : "NTP", (long long)again);
}

static void parse_any(const uint8_t *in, size_t len)
{
	struct stamp_reply r;
	int rc = stamp_reply_parse(in, len, NOW_NS, &r);

	FUZZ_ASSERT(rc == (len < STAMP_BASE_LEN ? -1 : 0), "parse of %zu bytes: %d", len, rc);
	if (rc < 0) {
		return;
	}
	ts_stable(r.t3, r.ptp, NOW_NS, "t3");
	ts_stable(r.t2, r.ptp, NOW_NS, "t2");
	ts_stable(r.sender_ts, (r.sender_ee & STAMP_EE_Z) != 0, NOW_NS, "sender timestamp");
	if (r.follow_up.present && r.follow_up.ns) {
		ts_stable(r.follow_up.ns, r.ptp, r.t3, "follow-up");
	}
}

/* The flags byte the reflector should write for each TLV of the request
 * (into want[]), and which value areas it fills (mask[] = 0 there). */
static void expect_tlvs(const uint8_t *in, size_t len, uint8_t *want, uint8_t *mask, int *fu,
                        int *rx)
{
	memcpy(want, in, len);
	memset(mask, 1, len);
	*fu = *rx = 0;
	for (size_t off = STAMP_BASE_LEN; off + STAMP_TLV_HDR <= len;) {
		size_t vlen = get16(in + off + 2);
		if (vlen > len - off - STAMP_TLV_HDR) {
			want[off] = STAMP_TLV_M;
			return;
		}
		uint8_t type = in[off + 1];
		int fills = (type == STAMP_TLV_FOLLOW_UP && vlen == STAMP_FOLLOW_UP_LEN) ||
		            (type == STAMP_TLV_TSCAP_RX && vlen == STAMP_TSCAP_RX_LEN);
		int known = type == STAMP_TLV_PADDING || type == STAMP_TLV_FOLLOW_UP ||
		            type == STAMP_TLV_TSCAP_RX;
		want[off] = !known                                 ? STAMP_TLV_U
		            : (fills || type == STAMP_TLV_PADDING) ? 0
		                                                   : STAMP_TLV_M;
		if (fills) {
			memset(mask + off + STAMP_TLV_HDR, 0, vlen);
			*fu |= type == STAMP_TLV_FOLLOW_UP;
			*rx |= type == STAMP_TLV_TSCAP_RX;
		}
		off += STAMP_TLV_HDR + vlen;
	}
}

static void reflect_any(const uint8_t *in, size_t len, const struct stamp_answer *a)
{
	struct stamp_tlv_counts counts = {0, 0}, counts2 = {0, 0};
	uint8_t *out = malloc(len ? len : 1), *out2 = malloc(len ? len : 1);
	uint8_t *want = malloc(len ? len : 1), *mask = malloc(len ? len : 1);
	struct stamp_reply r;
	int fu, rx;

	FUZZ_ASSERT(out && out2 && want && mask, "out of memory");
	size_t n = stamp_reflect(in, len, a, out, &counts);
	FUZZ_ASSERT(n == (len < STAMP_BASE_LEN ? 0 : len), "reflect of %zu bytes: %zu", len, n);
	if (!n) {
		goto done;
	}
	int ptp = (get16(in + 12) & STAMP_EE_Z) != 0;
	FUZZ_ASSERT(stamp_reply_parse(out, n, NOW_NS, &r) == 0, "the reply does not parse");
	FUZZ_ASSERT(r.seq == get32(in) && r.sender_seq == get32(in), "sequence numbers");
	FUZZ_ASSERT(r.ssid == get16(in + 14) && r.sender_ee == get16(in + 12),
	            "SSID / sender's EE");
	FUZZ_ASSERT(r.ptp == ptp &&
	                r.ee == (uint16_t)((a->ee_tx & ~STAMP_EE_Z) | (ptp ? STAMP_EE_Z : 0)),
	            "the reply's error estimate 0x%x", r.ee);
	FUZZ_ASSERT(r.t2 == a->t2 && r.t3 == a->t3, "t2 %lld / t3 %lld", (long long)r.t2,
	            (long long)r.t3);
	FUZZ_ASSERT(r.sender_ts == stamp_ts_get(in + 4, ptp, NOW_NS), "sender's timestamp");
	FUZZ_ASSERT(r.ttl == a->ttl, "TTL");
	FUZZ_ASSERT(out[38] == 0 && out[39] == 0 && out[41] == 0 && out[42] == 0 && out[43] == 0,
	            "MBZ bytes");

	expect_tlvs(in, len, want, mask, &fu, &rx);
	for (size_t i = STAMP_BASE_LEN; i < len; i++) {
		FUZZ_ASSERT(!mask[i] || out[i] == want[i], "reply byte %zu: 0x%02x, want 0x%02x", i,
		            out[i], want[i]);
	}
	FUZZ_ASSERT(r.tlv_flagged == counts.unknown + counts.malformed,
	            "parser counts %u flagged, reflector flagged %u + %u", r.tlv_flagged,
	            counts.unknown, counts.malformed);
	FUZZ_ASSERT(r.follow_up.present == fu, "follow-up present %d", r.follow_up.present);
	if (fu) {
		const struct stamp_follow_up *f = &a->follow_up;
		FUZZ_ASSERT(r.follow_up.seq == (f->present ? f->seq : 0) &&
		                r.follow_up.ns == (f->present ? f->ns : 0) &&
		                r.follow_up.mode == (f->present && f->ns ? f->mode : 0),
		            "follow-up seq %u ns %lld mode %u", r.follow_up.seq,
		            (long long)r.follow_up.ns, r.follow_up.mode);
	}
	FUZZ_ASSERT(!rx || (r.rx_kernel == a->rx_kernel && r.rx_user == a->rx_user), "RX TLV");

	stamp_reflect(out, n, a, out2, &counts2);
	FUZZ_ASSERT(memcmp(out + STAMP_BASE_LEN, out2 + STAMP_BASE_LEN, n - STAMP_BASE_LEN) == 0,
	            "reflecting the reply again changes its TLVs");
done:
	free(out);
	free(out2);
	free(want);
	free(mask);
}

static int64_t get64s(const uint8_t *p)
{
	return (int64_t)((uint64_t)get32(p) << 32 | get32(p + 4));
}

static void build_from(const uint8_t *d, size_t size)
{
	if (size < 21) {
		return;
	}
	const struct stamp_test t = {.seq = get32(d),
	                             .ts = get64s(d + 4),
	                             .ee = get16(d + 12),
	                             .ssid = get16(d + 14),
	                             .ptp = d[16] & 1};
	int fu = d[16] >> 1 & 1, rx = d[16] >> 2 & 1;
	size_t len = get16(d + 17) % 2048, need = STAMP_BASE_LEN + 20u * (unsigned)(fu + rx);
	uint8_t *buf = malloc(len ? len : 1), *out = malloc(len ? len : 1);
	FUZZ_ASSERT(buf && out, "out of memory");

	size_t n = stamp_sender_build(buf, len, &t, fu, rx);
	int fits = len >= need && (len == need || len - need >= STAMP_TLV_HDR);
	FUZZ_ASSERT(n == (fits ? len : 0), "build of %zu bytes (need %zu): %zu", len, need, n);
	if (n) {
		/* the reflector answers near the sender's own time */
		const struct stamp_answer a = {.t2 = t.ts,
		                               .t3 = t.ts,
		                               .ttl = d[19],
		                               .follow_up = {1, 7, t.ts, STAMP_MODE_SW},
		                               .rx_kernel = 1,
		                               .rx_user = 2};
		struct stamp_tlv_counts c = {0, 0};
		struct stamp_reply r;
		stamp_reflect(buf, n, &a, out, &c);
		FUZZ_ASSERT(c.unknown == 0 && c.malformed == 0, "our own TLVs flagged");
		FUZZ_ASSERT(stamp_reply_parse(out, n, t.ts, &r) == 0, "parse");
		FUZZ_ASSERT(r.sender_seq == t.seq && r.ssid == t.ssid && r.ptp == t.ptp &&
		                r.sender_ee ==
		                    (uint16_t)((t.ee & ~STAMP_EE_Z) | (t.ptp ? STAMP_EE_Z : 0)),
		            "the request's fields");
		FUZZ_ASSERT(r.sender_ts == t.ts && r.t2 == t.ts && r.t3 == t.ts,
		            "timestamp %lld comes back as %lld (%s)", (long long)t.ts,
		            (long long)r.sender_ts, t.ptp ? "PTP" : "NTP");
		FUZZ_ASSERT(r.follow_up.present == fu && r.tlv_flagged == 0, "TLVs");
		FUZZ_ASSERT(!rx || (r.rx_kernel == 1 && r.rx_user == 2), "RX TLV");
	}
	free(buf);
	free(out);
}

static void ee_from(const uint8_t *d, size_t size)
{
	if (size < 10) {
		return;
	}
	uint16_t ee = get16(d);
	double v = stamp_ee_ns(ee);
	FUZZ_ASSERT(isfinite(v) && v >= 0, "error estimate 0x%x is %g ns", ee, v);
	int64_t err = get64s(d + 2);
	int synced = d[0] >> 7, ptp = d[0] >> 6 & 1;
	uint16_t made = stamp_ee_make(synced, ptp, err);
	FUZZ_ASSERT((made & 0xff) != 0, "multiplier 0 for %lld", (long long)err);
	FUZZ_ASSERT(!!(made & STAMP_EE_S) == synced && !!(made & STAMP_EE_Z) == ptp, "S/Z bits");
	FUZZ_ASSERT(stamp_ee_ns(made) >= (double)err * (1 - 1e-12),
	            "estimate 0x%x (%g ns) below the error %lld ns", made, stamp_ee_ns(made),
	            (long long)err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t knobs = size ? data[size - 1] : 0;
	const struct stamp_answer a = {
	    .t2 = NOW_NS + 1234,
	    .t3 = NOW_NS + 56789,
	    .ee_rx = 0x0101,
	    .ee_tx = (uint16_t)(0xc000 | knobs), /* S and Z set: Z must follow the request */
	    .ttl = knobs,
	    .follow_up = {knobs & 1, 0x01020304u, knobs & 2 ? NOW_NS - 1000 : 0, STAMP_MODE_HW},
	    .rx_kernel = NOW_NS + 1000,
	    .rx_user = -5,
	};

	parse_any(data, size);
	reflect_any(data, size, &a);
	build_from(data, size);
	ee_from(data, size);
	return 0;
}
