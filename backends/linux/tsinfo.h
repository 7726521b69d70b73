/* What a Linux NIC says about its timestamping, as plain C over bytes:
 * struct ethtool_ts_info (ETHTOOL_GET_TS_INFO) and struct hwtstamp_config
 * (SIOCGHWTSTAMP), decoded from the bytes the kernel fills, with every
 * flag, TX type and RX filter named as linux/net_tstamp.h names it. Built
 * and tested on every host, so `tscap probe`'s formatting is tested from
 * recorded structs. */
#ifndef TSCAP_LINUX_TSINFO_H
#define TSCAP_LINUX_TSINFO_H

#include <stddef.h>
#include <stdint.h>

/* linux/net_tstamp.h, linux/ethtool.h */
enum {
	LNX_SOF_TX_HARDWARE = 1 << 0,
	LNX_SOF_TX_SOFTWARE = 1 << 1,
	LNX_SOF_RX_HARDWARE = 1 << 2,
	LNX_SOF_RX_SOFTWARE = 1 << 3,
	LNX_SOF_SOFTWARE = 1 << 4,
	LNX_SOF_RAW_HARDWARE = 1 << 6,
	LNX_ETHTOOL_GET_TS_INFO = 0x41,
	LNX_TS_INFO_SIZE = 44, /* sizeof(struct ethtool_ts_info) */
	LNX_HWTSTAMP_CONFIG_SIZE = 12,
	LNX_HWTSTAMP_TX_ON = 1,
	LNX_HWTSTAMP_FILTER_ALL = 1,
};

struct linux_tsinfo {
	uint32_t so_timestamping; /* SOF_TIMESTAMPING_* */
	int32_t phc_index;        /* -1: no PTP hardware clock */
	uint32_t tx_types;        /* bit n: HWTSTAMP_TX_* value n supported */
	uint32_t rx_filters;      /* bit n: HWTSTAMP_FILTER_* value n supported */
};

struct linux_hwconfig {
	int32_t flags, tx_type, rx_filter;
};

/* 0, or -1 if len is short or cmd is not ETHTOOL_GET_TS_INFO. */
int linux_tsinfo_decode(const uint8_t *b, size_t len, struct linux_tsinfo *out);
int linux_hwconfig_decode(const uint8_t *b, size_t len, struct linux_hwconfig *out);

/* Names, space-separated, of the bits set: "TX_SOFTWARE RX_SOFTWARE ...";
 * unknown bits as "bit17"; "none" when no bit is set. */
void linux_sof_names(uint32_t bits, char *out, size_t len);
void linux_tx_type_names(uint32_t bits, char *out, size_t len);
void linux_rx_filter_names(uint32_t bits, char *out, size_t len);
/* What wire capture can get from these RX filters: enum tsc_hw_rx_cover. */
int linux_rx_filter_cover(uint32_t bits);
/* One value's name ("ON", "ALL", "PTP_V2_EVENT"), or NULL if unknown. */
const char *linux_tx_type_name(int32_t v);
const char *linux_rx_filter_name(int32_t v);

#endif
