/* event_builder.h: the visitor that fills the event model from Binary XML callbacks (evtx/binxml.h): EVTX records
 * through their compiled documents, XML events through the same callbacks made from a libxml2 tree (xml_event.c). */
#ifndef BADCREDS_EVENT_BUILDER_H
#define BADCREDS_EVENT_BUILDER_H

#include "badcreds/arena.h"
#include "badcreds/event.h"
#include "evtx/binxml.h"

/* Fills ev from a compiled record (values point into the chunk and `arena`). */
bool event_from_fragment(struct event *ev, struct bx_chunk *c, const struct bx_fragment *f, struct arena *arena,
			 const char **err);

/* The visitor that fills an event; usable on any source that produces the same callbacks (XML input). */
struct event_builder;
extern const struct bx_visitor event_builder_visitor;
struct event_builder *event_builder_begin(struct event *ev, struct arena *arena);
void event_builder_end(struct event_builder *b);

#endif
