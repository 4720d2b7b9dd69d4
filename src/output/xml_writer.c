/* xml_writer.c: Windows-style event XML, written by walking the record's Binary XML (the whole document, including
 * UserData and RenderingInfo). Two-space indentation; elements with only text stay on one line. Events of XML
 * sources (exports, live channels) are written back from their parsed element. */
#include "badcreds/output.h"
#include "evtx/binxml.h"

#include <inttypes.h>
#include <libxml/tree.h>

enum { MAX_DEPTH = 64 };

struct xml_writer {
	struct strbuf *out;
	struct strbuf tmp;
	unsigned depth;
	bool tag_open;                 /* "<name attr..." written, ">" not yet */
	const char *names[MAX_DEPTH];
	size_t name_lens[MAX_DEPTH];
	bool children[MAX_DEPTH];
};

static void indent(struct xml_writer *w, unsigned depth)
{
	static const char line[2 * MAX_DEPTH + 2] = "\n                                                                "
						    "                                                                ";
	sb_add(w->out, line, 1 + 2 * (depth < MAX_DEPTH ? depth : MAX_DEPTH));
}

/* Numbers, GUIDs, SIDs, times and hex dumps: nothing in their text needs escaping. */
static bool renders_xml_safe(enum evtx_type t)
{
	unsigned base = t & ~(unsigned)EVTX_ARRAY;
	return t < EVTX_UTF8 && base >= EVTX_INT8 && base <= EVTX_HEXINT64;
}

static void finish_tag(struct xml_writer *w)
{
	if (w->tag_open)
		sb_addc(w->out, '>');
	w->tag_open = false;
}

static bool predefined_entity(const struct evtx_value *v)
{
	static const char *const names[] = {"lt", "gt", "amp", "quot", "apos"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (v->size == strlen(names[i]) && memcmp(v->data, names[i], v->size) == 0)
			return true;
	return false;
}

/* Text that a CDATA section can hold as it is: no "]]>", no character XML cannot carry. */
static bool cdata_safe(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		size_t len;
		if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f ||
		    (c >= 0x80 && output_hidden_char(s + i, n - i, &len)) || (c == 0xef && i + 2 < n &&
		    (unsigned char)s[i + 1] == 0xbf && (unsigned char)s[i + 2] >= 0xbe) ||
		    (c == ']' && i + 2 < n && s[i + 1] == ']' && s[i + 2] == '>'))
			return false; /* DEL, C1 and bidi controls too: escaped outside CDATA, so no terminal acts on them */
	}
	return true;
}

static void put_value(struct xml_writer *w, const struct evtx_value *v, bool attribute)
{
	switch (v->type) {
	case EVTX_CHARREF:
		if (v->code >= 0x20 || v->code == '\t' || v->code == '\n' || v->code == '\r') {
			if (v->code < 0xd800 || (v->code >= 0xe000 && v->code < 0xfffe)) {
				sb_printf(w->out, "&#%u;", v->code);
				return;
			}
		}
		break; /* not an XML character: rendered and escaped like text */
	case EVTX_ENTREF:
		if (predefined_entity(v)) {
			sb_addc(w->out, '&');
			sb_add(w->out, v->data, v->size);
			sb_addc(w->out, ';');
			return;
		}
		break; /* undefined in the output: written as the text "&name;" */
	case EVTX_STRING: xml_escape_utf16(w->out, v->data, v->size, attribute); return;
	case EVTX_UTF8:
		if (v->code == EVTX_UTF8_XML_SAFE)
			sb_add(w->out, v->data, v->size); /* static template text checked once when compiled */
		else
			xml_escape(w->out, (const char *)v->data, v->size, attribute);
		return;
	default: break;
	}
	if (renders_xml_safe(v->type)) {
		evtx_value_render(w->out, v);
		return;
	}
	w->tmp.len = 0;
	evtx_value_render(&w->tmp, v);
	if (v->type == EVTX_CDATA && !attribute && cdata_safe(w->tmp.data, w->tmp.len)) {
		sb_adds(w->out, "<![CDATA[");
		sb_add(w->out, w->tmp.data, w->tmp.len);
		sb_adds(w->out, "]]>");
		return;
	}
	xml_escape(w->out, w->tmp.data, w->tmp.len, attribute);
}

static void on_open(void *ctx, const char *name)
{
	struct xml_writer *w = ctx;
	finish_tag(w);
	if (w->depth > 0) {
		if (w->depth <= MAX_DEPTH)
			w->children[w->depth - 1] = true;
		indent(w, w->depth);
	}
	size_t len = strlen(name);
	sb_addc(w->out, '<');
	sb_add(w->out, name, len);
	if (w->depth < MAX_DEPTH) {
		w->names[w->depth] = name;
		w->name_lens[w->depth] = len;
		w->children[w->depth] = false;
	}
	w->depth++;
	w->tag_open = true;
}

