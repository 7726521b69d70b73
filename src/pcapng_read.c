#include "pcapng_read.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nstime.h"
#include "pcapng.h"

#define PCAP_MAGIC_US 0xa1b2c3d4u
#define PCAP_MAGIC_NS 0xa1b23c4du

static uint16_t sw16(const struct rd_file *r, const uint8_t *p)
{
	uint16_t v;
	memcpy(&v, p, 2);
	return r->swap ? (uint16_t)__builtin_bswap16(v) : v;
}

static uint32_t sw32(const struct rd_file *r, const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return r->swap ? __builtin_bswap32(v) : v;
}

static uint64_t sw64(const struct rd_file *r, const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return r->swap ? __builtin_bswap64(v) : v;
}

#define FAIL(r, ...)                                                                               \
	do {                                                                                       \
		snprintf((r)->err, sizeof((r)->err), __VA_ARGS__);                                 \
		return -1;                                                                         \
	} while (0)

/* 1: got n bytes; 0: clean end of file (nothing read); -1: ended early. */
static int read_exact(struct rd_file *r, void *buf, size_t n)
{
	size_t got = fread(buf, 1, n, r->f);

	r->offset += got;
	if (got == n) {
		return 1;
	}
	if (got) {
		r->truncated = 1;
	}
	return got ? -1 : 0;
}

static int grow(struct rd_file *r, uint32_t n)
{
	if (n <= r->blkcap) {
		return 0;
	}
	uint8_t *b = realloc(r->blk, n);
	if (!b) {
		FAIL(r, "out of memory for a %u-byte block", n);
	}
	r->blk = b;
	r->blkcap = n;
	return 0;
}

int64_t rd_ts_to_ns(const struct rd_if *ifc, uint64_t ts)
{
	uint8_t v = ifc->tsresol & 0x7f;
	unsigned __int128 ns;

	if (ifc->tsresol & 0x80) {
		ns = v >= 64 ? 0 : ((unsigned __int128)ts * 1000000000u) >> v;
	} else if (v <= 9) {
		uint64_t mul = 1;
		for (unsigned i = v; i < 9; i++) {
			mul *= 10;
		}
		ns = (unsigned __int128)ts * mul;
	} else {
		unsigned __int128 div = 1;
		for (unsigned i = 9; i < v && i < 40; i++) {
			div *= 10;
		}
		ns = ts / div;
	}
	return (int64_t)((uint64_t)ns + (uint64_t)ifc->tsoffset_s * (uint64_t)TSC_NS_PER_SEC);
}

static int open_classic(struct rd_file *r, uint32_t magic)
{
	uint8_t h[20];

	if (read_exact(r, h, sizeof(h)) != 1) {
		FAIL(r, "pcap file header is cut short");
	}
	r->classic = 1;
	r->swap =
	    magic == __builtin_bswap32(PCAP_MAGIC_US) || magic == __builtin_bswap32(PCAP_MAGIC_NS);
	uint32_t m = r->swap ? __builtin_bswap32(magic) : magic;
	r->n_if = 1;
	memset(&r->ifs[0], 0, sizeof(r->ifs[0]));
	r->ifs[0].tsresol = m == PCAP_MAGIC_NS ? 9 : 6;
	r->ifs[0].snaplen = sw32(r, h + 12);
	r->ifs[0].linktype = (uint16_t)sw32(r, h + 16);
	return 0;
}

int rd_open_stream(struct rd_file *r, FILE *f)
{
	uint8_t m[4];
	uint32_t magic;

	memset(r, 0, sizeof(*r));
	r->f = f;
	if (read_exact(r, m, 4) != 1) {
		FAIL(r, "empty or too short to be a capture file");
	}
	memcpy(&magic, m, 4);
	if (magic == PCAP_MAGIC_US || magic == PCAP_MAGIC_NS ||
	    magic == __builtin_bswap32(PCAP_MAGIC_US) ||
	    magic == __builtin_bswap32(PCAP_MAGIC_NS)) {
		return open_classic(r, magic);
	}
	if (magic != PCAPNG_BT_SHB) {
		FAIL(r, "not a pcapng or pcap file (starts with %02x %02x %02x %02x)", m[0], m[1],
		     m[2], m[3]);
	}
	memcpy(r->blk_first, m, 4);
	/* The SHB is read by rd_next like any block; its type is already in. */
	r->pending_type = 1;
	return 0;
}

