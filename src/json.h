/* The little JSON tscap prints (--json of matrix, probe, ping): strings
 * escaped per RFC 8259, so any reason or label text stays valid JSON. */
#ifndef TSCAP_JSON_H
#define TSCAP_JSON_H

#include <stdio.h>

#include "samples.h"

/* Writes s as a quoted JSON string. */
void json_str(FILE *f, const char *s);
/* "key": "value" with a leading separator when !first. */
void json_kv_str(FILE *f, int first, const char *key, const char *value);
/* A distribution of ns values: {"n", "min", "mean", "p50", "p90", "p99",
 * "p99_9", "max"}, or null when empty. Sorts s. */
void json_samples(FILE *f, struct tsc_samples *s);

#endif
