/* row_report.h: the one writer of the row reports (lockouts, coverage, prt; row_report.c): each report declares its
 * columns and how a row's cells read, the writer lays them out as CSV (guarded cells), JSON lines or a block per row
 * for people, written in large pieces. Internal to src/output. */
#ifndef BADCREDS_ROW_REPORT_H
#define BADCREDS_ROW_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "badcreds/output.h"
#include "badcreds/report.h"

struct row_report {
	size_t ncolumns;
	const char *(*header)(size_t column);  /* the CSV header of a column */
	const char *(*key)(size_t column);     /* its JSON key */
	/* A cell as text (CSV and the blocks); ctx: the report's settings, as given to row_report_write. */
	void (*text)(struct strbuf *out, const void *row, size_t column, const void *ctx);
	/* A cell as a JSON value; tmp: scratch space. */
	void (*json)(struct strbuf *out, struct strbuf *tmp, const void *row, size_t column, const void *ctx);
	/* A row as a block for people. */
	void (*block)(struct strbuf *out, struct strbuf *tmp, const void *row, const void *ctx);
	/* What comes before the rows in a format besides the CSV header (optional). */
	void (*preface)(struct strbuf *out, enum row_format format, size_t n, const void *ctx);
};

/* The i-th item of an evidence list: "EVENTID@FILE#RECORD" (space separated), or in JSON {"file", "event_id",
 * "record_id"} (comma separated; the caller writes the brackets). */
void row_evidence_item(struct strbuf *out, bool json, size_t i, const char *file, uint32_t event_id,
		       uint64_t record_id);

/* rows: n rows of `size` bytes each. False if writing failed. */
bool row_report_write(struct out_file *o, const struct row_report *r, const void *rows, size_t size, size_t n,
		      enum row_format format, const void *ctx);

#endif
