#include "stats.h"

#include <string.h>

#include "nstime.h"

void progress_tick(struct tsc_progress *pr, int64_t now_mono, uint64_t pkts, uint64_t drops)
{
	if (!pr->enabled) {
		return;
	}
	if (!pr->last_ns) {
		pr->last_ns = now_mono;
		return;
	}
	int64_t dt = now_mono - pr->last_ns;
	if (dt < TSC_NS_PER_SEC) {
		return;
	}
	double pps = (double)(pkts - pr->last_pkts) * 1e9 / (double)dt;
	fprintf(stderr, "\r%llu packets  %.0f pps  %llu dropped\033[K", (unsigned long long)pkts,
	        pps, (unsigned long long)drops);
	pr->last_ns = now_mono;
	pr->last_pkts = pkts;
	pr->printed = 1;
}

void progress_end(struct tsc_progress *pr)
{
	if (pr->printed) {
		fputc('\n', stderr);
	}
}

void stats_stamp_list(const uint64_t *stamps, char *out, size_t outlen)
{
	size_t n = 0;

	out[0] = '\0';
	for (unsigned c = 0; c < TSC_CLOCK_COUNT && n < outlen; c++) {
		if (stamps[c]) {
			n += (size_t)snprintf(out + n, outlen - n, "%s%s %llu", n ? ", " : "",
			                      tsc_clock_name((enum tsc_clock)c),
			                      (unsigned long long)stamps[c]);
		}
	}
	if (!n) {
		snprintf(out, outlen, "none");
	}
}
