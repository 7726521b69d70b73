/* What `tscap ping` prints when it is done: the summary (text or JSON)
 * with percentiles, a histogram and the stage breakdown, and the
 * per-probe CSV. */
#ifndef TSCAP_PING_REPORT_H
#define TSCAP_PING_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "latency.h"

struct ping_result {
	const char *target;
	const struct probe_rec *recs;
	size_t sent;
	const uint32_t *order;
	size_t n_order;
	uint64_t send_failed, foreign;
	int json;
	const char *csv;
};

/* Prints the report; returns the exit code: 0 if any probe was answered,
 * 2 if none was, 1 if the CSV file could not be written. */
int ping_report(const struct ping_result *r);

#endif
