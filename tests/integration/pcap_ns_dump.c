/* An independent reader for the integration tests: libpcap itself, asked
 * for nanosecond stamps, prints "index sec.nsec caplen len linktype" per
 * packet (and with -x the captured bytes in hex), so tests compare what
 * libpcap sees with what tscap wrote. */
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	uint64_t n = 0;
	int r;

	int hex = argc == 3 && !strcmp(argv[1], "-x");

	if (argc != 2 + hex) {
		fprintf(stderr, "usage: pcap_ns_dump [-x] FILE\n");
		return 2;
	}
	pcap_t *p = pcap_open_offline_with_tstamp_precision(argv[1 + hex], PCAP_TSTAMP_PRECISION_NANO,
	                                                    err);
	if (!p) {
		fprintf(stderr, "pcap_ns_dump: %s\n", err);
		return 1;
	}
	while ((r = pcap_next_ex(p, &h, &data)) == 1) {
		/* With nano precision libpcap puts nanoseconds in tv_usec. */
		printf("%" PRIu64 " %lld.%09ld %u %u %d", ++n, (long long)h->ts.tv_sec,
		       (long)h->ts.tv_usec, h->caplen, h->len, pcap_datalink(p));
		if (hex) {
			putchar(' ');
			for (bpf_u_int32 i = 0; i < h->caplen; i++) {
				printf("%02x", data[i]);
			}
		}
		putchar('\n');
	}
	if (r == -1) {
		fprintf(stderr, "pcap_ns_dump: %s\n", pcap_geterr(p));
		pcap_close(p);
		return 1;
	}
	pcap_close(p);
	return 0;
}
