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
	const char *plot; /* --plot: SVG charts to this file */
};

/* Prints the report; returns the exit code: 0 if any probe was answered,
 * 2 if none was, 1 if the CSV file or the plot could not be written. */
int ping_report(const struct ping_result *r);

/* --plot: the charts as SVG (src/ping_plot.c); -1 after saying why. */
int ping_plot(const struct ping_result *r, struct latency_summary *s);

#endif
