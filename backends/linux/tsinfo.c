#include "tsinfo.h"

#include "backend.h"

#include <stdio.h>
#include <string.h>

/* linux/net_tstamp.h, by bit number. */
static const char *const sof_names[] = {
    "TX_HARDWARE",  "TX_SOFTWARE", "RX_HARDWARE", "RX_SOFTWARE", "SOFTWARE",   "SYS_HARDWARE",
    "RAW_HARDWARE", "OPT_ID",      "TX_SCHED",    "TX_ACK",      "OPT_CMSG",   "OPT_TSONLY",
    "OPT_STATS",    "OPT_PKTINFO", "OPT_TX_SWHW", "BIND_PHC",    "OPT_ID_TCP", "OPT_RX_FILTER",
};
static const char *const tx_types[] = {"OFF", "ON", "ONESTEP_SYNC", "ONESTEP_P2P"};
static const char *const rx_filters[] = {
    "NONE",
    "ALL",
    "SOME",
    "PTP_V1_L4_EVENT",
    "PTP_V1_L4_SYNC",
    "PTP_V1_L4_DELAY_REQ",
    "PTP_V2_L4_EVENT",
    "PTP_V2_L4_SYNC",
    "PTP_V2_L4_DELAY_REQ",
    "PTP_V2_L2_EVENT",
    "PTP_V2_L2_SYNC",
    "PTP_V2_L2_DELAY_REQ",
    "PTP_V2_EVENT",
    "PTP_V2_SYNC",
    "PTP_V2_DELAY_REQ",
    "NTP_ALL",
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static uint32_t u32(const uint8_t *b)
{
	uint32_t v;

	memcpy(&v, b, 4); /* the kernel fills it in host order */
	return v;
}

int linux_tsinfo_decode(const uint8_t *b, size_t len, struct linux_tsinfo *out)
{
	/* cmd, so_timestamping, phc_index, tx_types, tx_reserved[3],
	 * rx_filters, rx_reserved[3] */
	if (len < LNX_TS_INFO_SIZE || u32(b) != LNX_ETHTOOL_GET_TS_INFO) {
		return -1;
	}
	out->so_timestamping = u32(b + 4);
	out->phc_index = (int32_t)u32(b + 8);
	out->tx_types = u32(b + 12);
	out->rx_filters = u32(b + 28);
	return 0;
}

int linux_hwconfig_decode(const uint8_t *b, size_t len, struct linux_hwconfig *out)
{
	if (len < LNX_HWTSTAMP_CONFIG_SIZE) {
		return -1;
	}
	out->flags = (int32_t)u32(b);
	out->tx_type = (int32_t)u32(b + 4);
	out->rx_filter = (int32_t)u32(b + 8);
	return 0;
}

static void names(uint32_t bits, const char *const *tab, size_t n, char *out, size_t len)
{
	size_t used = 0;

	out[0] = 0;
	for (unsigned i = 0; i < 32 && used < len; i++) {
		if (!(bits >> i & 1u)) {
			continue;
		}
		int w = i < n ? snprintf(out + used, len - used, "%s%s", used ? " " : "", tab[i])
		              : snprintf(out + used, len - used, "%sbit%u", used ? " " : "", i);
		used += w > 0 ? (size_t)w : 0;
	}
	if (!bits) {
		snprintf(out, len, "none");
	}
}

void linux_sof_names(uint32_t bits, char *out, size_t len)
{
	names(bits, sof_names, COUNT(sof_names), out, len);
}

void linux_tx_type_names(uint32_t bits, char *out, size_t len)
{
	names(bits, tx_types, COUNT(tx_types), out, len);
}

void linux_rx_filter_names(uint32_t bits, char *out, size_t len)
{
	names(bits, rx_filters, COUNT(rx_filters), out, len);
}

const char *linux_tx_type_name(int32_t v)
{
	return v >= 0 && (size_t)v < COUNT(tx_types) ? tx_types[v] : NULL;
}

int linux_rx_filter_cover(uint32_t bits)
{
	/* bit 0 is HWTSTAMP_FILTER_NONE, bit 1 HWTSTAMP_FILTER_ALL; the rest
	 * are PTP (and NTP_ALL) subsets. */
	if (bits & (1u << 1)) {
		return TSC_HW_RX_ALL;
	}
	return bits & ~1u ? TSC_HW_RX_SOME : TSC_HW_RX_NONE;
}

const char *linux_rx_filter_name(int32_t v)
{
	return v >= 0 && (size_t)v < COUNT(rx_filters) ? rx_filters[v] : NULL;
}
