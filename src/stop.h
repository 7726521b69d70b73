/* Stopping a run: SIGINT, SIGTERM and SIGHUP set a flag the loops test, so
 * every command ends its own way (drain and summary, putting a NIC's
 * config back) instead of dying mid-write. */
#ifndef TSCAP_STOP_H
#define TSCAP_STOP_H

#include <signal.h>

/* The signal that asked to stop, 0 while running; a thread may set it
 * too, to stop the others. */
extern volatile sig_atomic_t tsc_stop;

void tsc_stop_on_signals(void);

#endif
