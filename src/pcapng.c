#include "pcapng.h"

#include <string.h>

static size_t pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

static void put_u16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

static void put_u32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void put_u64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

/* Timestamps in the section's byte order: high 32 bits first. */
static void put_ts(uint8_t *p, int64_t ns)
{
	put_u32(p, (uint32_t)((uint64_t)ns >> 32));
	put_u32(p + 4, (uint32_t)ns);
}

static size_t put_opt(uint8_t *p, uint16_t code, const void *val, size_t len)
{
	put_u16(p, code);
	put_u16(p + 2, (uint16_t)len);
	memcpy(p + 4, val, len);
	memset(p + 4 + len, 0, pad4(len) - len);
	return 4 + pad4(len);
}

static size_t put_opt_str(uint8_t *p, uint16_t code, const char *s)
{
	return s ? put_opt(p, code, s, strlen(s)) : 0;
}

static size_t opt_str_size(const char *s)
{
	return s ? 4 + pad4(strlen(s)) : 0;
}

/* Block header and trailer around a body already written at out + 8. */
static size_t close_block(uint8_t *out, uint32_t type, size_t body)
{
	size_t total = 8 + body + 4;

	put_u32(out, type);
	put_u32(out + 4, (uint32_t)total);
	put_u32(out + 8 + body, (uint32_t)total);
	return total;
}

static size_t end_of_opts(uint8_t *p)
{
	put_u32(p, 0);
	return 4;
}

size_t pcapng_shb_size(const struct pcapng_shb_info *info)
{
	return 28 + opt_str_size(info->hardware) + opt_str_size(info->os) +
	       opt_str_size(info->userappl) + 4;
}

size_t pcapng_shb(uint8_t *out, const struct pcapng_shb_info *info)
{
	uint8_t *b = out + 8;
	size_t n = 0;

	put_u32(b, PCAPNG_MAGIC);
	put_u16(b + 4, 1);
	put_u16(b + 6, 0);
	put_u64(b + 8, UINT64_MAX); /* section length unknown: we stream */
	n = 16;
	n += put_opt_str(b + n, 2, info->hardware);
	n += put_opt_str(b + n, 3, info->os);
	n += put_opt_str(b + n, 4, info->userappl);
	n += end_of_opts(b + n);
	return close_block(out, PCAPNG_BT_SHB, n);
}

size_t pcapng_idb_size(const char *name, const char *desc)
{
	return 20 + opt_str_size(name) + opt_str_size(desc) + 8 + 4;
}

size_t pcapng_idb(uint8_t *out, uint16_t linktype, uint32_t snaplen, const char *name,
                  const char *desc)
{
	uint8_t *b = out + 8;
	const uint8_t tsresol = 9; /* nanoseconds */
	size_t n;

	put_u16(b, linktype);
	put_u16(b + 2, 0);
	put_u32(b + 4, snaplen);
	n = 8;
	n += put_opt_str(b + n, 2, name);
	n += put_opt_str(b + n, 3, desc);
	n += put_opt(b + n, 9, &tsresol, 1);
	n += end_of_opts(b + n);
	return close_block(out, PCAPNG_BT_IDB, n);
}

static size_t put_opt_ts(uint8_t *p, uint16_t code, int64_t ns)
{
	uint8_t v[8];

	put_ts(v, ns);
	return put_opt(p, code, v, 8);
}

static size_t put_opt_u64(uint8_t *p, uint16_t code, uint64_t val)
{
	return put_opt(p, code, &val, 8);
}

size_t pcapng_isb(uint8_t *out, const struct pcapng_isb_info *info)
{
	uint8_t *b = out + 8;
	size_t n;

	put_u32(b, info->if_id);
	put_ts(b + 4, info->now_ns);
	n = 12;
	n += put_opt_ts(b + n, 2, info->start_ns);
	n += put_opt_ts(b + n, 3, info->end_ns);
	n += put_opt_u64(b + n, 4, info->ifrecv);
	n += put_opt_u64(b + n, 5, info->ifdrop);
	n += put_opt_u64(b + n, 8, info->usrdeliv);
	n += end_of_opts(b + n);
	return close_block(out, PCAPNG_BT_ISB, n);
}

/* The stamps option is little-endian on every host. */
static void put_le16(uint8_t *p, uint16_t v)
{
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
	v = __builtin_bswap16(v);
#endif
	memcpy(p, &v, 2);
}

static void put_le64(uint8_t *p, uint64_t v)
{
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	memcpy(p, &v, 8);
}

static uint64_t get_le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--) {
		v = v << 8 | p[i];
	}
	return v;
}

/* The option value, with the flags to record (the packet's, plus a cut
 * the snap length made). Walks only the stamps present, in clock order. */
