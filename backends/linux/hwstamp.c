#include "hwstamp.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/ethtool.h>
#include <linux/net_tstamp.h>
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

int hwstamp_caps(int fd, const char *ifname, struct hwstamp_caps *caps)
{
	struct ethtool_ts_info info = {.cmd = ETHTOOL_GET_TS_INFO};
	struct ifreq ifr;

	ifreq_for(&ifr, ifname, &info);
	if (ioctl(fd, SIOCETHTOOL, &ifr) < 0) {
		return -errno;
	}
	caps->so_timestamping = info.so_timestamping;
	caps->phc_index = info.phc_index;
	caps->tx_types = info.tx_types;
	caps->rx_filters = info.rx_filters;
	return 0;
}

int hwstamp_caps_rx_hw(const struct hwstamp_caps *caps)
{
	uint32_t need = SOF_TIMESTAMPING_RX_HARDWARE | SOF_TIMESTAMPING_RAW_HARDWARE;

	return (caps->so_timestamping & need) == need && caps->phc_index >= 0;
}

int hwstamp_enable_rx(int fd, const char *ifname, struct hwstamp_saved *saved)
{
	struct hwtstamp_config cfg = {0};
	struct ifreq ifr;

	ifreq_for(&ifr, ifname, &cfg);
	if (ioctl(fd, SIOCGHWTSTAMP, &ifr) < 0) {
		int e = errno;
		tsc_err("%s: cannot read the hardware timestamping config (SIOCGHWTSTAMP): %s",
		        ifname, strerror(e));
		return -e;
	}
	if (cfg.rx_filter == HWTSTAMP_FILTER_ALL) {
		return 0;
	}
	struct hwtstamp_config want = cfg;
	want.rx_filter = HWTSTAMP_FILTER_ALL;
	ifreq_for(&ifr, ifname, &want);
	if (ioctl(fd, SIOCSHWTSTAMP, &ifr) < 0) {
		int e = errno;
		tsc_err("%s: cannot switch on hardware RX timestamping (SIOCSHWTSTAMP): %s%s",
		        ifname, strerror(e), e == EPERM ? " (needs CAP_NET_ADMIN)" : "");
		return -e;
	}
	snprintf(saved->ifname, sizeof(saved->ifname), "%s", ifname);
	saved->tx_type = cfg.tx_type;
	saved->rx_filter = cfg.rx_filter;
	saved->set_filter = want.rx_filter; /* the driver may widen what we asked */
	saved->changed = 1;
	if (want.rx_filter != HWTSTAMP_FILTER_ALL) {
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
	/* Read before write: put back only the RX filter, and only if it is
	 * still ours; tx_type and flags stay as others (ptp4l) set them. */
	ifreq_for(&ifr, saved->ifname, &cfg);
	if (ioctl(fd, SIOCGHWTSTAMP, &ifr) < 0 || cfg.rx_filter != saved->set_filter) {
		tsc_dbg("%s: RX timestamping config changed since we set it: left as it is",
		        saved->ifname);
		return;
	}
	cfg.rx_filter = saved->rx_filter;
	ifreq_for(&ifr, saved->ifname, &cfg);
	if (ioctl(fd, SIOCSHWTSTAMP, &ifr) < 0) {
		tsc_err("%s: could not restore the hardware timestamping config: %s", saved->ifname,
		        strerror(errno));
	}
}

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
