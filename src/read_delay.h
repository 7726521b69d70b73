/* The one delay `tscap read` summarises in --json ("delay") and draws
 * with --plot, chosen from what the file holds:
 *   one_way         packet time - the sender's clock in a `tscap send`
 *                   payload, when the file has any (losses: the gaps in
 *                   each session's sequence numbers);
 *   kernel_to_user  user - packet time, when packets carry tscap's user
 *                   stamp beside a kernel or NIC receive stamp (how long
 *                   datagrams waited in the socket);
 *   inter_arrival   packet time - the previous packet's, in file order,
 *                   for any other file.
 * In the last two, losses are the kernel drops the file records
 * (epb_dropcount), marked at the packet that reported them. Kept for the
 * first READ_DELAY_MAX packets. */
#ifndef TSCAP_READ_DELAY_H
#define TSCAP_READ_DELAY_H

#include <stddef.h>
#include <stdint.h>

#include "samples.h"

#define READ_DELAY_MAX (1u << 22)

enum read_delay_kind { RD_DELAY_ONE_WAY, RD_DELAY_KERNEL_TO_USER, RD_DELAY_INTER_ARRIVAL };

struct read_point {
	int64_t t;        /* packet time */
	int64_t owd;      /* with RDP_OWD */
	int64_t k2u;      /* with RDP_K2U */
	uint64_t seq;     /* with RDP_OWD */
	uint32_t session; /* index; UINT32_MAX: not tracked */
	uint32_t drops;   /* epb_dropcount */
	uint8_t flags;
};

enum { RDP_OWD = 1, RDP_K2U = 2 };

struct read_delay {
	struct read_point *pts;
	size_t n, cap;
	uint64_t skipped; /* packets beyond READ_DELAY_MAX */
	/* After read_delay_finish: */
	enum read_delay_kind kind;
	struct tsc_samples v; /* the values, sorted by the first percentile */
	int64_t *t, *val;     /* the time series: from the earliest packet */
	size_t nv;
	int64_t *lost_t; /* when each loss happened, as near as known */
	size_t n_lost_t, lost_cap;
	uint64_t lost; /* losses in all */
};

void read_delay_add(struct read_delay *d, const struct read_point *p);
/* Picks the kind and builds the samples and series; -1 out of memory. */
int read_delay_finish(struct read_delay *d);
const char *read_delay_key(enum read_delay_kind k);
/* The charts; file: the input's name for the title. -1 after saying why. */
int read_delay_plot(struct read_delay *d, const char *path, const char *file);
void read_delay_free(struct read_delay *d);

#endif
