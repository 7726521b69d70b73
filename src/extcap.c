/* Wireshark's extcap interface (doc/extcap.adoc in Wireshark): tscap linked
 * into an extcap folder shows up as the interface "tscap_udp" ("tscap
 * UDP") in Wireshark and tshark. Wireshark runs it with
 *   --extcap-interfaces [--extcap-version=X.Y]   list the interface
 *   --extcap-interface I --extcap-dlts           its link type
 *   --extcap-interface I --extcap-config         its options (a dialog)
 *   --extcap-interface I --extcap-capture-filter F   is F valid? (silence: yes)
 *   --extcap-interface I --capture --fifo PATH [options] [--extcap-capture-filter F]
 * and the capture is `tscap capture` writing pcapng into the fifo, flushed
 * after every receive batch, with kernel (or NIC) stamps. */
#include "extcap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"
#include "capfilter.h"
#include "cmds.h"
#include "log.h"
#include "options.h"

#define EXTCAP_IFACE   "tscap_udp"
#define EXTCAP_DEFAULT "udp://0.0.0.0:9000"
#define MAX_EPS        16

struct extcap_opts {
	int interfaces, dlts, config, capture;
	const char *iface, *fifo, *filter, *version, *endpoint, *stamp, *rx, *reload, *ctl_in,
	    *ctl_out;
	unsigned long long snaplen;
};

int extcap_called(int argc, char **argv)
{
	int capture = 0, fifo = 0;

	for (int i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "--extcap-", 9)) {
			return 1;
		}
		capture |= !strcmp(argv[i], "--capture");
		fifo |= !strcmp(argv[i], "--fifo") || !strncmp(argv[i], "--fifo=", 7);
	}
	return capture && fifo;
}

static void print_interfaces(void)
{
	printf("extcap {version=%s}{display=tscap: UDP with kernel/NIC timestamps}"
	       "\n",
	       TSCAP_VERSION);
	printf("interface {value=%s}{display=tscap UDP}\n", EXTCAP_IFACE);
}

static void print_dlts(void)
{
	printf("dlt {number=1}{name=EN10MB}{display=Ethernet (UDP with synthesized headers)}\n");
}

static void print_selector(int num, const char *call, const char *display, const char *tooltip,
                           const char *const *names)
{
	printf("arg {number=%d}{call=--%s}{display=%s}{tooltip=%s}{type=selector}\n", num, call,
	       display, tooltip);
	for (int i = 0; names[i]; i++) {
		printf("value {arg=%d}{value=%s}{display=%s}{default=%s}\n", num, names[i],
		       names[i], i == 0 ? "true" : "false");
	}
}

static void print_config(void)
{
	printf("arg {number=0}{call=--endpoint}{display=Endpoint}"
	       "{tooltip=What to listen on, e.g. udp://0.0.0.0:9000, udp://[::1]:9000, "
	       "udp://239.1.1.1:5000%%eth0 (several: separate with spaces)}"
	       "{type=string}{required=true}{default=%s}\n",
	       EXTCAP_DEFAULT);
	print_selector(1, "stamp", "Stamp source",
	               "auto: hardware where the NIC stamps, else kernel; hw; sw (kernel); none "
	               "(user space)",
	               tsc_stamp_mode_names);
	print_selector(2, "rx", "Receive path", "auto, io_uring, recvmmsg or recvmsg",
	               tsc_rx_kind_names);
	printf("arg {number=3}{call=--snaplen}{display=Snapshot length}"
	       "{tooltip=Bytes of each frame to keep}{type=unsigned}{range=1,262144}"
	       "{default=262144}\n");
}

/* Wireshark asks before a capture whether the filter is valid: nothing on
 * stdout means yes, else the first line says why not. */
static int check_filter(const struct extcap_opts *o)
{
	struct tsc_filter *f;
	char err[256];

	if (tsc_filter_compile(o->filter, (uint32_t)o->snaplen, &f, err, sizeof(err)) < 0) {
		printf("%s\n", err);
		return 0;
	}
	tsc_filter_free(f);
	return 0;
}