static size_t opt_encode(uint8_t *out, const struct tsc_pkt *p, enum tsc_clock epb_clock,
                         uint16_t flags)
{
	size_t n = TSCAP_OPT_HDR;
	uint8_t count = 0;
	unsigned set = p->stamp_set & ~(1u << epb_clock);

	for (; set; set &= set - 1) {
		unsigned c = (unsigned)__builtin_ctz(set);
		out[n] = (uint8_t)c;
		out[n + 1] = p->base[c];
		put_le16(out + n + 2, 0);
		put_le64(out + n + 4, (uint64_t)p->ns[c]);
		n += TSCAP_OPT_ENTRY;
		count++;
	}
	out[0] = TSCAP_OPT_VERSION;
	out[1] = (uint8_t)epb_clock;
	out[2] = epb_clock < TSC_CLOCK_COUNT ? p->base[epb_clock] : 0;
	out[3] = count;
	put_le16(out + 4, flags);
	put_le16(out + 6, 0);
	return n;
}

size_t tscap_opt_encode(uint8_t *out, const struct tsc_pkt *p, enum tsc_clock epb_clock)
{
	return opt_encode(out, p, epb_clock, p->flags);
}

int tscap_opt_decode(const uint8_t *val, size_t len, struct tsc_pkt *p, enum tsc_clock *epb_clock)
{
	if (len < TSCAP_OPT_HDR || val[0] != TSCAP_OPT_VERSION) {
		return -1;
	}
	size_t count = val[3];
	/* epb_clock TSC_CLOCK_COUNT: the packet had no stamp (EPB time 0). */
	if (len != TSCAP_OPT_HDR + count * TSCAP_OPT_ENTRY || val[1] > TSC_CLOCK_COUNT) {
		return -1;
	}
	*epb_clock = (enum tsc_clock)val[1];
	if (val[1] < TSC_CLOCK_COUNT) {
		p->base[val[1]] = val[2];
	}
	p->flags = (uint16_t)(val[4] | val[5] << 8);
	for (size_t i = 0; i < count; i++) {
		const uint8_t *e = val + TSCAP_OPT_HDR + i * TSCAP_OPT_ENTRY;
		if (e[0] >= TSC_CLOCK_COUNT) {
			return -1;
		}
		tsc_pkt_stamp(p, (enum tsc_clock)e[0], (int64_t)get_le64(e + 4),
		              (enum tsc_timebase)e[1]);
	}
	return 0;
}

size_t pcapng_epb_cap(const struct tsc_pkt *p, size_t hdr_len, uint32_t snaplen)
{
	size_t cap = hdr_len + p->caplen;

	return cap > snaplen ? snaplen : cap;
}

size_t pcapng_epb(uint8_t *out, uint32_t if_id, const struct tsc_pkt *p, size_t hdr_len,
                  uint32_t snaplen, uint64_t drops)
{
	size_t cap = pcapng_epb_cap(p, hdr_len, snaplen);

	if (cap > hdr_len) {
		memcpy(out + PCAPNG_EPB_DATA_OFF + hdr_len, p->data, cap - hdr_len);
	}
	return pcapng_epb_framed(out, if_id, p, hdr_len, snaplen, drops);
}

size_t pcapng_epb_framed(uint8_t *out, uint32_t if_id, const struct tsc_pkt *p, size_t hdr_len,
                         uint32_t snaplen, uint64_t drops)
{
	uint8_t *b = out + 8;
	enum tsc_clock best = tsc_pkt_best(p);
	size_t orig = hdr_len + p->len;
	size_t cap = hdr_len + p->caplen;
	uint8_t *data = out + PCAPNG_EPB_DATA_OFF;
	uint16_t pflags = p->flags;
	size_t n;

	if (cap > snaplen) {
		cap = snaplen;
		pflags |= TSC_PKT_TRUNC; /* the snap length cut the payload */
	}
	memset(data + cap, 0, pad4(cap) - cap);
	put_u32(b, if_id);
	put_ts(b + 4, best < TSC_CLOCK_COUNT ? p->ns[best] : 0);
	put_u32(b + 12, (uint32_t)cap);
	put_u32(b + 16, (uint32_t)orig);
	n = 20 + pad4(cap);
	put_u16(b + n, 2); /* epb_flags: direction and reception type */
	put_u16(b + n + 2, 4);
	put_u32(b + n + 4, pcapng_epb_flags(p));
	n += 8;
	if (drops) {
		n += put_opt_u64(b + n, 4, drops);
	}
	/* tscap's stamps, encoded in place: 8 + 12k bytes, so no padding. */
	size_t vlen = opt_encode(b + n + 8, p, best, pflags);
	put_u16(b + n, PCAPNG_OPT_CUSTOM_BIN_COPY);
	put_u16(b + n + 2, (uint16_t)(4 + vlen));
	put_u32(b + n + 4, TSCAP_PEN);
	n += 8 + vlen;
	n += end_of_opts(b + n);
	return close_block(out, PCAPNG_BT_EPB, n);
}

size_t pcapng_comment_size(const char *text)
{
	return opt_str_size(text);
}

size_t pcapng_add_comment(uint8_t *blk, const char *text)
{
	uint32_t len, end;

	memcpy(&len, blk + 4, 4);
	if (len < 20) {
		return len;
	}
	memcpy(&end, blk + len - 8, 4);
	if (end != 0) {
		return len; /* no opt_endofopt where it would be */
	}
	size_t n = len - 8;
	n += put_opt_str(blk + n, 1, text);
	n += end_of_opts(blk + n);
	put_u32(blk + 4, (uint32_t)(n + 4));
	put_u32(blk + n, (uint32_t)(n + 4));
	return n + 4;
}