static void on_attr(void *ctx, const char *name, const struct evtx_value *parts, unsigned n)
{
	struct xml_writer *w = ctx;
	if (!w->tag_open)
		return;
	sb_addc(w->out, ' ');
	sb_adds(w->out, name);
	sb_add(w->out, "=\"", 2);
	for (unsigned i = 0; i < n; i++)
		put_value(w, &parts[i], true);
	sb_addc(w->out, '"');
}

static void on_value(void *ctx, const struct evtx_value *v)
{
	struct xml_writer *w = ctx;
	finish_tag(w);
	put_value(w, v, false);
}

static void on_close(void *ctx)
{
	struct xml_writer *w = ctx;
	if (w->depth == 0)
		return;
	w->depth--;
	if (w->tag_open) {
		sb_add(w->out, " />", 3);
		w->tag_open = false;
		return;
	}
	if (w->depth < MAX_DEPTH && w->children[w->depth])
		indent(w, w->depth);
	sb_add(w->out, "</", 2);
	if (w->depth < MAX_DEPTH)
		sb_add(w->out, w->names[w->depth], w->name_lens[w->depth]);
	sb_addc(w->out, '>');
}

static void on_pi(void *ctx, const char *target, const struct evtx_value *data)
{
	struct xml_writer *w = ctx;
	finish_tag(w);
	sb_adds(w->out, "<?");
	sb_adds(w->out, target);
	if (data->size) {
		sb_addc(w->out, ' ');
		w->tmp.len = 0;
		evtx_value_render(&w->tmp, data);
		for (size_t i = 0; i < w->tmp.len; i++) /* "?>" would end it early; controls are not XML */
			if ((unsigned char)w->tmp.data[i] < 0x20 || (w->tmp.data[i] == '>' && i && w->tmp.data[i - 1] == '?'))
				w->tmp.data[i] = ' ';
		sb_add(w->out, w->tmp.data, w->tmp.len);
	}
	sb_adds(w->out, "?>");
}

static const struct bx_visitor xml_visitor = {
	.open = on_open, .attr = on_attr, .value = on_value, .close = on_close, .pi = on_pi,
};

/* An event of an XML source (event.xml_element) written back as libxml2 serialises it, indented, one line after. */
static bool write_element(struct strbuf *out, const void *element, const char **err)
{
	xmlNodePtr node = (xmlNodePtr)element;
	xmlBufferPtr buf = xmlBufferCreate();
	if (!buf) {
		*err = "out of memory";
		return false;
	}
	xmlNodeDump(buf, node->doc, node, 0, 1);
	/* libxml2 writes DEL, the C1 controls, separators and bidirectional controls as they are (legal XML): as
	 * references, as xml_escape writes them. None can be part of a name or of markup: only values change. */
	const unsigned char *x = xmlBufferContent(buf);
	size_t n = (size_t)xmlBufferLength(buf), start = 0;
	for (size_t i = 0; i < n; i++) {
		size_t len = 1;
		uint32_t hidden = x[i] == 0x7f ? 0x7f : x[i] >= 0x80 ? output_hidden_char((const char *)x + i, n - i, &len) : 0;
		if (!hidden)
			continue;
		sb_add(out, (const char *)x + start, i - start);
		sb_printf(out, "&#x%02X;", (unsigned)hidden);
		i += len - 1;
		start = i + 1;
	}
	sb_add(out, (const char *)x + start, n - start);
	sb_addc(out, '\n');
	xmlBufferFree(buf);
	return true;
}

static bool write_xml(struct strbuf *out, const struct output_record *r, const char **err)
{
	const struct event *ev = r->event;
	if (!r->fragment) { /* no Binary XML behind it: an XML export or a live channel */
		if (ev->xml_element)
			return write_element(out, ev->xml_element, err);
		*err = "the event has no document";
		return false;
	}
	struct xml_writer w = {.out = out};
	if (ev->recovered) {
		sb_printf(out, "<!-- %s record: ", ev->damaged ? "damaged" : "recovered");
		xml_comment_text(out, ev->source);
		sb_printf(out, ", offset 0x%" PRIx64 " -->\n", ev->file_offset);
	}
	unsigned long cuts = r->chunk->cuts;
	bool ok = bx_walk(r->chunk, r->fragment, r->arena, &xml_visitor, &w, err);
	sb_addc(out, '\n');
	if (ok && (ev->cut || r->chunk->cuts != cuts))
		sb_adds(out, "<!-- the record above was cut: it expands beyond the limit -->\n");
	sb_free(&w.tmp);
	return ok;
}

const struct output_format output_xml = {
	.name = "xml",
	.description = "Windows-style event XML, one <Event> per record",
	.write = write_xml,
};