static int capture(const struct extcap_opts *o)
{
	char eps[1024], snap[32];
	char *argv[MAX_EPS + 16];
	int argc = 0;

	if (!o->fifo) {
		tsc_err("extcap: --capture needs --fifo PATH");
		return 1;
	}
	snprintf(eps, sizeof(eps), "%s", o->endpoint ? o->endpoint : EXTCAP_DEFAULT);
	snprintf(snap, sizeof(snap), "%llu", o->snaplen);
	argv[argc++] = "capture";
	for (char *save, *t = strtok_r(eps, " \t,", &save); t; t = strtok_r(NULL, " \t,", &save)) {
		if (argc > MAX_EPS) {
			tsc_err("extcap: at most %d endpoints", MAX_EPS);
			return 1;
		}
		argv[argc++] = t;
	}
	if (argc == 1) {
		tsc_err("extcap: the Endpoint option is empty (e.g. %s)", EXTCAP_DEFAULT);
		return 1;
	}
	argv[argc++] = "-w";
	argv[argc++] = (char *)o->fifo;
	argv[argc++] = "--quiet";
	argv[argc++] = "--no-summary"; /* Wireshark shows anything on stderr as an error */
	argv[argc++] = "--snaplen";
	argv[argc++] = snap;
	if (o->stamp) {
		argv[argc++] = "--stamp";
		argv[argc++] = (char *)o->stamp;
	}
	if (o->rx) {
		argv[argc++] = "--rx";
		argv[argc++] = (char *)o->rx;
	}
	if (o->filter && *o->filter) {
		argv[argc++] = "--filter";
		argv[argc++] = (char *)o->filter;
	}
	argv[argc] = NULL;
	/* dumpcap waits in open() for a writer: hold the fifo open from the
	 * start, so that a capture that fails before opening it (a bad
	 * filter, a port in use) ends dumpcap's wait with an empty pipe
	 * instead of leaving it blocked. */
	int hold = open(o->fifo, O_WRONLY | O_CLOEXEC);
	if (hold < 0) {
		tsc_err("extcap: cannot open the fifo %s: %s", o->fifo, strerror(errno));
		return 1;
	}
	int rc = cmd_capture(argc, argv);
	close(hold);
	return rc;
}

int cmd_extcap(int argc, char **argv)
{
	struct extcap_opts o = {.snaplen = 262144};
	const struct opt_spec tab[] = {
	    {"extcap-interfaces", 0, OPT_FLAG, &o.interfaces, 0, 0, NULL, NULL,
	     "list the interface tscap offers"},
	    {"extcap-version", 0, OPT_STRING, &o.version, 0, 0, NULL, "X.Y",
	     "Wireshark's version (ignored)"},
	    {"extcap-interface", 0, OPT_STRING, &o.iface, 0, 0, NULL, "IFACE",
	     "the interface (" EXTCAP_IFACE ")"},
	    {"extcap-dlts", 0, OPT_FLAG, &o.dlts, 0, 0, NULL, NULL, "list its link types"},
	    {"extcap-config", 0, OPT_FLAG, &o.config, 0, 0, NULL, NULL, "list its options"},
	    {"extcap-capture-filter", 0, OPT_STRING, &o.filter, 0, 0, NULL, "FILTER",
	     "capture filter (pcap-filter syntax); alone: check it"},
	    {"extcap-reload-option", 0, OPT_STRING, &o.reload, 0, 0, NULL, "OPT",
	     "(no option reloads)"},
	    {"extcap-control-in", 0, OPT_STRING, &o.ctl_in, 0, 0, NULL, "PATH", "(no toolbar)"},
	    {"extcap-control-out", 0, OPT_STRING, &o.ctl_out, 0, 0, NULL, "PATH", "(no toolbar)"},
	    {"capture", 0, OPT_FLAG, &o.capture, 0, 0, NULL, NULL, "capture into --fifo"},
	    {"fifo", 0, OPT_STRING, &o.fifo, 0, 0, NULL, "PATH", "where the pcapng goes"},
	    {"endpoint", 0, OPT_STRING, &o.endpoint, 0, 0, NULL, "ENDPOINT",
	     "what to listen on (default " EXTCAP_DEFAULT ")"},
	    {"stamp", 0, OPT_STRING, &o.stamp, 0, 0, NULL, "SRC", "auto|hw|sw|none"},
	    {"rx", 0, OPT_STRING, &o.rx, 0, 0, NULL, "PATH", "auto|uring|mmsg|msg"},
	    {"snaplen", 0, OPT_UINT, &o.snaplen, 1, 262144, NULL, "N",
	     "bytes of each frame to keep"},
	    {0},
	};
	int first = opts_parse("extcap", tab, argc, argv);

	if (first == -2) {
		opts_usage(stdout, "--extcap-interfaces | --extcap-interface " EXTCAP_IFACE, "...",
		           tab);
		return 0;
	}
	if (first < 0) {
		return 1;
	}
	if (first < argc) {
		tsc_err("extcap: unexpected argument '%s'", argv[first]);
		return 1;
	}
	if (o.interfaces) {
		print_interfaces();
		return 0;
	}
	if (!o.iface) {
		tsc_err("extcap: no --extcap-interface given (tscap offers " EXTCAP_IFACE ")");
		return 1;
	}
	if (strcmp(o.iface, EXTCAP_IFACE) != 0) {
		tsc_err("extcap: no interface '%s' here (tscap offers " EXTCAP_IFACE ")", o.iface);
		return 1;
	}
	if (o.dlts) {
		print_dlts();
		return 0;
	}
	if (o.config) {
		print_config();
		return 0;
	}
	if (o.capture) {
		return capture(&o);
	}
	if (o.filter) {
		return check_filter(&o);
	}
	tsc_err("extcap: nothing asked: give --extcap-dlts, --extcap-config or --capture");
	return 1;
}
