/* tscap matrix: the control-message survey (SEED-TABLE.md) produced live
 * on the running kernel. The backend tries every cell for real; this file
 * only prints the result: a grid, the survey's own table shape in
 * Markdown, or JSON. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "cmds.h"
#include "json.h"
#include "log.h"
#include "options.h"

static const char *const state_names[] = {"ok", "not_compiled", "refused", "nothing", "wrong"};
/* One letter per × state in the grid, explained under it. */
static const char state_letter[] = {' ', 'c', 'r', 'n', 'w'};

struct matrix {
	const struct tsc_matrix_row *rows;
	const char *const *cols;
	unsigned n_rows, n_cols;
	struct tsc_matrix_cell *cells; /* n_rows × n_cols */
	char os[128];
};

static struct tsc_matrix_cell *cell(const struct matrix *m, unsigned r, unsigned c)
{
	return &m->cells[r * m->n_cols + c];
}

static void row_label(const struct tsc_matrix_row *r, char *out, size_t len)
{
	snprintf(out, len, "%s (%d, %d)", r->cmsg, r->level, r->type);
}

/* "unix stream" → family "unix", kind "stream". */
static void split_column(const char *col, char *family, size_t flen, const char **kind)
{
	const char *sp = strchr(col, ' ');
	size_t n = sp ? (size_t)(sp - col) : strlen(col);

	snprintf(family, flen, "%.*s", (int)n, col);
	*kind = sp ? sp + 1 : "";
}

/* The survey's "where" text: "unix stream, dgram; inet udp, tcp" for the
 * columns whose ok-ness equals want. */
static void where(const struct matrix *m, unsigned r, int want, char *out, size_t len)
{
	char last[32] = "", fam[32];
	size_t used = 0;

	out[0] = 0;
	for (unsigned c = 0; c < m->n_cols && used < len; c++) {
		const char *kind;
		if ((cell(m, r, c)->state == TSC_CELL_OK) != want) {
			continue;
		}
		split_column(m->cols[c], fam, sizeof(fam), &kind);
		int same = !strcmp(fam, last);
		int n =
		    snprintf(out + used, len - used, "%s%s%s%s", used ? (same ? ", " : "; ") : "",
		             same ? "" : fam, same ? "" : " ", kind);
		used += n > 0 ? (size_t)n : 0;
		snprintf(last, sizeof(last), "%s", fam);
	}
	if (!out[0]) {
		snprintf(out, len, "-");
	}
}

static void print_text(const struct matrix *m, int verbose)
{
	char label[96], fam[32];
	const char *kind;

	printf("Control messages on %s, each cell sent and received live:\n\n", m->os);
	printf("%-40s", "");
	for (unsigned c = 0; c < m->n_cols; c++) {
		split_column(m->cols[c], fam, sizeof(fam), &kind);
		printf(" %-6s", fam);
	}
	printf("\n%-40s", "cmsg (level, type)");
	for (unsigned c = 0; c < m->n_cols; c++) {
		split_column(m->cols[c], fam, sizeof(fam), &kind);
		printf(" %-6.6s", strcmp(kind, "seqpacket") ? kind : "seqpkt");
	}
	printf("\n");
	for (unsigned r = 0; r < m->n_rows; r++) {
		row_label(&m->rows[r], label, sizeof(label));
		printf("%-40s", label);
		for (unsigned c = 0; c < m->n_cols; c++) {
			const struct tsc_matrix_cell *x = cell(m, r, c);
			printf(x->state == TSC_CELL_OK ? " ✓     " : " ×%c    ",
			       state_letter[x->state]);
		}
		printf("\n");
	}
	printf("\n× c: not compiled in, r: refused (socket, setsockopt or sendmsg), "
	       "n: nothing arrived, w: content wrong\n");
	if (!verbose) {
		printf("(tscap matrix -v: what each cell saw)\n");
		return;
	}
	for (unsigned r = 0; r < m->n_rows; r++) {
		printf("\n%s\n", m->rows[r].cmsg);
		for (unsigned c = 0; c < m->n_cols; c++) {
			const struct tsc_matrix_cell *x = cell(m, r, c);
			printf("  %-15s %s %s\n", m->cols[c], x->state == TSC_CELL_OK ? "✓" : "×",
			       x->reason);
		}
	}
}

/* Markdown table cells must not contain '|'. */
static void md_text(const char *s)
{
	for (; *s; s++) {
		fputs(*s == '|' ? "\\|" : (char[]){*s, 0}, stdout);
	}
}

static void print_markdown(const struct matrix *m)
{
	char label[96], yes[256], no[256];

	printf("## %s (live, `tscap matrix`)\n\n", m->os);
	printf("| cmsg (level, type) | payload | ✓ where | × where |\n|---|---|---|---|\n");
	for (unsigned r = 0; r < m->n_rows; r++) {
		row_label(&m->rows[r], label, sizeof(label));
		where(m, r, 1, yes, sizeof(yes));
		where(m, r, 0, no, sizeof(no));
		printf("| %s %s | ", yes[0] != '-' ? "✓" : "×", label);
		md_text(m->rows[r].payload);
		printf(" | %s | %s |\n", yes, no);
	}
	printf("\n### Every cell\n\n| cmsg |");
	for (unsigned c = 0; c < m->n_cols; c++) {
		printf(" %s |", m->cols[c]);
	}
	printf("\n|---|");
	for (unsigned c = 0; c < m->n_cols; c++) {
		printf("---|");
	}
	printf("\n");
	for (unsigned r = 0; r < m->n_rows; r++) {
		printf("| %s |", m->rows[r].cmsg);
		for (unsigned c = 0; c < m->n_cols; c++) {
			const struct tsc_matrix_cell *x = cell(m, r, c);
			printf(" %s ", x->state == TSC_CELL_OK ? "✓" : "×");
			md_text(x->reason);
			printf(" |");
		}
		printf("\n");
	}
}

