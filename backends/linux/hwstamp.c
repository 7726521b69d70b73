#include "hwstamp.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/ethtool.h>
#include <linux/net_tstamp.h>
#include <linux/ptp_clock.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/timex.h>
#include <time.h>
#include <unistd.h>

#include "compat.h"
#include "hwclock.h"
#include "log.h"
#include "nstime.h"

static void ifreq_for(struct ifreq *ifr, const char *ifname, void *data)
{
	memset(ifr, 0, sizeof(*ifr));
	snprintf(ifr->ifr_name, sizeof(ifr->ifr_name), "%s", ifname);
	ifr->ifr_data = data;
}

int hwstamp_caps(int fd, const char *ifname, struct linux_tsinfo *caps)
{
	/* The kernel fills the bytes; tsinfo.c reads them (and is unit-tested
	 * on recorded ones). */
	uint32_t raw[LNX_TS_INFO_SIZE / 4] = {LNX_ETHTOOL_GET_TS_INFO};
	struct ifreq ifr;

	ifreq_for(&ifr, ifname, raw);
	if (ioctl(fd, SIOCETHTOOL, &ifr) < 0) {
		return -errno;
	}
	return linux_tsinfo_decode((const uint8_t *)raw, sizeof(raw), caps) < 0 ? -EPROTO : 0;
}

int hwstamp_caps_rx_hw(const struct linux_tsinfo *caps)
{
	uint32_t need = SOF_TIMESTAMPING_RX_HARDWARE | SOF_TIMESTAMPING_RAW_HARDWARE;

	return (caps->so_timestamping & need) == need && caps->phc_index >= 0;
}

int hwstamp_config(int fd, const char *ifname, struct linux_hwconfig *cfg)
{
	uint32_t raw[LNX_HWTSTAMP_CONFIG_SIZE / 4] = {0};
	struct ifreq ifr;

	ifreq_for(&ifr, ifname, raw);
	if (ioctl(fd, SIOCGHWTSTAMP, &ifr) < 0) {
		return -errno;
	}
	return linux_hwconfig_decode((const uint8_t *)raw, sizeof(raw), cfg) < 0 ? -EPROTO : 0;
}

int hwstamp_enable(int fd, const char *ifname, int tx, struct hwstamp_saved *saved)
{
	struct linux_hwconfig now;
	struct ifreq ifr;
	int r = hwstamp_config(fd, ifname, &now);

	if (r < 0) {
		tsc_err("%s: cannot read the hardware timestamping config (SIOCGHWTSTAMP): %s",
		        ifname, strerror(-r));
		return r;
	}
	/* any TX type but OFF stamps (ptp4l's one-step modes too): keep it */
	int tx_on = now.tx_type != HWTSTAMP_TX_OFF;
	if (now.rx_filter == HWTSTAMP_FILTER_ALL && (!tx || tx_on)) {
		return 0;
	}
	struct hwtstamp_config want = {.flags = now.flags,
	                               .tx_type = tx && !tx_on ? HWTSTAMP_TX_ON : now.tx_type,
	                               .rx_filter = HWTSTAMP_FILTER_ALL};
	ifreq_for(&ifr, ifname, &want);
	r = ioctl(fd, SIOCSHWTSTAMP, &ifr);
	if (r < 0 && errno == ERANGE && tx) {
		/* a NIC that stamps only PTP on receive: TX on, RX as it was */
		want.rx_filter = now.rx_filter;
		ifreq_for(&ifr, ifname, &want);
		r = ioctl(fd, SIOCSHWTSTAMP, &ifr);
	}
	if (r < 0) {
		int e = errno;
		tsc_err("%s: cannot switch on hardware timestamping (SIOCSHWTSTAMP): %s%s", ifname,
		        strerror(e), e == EPERM ? " (needs CAP_NET_ADMIN)" : "");
		return -e;
	}
	snprintf(saved->ifname, sizeof(saved->ifname), "%s", ifname);
	saved->tx_type = now.tx_type;
	saved->rx_filter = now.rx_filter;
	saved->set_tx = want.tx_type; /* the driver may widen what we asked */
	saved->set_filter = want.rx_filter;
	saved->changed = 1;
	if (want.rx_filter != HWTSTAMP_FILTER_ALL && want.rx_filter != now.rx_filter) {
		tsc_note("%s: the driver stamps a subset of packets (rx_filter %d), not all",
		         ifname, want.rx_filter);
	}
	return 0;
}

