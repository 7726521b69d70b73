/* For rx path implementations only: the ops table behind struct tsc_rx
 * (STYLE.md point 1). An implementation embeds struct tsc_rx first and
 * recovers itself with container_of. */
#ifndef TSCAP_RX_PRIVATE_H
#define TSCAP_RX_PRIVATE_H

#include <stddef.h>

#include "backend.h"

struct tsc_rx_ops {
	const char *name;
	int (*recv)(struct tsc_rx *rx, struct tsc_pkt *pkts, unsigned max);
	void (*close)(struct tsc_rx *rx);
	int (*pending)(struct tsc_rx *rx); /* optional: packets held by the path */
	void (*stop)(struct tsc_rx *rx);   /* optional: no more async receives */
};

struct tsc_rx {
	const struct tsc_rx_ops *ops;
	int wait_fd;
	uint64_t stalls;
};

#define container_of(ptr, type, member) ((type *)(void *)((char *)(ptr)-offsetof(type, member)))

#endif
