/* report.h: the attempts report: columns declared once (CSV header, JSON key, value), written as CSV (libcsv) or
 * JSON lines into an output file that appears atomically. */
#ifndef BADCREDS_REPORT_H
#define BADCREDS_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "badcreds/attempt.h"
#include "badcreds/strbuf.h"

/* An output file: "-" is stdout; a name ending in .gz is gzip-compressed; strftime patterns (%Y%m%d) are expanded
 * with the local time; anything else is written to a temporary file beside it and renamed when complete. */
struct out_file;
struct out_file *out_open(const char *pattern, time_t now, char *err, size_t errlen);
bool out_write(struct out_file *o, const void *data, size_t len);
/* Writes what `buf` holds and empties it once it holds more than 1 MiB (`all`: whatever it holds); false if
 * writing failed. Rows are gathered in a buffer, written in large pieces. */
bool out_write_buffer(struct out_file *o, struct strbuf *buf, bool all);
const char *out_name(const struct out_file *o);
/* Whether the output is a terminal: CSV cells then show control characters visibly (JSON escapes them anyway). */
bool out_is_terminal(const struct out_file *o);
bool out_commit(struct out_file *o, char *err, size_t errlen); /* frees o */
void out_abort(struct out_file *o);                             /* removes the temporary file, frees o */

/* An --output pattern as it names a file now (%-patterns expanded; "-" stays "-"), or false and why in err: an
 * empty name, a control character before or after expansion. Checked as options are read: a usage error. */
bool out_name_expand(const char *pattern, char *name, size_t namelen, char *err, size_t errlen);
/* The whole life of an output: open `pattern`, write through `write`, commit. On failure prints why and returns
 * false, with "nothing" in `name` (empty when the output could not even be opened); on success `name` is the
 * expanded name as shown on a terminal (control and bidirectional characters made visible, text_visible). */
bool out_produce(const char *pattern, bool (*write)(struct out_file *o, void *ctx), void *ctx, char *name,
		 size_t namelen);

enum report_format { REPORT_CSV, REPORT_JSONL };

struct report_options {
	enum report_format format;
	bool compat;        /* only UserPrincipalName, IP Address, Time */
	bool local_time;    /* times with the local offset instead of UTC */
	bool bom;           /* UTF-8 byte order mark before the CSV, for Excel */
};

/* The report a row at a time: begin (the CSV header), rows, end (false if writing failed). */
struct report_writer {
	struct out_file *o;
	const struct report_options *opt;
	struct strbuf buf, value;
	size_t ncol;
	bool visible, ok;
};
void report_begin(struct report_writer *w, struct out_file *o, const struct report_options *opt);
void report_row(struct report_writer *w, const struct attempt *a);
bool report_end(struct report_writer *w);

#endif
