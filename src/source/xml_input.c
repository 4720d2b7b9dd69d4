/* xml_input.c: event XML exports: `wevtutil qe /f:xml` output (events back to back, no root), Event Viewer "Save as
 * XML" (an <Events> root), in UTF-8 or UTF-16 (either byte order, with or without a byte order mark; declarations
 * such as AD FS's "utf-16" over UTF-8 text are ignored). The file is cut into its <Event> elements by a scanner that
 * knows only where markup starts and ends (tags, quoted attribute values, comments, CDATA, processing instructions,
 * DOCTYPE; an <Event> start tag inside an event, or its end tag with elements still open, ends the damaged one);
 * each event is cleaned (xml_text_clean) and parsed alone by libxml2, without network access, DTD or entity
 * expansion, into the same event model as EVTX records. A damaged event costs only itself: it is read as far
 * as libxml2's recovery goes and flagged, or skipped with a message naming its offset; the events after it are read.
 * Markup that never ends (a "<!--" or "<?" with no close, between events or inside one) is passed over with a
 * message, not taken to hold the rest of the file. */
#include "badcreds/source.h"
#include "event/xml_event.h"
#include "event/xml_text.h"
#include "source/input.h"

#include <errno.h>
#include <inttypes.h>
#include <libxml/parser.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { READ_SIZE = 256 * 1024, MAX_EVENT = 16 << 20 }; /* an event, a comment, a tag: at most MAX_EVENT bytes */

/* The file's bytes [base, base + len), read as needed and dropped once the scanner is past them; positions are file
 * offsets. The scanner looks at code units (1 or 2 bytes). */
struct scanner {
	int fd;
	enum xml_encoding enc;
	unsigned unit;
	uint8_t *buf;
	size_t len, cap;
	uint64_t base;
	uint64_t keep;             /* bytes before it may be dropped */
	bool eof;
	int read_errno;            /* 0, or why a read failed */
	struct diag *d;
	struct searched {          /* for each of past()'s ends ("-->", "]]>", "?>"): none of it starts in [from, to), so
				    * that markup left open again and again is not searched to the end each time */
		uint64_t from, to;
	} searched[3];
	uint64_t doctype_scanned;  /* bytes the DOCTYPEs' searches for their end looked at (see markup) */
};

static bool fill(struct scanner *s, uint64_t off, size_t want);

/* Whether bytes [off, off + want) are in the buffer, reading them if need be; false if the file ends first. */
static inline bool have(struct scanner *s, uint64_t off, size_t want)
{
	return (off >= s->base && off + want <= s->base + s->len) || fill(s, off, want);
}

static bool fill(struct scanner *s, uint64_t off, size_t want)
{
	while (s->base + s->len < off + want && !s->eof) {
		size_t gone = s->keep > s->base ? (size_t)(s->keep - s->base) : 0;
		if (gone > s->len)
			gone = s->len;
		if (gone >= READ_SIZE && gone * 2 >= s->len) { /* what the scanner is past */
			memmove(s->buf, s->buf + gone, s->len - gone);
			s->len -= gone;
			s->base += gone;
		}
		if (s->cap - s->len < READ_SIZE) {
			s->cap = s->cap ? 2 * s->cap : 2 * READ_SIZE;
			s->buf = realloc(s->buf, s->cap);
			if (!s->buf)
				abort();
		}
		ssize_t n = read(s->fd, s->buf + s->len, READ_SIZE);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			s->read_errno = errno;
		if (n <= 0)
			s->eof = true;
		else
			s->len += (size_t)n;
	}
	return off >= s->base && off + want <= s->base + s->len;
}

/* The code unit at a file offset that have() made available. */
static uint32_t unit_at(const struct scanner *s, uint64_t off)
{
	const uint8_t *p = s->buf + (off - s->base);
	if (s->unit == 1)
		return p[0];
	return s->enc == XML_UTF16LE ? (uint32_t)p[0] | (uint32_t)p[1] << 8 : (uint32_t)p[0] << 8 | p[1];
}

static bool tag_start(uint32_t c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '/' || c == '!' || c == '?' || c == '_';
}

/* The position of the next '<' at or after i, or `limit` if there is none before it; UINT64_MAX at the end of the
 * file. Outside an event (no limit), what is passed over may be dropped. UTF-16 text that a byte too many or too
 * few has put out of step is taken up again at the next '<' one byte further on (reported). */
