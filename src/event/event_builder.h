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

/* What an element of an event is, decided when it opens: the sections under <Event> and the System fields. */
enum event_elem {
	EE_OTHER, EE_SYSTEM, EE_EVENT_DATA, EE_USER_DATA, EE_DATA, EE_PROVIDER, EE_EVENT_ID, EE_VERSION, EE_LEVEL, EE_TASK,
	EE_OPCODE, EE_KEYWORDS, EE_TIME_CREATED, EE_RECORD_ID, EE_CORRELATION, EE_EXECUTION, EE_CHANNEL, EE_COMPUTER,
	EE_SECURITY,
};
/* The kind of an element named `name` at depth 1 (under <Event>) or 2 (under a section of kind `parent`). */
enum event_elem event_elem_of(unsigned depth, enum event_elem parent, const char *name);
/* The attributes of System field elements the event model keeps (System/<elem>@name); SA_NONE: any other. */
enum system_attr {
	SA_NONE, SA_PROVIDER_NAME, SA_PROVIDER_GUID, SA_EVENT_SOURCE_NAME, SA_QUALIFIERS, SA_SYSTEM_TIME, SA_ACTIVITY_ID,
	SA_RELATED_ACTIVITY_ID, SA_PROCESS_ID, SA_THREAD_ID, SA_USER_ID,
};
enum system_attr event_system_attr_of(enum event_elem elem, const char *name);
/* What the builder does with such an attribute and with a field element's text when it closes; event_plan.c fills
 * events through them too (the attribute named once, when the template's plan is made). */
void event_set_system_attr(struct event *ev, enum system_attr which, const struct evtx_value *v);
void event_set_system_field(struct event *ev, enum event_elem elem, const struct evtx_value *v);

/* The EventData items of an event being filled (the builder's and event_plan.c's): room for EVENT_INLINE_ITEMS in
 * place, then on the heap. finish sets ev->data (copied into the arena) and ndata, unless ev is NULL, and lets go
 * of the heap. */
enum { EVENT_INLINE_ITEMS = 64 };
struct event_items {
	struct event_data *v;
	size_t n, cap;
	struct event_data inline_v[EVENT_INLINE_ITEMS];
};
void event_items_init(struct event_items *it);
void event_items_add(struct event_items *it, const char *name, const struct evtx_value *v);
void event_items_finish(struct event_items *it, struct event *ev, struct arena *arena);

/* The visitor that fills an event; usable on any source that produces the same callbacks (XML input). */
struct event_builder;
extern const struct bx_visitor event_builder_visitor;
struct event_builder *event_builder_begin(struct event *ev, struct arena *arena);
void event_builder_end(struct event_builder *b);

#endif
