/* For builds without libpcap or libmicrohttpd (a BSD or macOS host
 * without their packages, the macOS cross-check): capture --filter over
 * synthesized frames and --metrics say they are not built in, in one
 * line, instead of the build failing. */
#include <stdio.h>

#include "capfilter.h"
#include "log.h"
#include "metrics.h"

#ifndef TSCAP_HAVE_CAPFILTER
#define TSCAP_HAVE_CAPFILTER 0
#endif
#ifndef TSCAP_HAVE_METRICS
#define TSCAP_HAVE_METRICS 0
#endif

#if !TSCAP_HAVE_CAPFILTER
int tsc_filter_compile(const char *expr, uint32_t snaplen, struct tsc_filter **out, char *err,
                       size_t errlen)
{
	(void)expr;
	(void)snaplen;
	*out = NULL;
	snprintf(err, errlen, "this build has no capture filters (built without libpcap)");
	return -1;
}

int tsc_filter_match(const struct tsc_filter *f, const uint8_t *frame, uint32_t caplen,
                     uint32_t len)
{
	(void)f;
	(void)frame;
	(void)caplen;
	(void)len;
	return 1;
}

void tsc_filter_free(struct tsc_filter *f)
{
	(void)f;
}
#endif

#if !TSCAP_HAVE_METRICS
int metrics_start(const char *addr, metrics_render_fn fn, void *arg, struct metrics_server **out)
{
	(void)fn;
	(void)arg;
	*out = NULL;
	tsc_err("--metrics %s: this build has no metrics server (built without libmicrohttpd)",
	        addr);
	return -1;
}

void metrics_linger(struct metrics_server *s, double sec)
{
	(void)s;
	(void)sec;
}

void metrics_stop(struct metrics_server *s)
{
	(void)s;
}
#endif
