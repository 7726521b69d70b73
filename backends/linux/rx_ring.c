/* The ring rx path for wire: sources (--rx ring): PACKET_RX_RING with
 * TPACKET_V3. The kernel copies frames into blocks of a ring shared with
 * us and hands a block over when it is full or its time is up, so a busy
 * interface costs no syscall per frame or per batch. One stamp per frame
 * (the ring's tp_sec/tp_nsec, hardware when the NIC stamped it, else the
 * kernel's software stamp): for when one stamp is enough. Blocks handed
 * out in one call return to the kernel at the start of the next (the
 * tsc_rx contract). */
#include <errno.h>
#include <linux/if_packet.h>
#include <linux/net_tstamp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include "decode_wire.h"
#include "log.h"
#include "nstime.h"
#include "rx_fill.h"
#include "rx_private.h"

#define RING_BLOCK  (1u << 20) /* bytes per block: a 64 KiB frame fits */
#define RING_TOV_MS 8          /* a block with frames is handed over after this */
#define SLL_OFF     TPACKET_ALIGN(sizeof(struct tpacket3_hdr))

struct rx_ring {
	struct tsc_rx base;
	struct tsc_source *src;
	unsigned cur;    /* block being read */
	unsigned left;   /* frames left in it; 0: not open */
	uint8_t *frame;  /* next frame in it */
	unsigned done;   /* blocks read to the end by the last call: release first */
	int64_t stop_ns; /* when the stop came (monotonic), 0 before */
};

static struct tpacket_block_desc *block(const struct tsc_source *src, unsigned i)
{
	return (struct tpacket_block_desc *)(void *)(src->ring + (size_t)i * RING_BLOCK);
}

int linux_ring_setup(struct tsc_source *src, uint32_t bytes, enum tsc_stamp_mode stamp)
{
	unsigned nr = bytes / RING_BLOCK < 4 ? 4 : bytes / RING_BLOCK;
	struct tpacket_req3 req = {.tp_block_size = RING_BLOCK,
	                           .tp_block_nr = nr,
	                           .tp_frame_size = TPACKET_ALIGNMENT << 7,
	                           .tp_frame_nr = (RING_BLOCK / (TPACKET_ALIGNMENT << 7)) * nr,
	                           .tp_retire_blk_tov = RING_TOV_MS};
	int r;

	if ((r = tsc_set_int(src->fd, SOL_PACKET, PACKET_VERSION, TPACKET_V3)) < 0 ||
	    (r = tsc_set_int(src->fd, SOL_PACKET, PACKET_RESERVE, LINUX_WIRE_HEADROOM)) < 0) {
		tsc_err("%s: --rx ring: TPACKET_V3 refused: %s", src->ep.text, strerror(-r));
		return r;
	}
	/* The ring's one stamp: the NIC's when it has one, where asked. */
	if (stamp == TSC_STAMP_HW || stamp == TSC_STAMP_AUTO) {
		tsc_set_int(src->fd, SOL_PACKET, PACKET_TIMESTAMP, SOF_TIMESTAMPING_RAW_HARDWARE);
	}
	if (setsockopt(src->fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req)) < 0) {
		r = -errno;
		tsc_err("%s: --rx ring: PACKET_RX_RING of %u MiB refused: %s", src->ep.text, nr,
		        strerror(-r));
		return r;
	}
	src->ring_len = (size_t)nr * RING_BLOCK;
	src->ring_blocks = nr;
	void *m =
	    mmap(NULL, src->ring_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_LOCKED, src->fd, 0);
	if (m == MAP_FAILED) {
		m = mmap(NULL, src->ring_len, PROT_READ | PROT_WRITE, MAP_SHARED, src->fd, 0);
	}
	if (m == MAP_FAILED) {
		r = -errno;
		tsc_err("%s: --rx ring: mmap of the ring: %s", src->ep.text, strerror(-r));
		src->ring_len = 0;
		return r;
	}
	src->ring = m;
	return 0;
}

void linux_ring_unmap(struct tsc_source *src)
{
	if (src->ring) {
		munmap(src->ring, src->ring_len);
		src->ring = NULL;
	}
}

static void fill(struct rx_ring *rx, const struct tpacket3_hdr *h, int64_t user_ns,
                 struct tsc_pkt *p)
{
	const struct tsc_source *src = rx->src;
	uint8_t *data = (uint8_t *)h + h->tp_mac;
	uint32_t caplen = h->tp_snaplen;
	uint32_t len = h->tp_len;
	int64_t ns = tsc_ns_from_parts((int64_t)h->tp_sec, (int64_t)h->tp_nsec);

