/* xml_event.h: the event model filled from an <Event> element parsed by libxml2 (XML exports, rendered events of
 * the Windows Event Log API), through the same builder as EVTX records. */
#ifndef BADCREDS_XML_EVENT_H
#define BADCREDS_XML_EVENT_H

#include <libxml/tree.h>

#include "badcreds/event.h"
#include "badcreds/strbuf.h"

/* ev's text points into the node's document: use it before the document is freed. */
void event_from_xml(struct event *ev, xmlNodePtr event_element, struct arena *arena);

/* An element's name without its namespace prefix ("xsi:type" -> "type"). */
const char *xml_local_name(const xmlChar *name);

/* The text of an XML event as libxml2 may read it, in UTF-8, from UTF-8 or UTF-16 bytes: characters XML 1.0 cannot
 * carry (C0 controls but tab, line feed and carriage return; also written as references such as &#x1B;) become their
 * Control Pictures U+2400 + c, as `badcreds dump --format xml` writes them; bytes that are not text, lone surrogates,
 * U+FFFE and U+FFFF become U+FFFD. */
enum xml_encoding { XML_UTF8, XML_UTF16LE, XML_UTF16BE };
void xml_text_clean(struct strbuf *out, const uint8_t *p, size_t n, enum xml_encoding enc);
/* The other way, for values: the Control Pictures of those characters become the characters again (a copy in the
 * arena when there are any; *len is updated). */
const char *xml_text_restore(struct arena *a, const char *s, size_t *len);

#endif
