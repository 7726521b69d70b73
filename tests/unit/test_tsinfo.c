/* backends/linux/tsinfo.h: struct ethtool_ts_info and struct
 * hwtstamp_config decoded from bytes laid out as the kernel fills them,
 * and every flag, TX type and RX filter named as `ethtool -T` does. The
 * structs are those of real drivers' get_ts_info: igb on an i210, ixgbe on
 * an 82599 (PTP-only filters), veth / lo (software only). */
#include "cbuf.h"
#include "check.h"
#include "backend.h"
#include "linux/tsinfo.h"

/* ethtool_ts_info: cmd, so_timestamping, phc_index, tx_types,
 * tx_reserved[3], rx_filters, rx_reserved[3]. */
static void ts_info(uint8_t b[44], uint32_t sof, int32_t phc, uint32_t tx, uint32_t rx)
{
	memset(b, 0, 44);
	put_le(b, 0x41, 4);
	put_le(b + 4, sof, 4);
	put_le(b + 8, (uint32_t)phc, 4);
	put_le(b + 12, tx, 4);
	put_le(b + 28, rx, 4);
}

static void test_i210(void)
{
	uint8_t b[44];
	struct linux_tsinfo t;
	char s[320];

	/* igb_get_ts_info on an i210: software and raw hardware, all RX. */
	ts_info(b, 0x5f, 0, 0x3, 0x3);
	CHECK_EQ_U64(linux_tsinfo_decode(b, sizeof(b), &t), 0);
	CHECK_EQ_U64(t.so_timestamping, 0x5f);
	CHECK_EQ_U64(t.phc_index, 0);
	linux_sof_names(t.so_timestamping, s, sizeof(s));
	CHECK_STR(s, "TX_HARDWARE TX_SOFTWARE RX_HARDWARE RX_SOFTWARE SOFTWARE RAW_HARDWARE");
	linux_tx_type_names(t.tx_types, s, sizeof(s));
	CHECK_STR(s, "OFF ON");
	linux_rx_filter_names(t.rx_filters, s, sizeof(s));
	CHECK_STR(s, "NONE ALL");
	CHECK_EQ_U64(linux_rx_filter_cover(t.rx_filters), TSC_HW_RX_ALL); /* wire: stamps all */
}

static void test_82599(void)
{
	uint8_t b[44];
	struct linux_tsinfo t;
	char s[320];

	/* ixgbe on an 82599: PTP event filters only, no "ALL". */
	ts_info(b, 0x5f, 2, 0x3, (1u << 0) | (1u << 4) | (1u << 5) | (1u << 12));
	linux_tsinfo_decode(b, sizeof(b), &t);
	CHECK_EQ_U64(t.phc_index, 2);
	linux_rx_filter_names(t.rx_filters, s, sizeof(s));
	CHECK_STR(s, "NONE PTP_V1_L4_SYNC PTP_V1_L4_DELAY_REQ PTP_V2_EVENT");
	CHECK_EQ_U64(linux_rx_filter_cover(t.rx_filters), TSC_HW_RX_SOME); /* PTP frames only */
}

static void test_software_only(void)
{
	uint8_t b[44];
	struct linux_tsinfo t;
	char s[320];

	/* veth and lo: ethtool_op_get_ts_info, no clock. */
	ts_info(b, 0x1a, -1, 0, 0);
	linux_tsinfo_decode(b, sizeof(b), &t);
	CHECK_EQ_U64(t.phc_index, -1);
	linux_sof_names(t.so_timestamping, s, sizeof(s));
	CHECK_STR(s, "TX_SOFTWARE RX_SOFTWARE SOFTWARE");
	linux_tx_type_names(t.tx_types, s, sizeof(s));
	CHECK_STR(s, "none");
	linux_rx_filter_names(t.rx_filters, s, sizeof(s));
	CHECK_STR(s, "none");
	CHECK_EQ_U64(linux_rx_filter_cover(t.rx_filters), TSC_HW_RX_NONE);
	CHECK_EQ_U64(linux_rx_filter_cover(1u), TSC_HW_RX_NONE); /* NONE alone */
}

/* Flags newer than the table and unknown filter numbers stay visible. */
static void test_unknown_bits(void)
{
	char s[320];

	linux_sof_names((1u << 17) | (1u << 20), s, sizeof(s));
	CHECK_STR(s, "OPT_RX_FILTER bit20");
	linux_rx_filter_names(1u << 16, s, sizeof(s));
	CHECK_STR(s, "bit16");
	CHECK(linux_tx_type_name(4) == NULL);
	CHECK_STR(linux_rx_filter_name(15), "NTP_ALL");
	/* A short output buffer is cut, still a string. */
	char tiny[8];
	linux_sof_names(0x5f, tiny, sizeof(tiny));
	CHECK(strlen(tiny) < sizeof(tiny));
}

static void test_bad_structs(void)
{
	uint8_t b[44];
	struct linux_tsinfo t;
	struct linux_hwconfig c;

	ts_info(b, 0x5f, 0, 3, 3);
	CHECK(linux_tsinfo_decode(b, 43, &t) < 0);
	put_le(b, 0x42, 4); /* another ethtool command's reply */
	CHECK(linux_tsinfo_decode(b, sizeof(b), &t) < 0);
	CHECK(linux_hwconfig_decode(b, 11, &c) < 0);
}

static void test_hwconfig(void)
{
	uint8_t b[12];
	struct linux_hwconfig c;

	/* ptp4l's config: flags 0, tx ON, rx PTP_V2_EVENT (12). */
	put_le(b, 0, 4), put_le(b + 4, 1, 4), put_le(b + 8, 12, 4);
	CHECK_EQ_U64(linux_hwconfig_decode(b, sizeof(b), &c), 0);
	CHECK_STR(linux_tx_type_name(c.tx_type), "ON");
	CHECK_STR(linux_rx_filter_name(c.rx_filter), "PTP_V2_EVENT");
}

int main(void)
{
	test_i210();
	test_82599();
	test_software_only();
	test_unknown_bits();
	test_bad_structs();
	test_hwconfig();
	return check_done();
}
