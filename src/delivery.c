#include "delivery.h"

static int64_t gcd(int64_t a, int64_t b)
{
	while (b) {
		int64_t t = a % b;
		a = b;
		b = t;
	}
	return a;
}

int64_t tsc_granularity_ns(const int64_t *ns, size_t n)
{
	int64_t g = 0;

	if (n == 0) {
		return 0;
	}
	for (size_t i = 0; i < n && g != 1; i++) {
		int64_t sub = ns[i] % 1000000000;
		g = gcd(g, sub < 0 ? -sub : sub);
	}
	return g ? g : 1000000000;
}

enum tsc_verdict tsc_verdict_of(int advertised, unsigned got, unsigned tried, int enabled)
{
	if (tried == 0) {
		return TSC_V_NOT_TRIED;
	}
	if (advertised < 0) {
		return got ? TSC_V_STACK_DELIVERED : TSC_V_STACK_NOT_DELIVERED;
	}
	if (advertised) {
		return got            ? TSC_V_DELIVERED
		       : enabled == 0 ? TSC_V_NOT_ENABLED
		                      : TSC_V_NOT_DELIVERED;
	}
	return got ? TSC_V_UNADVERTISED : TSC_V_NOT_ADVERTISED;
}

const char *tsc_verdict_text(enum tsc_verdict v)
{
	static const char *const text[] = {
	    [TSC_V_DELIVERED] = "delivered",
	    [TSC_V_NOT_DELIVERED] = "advertised but not delivered",
	    [TSC_V_NOT_ADVERTISED] = "not advertised",
	    [TSC_V_UNADVERTISED] = "delivered though not advertised",
	    [TSC_V_STACK_DELIVERED] = "delivered (kernel stack)",
	    [TSC_V_STACK_NOT_DELIVERED] = "not delivered (kernel stack)",
	    [TSC_V_NOT_TRIED] = "not tried",
	    [TSC_V_NOT_ENABLED] = "advertised, not switched on (try --enable)",
	};
	return text[v];
}
