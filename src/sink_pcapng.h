/* The pcapng file sink: SHB and one IDB per endpoint up front, an EPB per
 * packet with synthesized Ethernet/IP/UDP headers, ISBs at the end. */
#ifndef TSCAP_SINK_PCAPNG_H
#define TSCAP_SINK_PCAPNG_H

#include "pcapng.h"
#include "writer.h"

struct pcapng_sink {
	struct tsc_writer w;
	uint32_t snaplen;
	int created;    /* we created path: remove it if the header fails */
	char note[200]; /* a comment for the next block, "" when none */
	/* Optional capture filter (capture --filter): frames it rejects are
	 * not written; their kernel drops go with the next written one. */
	const struct tsc_filter *filter;
	uint64_t filtered, carry_drops;
};

struct pcapng_sink_if {
	const char *name, *desc;
	uint16_t linktype; /* 0: Ethernet (what tscap synthesizes for datagrams) */
};

/* Creates path ("-" = stdout) and writes the header blocks, flushed, so
 * the file is valid from the start. 0, or -errno after a one-line error
 * (the file is then removed). s starts zeroed, with .filter set if wanted. */
int pcapng_sink_open(struct pcapng_sink *s, const char *path, uint32_t snaplen,
                     const struct pcapng_sink_if *ifs, unsigned n_if);

/* The same; flags PCAPNG_SINK_EXCL: fail if path exists (O_EXCL). */
enum { PCAPNG_SINK_EXCL = 1 };
int pcapng_sink_open_ex(struct pcapng_sink *s, const char *path, uint32_t snaplen,
                        const struct pcapng_sink_if *ifs, unsigned n_if, unsigned flags);

/* Bytes the block for p can take at most in the file (for -C). */
size_t pcapng_sink_pkt_max(const struct pcapng_sink *s, const struct tsc_pkt *p);

/* Encode one packet (drops: kernel drops since the previous one): 0, 1 if
 * the filter rejected it, or -errno. */
int pcapng_sink_pkt(struct pcapng_sink *s, const struct tsc_pkt *p, uint64_t drops);

/* A comment (opt_comment) for the next packet's block, or, if the file
 * ends first, for its first statistics block. The newest note wins. */
void pcapng_sink_note(struct pcapng_sink *s, const char *text);

/* End of a receive batch: flush at once into a pipe, and into a file
 * when the last flush is older than 100 ms. */
int pcapng_sink_batch_done(struct pcapng_sink *s);

/* ISB per interface, flush, close. Returns the first write error. */
int pcapng_sink_close(struct pcapng_sink *s, const struct pcapng_isb_info *isb, unsigned n_if);

#endif
