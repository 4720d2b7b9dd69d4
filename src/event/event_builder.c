/* event_builder.c: a Binary XML visitor that fills the event model: System fields by element and attribute name,
 * EventData <Data> items in order (named or not), UserData leaves by element name. */
#include "event/event_builder.h"
#include "util/vec.h"

#include <stdlib.h>
#include <string.h>

enum { MAX_PATH = 16 };

struct event_builder {
	struct event *ev;
	struct arena *arena;
	unsigned depth;
	const char *path[MAX_PATH];
	bool has_child[MAX_PATH];
	struct evtx_value text;      /* content of the innermost open element */
	unsigned nparts;
	struct strbuf joined;        /* content made of several parts, joined as UTF-8 */
	const char *data_name;       /* Name attribute of the open <Data> */
	struct event_data *items;
	size_t nitems, cap;
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

static void on_open(void *ctx, const char *name)
{
	struct event_builder *b = ctx;
	if (b->depth > 0 && b->depth <= MAX_PATH)
		b->has_child[b->depth - 1] = true;
	if (b->depth < MAX_PATH) {
		b->path[b->depth] = name;
		b->has_child[b->depth] = false;
	}
	b->depth++;
	b->nparts = 0;
	b->text.type = EVTX_NULL;
	b->data_name = NULL;
}

static void on_attr(void *ctx, const char *name, const struct evtx_value *parts, unsigned nparts)
{
	struct event_builder *b = ctx;
	struct event *ev = b->ev;
	if (b->depth != 3)
		return;
	const char *elem = b->path[2];
	struct evtx_value v = join_parts(b->arena, &b->joined, parts, nparts);
	if (is(b->path[1], "System")) {
		if (is(elem, "Provider")) {
			if (is(name, "Name"))
				ev->provider_name = v;
			else if (is(name, "Guid"))
				ev->provider_guid = v;
			else if (is(name, "EventSourceName"))
				ev->event_source_name = v;
		} else if (is(elem, "EventID") && is(name, "Qualifiers")) {
			uint64_t q;
			if (evtx_value_u64(&v, &q)) {
				ev->qualifiers = (uint16_t)q;
				ev->has |= EV_HAS_QUALIFIERS;
			}
		} else if (is(elem, "TimeCreated") && is(name, "SystemTime")) {
			if (evtx_value_filetime(&v, &ev->time_created))
				ev->has |= EV_HAS_TIME;
		} else if (is(elem, "Correlation")) {
			if (is(name, "ActivityID"))
				ev->activity_id = v;
			else if (is(name, "RelatedActivityID"))
				ev->related_activity_id = v;
		} else if (is(elem, "Execution")) {
			uint64_t x;
			if (is(name, "ProcessID") && evtx_value_u64(&v, &x)) {
				ev->process_id = (uint32_t)x;
				ev->has |= EV_HAS_PROCESS_ID;
			} else if (is(name, "ThreadID") && evtx_value_u64(&v, &x)) {
				ev->thread_id = (uint32_t)x;
				ev->has |= EV_HAS_THREAD_ID;
			}
		} else if (is(elem, "Security") && is(name, "UserID")) {
			ev->user_id = v;
		}
	} else if (is(b->path[1], "EventData") && is(elem, "Data") && is(name, "Name")) {
		b->data_name = utf8_copy(b, &v);
	}
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

static void add_item(struct event_builder *b, const char *name, struct evtx_value v)
{
	b->items = vec_grow(b->items, &b->cap, b->nitems, sizeof *b->items);
	b->items[b->nitems++] = (struct event_data){.name = name, .value = v};
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
	if (d == 3 && is(b->path[1], "System")) {
		uint64_t x;
		if (is(elem, "EventID")) {
			if (set_u64(ev, &v, EV_HAS_EVENT_ID, &x))
				ev->event_id = (uint32_t)x;
		} else if (is(elem, "Version")) {
			if (set_u64(ev, &v, EV_HAS_VERSION, &x))
				ev->version = (uint8_t)x;
		} else if (is(elem, "Level")) {
			if (set_u64(ev, &v, EV_HAS_LEVEL, &x))
				ev->level = (uint8_t)x;
		} else if (is(elem, "Task")) {
			if (set_u64(ev, &v, EV_HAS_TASK, &x))
				ev->task = (uint16_t)x;
		} else if (is(elem, "Opcode")) {
			if (set_u64(ev, &v, EV_HAS_OPCODE, &x))
				ev->opcode = (uint8_t)x;
		} else if (is(elem, "Keywords")) {
			set_u64(ev, &v, EV_HAS_KEYWORDS, &ev->keywords);
		} else if (is(elem, "EventRecordID")) {
			set_u64(ev, &v, EV_HAS_RECORD_ID, &ev->record_id);
		} else if (is(elem, "Channel")) {
			ev->channel = v;
		} else if (is(elem, "Computer")) {
			ev->computer = v;
		}
	} else if (d == 3 && is(b->path[1], "EventData") && is(elem, "Data")) {
		add_item(b, b->data_name ? b->data_name : "", v);
	} else if (d >= 4 && d <= MAX_PATH && is(b->path[1], "UserData") && !b->has_child[d - 1]) {
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

struct event_builder *event_builder_begin(struct event *ev, struct arena *arena)
{
	struct event_builder *b = calloc(1, sizeof *b);
	if (!b)
		abort();
	memset(ev, 0, sizeof *ev);
	b->ev = ev;
	b->arena = arena;
	return b;
}

void event_builder_end(struct event_builder *b)
{
	struct event *ev = b->ev;
	ev->ndata = (uint32_t)b->nitems;
	ev->data = arena_copy(b->arena, b->items, b->nitems * sizeof *b->items);
	free(b->items);
	sb_free(&b->joined);
	free(b);
}

bool event_from_fragment(struct event *ev, struct bx_chunk *c, const struct bx_fragment *f, struct arena *arena,
			 const char **err)
{
	struct event_builder *b = event_builder_begin(ev, arena);
	bool ok = bx_walk(c, f, arena, &event_builder_visitor, b, err);
	event_builder_end(b);
	return ok;
}