int rd_open(struct rd_file *r, const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;

	if (!f) {
		memset(r, 0, sizeof(*r));
		FAIL(r, "%s", strerror(errno));
	}
	int ret = rd_open_stream(r, f);
	r->close_f = f != stdin;
	if (ret < 0 && r->close_f) {
		fclose(f);
		r->f = NULL;
	}
	return ret;
}

void rd_close(struct rd_file *r)
{
	if (r->f && r->close_f) {
		fclose(r->f);
	}
	free(r->blk);
	r->blk = NULL;
}

/* Options: code, length, value padded to 4; calls fn for each. */
typedef void (*opt_fn)(struct rd_file *r, uint16_t code, const uint8_t *v, uint16_t len, void *ctx);

static int walk_opts(struct rd_file *r, const uint8_t *p, size_t len, opt_fn fn, void *ctx)
{
	size_t off = 0;

	while (off + 4 <= len) {
		uint16_t code = sw16(r, p + off), olen = sw16(r, p + off + 2);
		if (code == 0) {
			return 0;
		}
		size_t padded = ((size_t)olen + 3) & ~(size_t)3;
		if (off + 4 + padded > len) {
			FAIL(r, "option %u at byte %llu runs past its block", code,
			     (unsigned long long)(r->offset - 0));
		}
		fn(r, code, p + off + 4, olen, ctx);
		off += 4 + padded;
	}
	return 0;
}

static void copy_str(char *dst, size_t cap, const uint8_t *v, uint16_t len)
{
	size_t n = len < cap - 1 ? len : cap - 1;

	memcpy(dst, v, n);
	dst[n] = '\0';
}

static void idb_opt(struct rd_file *r, uint16_t code, const uint8_t *v, uint16_t len, void *ctx)
{
	struct rd_if *ifc = ctx;

	if (code == 2) {
		copy_str(ifc->name, sizeof(ifc->name), v, len);
	} else if (code == 3) {
		copy_str(ifc->desc, sizeof(ifc->desc), v, len);
	} else if (code == 9 && len == 1) {
		ifc->tsresol = v[0];
	} else if (code == 14 && len == 8) {
		ifc->tsoffset_s = (int64_t)sw64(r, v);
	}
}

static void epb_opt(struct rd_file *r, uint16_t code, const uint8_t *v, uint16_t len, void *ctx)
{
	struct rd_event *ev = ctx;

	if (code == 1) {
		ev->comment = v;
		ev->comment_len = len;
	} else if (code == 2 && len == 4) {
		ev->epb_flags = sw32(r, v);
	} else if (code == 4 && len == 8) {
		ev->dropcount = sw64(r, v);
		ev->has_dropcount = 1;
	} else if (code == PCAPNG_OPT_CUSTOM_BIN_COPY && len >= 4 && sw32(r, v) == TSCAP_PEN) {
		ev->has_tscap = tscap_opt_decode(v + 4, len - 4u, &ev->stamps, &ev->epb_clock) == 0;
	}
}

static void isb_opt(struct rd_file *r, uint16_t code, const uint8_t *v, uint16_t len, void *ctx)
{
	struct rd_event *ev = ctx;

	if (len != 8) {
		return;
	}
	if (code == 2 || code == 3) {
		/* a timestamp as in an EPB: high 32 bits first, the interface's units */
		uint64_t ts = (uint64_t)sw32(r, v) << 32 | sw32(r, v + 4);
		int64_t t = rd_ts_to_ns(&r->ifs[ev->if_id], ts);
		*(code == 2 ? &ev->start_ns : &ev->end_ns) = t;
		*(code == 2 ? &ev->has_start : &ev->has_end) = 1;
	} else if (code == 4) {
		ev->ifrecv = sw64(r, v);
		ev->has_ifrecv = 1;
	} else if (code == 5) {
		ev->ifdrop = sw64(r, v);
		ev->has_ifdrop = 1;
	} else if (code == 8) {
		ev->usrdeliv = sw64(r, v);
		ev->has_usrdeliv = 1;
	}
}

