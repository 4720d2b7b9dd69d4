/* csv_cell.c: one CSV cell, quoted by libcsv. Text a spreadsheet would run as a formula gets a leading apostrophe
 * (user names come from a login page); for a report shown on a terminal, control characters are made visible. */
#include <csv.h>

#include "badcreds/output.h"
#include "badcreds/text.h"

/* libcsv's quoted form of n bytes at the end of the row, in one call: room for the most it can write (every byte a
 * doubled quote, and the two around them) reserved first, instead of asking it for the size. */
static void quoted(struct strbuf *row, const char *text, size_t n)
{
	size_t most = 2 * n + 2;
	sb_reserve(row, most);
	row->len += csv_write(row->data + row->len, most, text, n);
}

void csv_cell(struct strbuf *row, const char *text, size_t n, bool visible)
{
	bool formula = text_is_formula(text, n);
	if (!formula && !visible) { /* the text as it is: quoted straight into the row */
		quoted(row, n ? text : "", n);
		return;
	}
	struct strbuf cell = {0};
	if (formula)
		sb_addc(&cell, '\'');
	if (visible)
		text_visible(&cell, text, n);
	else
		sb_add(&cell, text, n);
	quoted(row, cell.data ? cell.data : "", cell.len);
	sb_free(&cell);
}
