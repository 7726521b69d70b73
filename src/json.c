#include "json.h"

#include <inttypes.h>

int utf8_seq_len(const unsigned char *p)
{
	int n = p[0] < 0x80             ? 1
	        : (p[0] & 0xe0) == 0xc0 ? 2
	        : (p[0] & 0xf0) == 0xe0 ? 3
	        : (p[0] & 0xf8) == 0xf0 ? 4
	                                : 0;

	if (n == 2 && p[0] < 0xc2) {
		return 0; /* overlong */
	}
	for (int i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80) {
			return 0;
		}
	}
	return n;
}

void json_str(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', f);
	while (*p) {
		int n = utf8_seq_len(p);
		if (*p == '"' || *p == '\\') {
			fprintf(f, "\\%c", *p);
		} else if (*p < 0x20) {
			fprintf(f, "\\u%04x", *p);
		} else if (n) {
			fwrite(p, 1, (size_t)n, f);
		} else {
			fputs("\\ufffd", f);
		}
		p += n ? n : 1;
	}
	fputc('"', f);
}

void json_kv_str(FILE *f, int first, const char *key, const char *value)
{
	fprintf(f, "%s\"%s\": ", first ? "" : ", ", key);
	json_str(f, value);
}

void json_samples(FILE *f, struct tsc_samples *s)
{
	double sum = 0;

	if (!s->n) {
		fputs("null", f);
		return;
	}
	for (size_t i = 0; i < s->n; i++) {
		sum += (double)s->v[i];
	}
	fprintf(f,
	        "{\"n\": %zu, \"min\": %" PRId64 ", \"mean\": %.0f, \"p50\": %" PRId64
	        ", \"p90\": %" PRId64 ", \"p99\": %" PRId64 ", \"p99_9\": %" PRId64
	        ", \"max\": %" PRId64 "}",
	        s->n, samples_pct(s, 0), sum / (double)s->n, samples_pct(s, 50), samples_pct(s, 90),
	        samples_pct(s, 99), samples_pct(s, 99.9), samples_pct(s, 100));
}
