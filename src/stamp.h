/* STAMP test packets (RFC 8762, unauthenticated mode) with the Session
 * Identifier and TLVs of RFC 8972, as plain C over bytes (network order).
 *
 * Session-Sender packet (44 bytes, then TLVs):
 *   0 sequence number (4)   4 timestamp (8)   12 error estimate (2)
 *   14 SSID (2)             16 MBZ (28)
 * Session-Reflector packet (44 bytes, then the sender's TLVs, answered):
 *   0 sequence number (4)   4 timestamp t3 (8)   12 error estimate (2)
 *   14 SSID (2)             16 receive timestamp t2 (8)
 *   24 sender's sequence number (4)   28 sender's timestamp (8)
 *   36 sender's error estimate (2)    38 MBZ (2)   40 sender's TTL (1)
 *   41 MBZ (3)
 * TLV: flags (U 0x80, M 0x40, I 0x20), type (1), length of the value (2).
 * Timestamps are NTP (seconds since 1900 . 2^-32 fraction) or, with the
 * Z bit of the error estimate, PTPv2 truncated (seconds . nanoseconds). */
#ifndef TSCAP_STAMP_H
#define TSCAP_STAMP_H

#include <stddef.h>
#include <stdint.h>

enum {
	STAMP_BASE_LEN = 44,
	STAMP_PORT = 862,
	STAMP_TLV_HDR = 4,
	STAMP_TLV_U = 0x80, /* unrecognised by the reflector */
	STAMP_TLV_M = 0x40, /* malformed */
	STAMP_TLV_I = 0x20, /* integrity check failed */
	STAMP_TLV_PADDING = 1,
	STAMP_TLV_FOLLOW_UP = 7, /* RFC 8972 §4.7: the real TX time of the previous reply */
	STAMP_FOLLOW_UP_LEN = 16,
	/* Private Use (RFC 8972 IANA registry 252-254): tscap's reflector
	 * reports its kernel RX stamp and its user-space receive time (ns
	 * since 1970, each 8 bytes), so the sender can show the reflector's
	 * receive-to-user stage. Other reflectors echo it flagged U. */
	STAMP_TLV_TSCAP_RX = 252,
	STAMP_TSCAP_RX_LEN = 16,
	/* Timestamping methods (RFC 8972 registry). */
	STAMP_MODE_HW = 1,
	STAMP_MODE_SW = 2,
	STAMP_MODE_CONTROL_PLANE = 3,
	/* Error estimate bits (RFC 4656 §4.1.2, Z from RFC 8186). */
	STAMP_EE_S = 0x8000, /* synchronised to UTC */
	STAMP_EE_Z = 0x4000, /* PTPv2 timestamp format */
};

/* ns since 1970 <-> the 8 timestamp bytes. Converting back needs a
 * reference time (ns since 1970, e.g. now) to pick the NTP era (2036) or
 * PTP's 32-bit seconds wrap (2106): the value nearest to it is taken. */
void stamp_ts_put(uint8_t out[8], int64_t ns, int ptp);
int64_t stamp_ts_get(const uint8_t in[8], int ptp, int64_t near_ns);

/* Error estimate: S, Z, and the smallest scale/multiplier (multiplier
 * never 0) not below err_ns. */
uint16_t stamp_ee_make(int synced, int ptp, int64_t err_ns);
/* Its value in ns (Multiplier * 2^-32 * 2^Scale s). */
double stamp_ee_ns(uint16_t ee);

struct stamp_follow_up {
	int present;
	uint32_t seq;
	int64_t ns; /* 0: the reflector did not know (yet) */
	uint8_t mode;
};

struct stamp_test {
	uint32_t seq;
	int64_t ts;  /* sender's timestamp (t1 estimate) */
	uint16_t ee; /* sender's error estimate */
	uint16_t ssid;
	int ptp; /* Z set: PTPv2 format */
};

/* A Session-Sender packet of len bytes (>= 44): base, then a Follow-Up
 * Telemetry TLV and tscap's RX TLV when asked (zero values, for the
 * reflector to fill), then Extra Padding up to len. Returns len, or 0
 * when len cannot hold what was asked. */
size_t stamp_sender_build(uint8_t *out, size_t len, const struct stamp_test *t, int follow_up,
                          int tscap_rx);
/* What the reflector knows when it answers. */
struct stamp_answer {
	int64_t t2, t3;                   /* receive stamp, transmit estimate (ns since 1970) */
	uint16_t ee_rx, ee_tx;            /* error estimates without the Z bit (added here) */
	uint8_t ttl;                      /* the request's TTL / hop limit */
	struct stamp_follow_up follow_up; /* the previous reply's real TX stamp */
	int64_t rx_kernel, rx_user;       /* for tscap's RX TLV; 0 = unknown */
};

struct stamp_tlv_counts {
	unsigned unknown, malformed;
};

/* The reflected packet for request in[0, len) into out (same length:
 * STAMP packets are symmetric): the base answered in the request's
 * timestamp format, SSID copied, TLVs echoed with Follow-Up and tscap's
 * RX filled, unknown ones flagged U, a malformed one flagged M (and the
 * walk stops there). Returns len, or 0 if in is shorter than the base. */
size_t stamp_reflect(const uint8_t *in, size_t len, const struct stamp_answer *a, uint8_t *out,
                     struct stamp_tlv_counts *counts);

struct stamp_reply {
	uint32_t seq, sender_seq;
	uint16_t ssid, ee, sender_ee;
	int ptp;
	int64_t t2, t3, sender_ts; /* ns since 1970 */
	uint8_t ttl;
	struct stamp_follow_up follow_up;
	int64_t rx_kernel, rx_user; /* from tscap's RX TLV; 0 if absent */
	unsigned tlv_flagged;       /* TLVs the reflector flagged U or M */
};

/* 0, or -1 when shorter than the base packet. */
int stamp_reply_parse(const uint8_t *in, size_t len, int64_t near_ns, struct stamp_reply *r);

#endif
