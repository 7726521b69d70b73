/* The contract every OS backend implements (DESIGN.md, "Backends"). The
 * core sees only opaque handles: a source is one endpoint's socket set up
 * for the best stamps the OS grants; an rx path receives batches from a
 * source into struct tsc_pkt. Errors are printed where they happen, as one
 * line; functions return 0 / a count, or -errno. */
#ifndef TSCAP_BACKEND_H
#define TSCAP_BACKEND_H

#include <signal.h>
#include <stdint.h>

#include "endpoint.h"
#include "hwclock.h"
#include "pkt.h"

/* The order is --stamp's choices. NONE: no kernel stamps, user space only. */
enum tsc_stamp_mode { TSC_STAMP_AUTO = 0, TSC_STAMP_HW, TSC_STAMP_SW, TSC_STAMP_NONE };
/* The order is --rx's choices. AUTO: io_uring where the kernel has
 * multishot recvmsg, recvmmsg otherwise. RING: a wire: source's frames
 * through a memory-mapped ring, one stamp per frame. */
enum tsc_rx_kind { TSC_RX_AUTO = 0, TSC_RX_URING, TSC_RX_MMSG, TSC_RX_MSG, TSC_RX_RING };
/* The order is --direction's choices: which frames a wire: source keeps. */
enum tsc_direction { TSC_DIRECTION_INOUT = 0, TSC_DIRECTION_IN, TSC_DIRECTION_OUT };
/* The order is --clock's choices: the kernel clock that stamps received
 * packets, where the OS lets one choose (FreeBSD's SO_TS_CLOCK, XNU's two
 * options). AUTO: the backend's default (ns wall-clock time where the OS
 * has it; XNU: mach ticks, moved to wall-clock time). REALTIME_US:
 * SO_TIMESTAMP's struct timeval. MONOTONIC stamps are moved to wall-clock
 * time by an offset measured at open; the file says which clock it was. */
enum tsc_clock_sel {
	TSC_CLOCKSEL_AUTO = 0,
	TSC_CLOCKSEL_REALTIME,
	TSC_CLOCKSEL_REALTIME_US,
	TSC_CLOCKSEL_BINTIME,
	TSC_CLOCKSEL_MONOTONIC,
	TSC_CLOCKSEL_COUNT
};
/* Their names, in that order, NULL-ended: the options' choices. */
extern const char *const tsc_stamp_mode_names[];
extern const char *const tsc_rx_kind_names[];
extern const char *const tsc_direction_names[];
extern const char *const tsc_clock_sel_names[];
/* The --clock choices this backend offers: bit (1u << enum tsc_clock_sel)
 * each, AUTO always among them. */
unsigned tsc_clock_choices(void);

struct tsc_source_opts {
	enum tsc_stamp_mode stamp;
	enum tsc_clock_sel clock; /* one of tsc_clock_choices() */
	uint32_t rcvbuf;          /* requested socket receive buffer, bytes */
	uint16_t endpoint;        /* index written into each tsc_pkt */
	uint8_t reuseport;        /* share the port with the capture's other threads */
	uint8_t tx_stamps;        /* also TX stamps for tsc_source_send (SCHED, SND, hardware) */
	uint8_t ttl;              /* each packet's TTL / hop limit into tsc_pkt.ttl */
	uint8_t direction;        /* wire:, pcap: enum tsc_direction */
	uint8_t promisc;          /* wire:, pcap: the interface in promiscuous mode meanwhile */
	uint32_t snaplen;         /* pcap: bytes libpcap keeps of each frame (0: all) */
	uint8_t ring;             /* wire: frames into a memory-mapped ring (--rx ring) */
	uint8_t ring_auto;        /* wire: --rx auto: the ring wherever it keeps every stamp */
};

/* What the OS granted, for reports and the file's interface description. */
struct tsc_grant {
	uint8_t sw_rx;               /* kernel software RX stamps requested and accepted */
	uint8_t hw_rx;               /* hardware RX stamps requested (arrive if the NIC stamps) */
	uint8_t hw_enabled;          /* we switched the NIC's RX filter on (restored on close) */
	uint8_t drops;               /* kernel drop counter per packet available */
	uint32_t rcvbuf;             /* receive buffer the kernel granted, bytes */
	char ifname[TSC_IFNAME_MAX]; /* interface stamps were checked on, "" if none */
	uint16_t linktype;           /* the frames' LINKTYPE_; 0: Ethernet, synthesized */
	char stamp_label[64];        /* how the stamps were taken, when it needs saying */
};

struct tsc_source;
struct tsc_rx;

int tsc_source_open(const struct tsc_endpoint *ep, const struct tsc_source_opts *opts,
                    struct tsc_source **out);
