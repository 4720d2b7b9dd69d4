/* output.h: record writers for `badcreds dump`, chosen by name from one table (xml, jsonl). */
#ifndef BADCREDS_OUTPUT_H
#define BADCREDS_OUTPUT_H

#include <stdbool.h>

#include "badcreds/arena.h"
#include "badcreds/event.h"
#include "badcreds/strbuf.h"

/* How the row reports (lockouts, coverage, prt) are written: CSV, JSON lines, or a readable block per row. */
enum row_format { FORMAT_CSV, FORMAT_JSONL, FORMAT_TEXT };

struct bx_chunk;    /* a record's Binary XML document (internal: src/evtx/binxml.h) */
struct bx_fragment;

/* What a writer gets for one record: the event model, and the full document for writers that render it all. */
struct output_record {
	const struct event *event;
	struct bx_chunk *chunk;            /* the record's Binary XML document; NULL when the record did not come from
					    * EVTX (then event.xml_element is the document) */
	const struct bx_fragment *fragment;
	struct arena *arena;               /* for nested values compiled while walking */
};

struct output_format {
	const char *name;
	const char *description;
	bool needs_event;       /* writes from the event model (else only its flags and source are set) */
	/* Appends one record's text to out; false (with *err) if the document could not be walked. */
	bool (*write)(struct strbuf *out, const struct output_record *r, const char **err);
};

extern const struct output_format output_xml;
extern const struct output_format output_jsonl;

const struct output_format *output_find(const char *name);

/* Escaping shared by the writers. */
void xml_escape(struct strbuf *out, const char *s, size_t n, bool attribute);
void xml_escape_utf16(struct strbuf *out, const uint8_t *utf16, size_t nbytes, bool attribute); /* to UTF-8 */
void json_escape(struct strbuf *out, const char *s, size_t n);
/* The character s starts with when a terminal would act on it without showing it: a C1 control (U+009B is CSI),
 * U+061C, the line and paragraph separators, the bidirectional controls (U+200E/F, U+202A-U+202E, U+2066-U+2069);
 * its length in *len. Else 0. XML and JSON writers escape these, though both could carry them as they are. */
uint32_t output_hidden_char(const char *s, size_t n, size_t *len);
/* Text inside an XML comment (a file name): valid UTF-8, control characters as their Control Pictures, and no "--"
 * nor a final "-" (the second hyphen of a pair, and a last one, become U+2010 HYPHEN), so the comment stays one
 * well-formed line. */
void xml_comment_text(struct strbuf *out, const char *s);
/* One CSV cell (quoted by libcsv): formulas neutralised with a leading apostrophe; with `visible` (a report shown on
 * a terminal) control characters shown as text_visible does. */
void csv_cell(struct strbuf *row, const char *text, size_t n, bool visible);

#endif
