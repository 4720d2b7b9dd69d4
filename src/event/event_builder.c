/* event_builder.c: a Binary XML visitor that fills the event model: System fields by element and attribute name,
 * EventData <Data> items in order (named or not), UserData leaves by element name. An EVTX record whose template
 * has a plan is filled from it instead, through the same setters (event_plan.c). */
#include "event/event_builder.h"
#include "event/event_plan.h"
#include "util/vec.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_PATH = 16 };

struct event_builder {
	struct event *ev;
	struct arena *arena;
	unsigned depth;
	const char *path[MAX_PATH];
	uint8_t kind[MAX_PATH];      /* enum event_elem of each open element */
	bool has_child[MAX_PATH];
	struct evtx_value text;      /* content of the innermost open element */
	unsigned nparts;
	struct strbuf joined;        /* content made of several parts, joined as UTF-8 */
	const char *data_name;       /* Name attribute of the open <Data> */
	struct event_items items;
};

/* Names compared where most differ: the first character (b is a name this file knows, never empty). */
static bool is(const char *a, const char *b) { return a && a[0] == b[0] && strcmp(a + 1, b + 1) == 0; }

/* A value made of several parts becomes one UTF-8 value in the arena. */
static struct evtx_value join_parts(struct arena *a, struct strbuf *sb, const struct evtx_value *parts, unsigned n)
{
	if (n == 1)
		return parts[0];
	if (n == 0)
		return (struct evtx_value){.type = EVTX_NULL};
	sb->len = 0;
	for (unsigned i = 0; i < n; i++)
		evtx_value_render(sb, &parts[i]);
	return (struct evtx_value){.type = EVTX_UTF8, .size = (uint32_t)sb->len, .data = arena_copy(a, sb->data, sb->len)};
}

static const char *utf8_copy(struct event_builder *b, const struct evtx_value *v)
{
	struct strbuf sb = {0};
	evtx_value_render(&sb, v);
	const char *s = arena_copy(b->arena, sb_cstr(&sb), sb.len + 1);
	sb_free(&sb);
	return s;
}

/* A number into *out and its flag; nothing stored and false when the value is not a number (an earlier value of
 * the same element, which sets the flag, stays). */
static bool set_u64(struct event *ev, const struct evtx_value *v, unsigned flag, uint64_t *out)
{
	if (!evtx_value_u64(v, out))
		return false;
	ev->has |= flag;
	return true;
}

enum event_elem event_elem_of(unsigned depth, enum event_elem parent, const char *name)
{
	static const struct { const char *name; enum event_elem kind; } sections[] = {
		{"System", EE_SYSTEM}, {"EventData", EE_EVENT_DATA}, {"UserData", EE_USER_DATA},
	}, system[] = {
		{"Provider", EE_PROVIDER}, {"EventID", EE_EVENT_ID}, {"Version", EE_VERSION}, {"Level", EE_LEVEL},
		{"Task", EE_TASK}, {"Opcode", EE_OPCODE}, {"Keywords", EE_KEYWORDS}, {"TimeCreated", EE_TIME_CREATED},
		{"EventRecordID", EE_RECORD_ID}, {"Correlation", EE_CORRELATION}, {"Execution", EE_EXECUTION},
		{"Channel", EE_CHANNEL}, {"Computer", EE_COMPUTER}, {"Security", EE_SECURITY},
	};
	if (depth == 1) {
		for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++)
			if (is(name, sections[i].name))
				return sections[i].kind;
	} else if (depth == 2 && parent == EE_SYSTEM) {
		for (size_t i = 0; i < sizeof system / sizeof system[0]; i++)
			if (is(name, system[i].name))
				return system[i].kind;
	} else if (depth == 2 && parent == EE_EVENT_DATA && is(name, "Data")) {
		return EE_DATA;
	}
	return EE_OTHER;
}

static void on_open(void *ctx, const char *name)
{
	struct event_builder *b = ctx;
	if (b->depth > 0 && b->depth <= MAX_PATH)
		b->has_child[b->depth - 1] = true;
	if (b->depth < MAX_PATH) {
		b->path[b->depth] = name;
		enum event_elem parent = b->depth >= 1 ? (enum event_elem)b->kind[b->depth - 1] : EE_OTHER;
		b->kind[b->depth] = (uint8_t)event_elem_of(b->depth, parent, name);
		b->has_child[b->depth] = false;
	}
	b->depth++;
	b->nparts = 0;
	b->text.type = EVTX_NULL;
	b->data_name = NULL;
}

