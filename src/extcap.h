/* tscap as a Wireshark extcap program (see extcap.c). */
#ifndef TSCAP_EXTCAP_H
#define TSCAP_EXTCAP_H

/* 1 if Wireshark is calling: an --extcap-* argument, or --capture with
 * --fifo. The program name does not matter (it may be a symlink). */
int extcap_called(int argc, char **argv);

/* The extcap protocol; returns the exit code. */
int cmd_extcap(int argc, char **argv);

#endif
