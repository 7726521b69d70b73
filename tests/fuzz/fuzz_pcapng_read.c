/* `tscap read` on arbitrary bytes: the reader (src/pcapng_read.c) with its
 * promises checked, then the command itself (src/cmd_read.c, reading
 * stdin) with its output captured.
 *
 * Reader: every packet's bytes are inside the block it came from (ASan
 * sees each of them read), every block names an interface the section
 * has, nothing is consumed past the end, the walk ends (each event costs
 * at least 12 bytes), and an error is one line.
 *
 * Command: exit 0 with nothing on stderr, or exit 1 with exactly one line
 * "tscap: read: -: ..."; one output line per packet and "# packets: N"
 * with the number the reader found; no leak (LeakSanitizer). */
#include "fuzz.h"

#include <inttypes.h>

#include "cmds.h"
#include "pcapng_read.h"

static FILE *open_bytes(const uint8_t *data, size_t size)
{
	/* fmemopen refuses a zero-length buffer; an empty file it is */
	FILE *f = size ? fmemopen((void *)data, size, "rb") : fopen("/dev/null", "rb");

	FUZZ_ASSERT(f != NULL, "cannot open the input as a stream");
	return f;
}

static int err_ok(const char *err)
{
	size_t n = strnlen(err, 160);

	return n > 0 && n < 160 && !memchr(err, '\n', n);
}

/* The reader alone; returns the packets it yields before the end or an
 * error, as cmd_read counts them. */
static uint64_t reader(const uint8_t *data, size_t size)
{
	static struct rd_file r; /* 256 interfaces: too big for the stack */
	struct rd_event ev;
	FILE *f = open_bytes(data, size);
	uint64_t packets = 0, events = 0;
	int got;

	if (rd_open_stream(&r, f) < 0) {
		FUZZ_ASSERT(err_ok(r.err), "open error is not one line: '%s'", r.err);
		rd_close(&r);
		fclose(f);
		return 0;
	}
	while ((got = rd_next(&r, &ev)) > 0) {
		FUZZ_ASSERT(++events <= size / 12 + 1, "%" PRIu64 " events from %zu bytes", events,
		            size);
		FUZZ_ASSERT(ev.if_id < (uint32_t)r.n_if, "interface %u of %d", ev.if_id, r.n_if);
		FUZZ_ASSERT(r.offset <= size, "consumed %" PRIu64 " of %zu bytes", r.offset, size);
		if (ev.kind == RD_STATS) {
			continue;
		}
		FUZZ_ASSERT(ev.kind == RD_PACKET, "event kind %d", ev.kind);
		FUZZ_ASSERT(ev.caplen == 0 ||
		                (ev.data >= r.blk && ev.data + ev.caplen <= r.blk + r.blkcap),
		            "packet bytes outside the block buffer");
		fuzz_touch(ev.data, ev.caplen);
		FUZZ_ASSERT(!ev.has_tscap || (ev.epb_clock <= TSC_CLOCK_COUNT &&
		                              ev.stamps.stamp_set < (1u << TSC_CLOCK_COUNT)),
		            "tscap option with clock %u, stamps 0x%x", ev.epb_clock,
		            ev.stamps.stamp_set);
		packets++;
	}
	FUZZ_ASSERT(got == 0 || err_ok(r.err), "error is not one line: '%s'", r.err);
	FUZZ_ASSERT(r.offset <= size, "consumed %" PRIu64 " of %zu bytes", r.offset, size);
	rd_close(&r);
	fclose(f);
	return packets;
}

static void command(const uint8_t *data, size_t size, uint64_t packets)
{
	char a0[] = "read", a1[] = "-";
	char *argv[] = {a0, a1, NULL};
	struct fuzz_capture out, err;
	FILE *saved_in = stdin;

	stdin = open_bytes(data, size);
	fuzz_capture_begin(&out, &stdout);
	fuzz_capture_begin(&err, &stderr);
	int rc = cmd_read(2, argv);
	fuzz_capture_end(&err);
	fuzz_capture_end(&out);
	fclose(stdin);
	stdin = saved_in;

	size_t err_lines = fuzz_count_char(err.buf, err.len, '\n');
	FUZZ_ASSERT(rc == 0 || rc == 1, "exit code %d", rc);
	FUZZ_ASSERT(rc == 1 || err.len == 0, "exit 0 with stderr '%s'", err.buf);
	FUZZ_ASSERT(rc == 0 || (err_lines == 1 && !strncmp(err.buf, "tscap: read: -: ", 16) &&
	                        err.buf[err.len - 1] == '\n'),
	            "exit 1 with %zu lines on stderr: '%s'", err_lines, err.buf);

	/* One line per packet, then '#' lines; the count is the reader's. */
	uint64_t lines = 0, said = UINT64_MAX;
	for (char *p = out.buf; p && *p;) {
		char *nl = strchr(p, '\n');
		FUZZ_ASSERT(nl != NULL, "output ends without a newline");
		if (*p != '#') {
			lines++;
		} else if (!strncmp(p, "# packets: ", 11)) {
			said = strtoull(p + 11, NULL, 10);
		}
		p = nl + 1;
	}
	/* (a file that cannot be opened gets no summary) */
	FUZZ_ASSERT((said == packets || (said == UINT64_MAX && rc == 1 && !packets)) &&
	                lines == packets,
	            "reader found %" PRIu64 " packets; tscap read prints %" PRIu64
	            " packet lines and says %" PRIu64,
	            packets, lines, said);
	fuzz_capture_free(&out);
	fuzz_capture_free(&err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	command(data, size, reader(data, size));
	return 0;
}