void tsc_source_close(struct tsc_source *src);
int tsc_source_fd(const struct tsc_source *src);
/* The local port the source is bound to (the kernel's choice for 0). */
uint16_t tsc_source_local_port(const struct tsc_source *src);
const struct tsc_grant *tsc_source_grant(const struct tsc_source *src);
/* Every datagram the kernel dropped for this socket so far, read from the
 * OS's own socket table (so drops after the last packet count too);
 * -1 if the OS does not tell. */
int64_t tsc_source_kernel_drops(struct tsc_source *src);
/* 1 if a datagram waits in the socket's receive queue. */
int tsc_source_queued(const struct tsc_source *src);

/* Send one datagram from the source's socket to `to`. On a wildcard
 * socket `from` (may be NULL) picks the source address, so a reply leaves
 * from the address its request came to. With tx_stamps on, the kernel's
 * reports for it carry an id: want_id where the kernel lets the sender
 * choose (Linux 6.13, SCM_TS_OPT_ID), else the socket's own count of
 * datagrams sent. Returns that id (>= 0) or -errno. */
int64_t tsc_source_send(struct tsc_source *src, const struct tsc_addr *to,
                        const struct tsc_addr *from, const void *buf, size_t len, uint32_t want_id);
/* TX stamps reported so far, without blocking: up to max, or -errno. */
int tsc_source_tx_stamps(struct tsc_source *src, struct tsc_tx_stamp *out, unsigned max);

struct tsc_rx_opts {
	enum tsc_rx_kind kind;
	unsigned batch;     /* packets per receive call at most */
	uint32_t slot_len;  /* payload bytes kept per packet */
	unsigned ring_bufs; /* io_uring provided buffers (power of 2); 0 = default */
};

/* An rx path over a source. Pointers in returned packets stay valid until
 * the next tsc_rx_recv on the same rx. */
int tsc_rx_open(struct tsc_source *src, const struct tsc_rx_opts *opts, struct tsc_rx **out);
/* Receive what is queued without blocking: 0..min(batch, max) packets,
 * or -errno. */
int tsc_rx_recv(struct tsc_rx *rx, struct tsc_pkt *pkts, unsigned max);
const char *tsc_rx_name(const struct tsc_rx *rx);
/* The descriptor that polls readable when tsc_rx_recv has work. */
int tsc_rx_wait_fd(const struct tsc_rx *rx);
/* The capture is stopping: receive nothing asynchronously any more, so
 * that draining the socket cannot race with an in-flight receive. */
void tsc_rx_stop(struct tsc_rx *rx);
/* 1 if the rx path itself holds received packets not yet returned
 * (io_uring completions the kernel has not shown yet, for one). */
int tsc_rx_pending(struct tsc_rx *rx);
/* Times the receive stalled for want of buffers (io_uring ENOBUFS). */
uint64_t tsc_rx_stalls(const struct tsc_rx *rx);
void tsc_rx_close(struct tsc_rx *rx);

/* A sending socket to one target, optionally with TX stamps. */
struct tsc_tx;
struct tsc_tx_opts {
	int stamps;      /* collect TX stamps (SCHED, SND; hardware where the NIC has it) */
	uint32_t sndbuf; /* 0 = the OS default */
};

int tsc_tx_open(const struct tsc_endpoint *target, const struct tsc_tx_opts *opts,
                struct tsc_tx **out);
/* Send n datagrams in as few calls as the OS allows. Returns how many went
 * out (fewer when the socket buffer is full), or -errno. */
int tsc_tx_send(struct tsc_tx *tx, uint8_t *const *bufs, const uint32_t *lens, unsigned n);
/* TX stamps reported so far, without blocking: up to max, or -errno. The
 * id is the datagram's number counted from 0 on this socket. */
int tsc_tx_stamps(struct tsc_tx *tx, struct tsc_tx_stamp *out, unsigned max);
void tsc_tx_close(struct tsc_tx *tx);

/* The live control-message matrix (`tscap matrix`): every control message
 * the OS defines, tried for real on every socket family and type, its
 * content checked. Rows and columns are the backend's own. */
enum tsc_cell_state {
	TSC_CELL_OK = 0,
	TSC_CELL_NOT_COMPILED, /* the build has no such constant */
	TSC_CELL_REFUSED,      /* socket, setsockopt or sendmsg said no */
	TSC_CELL_NOTHING,      /* the data arrived, this message did not */
	TSC_CELL_WRONG,        /* it arrived with the wrong content */
};

struct tsc_matrix_row {
	const char *id;      /* stable key for JSON ("rights") */
	const char *cmsg;    /* "SCM_RIGHTS" */
	int level, type;     /* what arrives (first family's numbers) */
	const char *payload; /* what it carries */
};

struct tsc_matrix_cell {
	enum tsc_cell_state state;
	char reason[200]; /* what was seen, or why not */
};

