/* xml_input.c: event XML exports read with libxml2's streaming reader, without network access or entity
 * expansion: `wevtutil qe /f:xml` output (events back to back, no root) and Event Viewer "Save as XML" (<Events>
 * root). The stream is wrapped in one root element, its XML declaration dropped (AD FS and PowerShell write
 * "utf-16" declarations over text that is not), and UTF-16 files (BOM) are converted to UTF-8 on the way. Each
 * <Event> is expanded alone and fed to the same event builder as EVTX records. */
#include "badcreds/source.h"
#include "badcreds/xml_event.h"

#include <errno.h>
#include <libxml/xmlreader.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char WRAP_OPEN[] = "<badcreds-events>", WRAP_CLOSE[] = "</badcreds-events>";

enum { READ_SIZE = 64 * 1024 };

struct xml_stream {
	int fd;
	enum { AT_START, IN_BODY, AT_END, DONE } phase;
	bool utf16;
	uint8_t carry[4];        /* an odd byte or a high surrogate split across reads */
	size_t ncarry;
	struct strbuf pending;   /* UTF-8 bytes ready for libxml2 */
	size_t sent;
	bool read_error;
};

static void put_utf8(struct strbuf *out, uint32_t c)
{
	char b[4];
	size_t n = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
	if (n == 1) {
		b[0] = (char)c;
	} else if (n == 2) {
		b[0] = (char)(0xc0 | c >> 6), b[1] = (char)(0x80 | (c & 0x3f));
	} else if (n == 3) {
		b[0] = (char)(0xe0 | c >> 12), b[1] = (char)(0x80 | (c >> 6 & 0x3f)), b[2] = (char)(0x80 | (c & 0x3f));
	} else {
		b[0] = (char)(0xf0 | c >> 18), b[1] = (char)(0x80 | (c >> 12 & 0x3f));
		b[2] = (char)(0x80 | (c >> 6 & 0x3f)), b[3] = (char)(0x80 | (c & 0x3f));
	}
	sb_add(out, b, n);
}

/* UTF-16LE bytes to UTF-8, keeping an incomplete unit or pair for the next call. */
static void utf16_append(struct xml_stream *s, const uint8_t *p, size_t n)
{
	uint8_t buf[READ_SIZE + 4];
	memcpy(buf, s->carry, s->ncarry);
	memcpy(buf + s->ncarry, p, n);
	n += s->ncarry;
	s->ncarry = 0;
	size_t i = 0;
	for (; i + 1 < n; i += 2) {
		uint32_t c = (uint32_t)buf[i] | (uint32_t)buf[i + 1] << 8;
		if (c >= 0xd800 && c < 0xdc00) {
			if (i + 3 >= n)
				break; /* the low half has not arrived yet */
			uint32_t lo = (uint32_t)buf[i + 2] | (uint32_t)buf[i + 3] << 8;
			if (lo >= 0xdc00 && lo < 0xe000) {
				c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
				i += 2;
			} else {
				c = 0xfffd;
			}
		} else if ((c >= 0xdc00 && c < 0xe000) || c == 0) {
			c = 0xfffd;
		}
		put_utf8(&s->pending, c);
	}
	s->ncarry = n - i;
	memcpy(s->carry, buf + i, s->ncarry);
}

static bool fill(struct xml_stream *s)
{
	uint8_t buf[READ_SIZE];
	ssize_t n;
	do
		n = read(s->fd, buf, sizeof buf);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		s->read_error = true;
	if (n <= 0)
		return false;
	if (s->utf16)
		utf16_append(s, buf, (size_t)n);
	else
		sb_add(&s->pending, buf, (size_t)n);
	return true;
}

/* First bytes: byte order mark, then an XML declaration to drop, then the wrapper's start tag. */
static void start(struct xml_stream *s)
{
	uint8_t head[4] = {0};
	ssize_t n = read(s->fd, head, sizeof head);
	size_t skip = 0;
	if (n >= 2 && head[0] == 0xff && head[1] == 0xfe) {
		s->utf16 = true;
		skip = 2;
	} else if (n >= 2 && head[0] == '<' && head[1] == 0) {
		s->utf16 = true; /* UTF-16LE without a byte order mark */
	} else if (n >= 3 && head[0] == 0xef && head[1] == 0xbb && head[2] == 0xbf) {
		skip = 3;
	}
	sb_adds(&s->pending, WRAP_OPEN);
	size_t body = s->pending.len;
	if (n > (ssize_t)skip) {
		if (s->utf16)
			utf16_append(s, head + skip, (size_t)n - skip);
		else
			sb_add(&s->pending, head + skip, (size_t)n - skip);
	}
	while (s->pending.len - body < 512 && fill(s))
		;
	/* drop leading blanks and an XML declaration */
	char *p = s->pending.data + body, *end = s->pending.data + s->pending.len;
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	if (end - p > 5 && memcmp(p, "<?xml", 5) == 0) {
		for (char *q = p; q + 1 < end; q++)
			if (q[0] == '?' && q[1] == '>') {
				p = q + 2;
				break;
			}
	}
	memmove(s->pending.data + body, p, (size_t)(end - p));
	s->pending.len = body + (size_t)(end - p);
	s->phase = IN_BODY;
}

