/* NIC hardware stamping: capabilities (ETHTOOL_GET_TS_INFO), the current
 * config read before any write (SIOCGHWTSTAMP), enabling RX stamping
 * (SIOCSHWTSTAMP) and restoring what was there on exit. */
#ifndef TSCAP_LINUX_HWSTAMP_H
#define TSCAP_LINUX_HWSTAMP_H

#include <stdint.h>

#include "hwclock.h"
#include "tsinfo.h"

struct hwstamp_saved {
	char ifname[16];
	int changed;            /* 1: restore cfg on close */
	int tx_type, rx_filter; /* as found */
	int set_tx, set_filter; /* what the driver took from us */
};

/* What the driver supports (ETHTOOL_GET_TS_INFO), decoded by tsinfo.c:
 * 0, or -errno (ENODEV: no such interface; EOPNOTSUPP: driver says nothing). */
int hwstamp_caps(int fd, const char *ifname, struct linux_tsinfo *caps);

/* Has the driver hardware RX stamps with a raw (PHC) clock? */
int hwstamp_caps_rx_hw(const struct linux_tsinfo *caps);

/* The current config (SIOCGHWTSTAMP): 0, or -errno; prints nothing. */
int hwstamp_config(int fd, const char *ifname, struct linux_hwconfig *cfg);

/* Switch RX stamping on for all packets (and TX stamping on when tx)
 * unless already so; remembers the old config in *saved. 0, or -errno
 * after printing why. */
int hwstamp_enable(int fd, const char *ifname, int tx, struct hwstamp_saved *saved);
void hwstamp_restore(int fd, struct hwstamp_saved *saved);

/* TAI - UTC in ns when the PHC runs on TAI (as ptp4l keeps it), 0 when it
 * runs on UTC or cannot be read. */
int64_t hwstamp_phc_tai_correction(int phc_index);

/* PHC - CLOCK_REALTIME from PTP_SYS_OFFSET_EXTENDED (PTP_SYS_OFFSET where
 * the driver lacks it): 0, or -errno. */
int hwstamp_phc_offset(int phc_index, struct tsc_phc_offset *out);

#endif