static int on_shb(struct rd_file *r, const uint8_t *b, uint32_t len)
{
	if (len < 28) {
		FAIL(r, "section header block too short (%u bytes)", len);
	}
	if (sw16(r, b + 12) != 1) {
		FAIL(r, "pcapng major version %u is not supported", sw16(r, b + 12));
	}
	r->n_if = 0; /* interfaces are numbered per section */
	return 0;
}

static int on_idb(struct rd_file *r, const uint8_t *b, uint32_t len)
{
	if (len < 20) {
		FAIL(r, "interface description block too short (%u bytes)", len);
	}
	if (r->n_if >= RD_MAX_IFS) {
		FAIL(r, "more than %d interfaces in one section", RD_MAX_IFS);
	}
	struct rd_if *ifc = &r->ifs[r->n_if];
	memset(ifc, 0, sizeof(*ifc));
	ifc->linktype = sw16(r, b + 8);
	ifc->snaplen = sw32(r, b + 12);
	ifc->tsresol = 6;
	if (walk_opts(r, b + 16, len - 20, idb_opt, ifc) < 0) {
		return -1;
	}
	r->n_if++;
	return 0;
}

static int check_if(struct rd_file *r, uint32_t id)
{
	if (id >= (uint32_t)r->n_if) {
		FAIL(r, "block names interface %u, but the section has %d", id, r->n_if);
	}
	return 0;
}

static int on_epb(struct rd_file *r, const uint8_t *b, uint32_t len, struct rd_event *ev)
{
	if (len < 32) {
		FAIL(r, "enhanced packet block too short (%u bytes)", len);
	}
	memset(ev, 0, sizeof(*ev));
	ev->kind = RD_PACKET;
	ev->if_id = sw32(r, b + 8);
	if (check_if(r, ev->if_id) < 0) {
		return -1;
	}
	uint64_t ts = (uint64_t)sw32(r, b + 12) << 32 | sw32(r, b + 16);
	ev->ts_ns = rd_ts_to_ns(&r->ifs[ev->if_id], ts);
	ev->caplen = sw32(r, b + 20);
	ev->origlen = sw32(r, b + 24);
	size_t padded = ((size_t)ev->caplen + 3) & ~(size_t)3;
	if (padded > len - 32) {
		FAIL(r, "packet of %u captured bytes does not fit its %u-byte block", ev->caplen,
		     len);
	}
	ev->data = b + 28;
	return walk_opts(r, b + 28 + padded, len - 32 - padded, epb_opt, ev);
}

static int on_spb(struct rd_file *r, const uint8_t *b, uint32_t len, struct rd_event *ev)
{
	if (len < 16 || check_if(r, 0) < 0) {
		FAIL(r, "bad simple packet block");
	}
	memset(ev, 0, sizeof(*ev));
	ev->kind = RD_PACKET;
	ev->origlen = sw32(r, b + 8);
	ev->caplen = ev->origlen < len - 16 ? ev->origlen : len - 16;
	if (r->ifs[0].snaplen && ev->caplen > r->ifs[0].snaplen) {
		ev->caplen = r->ifs[0].snaplen;
	}
	ev->data = b + 12;
	return 0;
}

static int on_isb(struct rd_file *r, const uint8_t *b, uint32_t len, struct rd_event *ev)
{
	if (len < 24) {
		FAIL(r, "interface statistics block too short (%u bytes)", len);
	}
	memset(ev, 0, sizeof(*ev));
	ev->kind = RD_STATS;
	ev->if_id = sw32(r, b + 8);
	if (check_if(r, ev->if_id) < 0) {
		return -1;
	}
	uint64_t ts = (uint64_t)sw32(r, b + 12) << 32 | sw32(r, b + 16);
	ev->ts_ns = rd_ts_to_ns(&r->ifs[ev->if_id], ts);
	return walk_opts(r, b + 20, len - 24, isb_opt, ev);
}

