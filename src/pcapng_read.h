/* A small streaming reader for pcapng (either byte order, any number of
 * sections, interfaces with any if_tsresol / if_tsoffset) and classic
 * pcap (µs and ns), for `tscap read`. It trusts nothing in the file: every
 * length is checked against the block and the block against the file. */
#ifndef TSCAP_PCAPNG_READ_H
#define TSCAP_PCAPNG_READ_H

#include <stdint.h>
#include <stdio.h>

#include "pkt.h"

#define RD_MAX_IFS   256
#define RD_MAX_BLOCK (16u << 20)

struct rd_if {
	uint16_t linktype;
	uint32_t snaplen;
	uint8_t tsresol; /* raw if_tsresol byte */
	int64_t tsoffset_s;
	char name[64], desc[128];
};

enum rd_kind { RD_PACKET = 1, RD_STATS };

struct rd_event {
	enum rd_kind kind;
	uint32_t if_id;
	int64_t ts_ns;
	/* RD_PACKET */
	const uint8_t *data;
	uint32_t caplen, origlen;
	uint32_t epb_flags;
	uint64_t dropcount;
	int has_dropcount;
	int has_tscap;            /* tscap's stamps option was present */
	enum tsc_clock epb_clock; /* valid with has_tscap */
	struct tsc_pkt stamps;    /* stamps beyond the EPB's, and flags */
	const uint8_t *comment;   /* opt_comment (not NUL-terminated), or NULL */
	uint16_t comment_len;
	/* RD_STATS (ISB) */
	uint64_t ifrecv, ifdrop, usrdeliv;
	int has_ifrecv, has_ifdrop, has_usrdeliv;
	int64_t start_ns, end_ns; /* isb_starttime, isb_endtime */
	int has_start, has_end;
};

struct rd_file {
	FILE *f;
	int close_f;
	int classic; /* classic pcap rather than pcapng */
	int swap;    /* file byte order differs from ours */
	int n_if;
	struct rd_if ifs[RD_MAX_IFS];
	uint8_t *blk;
	uint32_t blkcap;
	uint64_t offset;  /* bytes consumed */
	int truncated;    /* the file ends inside a block */
	int pending_type; /* blk_first holds the first block's type */
	uint8_t blk_first[4];
	char err[160];
};

/* path "-" is stdin. 0, or -1 with r->err set. */
int rd_open(struct rd_file *r, const char *path);
int rd_open_stream(struct rd_file *r, FILE *f);
/* 1: *ev filled; 0: end of file (r->truncated says if it ended mid-block);
 * -1: malformed, r->err says why. */
int rd_next(struct rd_file *r, struct rd_event *ev);
void rd_close(struct rd_file *r);

/* ts (in units of if_tsresol) to ns since 1970, with if_tsoffset. */
int64_t rd_ts_to_ns(const struct rd_if *ifc, uint64_t ts);

#endif
