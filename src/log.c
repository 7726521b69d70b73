#include "log.h"

#include <stdarg.h>
#include <stdio.h>

int tsc_verbose;

__attribute__((format(printf, 2, 0))) static void vline(const char *prefix, const char *fmt,
                                                        va_list ap)
{
	char line[1024];

	vsnprintf(line, sizeof(line), fmt, ap);
	/* One write so lines from concurrent processes do not interleave. */
	fprintf(stderr, "tscap: %s%s\n", prefix, line);
}

void tsc_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline("", fmt, ap);
	va_end(ap);
}

void tsc_note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline("", fmt, ap);
	va_end(ap);
}

void tsc_dbg_(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline("debug: ", fmt, ap);
	va_end(ap);
}
