/* tscap: subcommand dispatch. */
#include <stdio.h>
#include <string.h>

#include "cmds.h"
#include "extcap.h"
#include "log.h"
#include "version.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *what;
} commands[] = {
    {"capture", cmd_capture, "capture UDP with kernel/NIC stamps to nanosecond pcapng"},
    {"read", cmd_read, "print a pcapng file's packets with every stamp"},
    {"matrix", cmd_matrix, "which control messages this kernel delivers, tried live"},
    {"ping", cmd_ping, "latency to a STAMP reflector from kernel/NIC stamps"},
    {"probe", cmd_probe, "what an interface really delivers: stamps that crossed it"},
    {"reflect", cmd_reflect, "answer STAMP (RFC 8762) probes with kernel/NIC stamps"},
    {"send", cmd_send, "send numbered, time-stamped UDP load (sendmmsg, paced)"},
};

static void usage(FILE *f)
{
	fprintf(f, "usage: tscap COMMAND [options]   (tscap help COMMAND, or tscap COMMAND "
	           "--help, for more)\n\n");
	for (unsigned i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].what);
	}
	fprintf(f, "\nAlso: tscap --version; the manual: man tscap\n");
}

/* tscap help COMMAND: the same as tscap COMMAND --help. */
static int help(const char *name)
{
	for (unsigned i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (!strcmp(name, commands[i].name)) {
			char *argv[] = {(char *)commands[i].name, "--help", NULL};
			return commands[i].run(2, argv);
		}
	}
	tsc_err("help: unknown command '%s' (see tscap --help)", name);
	return 1;
}

int main(int argc, char **argv)
{
	if (extcap_called(argc, argv)) { /* Wireshark, through a link in its extcap folder */
		return cmd_extcap(argc, argv);
	}
	if (argc < 2) {
		usage(stderr);
		return 1;
	}
	if (!strcmp(argv[1], "help") && argc > 2) {
		return help(argv[2]);
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("tscap %s\n", tscap_version);
		return 0;
	}
	for (unsigned i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (!strcmp(argv[1], commands[i].name)) {
			return commands[i].run(argc - 1, argv + 1);
		}
	}
	tsc_err("unknown command '%s' (see tscap --help)", argv[1]);
	return 1;
}