static int xml_read(void *ctx, char *out, int len)
{
	struct xml_stream *s = ctx;
	if (s->phase == AT_START)
		start(s);
	while (s->sent == s->pending.len) {
		s->pending.len = s->sent = 0;
		if (s->phase == IN_BODY && !fill(s)) {
			if (s->ncarry)
				sb_adds(&s->pending, "\xef\xbf\xbd");
			s->ncarry = 0;
			sb_adds(&s->pending, WRAP_CLOSE);
			s->phase = AT_END;
		} else if (s->phase == AT_END) {
			s->phase = DONE;
			return 0;
		} else if (s->phase == DONE) {
			return 0;
		}
	}
	size_t n = s->pending.len - s->sent;
	if (n > (size_t)len)
		n = (size_t)len;
	memcpy(out, s->pending.data + s->sent, n);
	s->sent += n;
	return (int)n;
}

static int xml_close(void *ctx)
{
	(void)ctx;
	return 0;
}

struct xml_errors {
	struct diag *diag;
	unsigned long events;
};

static void on_error(void *ctx, xmlErrorPtr e)
{
	struct xml_errors *x = ctx;
	if (e->level < XML_ERR_ERROR)
		return;
	char msg[256];
	snprintf(msg, sizeof msg, "%s", e->message ? e->message : "error");
	msg[strcspn(msg, "\n")] = 0;
	diag_report(x->diag, DIAG_ERROR, DIAG_NO_OFFSET, "XML line %d: %s (after %lu events)", e->line, msg, x->events);
}

static bool probe_xml(const uint8_t *head, size_t n)
{
	size_t i = 0;
	if (n >= 2 && ((head[0] == 0xff && head[1] == 0xfe) || (head[0] == '<' && head[1] == 0)))
		return true; /* UTF-16: checked for events while reading */
	if (n >= 3 && head[0] == 0xef && head[1] == 0xbb && head[2] == 0xbf)
		i = 3;
	while (i < n && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n'))
		i++;
	return i < n && head[i] == '<';
}

static bool read_xml(int fd, const char *name, const struct source_options *opt, const struct event_sink *sink,
		     struct diag *d, struct source_stats *st)
{
	(void)opt;
	if (lseek(fd, 0, SEEK_SET) != 0) {
		diag_report(d, DIAG_ERROR, DIAG_NO_OFFSET, "cannot rewind: %s", strerror(errno));
		return false;
	}
	struct xml_stream s = {.fd = fd};
	struct xml_errors errs = {.diag = d};
	/* no network, no entity substitution (XML_PARSE_NOENT is not set), no DTD loading */
	xmlTextReaderPtr r = xmlReaderForIO(xml_read, xml_close, &s, name, "UTF-8",
					    XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_COMPACT);
	if (!r) {
		diag_report(d, DIAG_ERROR, DIAG_NO_OFFSET, "cannot start the XML reader");
		sb_free(&s.pending);
		return false;
	}
	xmlTextReaderSetStructuredErrorHandler(r, on_error, &errs);
	struct arena arena = {0};
	int ret = xmlTextReaderRead(r);
	while (ret == 1) {
		if (xmlTextReaderNodeType(r) == XML_READER_TYPE_ELEMENT &&
		    strcmp(xml_local_name(xmlTextReaderConstName(r)), "Event") == 0) {
			xmlNodePtr node = xmlTextReaderExpand(r);
			if (!node)
				break;
			arena_reset(&arena);
			struct event ev;
			event_from_xml(&ev, node, &arena);
			ev.source = name;
			ev.xml_element = node;
			errs.events++;
			st->records++;
			if (ev.has & EV_HAS_TIME)
				source_stats_time(st, ev.time_created);
			struct evtx_peek peek;
			event_peek(&ev, &peek);
			if (!sink->wants || sink->wants(sink->ctx, &peek))
				sink->event(sink->ctx, &ev);
			ret = xmlTextReaderNext(r);
		} else {
			ret = xmlTextReaderRead(r);
		}
	}
	if (s.read_error)
		diag_report(d, DIAG_ERROR, DIAG_NO_OFFSET, "read error");
	if (errs.events == 0 && ret == 0)
		diag_report(d, DIAG_ERROR, DIAG_NO_OFFSET, "XML holds no events");
	xmlFreeTextReader(r);
	arena_free(&arena);
	sb_free(&s.pending);
	return errs.events > 0;
}

const struct input_format input_xml = {.name = "xml", .probe = probe_xml, .read = read_xml};
