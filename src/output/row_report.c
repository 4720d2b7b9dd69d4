/* row_report.c: the row reports' one writer (row_report.h): the CSV header and rows through csv_cell (formula guard;
 * control characters visible on a terminal), JSON lines with each report's typed values, or a block per row. */
#include <string.h>

#include "row_report.h"

static void csv_row(struct strbuf *out, struct strbuf *tmp, const struct row_report *r, const void *row,
		    const void *ctx, bool visible)
{
	for (size_t c = 0; c < r->ncolumns; c++) {
		if (c)
			sb_addc(out, ',');
		tmp->len = 0;
		r->text(tmp, row, c, ctx);
		csv_cell(out, tmp->data ? tmp->data : "", tmp->len, visible);
	}
	sb_adds(out, "\r\n");
}

static void json_row(struct strbuf *out, struct strbuf *tmp, const struct row_report *r, const void *row,
		     const void *ctx)
{
	sb_addc(out, '{');
	for (size_t c = 0; c < r->ncolumns; c++) {
		const char *key = r->key(c);
		if (c)
			sb_addc(out, ',');
		json_escape(out, key, strlen(key));
		sb_addc(out, ':');
		r->json(out, tmp, row, c, ctx);
	}
	sb_adds(out, "}\n");
}

void row_evidence_item(struct strbuf *out, bool json, size_t i, const char *file, uint32_t event_id,
		       uint64_t record_id)
{
	if (!json) {
		sb_adds(out, i ? " " : "");
		sb_add_u64(out, event_id);
		sb_addc(out, '@');
		sb_adds(out, file);
		sb_addc(out, '#');
		sb_add_u64(out, record_id);
		return;
	}
	sb_adds(out, i ? ",{\"file\":" : "{\"file\":");
	json_escape(out, file, strlen(file));
	sb_adds(out, ",\"event_id\":");
	sb_add_u64(out, event_id);
	sb_adds(out, ",\"record_id\":");
	sb_add_u64(out, record_id);
	sb_addc(out, '}');
}

bool row_report_write(struct out_file *o, const struct row_report *r, const void *rows, size_t size, size_t n,
		      enum row_format format, const void *ctx)
{
	struct strbuf buf = {0}, tmp = {0};
	bool ok = true, visible = out_is_terminal(o);
	if (r->preface)
		r->preface(&buf, format, n, ctx);
	for (size_t c = 0; format == FORMAT_CSV && c < r->ncolumns; c++) {
		const char *header = r->header(c);
		sb_adds(&buf, c ? "," : "");
		csv_cell(&buf, header, strlen(header), false);
	}
	if (format == FORMAT_CSV)
		sb_adds(&buf, "\r\n");
	for (size_t i = 0; i < n && ok; i++) {
		const void *row = (const char *)rows + i * size;
		if (format == FORMAT_CSV)
			csv_row(&buf, &tmp, r, row, ctx, visible);
		else if (format == FORMAT_JSONL)
			json_row(&buf, &tmp, r, row, ctx);
		else
			r->block(&buf, &tmp, row, ctx);
		ok = out_write_buffer(o, &buf, false);
	}
	ok = ok && out_write_buffer(o, &buf, true);
	sb_free(&buf);
	sb_free(&tmp);
	return ok;
}