void hwstamp_restore(int fd, struct hwstamp_saved *saved)
{
	struct hwtstamp_config cfg = {0};
	struct ifreq ifr;

	if (!saved->changed) {
		return;
	}
	saved->changed = 0;
	/* Read before write: put back what we changed, and only if it is
	 * still ours; flags stay as others (ptp4l) set them. */
	ifreq_for(&ifr, saved->ifname, &cfg);
	if (ioctl(fd, SIOCGHWTSTAMP, &ifr) < 0 || cfg.rx_filter != saved->set_filter ||
	    cfg.tx_type != saved->set_tx) {
		tsc_dbg("%s: timestamping config changed since we set it: left as it is",
		        saved->ifname);
		return;
	}
	cfg.rx_filter = saved->rx_filter;
	cfg.tx_type = saved->tx_type;
	ifreq_for(&ifr, saved->ifname, &cfg);
	if (ioctl(fd, SIOCSHWTSTAMP, &ifr) < 0) {
		int e = errno;
		tsc_err("%s: could not restore the hardware timestamping config: %s%s",
		        saved->ifname, strerror(e),
		        e == EPERM
		            ? " (needs CAP_NET_ADMIN, given up after setup; -Z root keeps it)"
		            : "");
	}
}

_Static_assert(sizeof(struct ethtool_ts_info) == LNX_TS_INFO_SIZE, "tsinfo.c's layout");
_Static_assert(sizeof(struct hwtstamp_config) == LNX_HWTSTAMP_CONFIG_SIZE, "tsinfo.c's layout");

/* A dynamic POSIX clock id for an open /dev/ptpN (linux/posix-timers). */
#define FD_TO_CLOCKID(fd) ((clockid_t)((((unsigned int)~(fd)) << 3) | 3))

int64_t hwstamp_phc_tai_correction(int phc_index)
{
	char path[32];
	struct timespec a, phc, b;
	struct timex tx = {0};

	snprintf(path, sizeof(path), "/dev/ptp%d", phc_index);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		tsc_dbg("%s: %s; hardware stamps are taken as UTC", path, strerror(errno));
		return 0;
	}
	clock_gettime(CLOCK_REALTIME, &a);
	int r = clock_gettime(FD_TO_CLOCKID(fd), &phc);
	clock_gettime(CLOCK_REALTIME, &b);
	close(fd);
	if (r < 0 || adjtimex(&tx) < 0) {
		return 0;
	}
	int64_t mid =
	    (tsc_ns_from_parts(a.tv_sec, a.tv_nsec) + tsc_ns_from_parts(b.tv_sec, b.tv_nsec)) / 2;
	return tsc_phc_utc_correction(tsc_ns_from_parts(phc.tv_sec, phc.tv_nsec) - mid, tx.tai);
}

static int64_t ptp_ns(const struct ptp_clock_time *t)
{
	return tsc_ns_from_parts(t->sec, t->nsec);
}

/* PTP_SYS_OFFSET: sys, phc, sys, phc, ..., sys; as [before, phc, after]. */
static int phc_offset_basic(int fd, int64_t (*s)[3], unsigned n)
{
	struct ptp_sys_offset o = {.n_samples = n};

	if (ioctl(fd, PTP_SYS_OFFSET, &o) < 0) {
		return -errno;
	}
	for (unsigned i = 0; i < n; i++) {
		s[i][0] = ptp_ns(&o.ts[2 * i]);
		s[i][1] = ptp_ns(&o.ts[2 * i + 1]);
		s[i][2] = ptp_ns(&o.ts[2 * i + 2]);
	}
	return 0;
}

int hwstamp_phc_offset(int phc_index, struct tsc_phc_offset *out)
{
	enum { N = 10 };
	struct ptp_sys_offset_extended x = {.n_samples = N};
	int64_t s[N][3];
	char path[32];
	int r = 0;

	snprintf(path, sizeof(path), "/dev/ptp%d", phc_index);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		return -errno;
	}
	out->method = "PTP_SYS_OFFSET_EXTENDED";
	if (ioctl(fd, PTP_SYS_OFFSET_EXTENDED, &x) == 0) {
		for (unsigned i = 0; i < N; i++) {
			for (unsigned k = 0; k < 3; k++) {
				s[i][k] = ptp_ns(&x.ts[i][k]);
			}
		}
	} else {
		r = phc_offset_basic(fd, s, N);
		out->method = "PTP_SYS_OFFSET";
	}
	close(fd);
	if (r == 0 && tsc_phc_offset_from(s, N, out) < 0) {
		r = -EPROTO;
	}
	return r;
}