	memset(p, 0, offsetof(struct tsc_pkt, ns));
	p->endpoint = src->endpoint;
	p->flags = TSC_PKT_FRAME;
	if (h->tp_status & TP_STATUS_TS_RAW_HARDWARE) {
		tsc_pkt_stamp(p, TSC_HW_RX,
		              (int64_t)((uint64_t)ns - (uint64_t)src->dctx.hw_to_utc_ns),
		              (enum tsc_timebase)src->dctx.hw_base);
	} else if (h->tp_status & TP_STATUS_TS_SOFTWARE) {
		tsc_pkt_stamp(p, TSC_SW_RX, ns, TSC_BASE_REALTIME);
	}
	struct linux_auxdata aux = {.present = 1,
	                            .status = h->tp_status,
	                            .len = len,
	                            .vlan_tci = (uint16_t)h->hv1.tp_vlan_tci,
	                            .vlan_tpid = h->hv1.tp_vlan_tpid};
	/* PACKET_RESERVE keeps the room for the tag in front of the frame. */
	if (linux_auxdata_has_vlan(&aux) && h->tp_mac >= SLL_OFF + sizeof(struct sockaddr_ll) + 4) {
		data = linux_vlan_reinsert(data, &caplen, &aux);
		len += 4;
	}
	p->data = data;
	p->caplen = caplen;
	p->len = len;
	if (caplen < len) {
		p->flags |= TSC_PKT_TRUNC;
	}
	linux_pkttype_to_pkt(
	    ((const struct sockaddr_ll *)(const void *)((const uint8_t *)h + SLL_OFF))->sll_pkttype,
	    p);
	tsc_pkt_stamp(p, TSC_USER, user_ns, TSC_BASE_REALTIME);
}

static void release_done(struct rx_ring *rx)
{
	for (; rx->done; rx->done--) {
		struct tpacket_block_desc *b = block(rx->src, rx->cur);
		__atomic_store_n(&b->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
		rx->cur = (rx->cur + 1) % rx->src->ring_blocks;
	}
}

static int recv_ring(struct tsc_rx *base, struct tsc_pkt *pkts, unsigned max)
{
	struct rx_ring *rx = container_of(base, struct rx_ring, base);
	int64_t now = tsc_now_realtime();
	unsigned n = 0;

	release_done(rx);
	unsigned at = rx->cur; /* blocks finished in this call stay ours until the next */
	while (n < max) {
		if (!rx->left) {
			struct tpacket_block_desc *b = block(rx->src, at);
			if (!(__atomic_load_n(&b->hdr.bh1.block_status, __ATOMIC_ACQUIRE) &
			      TP_STATUS_USER) ||
			    rx->done == rx->src->ring_blocks) {
				break;
			}
			rx->left = b->hdr.bh1.num_pkts;
			rx->frame = (uint8_t *)b + b->hdr.bh1.offset_to_first_pkt;
			if (!rx->left) {
				rx->done++;
				at = (at + 1) % rx->src->ring_blocks;
				continue;
			}
		}
		const struct tpacket3_hdr *h = (const struct tpacket3_hdr *)(void *)rx->frame;
		fill(rx, h, now, &pkts[n++]);
		rx->frame += h->tp_next_offset;
		if (--rx->left == 0) {
			rx->done++;
			at = (at + 1) % rx->src->ring_blocks;
		}
	}
	return (int)n;
}

/* A block the kernel still fills is handed over within its timeout: after
 * a stop, say frames may be pending until that has surely passed. */
static int pending_ring(struct tsc_rx *base)
{
	struct rx_ring *rx = container_of(base, struct rx_ring, base);
	unsigned at = (rx->cur + rx->done) % rx->src->ring_blocks;

	if (rx->left || (block(rx->src, at)->hdr.bh1.block_status & TP_STATUS_USER)) {
		return 1;
	}
	return rx->stop_ns && tsc_now_monotonic() - rx->stop_ns < 3 * RING_TOV_MS * 1000000LL;
}

static void stop_ring(struct tsc_rx *base)
{
	struct rx_ring *rx = container_of(base, struct rx_ring, base);

	rx->stop_ns = tsc_now_monotonic();
}

static void close_ring(struct tsc_rx *base)
{
	free(container_of(base, struct rx_ring, base));
}

static const struct tsc_rx_ops ring_ops = {.name = "ring",
                                           .recv = recv_ring,
                                           .close = close_ring,
                                           .pending = pending_ring,
                                           .stop = stop_ring};

int rx_ring_open(struct tsc_source *src, const struct tsc_rx_opts *opts, struct tsc_rx **out)
{
	(void)opts;
	if (!src->ring) {
		tsc_err("%s: --rx ring is for wire: endpoints", src->ep.text);
		return -EINVAL;
	}
	struct rx_ring *rx = calloc(1, sizeof(*rx));
	if (!rx) {
		return -ENOMEM;
	}
	rx->base.ops = &ring_ops;
	rx->base.wait_fd = src->fd;
	rx->src = src;
	*out = &rx->base;
	return 0;
}