static void print_json(const struct matrix *m)
{
	printf("{");
	json_kv_str(stdout, 1, "os", m->os);
	printf(", \"columns\": [");
	for (unsigned c = 0; c < m->n_cols; c++) {
		printf("%s", c ? ", " : "");
		json_str(stdout, m->cols[c]);
	}
	printf("],\n \"rows\": [");
	for (unsigned r = 0; r < m->n_rows; r++) {
		const struct tsc_matrix_row *row = &m->rows[r];
		printf("%s\n  {", r ? "," : "");
		json_kv_str(stdout, 1, "id", row->id);
		json_kv_str(stdout, 0, "cmsg", row->cmsg);
		printf(", \"level\": %d, \"type\": %d", row->level, row->type);
		json_kv_str(stdout, 0, "payload", row->payload);
		printf(", \"cells\": [");
		for (unsigned c = 0; c < m->n_cols; c++) {
			const struct tsc_matrix_cell *x = cell(m, r, c);
			printf("%s\n    {", c ? "," : "");
			json_kv_str(stdout, 1, "column", m->cols[c]);
			printf(", \"ok\": %s", x->state == TSC_CELL_OK ? "true" : "false");
			json_kv_str(stdout, 0, "state", state_names[x->state]);
			json_kv_str(stdout, 0, "reason", x->reason);
			printf("}");
		}
		printf("]}");
	}
	printf("]}\n");
}

/* --os: what this build covers, without trying anything. */
static void print_os(const struct matrix *m, int json)
{
	if (json) {
		printf("{");
		json_kv_str(stdout, 1, "backend", TSCAP_BACKEND_NAME);
		json_kv_str(stdout, 0, "os", m->os);
		printf(", \"columns\": [");
		for (unsigned c = 0; c < m->n_cols; c++) {
			printf("%s", c ? ", " : "");
			json_str(stdout, m->cols[c]);
		}
		printf("], \"rows\": [");
		for (unsigned r = 0; r < m->n_rows; r++) {
			printf("%s{", r ? ", " : "");
			json_kv_str(stdout, 1, "id", m->rows[r].id);
			json_kv_str(stdout, 0, "cmsg", m->rows[r].cmsg);
			printf(", \"level\": %d, \"type\": %d}", m->rows[r].level, m->rows[r].type);
		}
		printf("]}\n");
		return;
	}
	printf("backend: %s (backends/%s), running on %s\n", TSCAP_BACKEND_NAME, TSCAP_BACKEND_NAME,
	       m->os);
	printf("columns: ");
	for (unsigned c = 0; c < m->n_cols; c++) {
		printf("%s%s", c ? ", " : "", m->cols[c]);
	}
	printf("\nrows (%u):\n", m->n_rows);
	for (unsigned r = 0; r < m->n_rows; r++) {
		char label[96];
		row_label(&m->rows[r], label, sizeof(label));
		printf("  %-22s %-44s %s\n", m->rows[r].id, label, m->rows[r].payload);
	}
	printf("cmsg decoders in this build (unit-tested on every host): linux, freebsd, xnu, "
	       "haiku\n");
}

int cmd_matrix(int argc, char **argv)
{
	int json = 0, markdown = 0, os = 0;
	const struct opt_spec tab[] = {
	    {"json", 0, OPT_FLAG, &json, 0, 0, NULL, NULL, "print JSON"},
	    {"markdown", 0, OPT_FLAG, &markdown, 0, 0, NULL, NULL,
	     "print Markdown tables shaped like the survey (SEED-TABLE.md)"},
	    {"verbose", 'v', OPT_FLAG, &tsc_verbose, 0, 0, NULL, NULL,
	     "say what each cell saw (the reason behind each ✓ and ×)"},
	    {"os", 0, OPT_FLAG, &os, 0, 0, NULL, NULL,
	     "print the backend and the rows this build covers, try nothing"},
	    {0},
	};
	int first = opts_parse("matrix", tab, argc, argv);
	struct matrix m = {0};
	char hw[64];

	if (first == -2) {
		opts_usage(stdout, "matrix", "[--json | --markdown] [-v] [--os]", tab);
		return 0;
	}
	if (first < 0) {
		return 1;
	}
	if (first != argc) {
		tsc_err("matrix: takes no arguments ('%s')", argv[first]);
		return 1;
	}
	if (json && markdown) {
		tsc_err("matrix: choose one of --json and --markdown");
		return 1;
	}
	m.n_rows = tsc_matrix_rows(&m.rows);
	m.n_cols = tsc_matrix_columns(&m.cols);
	if (os) {
		tsc_os_describe(m.os, sizeof(m.os), hw, sizeof(hw));
		print_os(&m, json);
		return 0;
	}
	m.cells = calloc((size_t)m.n_rows * m.n_cols, sizeof(*m.cells));
	if (!m.cells) {
		tsc_err("out of memory");
		return 1;
	}
	tsc_os_describe(m.os, sizeof(m.os), hw, sizeof(hw));
	/* A sending child that dies must not take tscap with it (SIGPIPE on
	 * the pipe to it): the cell says what happened instead. */
	signal(SIGPIPE, SIG_IGN);
	for (unsigned r = 0; r < m.n_rows; r++) {
		for (unsigned c = 0; c < m.n_cols; c++) {
			tsc_matrix_check(r, c, cell(&m, r, c));
		}
	}
	if (json) {
		print_json(&m);
	} else if (markdown) {
		print_markdown(&m);
	} else {
		print_text(&m, tsc_verbose);
	}
	free(m.cells);
	return 0;
}
