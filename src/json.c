#include "json.h"

#include <inttypes.h>

void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\') {
			fprintf(f, "\\%c", *p);
		} else if (*p < 0x20) {
			fprintf(f, "\\u%04x", *p);
		} else {
			fputc(*p, f);
		}
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