unsigned tsc_matrix_rows(const struct tsc_matrix_row **rows);
unsigned tsc_matrix_columns(const char *const **columns);
void tsc_matrix_check(unsigned row, unsigned column, struct tsc_matrix_cell *cell);

/* NIC timestamp probing (`tscap probe`): what the interface advertises,
 * and the stamps that really came with packets that crossed it. */
enum tsc_cap {
	TSC_CAP_RX_SW = 1u << 0,
	TSC_CAP_RX_HW = 1u << 1, /* hardware RX stamps with the raw NIC clock */
	TSC_CAP_TX_SW = 1u << 2,
	TSC_CAP_TX_HW = 1u << 3,
};

/* Which received frames the NIC can stamp: wire capture wants them all;
 * many NICs stamp only PTP. */
enum tsc_hw_rx_cover {
	TSC_HW_RX_NONE = 0, /* no hardware RX stamping */
	TSC_HW_RX_SOME = 1, /* only filtered subsets (PTP event messages, ...) */
	TSC_HW_RX_ALL = 2,  /* every frame (HWTSTAMP_FILTER_ALL) */
};

struct tsc_nic_info {
	char ifname[TSC_IFNAME_MAX];
	unsigned ifindex;
	int caps_err;        /* 0, or errno of the capability query */
	uint32_t advertised; /* enum tsc_cap */
	int phc_index;       /* -1: no hardware clock */
	char flags[320];     /* the OS's own names for what is advertised */
	char tx_types[96], rx_filters[320];
	int hw_rx_cover;  /* enum tsc_hw_rx_cover */
	int config_err;   /* 0, or errno of reading the hardware config */
	int hw_rx_on;     /* the NIC stamps received packets now: 1, 0, -1 unknown */
	int hw_tx_on;     /* ... transmitted packets */
	char config[96];  /* the hardware config as found */
	int enable_err;   /* --enable: 0 done, errno; -1 not asked */
	char enabled[96]; /* the config the driver took */
};

struct tsc_probe_opts {
	const char *ifname;
	struct tsc_addr peer; /* family 0: the interface's own loopback peer */
	int enable;           /* try switching hardware stamping on (restored on close) */
	uint16_t tcp_port;    /* peer's listening TCP port for ACK stamps; 0: none */
	const volatile sig_atomic_t *stop; /* set by a signal: end the exchange early */
};

struct tsc_probe;

int tsc_probe_open(const struct tsc_probe_opts *o, struct tsc_probe **out,
                   struct tsc_nic_info *info);
/* Echo up to n probes to the peer (ICMP echo: any host answers), one
 * every interval_us; *sent says how many went (fewer when stopped, or
 * when the peer stays silent). out[i] gets probe i's stamps: TSC_TX_SCHED
 * / TX_SW / TX_HW of the request, TSC_HW_RX / SW_RX / USER of the reply.
 * Returns the number answered, or -errno. */
int tsc_probe_echo(struct tsc_probe *p, struct tsc_pkt *out, unsigned n, unsigned interval_us,
                   unsigned *sent);
/* Up to n small TCP writes to the peer (an own listener on loopback):
 * out[i] gets TSC_TX_SCHED / TX_SW / TX_HW / TX_ACK; *writes says how many
 * went out (0: no TCP peer to write to). Returns the writes acknowledged,
 * or -errno. */
int tsc_probe_tcp(struct tsc_probe *p, struct tsc_pkt *out, unsigned n, unsigned *writes);
/* The interface's hardware clock against the system clock: 0, -ENODEV
 * without one, or -errno. */
int tsc_probe_phc_offset(struct tsc_probe *p, struct tsc_phc_offset *out);
/* "127.0.0.1": where probes went. */
const char *tsc_probe_peer(const struct tsc_probe *p);
void tsc_probe_close(struct tsc_probe *p);

/* Wait until one of fds[0, n) is readable or has an error queued (-1
 * entries are skipped), at most timeout_ns, to the ns where the OS can
 * (Linux: ppoll). Returns the number ready, 0 on timeout, or -errno
 * (-EINTR when a signal came). */
int tsc_wait_fds(const int *fds, unsigned n, int64_t timeout_ns);

/* Pin the calling thread to the n-th (modulo) of the CPUs it may use; 0 or -errno. */
int tsc_pin_thread(unsigned n);

/* Text for the pcapng SHB: "Linux 6.18.44", the machine's hardware. */
void tsc_os_describe(char *os, unsigned oslen, char *hw, unsigned hwlen);

/* Give up privilege for good (src/privs.h decides what): with
 * switch_user, become uid/gid with user's groups (only gid when user is
 * NULL); always clear every capability (effective, permitted,
 * inheritable, ambient, and the bounding set where allowed) and forbid
 * regaining any (no new privileges). 0, or -errno. */
int tsc_os_drop_privileges(int switch_user, unsigned uid, unsigned gid, const char *user);

#endif
