/* The little JSON tscap prints (--json of matrix, probe, ping): strings
 * escaped per RFC 8259, so any reason or label text stays valid JSON. */
#ifndef TSCAP_JSON_H
#define TSCAP_JSON_H

#include <stdio.h>

#include "samples.h"

/* Length of the valid UTF-8 sequence at p (1 to 4), or 0 if it is not
 * one (a file name need not be UTF-8; JSON and XML text must be). */
int utf8_seq_len(const unsigned char *p);
/* Writes s as a quoted JSON string; bytes that are not UTF-8 become
 * U+FFFD. */
void json_str(FILE *f, const char *s);
/* "key": "value" with a leading separator when !first. */
void json_kv_str(FILE *f, int first, const char *key, const char *value);
/* A distribution of ns values: {"n", "min", "mean", "p50", "p90", "p99",
 * "p99_9", "max"}, or null when empty. Sorts s. */
void json_samples(FILE *f, struct tsc_samples *s);

#endif
