/* Capture filters in tcpdump's syntax, compiled by libpcap into classic
 * BPF: the program tcpdump itself would install for the interface. */
#ifndef TSCAP_PCAP_FILTER_H
#define TSCAP_PCAP_FILTER_H

#include <stddef.h>
#include <stdint.h>

/* One classic BPF instruction: the layout of Linux's struct sock_filter
 * and of BSD's struct bpf_insn alike. */
struct tsc_bpf_insn {
	uint16_t code;
	uint8_t jt, jf;
	uint32_t k;
};

struct tsc_bpf {
	unsigned len;
	struct tsc_bpf_insn *insns; /* malloc'd */
	uint8_t live;               /* compiled on the interface's own live handle */
};

/* Compiles expr for ifname. On the interface's live handle where libpcap
 * can open one, so the OS's special cases apply as they do for tcpdump
 * (on Linux the kernel takes the VLAN tag out of the frame: `vlan` tests
 * the tag the kernel keeps aside, not the frame's bytes); otherwise on a
 * dead handle of the given link type. 0, or -1 with libpcap's own
 * message in err. */
int tsc_bpf_compile(const char *ifname, int linktype, const char *expr, struct tsc_bpf *out,
                    char *err, size_t errlen);
void tsc_bpf_free(struct tsc_bpf *f);

#endif