static uint64_t next_markup(struct scanner *s, uint64_t i, uint64_t limit)
{
	for (;;) {
		if (limit == UINT64_MAX)
			s->keep = i;
		if (i >= limit)
			return limit;
		if (s->unit == 1 && have(s, i, 1)) {
			size_t at = (size_t)(i - s->base), n = s->len - at;
			if (n > limit - i)
				n = (size_t)(limit - i);
			const uint8_t *p = memchr(s->buf + at, '<', n);
			if (p)
				return s->base + (uint64_t)(p - s->buf);
			i += n;
			continue;
		}
		for (; s->unit == 2 && i < limit && have(s, i, 2); i += 2) {
			if (unit_at(s, i) == '<')
				return i;
			if (have(s, i + 1, 4) && unit_at(s, i + 1) == '<' && tag_start(unit_at(s, i + 3))) {
				diag_report(s->d, DIAG_ERROR, i + 1, "UTF-16 text out of step (a byte missing or extra before "
					    "here): read on from this offset");
				return i + 1;
			}
		}
		if (!have(s, i, s->unit))
			return UINT64_MAX;
	}
}

/* Whether the units at i spell the ASCII text t. */
static bool spells(struct scanner *s, uint64_t i, const char *t)
{
	size_t n = strlen(t);
	if (!have(s, i, n * s->unit))
		return false;
	for (size_t k = 0; k < n; k++)
		if (unit_at(s, i + k * s->unit) != (unsigned char)t[k])
			return false;
	return true;
}

/* The position just after the first `t` (the end of searched[which]) in [i, limit); 0 if there is none. A search
 * that starts inside a stretch already searched in vain goes on from its end. */
static uint64_t past(struct scanner *s, uint64_t i, uint64_t limit, const char *t, unsigned which)
{
	struct searched *none = &s->searched[which];
	size_t n = strlen(t) * s->unit;
	bool within = i >= none->from && i <= none->to && (i - none->from) % s->unit == 0;
	uint64_t k = within ? none->to : i;
	for (; k < limit && have(s, k, n); k += s->unit)
		if (spells(s, k, t))
			return k + n;
	if (!within)
		none->from = i;
	none->to = k;
	return 0;
}

static bool name_end(uint32_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '>' || c == '/' || c == '<';
}

enum markup { M_START, M_EMPTY, M_END, M_OTHER };

/* Inside an event, markup that has no place there (a processing instruction, a DOCTYPE) is damage: it ends at the
 * next '>' or before the next '<', whichever comes first. */
static uint64_t broken(struct scanner *s, uint64_t k, uint64_t limit)
{
	for (; k < limit && have(s, k, s->unit); k += s->unit) {
		uint32_t c = unit_at(s, k);
		if (c == '<')
			return k;
		if (c == '>')
			return k + s->unit;
	}
	return 0;
}

/* The markup at i (a '<'): its kind, whether its local name is "Event", and the position just after it (0 if it
 * does not end within MAX_EVENT bytes or before the end of the file). `inside`: within an event. A tag that meets
 * a '<' before its '>' (a damaged quote or bracket) ends there, so that damage does not swallow the events after it. */
static uint64_t markup(struct scanner *s, uint64_t i, bool inside, enum markup *kind, bool *event)
{
	size_t u = s->unit;
	uint64_t limit = i + MAX_EVENT;
	*event = false;
	*kind = M_OTHER;
	uint32_t second = have(s, i, 2 * u) ? unit_at(s, i + u) : 0;
	if (second == '!' && spells(s, i, "<!--"))
		return past(s, i + 4 * u, limit, "-->", 0);
	if (second == '!' && spells(s, i, "<![CDATA["))
		return past(s, i + 9 * u, limit, "]]>", 1);
	if ((second == '?' || second == '!') && inside)
		return broken(s, i + 2 * u, limit);
	if (second == '?')
		return past(s, i + 2 * u, limit, "?>", 2);
	if (second == '!' && s->doctype_scanned > 2 * (uint64_t)MAX_EVENT) /* DOCTYPEs left open again and again */
		return broken(s, i + 2 * u, limit);
	if (second == '!') { /* DOCTYPE: up to its '>', past an internal subset in brackets */
		int depth = 0;
		for (uint64_t k = i + 2 * u; k < limit && have(s, k, u); k += u, s->doctype_scanned += u) {
			uint32_t c = unit_at(s, k);
			depth += c == '[' ? 1 : c == ']' ? -1 : 0;
			if (c == '>' && depth <= 0)
				return k + u;
		}
		return 0;
	}
	bool end = second == '/';
	uint64_t k = i + (end ? 2 : 1) * u, name = k, colon = 0;
	while (k < limit && have(s, k, u) && !name_end(unit_at(s, k))) {
		if (unit_at(s, k) == ':')
			colon = k + u;
		k += u;
	}
	uint64_t local = colon ? colon : name;
	*event = k - local == 5 * u && spells(s, local, "Event");
	uint32_t quote = 0, prev = 0;
	for (; k < limit && have(s, k, u); k += u) { /* attributes: a '>' inside quotes does not end the tag */
		uint32_t c = unit_at(s, k);
		if (c == '<') { /* no '<' in a tag, quoted or not: this one is damaged */
			*kind = end ? M_END : M_START;
			return k;
		}
		if (quote) {
			quote = c == quote ? 0 : quote;
		} else if (c == '"' || c == '\'') {
			quote = c;
		} else if (c == '>') {
			*kind = end ? M_END : prev == '/' ? M_EMPTY : M_START;
			return k + u;
		}
		prev = c;
	}
	return 0;
}

