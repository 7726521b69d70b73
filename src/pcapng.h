/* pcapng blocks (draft-ietf-opsawg-pcapng) encoded into caller memory in
 * the host's byte order, as the format allows for a section. Every size
 * here is a multiple of 4; the *_MAX helpers give upper bounds so callers
 * reserve once and encode without checks on the hot path. */
#ifndef TSCAP_PCAPNG_H
#define TSCAP_PCAPNG_H

#include <stddef.h>
#include <stdint.h>

#include "pkt.h"

enum {
	PCAPNG_BT_SHB = 0x0A0D0D0A,
	PCAPNG_BT_IDB = 1,
	PCAPNG_BT_SPB = 3,
	PCAPNG_BT_ISB = 5,
	PCAPNG_BT_EPB = 6,
	PCAPNG_MAGIC = 0x1A2B3C4D,
	PCAPNG_LINKTYPE_ETHERNET = 1,
	/* Custom option, binary, copied by editors (editcap, mergecap). */
	PCAPNG_OPT_CUSTOM_BIN_COPY = 2989,
	PCAPNG_EPB_FLAG_INBOUND = 1,
	PCAPNG_EPB_FLAG_OUTBOUND = 2,
};

/* epb_flags of a packet: direction in bits 0-1, reception type in 2-4. */
static inline uint32_t pcapng_epb_flags(const struct tsc_pkt *p)
{
	uint32_t dir = p->dir == TSC_DIR_OUT ? PCAPNG_EPB_FLAG_OUTBOUND : PCAPNG_EPB_FLAG_INBOUND;

	return dir | (uint32_t)(p->cast & 7) << 2;
}

/* Private Enterprise Number carried by tscap's custom option. tscap has
 * none registered yet: until it does this is 32473, the number IANA
 * reserves for documentation (RFC 5612). One constant, said in README. */
#define TSCAP_PEN 32473u

/* Layout of tscap's stamps option, after the 4-byte PEN, little-endian:
 *   u8 version (1), u8 epb_clock (enum tsc_clock of the EPB timestamp),
 *   u8 epb_timebase (its enum tsc_timebase), u8 count,
 *   u16 flags (enum tsc_pkt_flag), u16 reserved 0,
 *   count x { u8 clock, u8 timebase, u16 reserved 0, i64 ns since 1970 UTC }
 * The EPB's own stamp is not repeated; every other stamp is. */
enum {
	TSCAP_OPT_VERSION = 1,
	TSCAP_OPT_HDR = 8,
	TSCAP_OPT_ENTRY = 12,
};

struct pcapng_shb_info {
	const char *hardware, *os, *userappl;
};

struct pcapng_isb_info {
	uint32_t if_id;
	int64_t now_ns, start_ns, end_ns;
	uint64_t ifrecv, ifdrop, usrdeliv;
};

/* Upper bounds of encoded sizes. */
size_t pcapng_shb_size(const struct pcapng_shb_info *info);
size_t pcapng_idb_size(const char *name, const char *desc);
#define PCAPNG_ISB_SIZE        (28 + 3 * 12 + 2 * 12 + 4)
#define PCAPNG_EPB_OPTS_MAX    (8 + 12 + 4 + 8 + TSCAP_OPT_HDR + TSC_CLOCK_COUNT * TSCAP_OPT_ENTRY + 4)
#define PCAPNG_EPB_MAX(caplen) (32 + (((size_t)(caplen) + 3) & ~(size_t)3) + PCAPNG_EPB_OPTS_MAX)

size_t pcapng_shb(uint8_t *out, const struct pcapng_shb_info *info);
size_t pcapng_idb(uint8_t *out, uint16_t linktype, uint32_t snaplen, const char *name,
                  const char *desc);
size_t pcapng_isb(uint8_t *out, const struct pcapng_isb_info *info);

/* An Enhanced Packet Block for a frame whose first hdr_len bytes are
 * already at out + 28 (the caller synthesizes them there), followed by
 * the packet's payload; the frame is cut at snaplen. Options: epb_flags
 * (inbound), epb_dropcount when drops > 0, tscap's stamps option. */
size_t pcapng_epb(uint8_t *out, uint32_t if_id, const struct tsc_pkt *p, size_t hdr_len,
                  uint32_t snaplen, uint64_t drops);

/* The same with the whole frame (headers and payload, cut at snaplen)
 * already at out + 28: the hot path copies the payload while summing it. */
size_t pcapng_epb_framed(uint8_t *out, uint32_t if_id, const struct tsc_pkt *p, size_t hdr_len,
                         uint32_t snaplen, uint64_t drops);
/* Bytes of the frame an EPB keeps: header + payload, cut at snaplen. */
size_t pcapng_epb_cap(const struct tsc_pkt *p, size_t hdr_len, uint32_t snaplen);

/* An opt_comment (UTF-8 text) added to a block already encoded at blk
 * that ends in opt_endofopt, as every block tscap writes does; blk needs
 * pcapng_comment_size(text) more bytes of room. Returns the block's new
 * length (unchanged if it has no options to extend). */
size_t pcapng_comment_size(const char *text);
size_t pcapng_add_comment(uint8_t *blk, const char *text);

/* Offset of the packet data inside an EPB. */
#define PCAPNG_EPB_DATA_OFF 28

/* Encode / decode tscap's stamps option value (after the PEN). */
size_t tscap_opt_encode(uint8_t *out, const struct tsc_pkt *p, enum tsc_clock epb_clock);
/* Fills p's stamps (other than the EPB's value, whose timebase it does
 * set) and flags; *epb_clock gets the
 * source of the EPB timestamp. Returns 0, or -1 if the value is malformed. */
int tscap_opt_decode(const uint8_t *val, size_t len, struct tsc_pkt *p, enum tsc_clock *epb_clock);

#endif