enum system_attr event_system_attr_of(enum event_elem elem, const char *name)
{
	static const struct { enum event_elem elem; const char *name; enum system_attr which; } attrs[] = {
		{EE_PROVIDER, "Name", SA_PROVIDER_NAME},        {EE_PROVIDER, "Guid", SA_PROVIDER_GUID},
		{EE_PROVIDER, "EventSourceName", SA_EVENT_SOURCE_NAME}, {EE_EVENT_ID, "Qualifiers", SA_QUALIFIERS},
		{EE_TIME_CREATED, "SystemTime", SA_SYSTEM_TIME}, {EE_CORRELATION, "ActivityID", SA_ACTIVITY_ID},
		{EE_CORRELATION, "RelatedActivityID", SA_RELATED_ACTIVITY_ID}, {EE_EXECUTION, "ProcessID", SA_PROCESS_ID},
		{EE_EXECUTION, "ThreadID", SA_THREAD_ID},       {EE_SECURITY, "UserID", SA_USER_ID},
	};
	for (size_t i = 0; i < sizeof attrs / sizeof attrs[0]; i++)
		if (attrs[i].elem == elem && is(name, attrs[i].name))
			return attrs[i].which;
	return SA_NONE;
}

void event_set_system_attr(struct event *ev, enum system_attr which, const struct evtx_value *value)
{
	struct evtx_value v = *value;
	uint64_t x;
	switch (which) {
	case SA_PROVIDER_NAME: ev->provider_name = v; break;
	case SA_PROVIDER_GUID: ev->provider_guid = v; break;
	case SA_EVENT_SOURCE_NAME: ev->event_source_name = v; break;
	case SA_QUALIFIERS:
		if (evtx_value_u64(&v, &x)) {
			ev->qualifiers = (uint16_t)x;
			ev->has |= EV_HAS_QUALIFIERS;
		}
		break;
	case SA_SYSTEM_TIME:
		if (evtx_value_filetime(&v, &ev->time_created))
			ev->has |= EV_HAS_TIME;
		break;
	case SA_ACTIVITY_ID: ev->activity_id = v; break;
	case SA_RELATED_ACTIVITY_ID: ev->related_activity_id = v; break;
	case SA_PROCESS_ID:
		if (evtx_value_u64(&v, &x)) {
			ev->process_id = (uint32_t)x;
			ev->has |= EV_HAS_PROCESS_ID;
		}
		break;
	case SA_THREAD_ID:
		if (evtx_value_u64(&v, &x)) {
			ev->thread_id = (uint32_t)x;
			ev->has |= EV_HAS_THREAD_ID;
		}
		break;
	case SA_USER_ID: ev->user_id = v; break;
	case SA_NONE: break;
	}
}

static void on_attr(void *ctx, const char *name, const struct evtx_value *parts, unsigned nparts)
{
	struct event_builder *b = ctx;
	struct event *ev = b->ev;
	if (b->depth != 3)
		return;
	enum event_elem elem = b->kind[2];
	struct evtx_value v = join_parts(b->arena, &b->joined, parts, nparts);
	if (b->kind[1] == EE_SYSTEM)
		event_set_system_attr(ev, event_system_attr_of(elem, name), &v);
	else if (elem == EE_DATA && is(name, "Name"))
		b->data_name = utf8_copy(b, &v);
}

static void on_value(void *ctx, const struct evtx_value *v)
{
	struct event_builder *b = ctx;
	if (b->nparts == 0) {
		b->text = *v;
	} else {
		if (b->nparts == 1) {
			b->joined.len = 0;
			evtx_value_render(&b->joined, &b->text);
		}
		evtx_value_render(&b->joined, v);
	}
	b->nparts++;
}

void event_items_init(struct event_items *it)
{
	it->v = it->inline_v;
	it->n = 0;
	it->cap = EVENT_INLINE_ITEMS;
}

void event_items_add(struct event_items *it, const char *name, const struct evtx_value *v)
{
	if (it->n < it->cap) {
		it->v[it->n++] = (struct event_data){.name = name, .value = *v};
		return;
	}
	if (it->v == it->inline_v) { /* onto the heap, where vec_grow can grow them */
		struct event_data *heap = malloc(2 * it->cap * sizeof *heap);
		if (!heap)
			abort();
		memcpy(heap, it->v, it->n * sizeof *heap);
		it->v = heap;
		it->cap *= 2;
	}
	it->v = vec_grow(it->v, &it->cap, it->n, sizeof *it->v);
	it->v[it->n++] = (struct event_data){.name = name, .value = *v};
}

