#include "pkt.h"

#include <string.h>

static const enum tsc_clock best_order[] = {
    TSC_HW_RX, TSC_SW_RX, TSC_TX_HW, TSC_TX_SW, TSC_TX_SCHED, TSC_TX_ACK, TSC_USER, TSC_PEER,
};

enum tsc_clock tsc_pkt_best(const struct tsc_pkt *p)
{
	for (unsigned i = 0; i < sizeof(best_order) / sizeof(best_order[0]); i++) {
		if (tsc_pkt_has(p, best_order[i])) {
			return best_order[i];
		}
	}
	return TSC_CLOCK_COUNT;
}

static const char *const clock_names[TSC_CLOCK_COUNT] = {
    [TSC_HW_RX] = "hw-rx", [TSC_SW_RX] = "sw-rx", [TSC_TX_SCHED] = "tx-sched",
    [TSC_TX_SW] = "tx-sw", [TSC_TX_HW] = "tx-hw", [TSC_TX_ACK] = "tx-ack",
    [TSC_USER] = "user",   [TSC_PEER] = "peer",
};

const char *tsc_clock_name(enum tsc_clock c)
{
	return (unsigned)c < TSC_CLOCK_COUNT ? clock_names[c] : "unknown";
}

void tsc_addr_set_in6(struct tsc_addr *a, const uint8_t in6[16])
{
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

	memset(a->addr, 0, sizeof(a->addr));
	if (memcmp(in6, mapped, 12) == 0) {
		a->family = TSC_AF_INET;
		memcpy(a->addr, in6 + 12, 4);
	} else {
		a->family = TSC_AF_INET6;
		memcpy(a->addr, in6, 16);
	}
}
