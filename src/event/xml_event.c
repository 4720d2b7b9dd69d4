/* xml_event.c: walks an <Event> element of a libxml2 tree into the event builder: elements, attributes and text
 * in document order, as the Binary XML walker hands them over for EVTX records. */
#include "event/event_builder.h"
#include "event/xml_event.h"
#include "event/xml_text.h"

#include <string.h>

const char *xml_local_name(const xmlChar *name)
{
	const char *colon = strchr((const char *)name, ':');
	return colon ? colon + 1 : (const char *)name;
}

/* Values come back with the control characters that the XML could only carry as Control Pictures (not NUL, which
 * no value holds: U+2400 stays what a user typed). */
static struct evtx_value text_value(const xmlChar *text, struct arena *arena)
{
	size_t len = strlen((const char *)text);
	const char *s = xml_text_restore(arena, (const char *)text, &len, false);
	return (struct evtx_value){.type = EVTX_UTF8, .size = (uint32_t)len, .data = (const uint8_t *)s};
}

static void walk(xmlNodePtr node, const struct bx_visitor *v, void *ctx, unsigned depth, struct arena *arena)
{
	enum { MAX_DEPTH = 64 };
	v->open(ctx, xml_local_name(node->name));
	for (xmlAttrPtr a = node->properties; a; a = a->next) {
		const xmlChar *text = a->children && a->children->type == XML_TEXT_NODE ? a->children->content
											 : (const xmlChar *)"";
		struct evtx_value part = text_value(text, arena);
		v->attr(ctx, xml_local_name(a->name), &part, 1);
	}
	for (xmlNodePtr c = node->children; c; c = c->next) {
		if (c->type == XML_ELEMENT_NODE && depth < MAX_DEPTH) {
			walk(c, v, ctx, depth + 1, arena);
		} else if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content) {
			struct evtx_value text = text_value(c->content, arena);
			v->value(ctx, &text);
		}
	}
	v->close(ctx);
}

void event_from_xml(struct event *ev, xmlNodePtr event_element, struct arena *arena)
{
	struct event_builder *b = event_builder_begin(ev, arena);
	walk(event_element, &event_builder_visitor, b, 0, arena);
	event_builder_end(b);
}
