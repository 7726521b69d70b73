/* Linux's struct tsc_probe, shared by the files of `tscap probe`:
 * probe_nic.c (capabilities, config, PHC), probe_echo.c (ICMP echo with
 * every stamp), probe_tcp.c (TCP writes for ACK stamps). */
#ifndef TSCAP_LINUX_PROBE_PRIVATE_H
#define TSCAP_LINUX_PROBE_PRIVATE_H

#include <sys/socket.h>

#include "backend.h"
#include "decode.h"
#include "hwstamp.h"

struct tsc_probe {
	struct tsc_probe_opts o;
	char ifname[TSC_IFNAME_MAX];
	unsigned ifindex;
	int ctl_fd;   /* for ioctls */
	int stamping; /* keeps the stack's RX stamping live (source.h) */
	int phc_index;
	struct sockaddr_storage peer;
	socklen_t peer_len;
	char peer_text[64];
	struct linux_decode_ctx dctx;
	struct hwstamp_saved hw; /* restored on close */
};

/* SO_TIMESTAMPING for the probes: every RX and TX stamp the kernel and
 * the NIC can give, reports numbered by OPT_ID. 0 or -errno. */
int probe_stamping(int fd, int tx_ack);

/* The user asked to stop (SIGINT, SIGTERM). */
static inline int probe_stopped(const struct tsc_probe *p)
{
	return p->o.stop && *p->o.stop;
}

/* The probe's sockets go out through the probed interface only. */
int probe_bind_device(const struct tsc_probe *p, int fd);

/* Reads every TX report waiting on fd's error queue into out[id / unit]
 * (ids beyond n are ignored). */
void probe_drain_errqueue(const struct tsc_probe *p, int fd, struct tsc_pkt *out, unsigned n,
                          unsigned unit);

#endif