struct reader {
	const char *name;
	const struct event_sink *sink;
	struct diag *d;
	struct source_stats *st;
	struct arena arena;
	struct strbuf text;
	unsigned long events, skipped;
	xmlParserCtxtPtr ctxt;    /* one parser for all the events */
	char error[200];          /* libxml2's first error about the event being parsed */
};

static void on_error(void *ctx, xmlErrorPtr e)
{
	struct reader *r = ctx;
	if (e->level >= XML_ERR_ERROR && !r->error[0]) {
		snprintf(r->error, sizeof r->error, "%s", e->message ? e->message : "error");
		r->error[strcspn(r->error, "\n")] = 0;
	}
}

/* Attributes an event may have: a Windows event has a few dozen. libxml2 checks each attribute of an element
 * against the others, so 100,000 of them in one 1 MiB event took minutes of CPU. */
enum { MAX_ATTRIBUTES = 10000 };

/* Attribute values begun in the text: '=' then a quote, outside or inside tags alike (an upper bound). */
static size_t attribute_count(const char *s, size_t n)
{
	size_t count = 0;
	for (const char *p = s, *end = s + n; (p = memchr(p, '=', (size_t)(end - p))) != NULL && p + 1 < end; p++)
		count += p[1] == '"' || p[1] == '\'';
	return count;
}

/* One event's bytes: parsed strictly, else as far as libxml2's recovery goes (flagged damaged), else skipped (also
 * with too many attributes). */
static void parse_event(struct reader *r, const uint8_t *p, size_t n, uint64_t offset, enum xml_encoding enc)
{
	r->text.len = 0;
	xml_text_clean(&r->text, p, n, enc);
	if (attribute_count(r->text.data ? r->text.data : "", r->text.len) > MAX_ATTRIBUTES) {
		diag_report(r->d, DIAG_ERROR, offset, "event with more than %d attributes skipped (a Windows event has a "
			    "few dozen)", MAX_ATTRIBUTES);
		r->d->skipped_records++;
		r->skipped++;
		return;
	}
	int options = XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_COMPACT | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
	r->error[0] = 0;
	xmlDocPtr doc = NULL;
	bool damaged = false;
	xmlSetStructuredErrorFunc(r, on_error);
	for (int pass = 0; pass < 2 && !doc; pass++) {
		doc = xmlCtxtReadMemory(r->ctxt, r->text.data ? r->text.data : "", (int)r->text.len, "event.xml", "UTF-8",
					options | (pass ? XML_PARSE_RECOVER : 0));
		damaged = pass == 1;
	}
	xmlSetStructuredErrorFunc(NULL, NULL);
	xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
	if (!root || strcmp(xml_local_name(root->name), "Event") != 0) {
		diag_report(r->d, DIAG_ERROR, offset, "event skipped: %s", r->error[0] ? r->error : "not an element");
		r->d->skipped_records++;
		r->skipped++;
		xmlFreeDoc(doc);
		return;
	}
	if (damaged)
		diag_report(r->d, DIAG_ERROR, offset, "damaged event read as far as it goes: %s", r->error);
	arena_reset(&r->arena);
	struct event ev;
	event_from_xml(&ev, root, &r->arena);
	ev.source = r->name;
	ev.xml_element = root;
	ev.damaged = ev.recovered = damaged;
	ev.file_offset = offset;
	r->events++;
	r->st->records++;
	if (ev.has & EV_HAS_TIME)
		source_stats_time(r->st, ev.time_created);
	sink_offer(r->sink, &ev);
	xmlFreeDoc(doc);
}

/* The encoding from the first bytes; *skip is the length of a byte order mark. */
static enum xml_encoding encoding(const uint8_t *p, size_t n, size_t *skip)
{
	*skip = 0;
	if (n >= 2 && p[0] == 0xff && p[1] == 0xfe)
		return *skip = 2, XML_UTF16LE;
	if (n >= 2 && p[0] == 0xfe && p[1] == 0xff)
		return *skip = 2, XML_UTF16BE;
	if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
		return *skip = 3, XML_UTF8;
	if (n >= 2 && p[0] == '<' && p[1] == 0)
		return XML_UTF16LE;
	if (n >= 2 && p[0] == 0 && p[1] == '<')
		return XML_UTF16BE;
	return XML_UTF8;
}

