/* Messages for people: errors as one line "tscap: what failed: why",
 * debug lines only when asked (the level is checked before formatting). */
#ifndef TSCAP_LOG_H
#define TSCAP_LOG_H

extern int tsc_verbose;

void tsc_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void tsc_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void tsc_dbg_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define tsc_dbg(...)                                                                               \
	do {                                                                                       \
		if (tsc_verbose) {                                                                 \
			tsc_dbg_(__VA_ARGS__);                                                     \
		}                                                                                  \
	} while (0)

#endif
