/* An independent reader for the integration tests: libpcap itself, asked
 * for nanosecond stamps, prints "index sec.nsec caplen len linktype" per
 * packet (and with -x the captured bytes in hex; with -u OFF the
 * little-endian u64 at byte OFF of the frame, "-" if the frame is
 * shorter: a `tscap send` sequence number), so tests compare what libpcap
 * sees with what tscap wrote. */
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	uint64_t n = 0;
	int r;

	int hex = argc == 3 && !strcmp(argv[1], "-x");
	int u64 = argc == 4 && !strcmp(argv[1], "-u");
	long off = u64 ? strtol(argv[2], NULL, 10) : 0;

	if (argc != 2 + hex + 2 * u64 || off < 0) {
		fprintf(stderr, "usage: pcap_ns_dump [-x | -u OFFSET] FILE\n");
		return 2;
	}
	pcap_t *p = pcap_open_offline_with_tstamp_precision(argv[argc - 1],
	                                                    PCAP_TSTAMP_PRECISION_NANO, err);
	if (!p) {
		fprintf(stderr, "pcap_ns_dump: %s\n", err);
		return 1;
	}
	while ((r = pcap_next_ex(p, &h, &data)) == 1) {
		/* With nano precision libpcap puts nanoseconds in tv_usec. */
		printf("%" PRIu64 " %lld.%09ld %u %u %d", ++n, (long long)h->ts.tv_sec,
		       (long)h->ts.tv_usec, h->caplen, h->len, pcap_datalink(p));
		if (u64 && h->caplen >= (bpf_u_int32)off + 8) {
			uint64_t v = 0;
			for (int i = 7; i >= 0; i--) {
				v = v << 8 | data[off + i];
			}
			printf(" %" PRIu64, v);
		} else if (u64) {
			printf(" -");
		}
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