static bool probe_xml(const uint8_t *head, size_t n)
{
	size_t skip;
	enum xml_encoding enc = encoding(head, n, &skip);
	size_t unit = enc == XML_UTF8 ? 1 : 2, low = enc == XML_UTF16BE; /* UTF-16: the ASCII byte of each unit */
	for (; skip + unit <= n; skip += unit) { /* the first character but blanks is '<' (a text export is not XML) */
		uint8_t c = head[skip + low];
		if (unit == 2 && head[skip + 1 - low])
			return false;
		if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
			return c == '<';
	}
	return false;
}

/* One event's bytes [start, end), if it is not too large. */
static void event_at(struct reader *r, struct scanner *s, uint64_t start, uint64_t end)
{
	if (end - start > MAX_EVENT) {
		diag_report(r->d, DIAG_ERROR, start, "event larger than %d MiB skipped", MAX_EVENT >> 20);
		r->d->skipped_records++;
		r->skipped++;
		return;
	}
	parse_event(r, s->buf + (start - s->base), (size_t)(end - start), start, s->enc);
}

static bool read_xml(int fd, const char *name, const struct source_options *opt, const struct event_sink *sink,
		     struct diag *d, struct source_stats *st)
{
	(void)opt;
	if (lseek(fd, 0, SEEK_SET) != 0) {
		diag_report(d, DIAG_ERROR, DIAG_NO_OFFSET, "cannot rewind: %s", strerror(errno));
		return false;
	}
	struct scanner s = {.fd = fd, .d = d};
	struct reader r = {.name = name, .sink = sink, .d = d, .st = st, .ctxt = xmlNewParserCtxt()};
	if (!r.ctxt)
		abort();
	size_t skip;
	have(&s, 0, 4);
	s.enc = encoding(s.buf, s.len, &skip);
	s.unit = s.enc == XML_UTF8 ? 1 : 2;
	uint64_t i = skip, start = 0; /* scanning position; where the open event started */
	unsigned depth = 0;           /* elements open inside the current event */
	for (;;) {
		s.keep = depth ? start : i;
		i = next_markup(&s, i, depth ? start + MAX_EVENT + 1 : UINT64_MAX);
		if (i == UINT64_MAX)
			break;
		if (depth && i > start + MAX_EVENT) {
			diag_report(d, DIAG_ERROR, start, "event larger than %d MiB skipped", MAX_EVENT >> 20);
			d->skipped_records++;
			r.skipped++;
			depth = 0;
			continue;
		}
		enum markup kind;
		bool event;
		uint64_t after = markup(&s, i, depth > 0, &kind, &event);
		bool at_end = !after && s.eof && s.base + s.len - i < MAX_EVENT; /* the file ends inside this markup */
		if (at_end && next_markup(&s, i + s.unit, s.base + s.len) >= s.base + s.len)
			break; /* cut off in it: nothing after it to read */
		if (!after) { /* a comment, a processing instruction or a tag never closed: not the rest of the file */
			if (at_end)
				diag_report(d, DIAG_ERROR, i, "markup that does not end before the end of the file: passed "
					    "over");
			else
				diag_report(d, DIAG_ERROR, i, "markup that does not end within %d MiB: passed over",
					    MAX_EVENT >> 20);
			i += s.unit;
			continue;
		}
		if (depth && event && kind == M_START) { /* events do not nest: the open one was never closed */
			event_at(&r, &s, start, i);
			depth = 0;
		}
		if (!depth && event && (kind == M_START || kind == M_EMPTY)) {
			start = i;
			depth = kind == M_START;
			if (!depth)
				event_at(&r, &s, start, after);
		} else if (depth && kind == M_START) {
			depth++;
		} else if (depth && kind == M_END && (--depth == 0 || event)) { /* </Event> ends it, closed inside or not */
			event_at(&r, &s, start, after);
			depth = 0;
		}
		i = after;
	}
	if (depth) /* cut off: what there is of it */
		event_at(&r, &s, start, s.base + s.len);
	if (s.read_errno)
		diag_report(d, DIAG_ERROR, DIAG_NO_OFFSET, "read error: %s", strerror(s.read_errno));
	if (r.events == 0 && !r.skipped)
		diag_report(d, DIAG_ERROR, DIAG_NO_OFFSET, "XML holds no events");
	free(s.buf);
	xmlFreeParserCtxt(r.ctxt);
	sb_free(&r.text);
	arena_free(&r.arena);
	return r.events > 0;
}

const struct input_format input_xml = {.name = "xml", .probe = probe_xml, .read = read_xml};
