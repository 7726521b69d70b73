#include "rotate.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "nstime.h"

int rotate_parse_size(const char *s, uint64_t *bytes)
{
	char *end;
	uint64_t unit = 1000000; /* tcpdump: millions of bytes */

	if (s[0] < '0' || s[0] > '9') {
		return -1;
	}
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s) {
		return -1;
	}
	if (*end) {
		switch (*end) {
		case 'k':
		case 'K':
			unit = 1ull << 10;
			break;
		case 'm':
		case 'M':
			unit = 1ull << 20;
			break;
		case 'g':
		case 'G':
			unit = 1ull << 30;
			break;
		default:
			return -1;
		}
		if (end[1]) {
			return -1;
		}
	}
	/* at most 2^50 bytes (a petabyte): no overflow, and no real limit */
	if (v == 0 || v > (1ull << 50) / unit) {
		return -1;
	}
	*bytes = v * unit;
	return 0;
}

void rotate_name(const char *base, unsigned seq, time_t t, char *out, size_t len)
{
	const char *slash = strrchr(base, '/');
	const char *file = slash ? slash + 1 : base;
	const char *dot = strrchr(file, '.');
	struct tm tm;
	char stamp[32] = "00000000000000";

	/* ".pcapng" alone, or a dot file: a name, not an extension */
	if (!dot || dot == file) {
		dot = file + strlen(file);
	}
	if (localtime_r(&t, &tm)) {
		strftime(stamp, sizeof(stamp), "%Y%m%d%H%M%S", &tm);
	}
	snprintf(out, len, "%.*s_%05u_%s%s", (int)(dot - base), base, seq, stamp, dot);
}

int rotate_init(struct tsc_rotate *r, const char *base, uint64_t max_bytes, int64_t max_ns,
                unsigned keep)
{
	memset(r, 0, sizeof(*r));
	r->max_bytes = max_bytes;
	r->max_ns = max_ns;
	r->keep = keep;
	snprintf(r->base, sizeof(r->base), "%s", base);
	if (keep) {
		r->ring = calloc(keep, sizeof(*r->ring));
		if (!r->ring) {
			tsc_err("out of memory for a ring of %u file names", keep);
			return -ENOMEM;
		}
	}
	return 0;
}

void rotate_next(struct tsc_rotate *r, int64_t realtime_ns, char *path, size_t len)
{
	rotate_name(r->base, r->seq + 1, (time_t)(realtime_ns / TSC_NS_PER_SEC), path, len);
}

void rotate_opened(struct tsc_rotate *r, const char *path, int64_t now_mono)
{
	r->seq++;
	r->opened_mono = now_mono;
	if (r->seq == 1) {
		snprintf(r->first, sizeof(r->first), "%s", path);
	}
	if (!r->keep) {
		return;
	}
	char *name = strdup(path); /* NULL: this one will not be deleted */
	if (r->n_ring == r->keep) {
		/* the oldest goes: the slot at head, which the new one takes */
		char *old = r->ring[r->head];
		if (old && unlink(old) < 0 && errno != ENOENT) {
			tsc_err("-W: cannot remove %s: %s", old, strerror(errno));
		} else if (old) {
			r->deleted++;
		}
		free(old);
		r->ring[r->head] = name;
		r->head = (r->head + 1) % r->keep;
		snprintf(r->first, sizeof(r->first), "%s",
		         r->ring[r->head] ? r->ring[r->head] : "");
	} else {
		r->ring[(r->head + r->n_ring++) % r->keep] = name;
	}
}

int rotate_time_due(const struct tsc_rotate *r, int64_t now_mono)
{
	return r->max_ns && now_mono - r->opened_mono >= r->max_ns;
}

int64_t rotate_ms_left(const struct tsc_rotate *r, int64_t now_mono)
{
	if (!r->max_ns) {
		return -1;
	}
	int64_t left = r->opened_mono + r->max_ns - now_mono;
	return left > 0 ? (left + 999999) / 1000000 : 0;
}

void rotate_free(struct tsc_rotate *r)
{
	for (unsigned i = 0; r->ring && i < r->keep; i++) {
		free(r->ring[i]);
	}
	free(r->ring);
	r->ring = NULL;
}