void event_items_finish(struct event_items *it, struct event *ev, struct arena *arena)
{
	if (ev) {
		ev->ndata = (uint32_t)it->n;
		ev->data = arena_copy(arena, it->v, it->n * sizeof *it->v);
	}
	if (it->v != it->inline_v)
		free(it->v);
	event_items_init(it);
}

static void add_item(struct event_builder *b, const char *name, struct evtx_value v)
{
	event_items_add(&b->items, name, &v);
}

void event_set_system_field(struct event *ev, enum event_elem elem, const struct evtx_value *v)
{
	uint64_t x;
	switch (elem) {
	case EE_EVENT_ID:
		if (set_u64(ev, v, EV_HAS_EVENT_ID, &x))
			ev->event_id = (uint32_t)x;
		break;
	case EE_VERSION:
		if (set_u64(ev, v, EV_HAS_VERSION, &x))
			ev->version = (uint8_t)x;
		break;
	case EE_LEVEL:
		if (set_u64(ev, v, EV_HAS_LEVEL, &x))
			ev->level = (uint8_t)x;
		break;
	case EE_TASK:
		if (set_u64(ev, v, EV_HAS_TASK, &x))
			ev->task = (uint16_t)x;
		break;
	case EE_OPCODE:
		if (set_u64(ev, v, EV_HAS_OPCODE, &x))
			ev->opcode = (uint8_t)x;
		break;
	case EE_KEYWORDS: set_u64(ev, v, EV_HAS_KEYWORDS, &ev->keywords); break;
	case EE_RECORD_ID: set_u64(ev, v, EV_HAS_RECORD_ID, &ev->record_id); break;
	case EE_CHANNEL: ev->channel = *v; break;
	case EE_COMPUTER: ev->computer = *v; break;
	default: break;
	}
}

static void on_close(void *ctx)
{
	struct event_builder *b = ctx;
	struct event *ev = b->ev;
	unsigned d = b->depth;
	if (d == 0)
		return;
	const char *elem = d <= MAX_PATH ? b->path[d - 1] : NULL;
	struct evtx_value v = b->text;
	if (b->nparts > 1)
		v = (struct evtx_value){.type = EVTX_UTF8, .size = (uint32_t)b->joined.len,
					.data = arena_copy(b->arena, b->joined.data, b->joined.len)};
	if (d == 3 && b->kind[1] == EE_SYSTEM) {
		event_set_system_field(ev, (enum event_elem)b->kind[2], &v);
	} else if (d == 3 && b->kind[2] == EE_DATA) {
		add_item(b, b->data_name ? b->data_name : "", v);
	} else if (d >= 4 && d <= MAX_PATH && b->kind[1] == EE_USER_DATA && !b->has_child[d - 1]) {
		add_item(b, elem, v);
	}
	b->depth--;
	b->nparts = 0;
	b->text.type = EVTX_NULL;
}

static void on_pi(void *ctx, const char *target, const struct evtx_value *data)
{
	(void)ctx, (void)target, (void)data;
}

const struct bx_visitor event_builder_visitor = {
	.open = on_open, .attr = on_attr, .value = on_value, .close = on_close, .pi = on_pi,
};

/* Everything but the items' inline room, which is written before it is read. */
static void builder_init(struct event_builder *b, struct event *ev, struct arena *arena)
{
	memset(b, 0, offsetof(struct event_builder, items));
	memset(ev, 0, sizeof *ev);
	b->ev = ev;
	b->arena = arena;
	event_items_init(&b->items);
}

static void builder_finish(struct event_builder *b)
{
	struct event *ev = b->ev;
	event_items_finish(&b->items, ev, b->arena);
	sb_free(&b->joined);
}

struct event_builder *event_builder_begin(struct event *ev, struct arena *arena)
{
	struct event_builder *b = malloc(sizeof *b);
	if (!b)
		abort();
	builder_init(b, ev, arena);
	return b;
}

void event_builder_end(struct event_builder *b)
{
	builder_finish(b);
	free(b);
}

bool event_from_fragment(struct event *ev, struct bx_chunk *c, const struct bx_fragment *f, struct arena *arena,
			 const char **err)
{
	if (f->nops == 1 && f->ops[0].kind == BX_INSTANCE && event_plan_fill(ev, c, f->ops[0].instance, arena))
		return true; /* the template's plan: the same event without the walk */
	struct event_builder b; /* on the stack: no allocation for an event of up to EVENT_INLINE_ITEMS items */
	builder_init(&b, ev, arena);
	bool ok = bx_walk(c, f, arena, &event_builder_visitor, &b, err);
	builder_finish(&b);
	return ok;
}
