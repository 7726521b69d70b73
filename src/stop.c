#include "stop.h"

#include <stddef.h>

volatile sig_atomic_t tsc_stop;

static void on_signal(int sig)
{
	tsc_stop = sig;
}

void tsc_stop_on_signals(void)
{
	struct sigaction sa = {.sa_handler = on_signal};

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL); /* a closed terminal still ends the run cleanly */
}
