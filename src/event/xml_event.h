/* xml_event.h: the event model filled from an <Event> element parsed by libxml2 (XML exports, rendered events of
 * the Windows Event Log API), through the same builder as EVTX records (event_builder.h). */
#ifndef BADCREDS_XML_EVENT_H
#define BADCREDS_XML_EVENT_H

#include <libxml/tree.h>

#include "badcreds/arena.h"
#include "badcreds/event.h"

/* ev's text points into the node's document: use it before the document is freed. */
void event_from_xml(struct event *ev, xmlNodePtr event_element, struct arena *arena);

/* An element's name without its namespace prefix ("xsi:type" -> "type"). */
const char *xml_local_name(const xmlChar *name);

#endif