/* Reads one whole block into r->blk. 1, 0 at a clean end, -1. */
static int read_block(struct rd_file *r, uint32_t *type, uint32_t *len)
{
	uint8_t h[12];
	int got;

	if (r->pending_type) {
		memcpy(h, r->blk_first, 4);
		r->pending_type = 0;
		got = read_exact(r, h + 4, 4);
		got = got == 0 ? -1 : got;
		if (got < 0) {
			r->truncated = 1;
		}
	} else {
		got = read_exact(r, h, 8);
	}
	if (got <= 0) {
		return got;
	}
	memcpy(type, h, 4);
	if (*type == PCAPNG_BT_SHB) {
		if (read_exact(r, h + 8, 4) != 1) {
			r->truncated = 1;
			return -1;
		}
		uint32_t magic;
		memcpy(&magic, h + 8, 4);
		if (magic != PCAPNG_MAGIC && magic != __builtin_bswap32(PCAPNG_MAGIC)) {
			FAIL(r, "section header with a bad byte-order magic at byte %llu",
			     (unsigned long long)(r->offset - 12));
		}
		r->swap = magic != PCAPNG_MAGIC;
	} else {
		*type = sw32(r, h);
	}
	*len = sw32(r, h + 4);
	size_t head = *type == PCAPNG_BT_SHB ? 12 : 8;
	if (*len < 12 || *len % 4 || *len > RD_MAX_BLOCK) {
		FAIL(r, "block of type 0x%x has an invalid length %u at byte %llu", *type, *len,
		     (unsigned long long)(r->offset - head));
	}
	if (grow(r, *len) < 0) {
		return -1;
	}
	memcpy(r->blk, h, head);
	if (read_exact(r, r->blk + head, *len - head) != 1) {
		r->truncated = 1;
		return -1;
	}
	if (sw32(r, r->blk + *len - 4) != *len) {
		FAIL(r, "block of type 0x%x: trailing length differs from leading length", *type);
	}
	return 1;
}

static int next_classic(struct rd_file *r, struct rd_event *ev)
{
	uint8_t h[16];
	int got = read_exact(r, h, 16);

	if (got <= 0) {
		return got < 0 ? 0 : 0;
	}
	memset(ev, 0, sizeof(*ev));
	ev->kind = RD_PACKET;
	ev->caplen = sw32(r, h + 8);
	ev->origlen = sw32(r, h + 12);
	if (ev->caplen > RD_MAX_BLOCK) {
		FAIL(r, "packet record of %u bytes is not plausible", ev->caplen);
	}
	if (grow(r, ev->caplen + 1) < 0) {
		return -1;
	}
	if (read_exact(r, r->blk, ev->caplen) != 1 && ev->caplen) {
		r->truncated = 1;
		return 0;
	}
	struct rd_if *ifc = &r->ifs[0];
	ev->ts_ns = (int64_t)((uint64_t)sw32(r, h) * (uint64_t)TSC_NS_PER_SEC +
	                      (uint64_t)sw32(r, h + 4) * (ifc->tsresol == 9 ? 1u : 1000u));
	ev->data = r->blk;
	return 1;
}

int rd_next(struct rd_file *r, struct rd_event *ev)
{
	uint32_t type, len;

	if (r->classic) {
		return next_classic(r, ev);
	}
	for (;;) {
		int got = read_block(r, &type, &len);
		if (got <= 0) {
			return got < 0 && r->truncated ? 0 : got;
		}
		int res = 0;
		switch (type) {
		case PCAPNG_BT_SHB:
			res = on_shb(r, r->blk, len);
			break;
		case PCAPNG_BT_IDB:
			res = on_idb(r, r->blk, len);
			break;
		case PCAPNG_BT_EPB:
			return on_epb(r, r->blk, len, ev) < 0 ? -1 : 1;
		case PCAPNG_BT_SPB:
			return on_spb(r, r->blk, len, ev) < 0 ? -1 : 1;
		case PCAPNG_BT_ISB:
			return on_isb(r, r->blk, len, ev) < 0 ? -1 : 1;
		default:
			break; /* name resolution, journal, custom blocks: skipped */
		}
		if (res < 0) {
			return -1;
		}
	}
}
