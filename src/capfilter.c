#include "capfilter.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>

struct tsc_filter {
	struct bpf_program prog;
};

int tsc_filter_compile(const char *expr, uint32_t snaplen, struct tsc_filter **out, char *err,
                       size_t errlen)
{
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, (int)snaplen);
	struct tsc_filter *f = calloc(1, sizeof(*f));

	*out = NULL;
	if (!dead || !f) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if (pcap_compile(dead, &f->prog, expr, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		snprintf(err, errlen, "%s", pcap_geterr(dead));
		goto fail;
	}
	pcap_close(dead);
	*out = f;
	return 0;
fail:
	if (dead) {
		pcap_close(dead);
	}
	free(f);
	return -1;
}

int tsc_filter_match(const struct tsc_filter *f, const uint8_t *frame, uint32_t caplen,
                     uint32_t len)
{
	struct pcap_pkthdr h = {.caplen = caplen, .len = len};

	return pcap_offline_filter(&f->prog, &h, frame) != 0;
}

void tsc_filter_free(struct tsc_filter *f)
{
	if (f) {
		pcap_freecode(&f->prog);
		free(f);
	}
}
