/* backends/linux/tsinfo.c on arbitrary bytes: struct ethtool_ts_info and
 * struct hwtstamp_config as a driver fills them, then the names `tscap
 * probe` prints. Short buffers are refused; the names are one token per
 * set bit, agree with the one-value names, and a short output buffer gets
 * a terminated prefix of the long output. */
#include "fuzz.h"

#include "linux/tsinfo.h"

static void names_ok(void (*fn)(uint32_t, char *, size_t), const char *(*one)(int32_t),
                     uint32_t bits)
{
	char full[1024], small[41];

	fn(bits, full, sizeof(full));
	FUZZ_ASSERT(memchr(full, 0, sizeof(full)) != NULL, "names not terminated");
	for (size_t len = 1; len <= sizeof(small); len += 13) {
		memset(small, 0x5a, sizeof(small));
		fn(bits, small, len);
		size_t n = strnlen(small, len);
		FUZZ_ASSERT(n < len, "%zu-byte buffer not terminated", len);
		FUZZ_ASSERT(strncmp(small, full, n) == 0, "%zu-byte output is not a prefix", len);
		FUZZ_ASSERT(len == sizeof(small) || (uint8_t)small[len] == 0x5a,
		            "wrote past a %zu-byte buffer", len);
	}
	if (!bits) {
		FUZZ_ASSERT(strcmp(full, "none") == 0, "no bits: '%s'", full);
		return;
	}
	const char *p = full;
	for (unsigned i = 0; i < 32; i++) {
		if (!(bits >> i & 1u)) {
			continue;
		}
		char want[32];
		const char *name = one ? one((int32_t)i) : NULL;
		size_t n = strcspn(p, " ");
		if (name || !one) {
			/* SOF names have no one-value accessor: any token but bitN
			 * for the low bits is accepted there. */
			FUZZ_ASSERT(!name || (strlen(name) == n && !strncmp(p, name, n)),
			            "bit %u: '%.*s', not '%s'", i, (int)n, p, name);
		} else {
			snprintf(want, sizeof(want), "bit%u", i);
			FUZZ_ASSERT(strlen(want) == n && !strncmp(p, want, n), "bit %u: '%.*s'", i,
			            (int)n, p);
		}
		FUZZ_ASSERT(n > 0, "empty name for bit %u", i);
		p += n;
		FUZZ_ASSERT(*p == ' ' || *p == 0, "names not space-separated");
		p += *p == ' ';
	}
	FUZZ_ASSERT(*p == 0, "more names than set bits: '%s'", p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct linux_tsinfo ts;
	struct linux_hwconfig cfg;
	uint32_t cmd = 0;

	if (size >= 4) {
		memcpy(&cmd, data, 4);
	}
	memset(&ts, 0, sizeof(ts));
	int r = linux_tsinfo_decode(data, size, &ts);
	FUZZ_ASSERT(r == ((size >= LNX_TS_INFO_SIZE && cmd == LNX_ETHTOOL_GET_TS_INFO) ? 0 : -1),
	            "ts info of %zu bytes, cmd 0x%x: %d", size, cmd, r);
	int rc = linux_hwconfig_decode(data, size, &cfg);
	FUZZ_ASSERT(rc == (size >= LNX_HWTSTAMP_CONFIG_SIZE ? 0 : -1), "hwconfig of %zu: %d", size,
	            rc);
	if (r == 0) {
		names_ok(linux_sof_names, NULL, ts.so_timestamping);
		names_ok(linux_tx_type_names, linux_tx_type_name, ts.tx_types);
		names_ok(linux_rx_filter_names, linux_rx_filter_name, ts.rx_filters);
	}
	if (rc == 0) {
		/* probe prints the configured values by name, or the number */
		const char *t = linux_tx_type_name(cfg.tx_type);
		const char *f = linux_rx_filter_name(cfg.rx_filter);
		FUZZ_ASSERT(!t || strlen(t) < 32, "tx type name");
		FUZZ_ASSERT(!f || strlen(f) < 32, "rx filter name");
	}
	return 0;
}
