/* csv_cell.c: one CSV cell, quoted by libcsv. Text a spreadsheet would run as a formula gets a leading apostrophe
 * (user names come from a login page); for a report shown on a terminal, control characters are made visible. */
#include <csv.h>

#include "badcreds/output.h"
#include "badcreds/text.h"

void csv_cell(struct strbuf *row, const char *text, size_t n, bool visible)
{
	bool formula = text_is_formula(text, n);
	if (!formula && !visible) { /* the text as it is: quoted straight into the row */
		size_t need = csv_write(NULL, 0, n ? text : "", n);
		sb_reserve(row, need);
		row->len += csv_write(row->data + row->len, need, n ? text : "", n);
		return;
	}
	struct strbuf cell = {0};
	if (formula)
		sb_addc(&cell, '\'');
	if (visible)
		text_visible(&cell, text, n);
	else
		sb_add(&cell, text, n);
	const char *src = cell.data ? cell.data : "";
	size_t need = csv_write(NULL, 0, src, cell.len);
	sb_reserve(row, need);
	row->len += csv_write(row->data + row->len, need, src, cell.len);
	sb_free(&cell);
}
