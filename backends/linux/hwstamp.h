/* NIC hardware stamping: capabilities (ETHTOOL_GET_TS_INFO), the current
 * config read before any write (SIOCGHWTSTAMP), enabling RX stamping
 * (SIOCSHWTSTAMP) and restoring what was there on exit. */
#ifndef TSCAP_LINUX_HWSTAMP_H
#define TSCAP_LINUX_HWSTAMP_H

#include <stdint.h>

struct hwstamp_caps {
	uint32_t so_timestamping; /* SOF_TIMESTAMPING_* the driver supports */
	int phc_index;            /* -1: no PTP hardware clock */
	uint32_t tx_types, rx_filters;
};

struct hwstamp_saved {
	char ifname[16];
	int changed;            /* 1: restore cfg on close */
	int tx_type, rx_filter; /* as found */
	int set_filter;         /* what the driver took from us */
};

/* 0, or -errno (ENODEV: no such interface; EOPNOTSUPP: driver says nothing). */
int hwstamp_caps(int fd, const char *ifname, struct hwstamp_caps *caps);

/* Has the driver hardware RX stamps with a raw (PHC) clock? */
int hwstamp_caps_rx_hw(const struct hwstamp_caps *caps);

/* Switch RX stamping on for all packets unless already on; remembers the
 * old config in *saved. 0, or -errno after printing why. */
int hwstamp_enable_rx(int fd, const char *ifname, struct hwstamp_saved *saved);
void hwstamp_restore(int fd, struct hwstamp_saved *saved);

/* TAI - UTC in ns when the PHC runs on TAI (as ptp4l keeps it), 0 when it
 * runs on UTC or cannot be read. */
int64_t hwstamp_phc_tai_correction(int phc_index);

#endif
