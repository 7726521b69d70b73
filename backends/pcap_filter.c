#include "pcap_filter.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

#define FILTER_SNAPLEN 262144 /* the kernel never cuts: the capture's own snap length does */

/* libpcap's code generator knows the OS's quirks only on a live handle. */
static pcap_t *live_handle(const char *ifname)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p = pcap_create(ifname, ebuf);

	if (!p) {
		tsc_dbg("filter: no live handle on %s: %s", ifname, ebuf);
		return NULL;
	}
	pcap_set_snaplen(p, FILTER_SNAPLEN);
	pcap_set_buffer_size(p, 1 << 16); /* never read: small */
	if (pcap_activate(p) < 0) {
		tsc_dbg("filter: no live handle on %s: %s", ifname, pcap_geterr(p));
		pcap_close(p);
		return NULL;
	}
	return p;
}

int tsc_bpf_compile(const char *ifname, int linktype, const char *expr, struct tsc_bpf *out,
                    char *err, size_t errlen)
{
	struct bpf_program prog;
	pcap_t *p = live_handle(ifname);

	memset(out, 0, sizeof(*out));
	out->live = p != NULL;
	if (!p && !(p = pcap_open_dead(linktype, FILTER_SNAPLEN))) {
		snprintf(err, errlen, "filter '%s': libpcap cannot open a handle", expr);
		return -1;
	}
	if (pcap_compile(p, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		snprintf(err, errlen, "filter '%s': %s", expr, pcap_geterr(p));
		pcap_close(p);
		return -1;
	}
	pcap_close(p);
	_Static_assert(sizeof(struct tsc_bpf_insn) == sizeof(struct bpf_insn), "bpf_insn layout");
	out->insns = calloc(prog.bf_len ? prog.bf_len : 1, sizeof(*out->insns));
	if (!out->insns) {
		pcap_freecode(&prog);
		snprintf(err, errlen, "filter '%s': out of memory", expr);
		return -1;
	}
	for (unsigned i = 0; i < prog.bf_len; i++) {
		const struct bpf_insn *in = &prog.bf_insns[i];
		out->insns[i] = (struct tsc_bpf_insn){in->code, in->jt, in->jf, in->k};
	}
	out->len = prog.bf_len;
	pcap_freecode(&prog);
	return 0;
}

void tsc_bpf_free(struct tsc_bpf *f)
{
	free(f->insns);
	f->insns = NULL;
	f->len = 0;
}
