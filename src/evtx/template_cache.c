/* template_cache.c: template definitions, compiled once per file (keyed by GUID, size and CRC-32 of the body) in a
 * store shared by the file's chunks and threads; each chunk maps its definition offsets to them. Also the one walk
 * over a chunk's template table. This file and binxml_compile.c call each other, the one recursion the format has:
 * compiling a record's template instance compiles the template's definition here with bx_compile, one level deep
 * (a definition holds no instances; bx_compile refuses one there). */
#include "evtx/binxml.h"
#include "evtx/evtx_format.h"
#include "evtx/le.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* A template definition, at a chunk offset >= 512, stored inline in the template instance that first uses it in the
 * chunk (bx_instance_read in binxml_compile.c, which also lays out the instance and its values) and listed in the
 * chunk's template table (evtx_format.h):
 *    0  4  chunk offset of the next definition in its template-table bucket (0: none)
 *    4 16  GUID; its first 4 bytes, a little-endian u32, are the template id that instances name
 *   20  4  body size
 *   24  .  body: a fragment header, one element tree whose elements carry dependency ids, EOF (binxml_compile.c);
 *          its substitution tokens stand for the instance's values, by index
 * EVTX_TEMPLATE_HEADER_SIZE is the 24-byte header. */

/* Definitions followed along one bucket's chain of the template table: a damaged table may link them in a loop. */
enum { TEMPLATE_CHAIN_MAX = 1024 };

/* Which System field, if any, an op inside element `elem` (attribute `attr`) of Event/System fills. */
static struct bx_field *field_for(struct bx_slots *slots, const char *elem, const char *attr)
{
	if (!attr && !strcmp(elem, "EventID"))
		return &slots->event_id;
	if (!attr && !strcmp(elem, "Channel"))
		return &slots->channel;
	if (attr && !strcmp(elem, "Provider") && !strcmp(attr, "Name"))
		return &slots->provider_name;
	if (attr && !strcmp(elem, "TimeCreated") && !strcmp(attr, "SystemTime"))
		return &slots->time_created;
	if (!attr && !strcmp(elem, "Computer"))
		return &slots->computer;
	return NULL;
}

/* Finds where the System fields used to filter records before decoding them come from. */
static void find_slots(const struct bx_fragment *f, struct bx_slots *slots)
{
	const char *stack[8] = {0};
	unsigned depth = 0;
	const char *attr = NULL; /* the attribute whose value ops run up to attr_end */
	uint32_t attr_end = 0;
	memset(slots, 0, sizeof *slots);
	slots->event_id.slot = slots->provider_name.slot = slots->channel.slot = slots->time_created.slot =
		slots->computer.slot = BX_NO_ID;
	for (uint32_t i = 0; i < f->nops; i++) {
		const struct bx_op *op = &f->ops[i];
		if (i >= attr_end)
			attr = NULL;
		switch (op->kind) {
		case BX_OPEN:
			if (depth < 8)
				stack[depth] = op->name;
			depth++;
			break;
		case BX_END:
			if (depth)
				depth--;
			break;
		case BX_ATTR:
			attr = op->name;
			attr_end = op->end;
			break;
		case BX_SUBST:
		case BX_VALUE: {
			if (depth != 3 || strcmp(stack[0], "Event") || strcmp(stack[1], "System"))
				break;
			struct bx_field *field = field_for(slots, stack[2], attr);
			if (!field || field->slot != BX_NO_ID || field->fixed.type != EVTX_NULL)
				break; /* the first part decides */
			if (op->kind == BX_SUBST)
				field->slot = op->id;
			else
				field->fixed = op->value;
			break;
		}
		default:
			break;
		}
	}
}

static bool is_text(const struct bx_op *op, const char *s)
{
	size_t n = strlen(s);
	return op->kind == BX_VALUE && op->value.type == EVTX_UTF8 && op->value.size == n && !memcmp(op->value.data, s, n);
}

/* The Name a <Data> element at ops[i] gets (the last Name attribute's text, "" without one): 1 when it is
 * "LogonType", 0 when it is some other fixed text, -1 when the template does not fix it. */
static int data_named_logon_type(const struct bx_op *ops, uint32_t i, uint32_t *content)
{
	int named = 0;
	uint32_t j = i + 1;
	while (j < ops[i].end && ops[j].kind == BX_ATTR) {
		if (!strcmp(ops[j].name, "Name")) {
			if (ops[j].end != j + 2 || ops[j + 1].kind != BX_VALUE || ops[j + 1].value.type != EVTX_UTF8 ||
			    memchr(ops[j + 1].value.data, 0, ops[j + 1].value.size))
				named = -1;
			else
				named = is_text(&ops[j + 1], "LogonType");
		}
		j = ops[j].end;
	}
	*content = j;
	return named;
}

/* Finds the first <Data Name="LogonType"> of the EventData at `data_depth` (1: under <Event>, the template being the
 * whole event; 0: the template is the EventData), as event_builder.c would take it; see struct bx_data_slot. */
static void find_logon_type(const struct bx_fragment *f, unsigned data_depth, struct bx_data_slot *out)
{
	const char *names[3] = {0};
	uint16_t deps[3], arrays[3];
	unsigned depth = 0;
	out->slot = BX_NO_ID;
	for (uint32_t i = 0; i < f->nops; i++) {
		const struct bx_op *op = &f->ops[i];
		if (op->kind == BX_END) {
			depth -= depth > 0;
			continue;
		}
		if (op->kind == BX_ATTR) {
			i = op->end - 1; /* its value */
			continue;
		}
		if (op->kind == BX_SUBST && ((depth == data_depth + 1 && !strcmp(names[data_depth], "EventData")) ||
					     (data_depth == 1 && depth == 1)))
			return; /* a value in an EventData or under <Event> could be BinXml with items that come first */
		if (op->kind != BX_OPEN)
			continue;
		if (depth == 1 && data_depth == 1 && !strcmp(op->name, "UserData"))
			return; /* its leaves are items too, and could come first */
		if (depth < 3) {
			names[depth] = op->name;
			deps[depth] = op->id;
			arrays[depth] = op->array_slot;
		}
		depth++;
		bool data = depth == data_depth + 2 && !strcmp(names[data_depth], "EventData") &&
			    !strcmp(op->name, "Data") && (data_depth == 0 || !strcmp(names[0], "Event"));
		if (!data)
			continue;
		uint32_t content;
		int named = data_named_logon_type(f->ops, i, &content);
		if (named < 0)
			return; /* this one could be named LogonType */
		if (!named)
			continue;
		if (content + 1 != op->end || f->ops[content].kind != BX_SUBST)
			return; /* fixed text, several parts or elements: not worth the trouble */
		uint16_t slot = f->ops[content].id;
		for (unsigned k = 0; k < depth - 1; k++)
			if (arrays[k] == slot)
				return; /* an element above repeats for the items of this very value */
		out->slot = slot;
		for (unsigned k = 0; k < 3; k++)
			out->deps[k] = k < depth ? deps[k] : BX_NO_ID;
		return;
	}
}

/* The one substitution directly in the content of the root <Event> when the template has no EventData or UserData
 * of its own (the event's data then comes in that value), else BX_NO_ID. */
static uint16_t find_event_binxml(const struct bx_fragment *f)
{
	if (f->nops == 0 || f->ops[0].kind != BX_OPEN || strcmp(f->ops[0].name, "Event") || f->ops[0].id != BX_NO_ID)
		return BX_NO_ID;
	uint16_t found = BX_NO_ID;
	unsigned n = 0;
	uint32_t i = 1;
	while (i < f->ops[0].end && f->ops[i].kind == BX_ATTR)
		i = f->ops[i].end;
	for (; i < f->ops[0].end; i++) {
		const struct bx_op *op = &f->ops[i];
		if (op->kind == BX_OPEN) {
			if (!strcmp(op->name, "EventData") || !strcmp(op->name, "UserData"))
				return BX_NO_ID;
			i = op->end; /* a child element and everything in it */
		} else if (op->kind == BX_ATTR) {
			i = op->end - 1; /* a stray attribute: the walk ignores it */
		} else if (op->kind == BX_SUBST) {
			found = op->id;
			n++;
		}
	}
	return n == 1 ? found : BX_NO_ID;
}

struct bx_template_ref {
	uint32_t def_off;
	const struct bx_template *tmpl; /* NULL: the definition there is damaged */
	struct bx_template_ref *next;
};

enum { STORE_BUCKETS = 1024 };

struct stored {
	const struct bx_template *tmpl;
	struct stored *next_same_key, *next_same_id;
};

struct bx_store {
	pthread_mutex_t lock;
	bool no_plans;             /* BADCREDS_EVENT_WALK=1 */
	struct arena arena;
	struct stored *by_key[STORE_BUCKETS], *by_id[STORE_BUCKETS];
};

struct bx_store *bx_store_new(void)
{
	struct bx_store *s = calloc(1, sizeof *s);
	if (!s)
		abort();
	pthread_mutex_init(&s->lock, NULL);
	const char *walk = getenv("BADCREDS_EVENT_WALK");
	s->no_plans = walk && !strcmp(walk, "1");
	return s;
}

void bx_store_free(struct bx_store *s)
{
	if (!s)
		return;
	pthread_mutex_destroy(&s->lock);
	arena_free(&s->arena);
	free(s);
}

static unsigned key_bucket(const uint8_t *guid, uint32_t size, uint32_t crc)
{
	return (le32(guid) ^ le32(guid + 12) ^ size * 2654435761u ^ crc) % STORE_BUCKETS;
}

/* The store's template with this GUID and body, if any; the caller holds the lock. */
static const struct bx_template *store_find(struct bx_store *s, const uint8_t *guid, uint32_t size, uint32_t crc)
{
	for (struct stored *e = s->by_key[key_bucket(guid, size, crc)]; e; e = e->next_same_key)
		if (e->tmpl->size == size && e->tmpl->crc == crc && memcmp(e->tmpl->guid, guid, 16) == 0)
			return e->tmpl;
	return NULL;
}

static void store_add(struct bx_store *s, const struct bx_template *t)
{
	struct stored *e = arena_alloc(&s->arena, sizeof *e);
	e->tmpl = t;
	unsigned k = key_bucket(t->guid, t->size, t->crc), id = le32(t->guid) % STORE_BUCKETS;
	e->next_same_key = s->by_key[k];
	s->by_key[k] = e;
	e->next_same_id = s->by_id[id];
	s->by_id[id] = e;
}

static const struct bx_template *store_by_id(struct bx_store *s, uint32_t template_id)
{
	const struct bx_template *found = NULL;
	pthread_mutex_lock(&s->lock);
	for (struct stored *e = s->by_id[template_id % STORE_BUCKETS]; e && !found; e = e->next_same_id)
		if (le32(e->tmpl->guid) == template_id)
			found = e->tmpl;
	pthread_mutex_unlock(&s->lock);
	return found;
}

static const struct bx_template *compile(struct bx_chunk *c, uint32_t def_off, uint32_t size, uint32_t crc,
					 struct arena *arena, const char **err)
{
	uint32_t body = def_off + EVTX_TEMPLATE_HEADER_SIZE, err_off;
	struct bx_template *t = arena_alloc(arena, sizeof *t);
	memset(t, 0, sizeof *t);
	memcpy(t->guid, c->data + def_off + 4, 16);
	t->size = size;
	t->crc = crc;
	if (!bx_compile(c, body, body + size, BX_TEMPLATE_BODY, arena, &t->body, err, &err_off))
		return NULL;
	if (t->body.nops == 0 || t->body.ops[0].kind != BX_OPEN) {
		*err = "template definition is empty or overwritten";
		return NULL;
	}
	find_slots(&t->body, &t->slots);
	find_logon_type(&t->body, 1, &t->slots.logon_type);
	find_logon_type(&t->body, 0, &t->slots.nested_logon_type);
	t->slots.event_binxml = find_event_binxml(&t->body);
	return t;
}

const struct bx_template *bx_template_at(struct bx_chunk *c, uint32_t def_off, const char **err)
{
	struct bx_template_ref **bucket = &c->templates[def_off % 64];
	for (struct bx_template_ref *r = *bucket; r; r = r->next)
		if (r->def_off == def_off) {
			if (!r->tmpl)
				*err = "template definition is damaged";
			return r->tmpl;
		}
	if (def_off < EVTX_CHUNK_HEADER_SIZE || def_off > c->len || c->len - def_off < EVTX_TEMPLATE_HEADER_SIZE) {
		*err = "template definition offset outside the chunk";
		return NULL;
	}
	uint32_t size = le32(c->data + def_off + 20);
	uint32_t body = def_off + EVTX_TEMPLATE_HEADER_SIZE;
	if (size > c->len - body) {
		*err = "template definition runs past the end of the chunk";
		return NULL;
	}
	uint32_t crc = (uint32_t)crc32(0, c->data + body, size);
	const struct bx_template *t;
	if (c->store) { /* once per file: a definition repeated in later chunks is found, not compiled again */
		pthread_mutex_lock(&c->store->lock);
		t = store_find(c->store, c->data + def_off + 4, size, crc);
		if (!t) {
			t = compile(c, def_off, size, crc, &c->store->arena, err);
			if (t)
				store_add(c->store, t);
		}
		pthread_mutex_unlock(&c->store->lock);
	} else {
		t = compile(c, def_off, size, crc, c->arena, err);
	}
	struct bx_template_ref *r = arena_alloc(c->arena, sizeof *r);
	*r = (struct bx_template_ref){.def_off = def_off, .tmpl = t, .next = *bucket};
	*bucket = r;
	return t;
}

static uint32_t table_entry(const struct bx_chunk *c, unsigned bucket)
{
	return le32(c->data + EVTX_TEMPLATE_TABLE + 4 * bucket);
}

void bx_template_table_begin(struct bx_template_table_iter *it, const struct bx_chunk *c)
{
	*it = (struct bx_template_table_iter){.c = c};
	if (c->len < EVTX_CHUNK_HEADER_SIZE)
		it->bucket = EVTX_TEMPLATE_TABLE_BUCKETS; /* no table */
	else
		it->off = table_entry(c, 0);
}

bool bx_template_table_next(struct bx_template_table_iter *it, uint32_t *def_off, uint32_t *template_id)
{
	const struct bx_chunk *c = it->c;
	while (it->bucket < EVTX_TEMPLATE_TABLE_BUCKETS) {
		uint32_t off = it->off;
		if (off && it->steps < TEMPLATE_CHAIN_MAX && off >= EVTX_CHUNK_HEADER_SIZE && off <= c->len &&
		    c->len - off >= EVTX_TEMPLATE_HEADER_SIZE) {
			uint32_t next = le32(c->data + off);
			it->off = next == off ? 0 : next;
			it->steps++;
			*def_off = off;
			*template_id = le32(c->data + off + 4);
			return true;
		}
		it->bucket++;
		it->steps = 0;
		it->off = it->bucket < EVTX_TEMPLATE_TABLE_BUCKETS ? table_entry(c, it->bucket) : 0;
	}
	return false;
}

/* For records whose definition offset points at overwritten data (carved from slack): the chunk's template table
 * lists every definition still present; one whose GUID starts with the instance's template id is the same one.
 * Failing that, a template of that id seen elsewhere in the file. */
const struct bx_template *bx_template_by_id(struct bx_chunk *c, uint32_t template_id)
{
	struct bx_template_table_iter it;
	uint32_t def_off, id;
	for (bx_template_table_begin(&it, c); bx_template_table_next(&it, &def_off, &id);) {
		if (id != template_id)
			continue;
		const char *err;
		const struct bx_template *t = bx_template_at(c, def_off, &err);
		if (t)
			return t;
	}
	return c->store ? store_by_id(c->store, template_id) : NULL;
}

bool bx_store_has(struct bx_store *s, uint32_t template_id) { return store_by_id(s, template_id) != NULL; }

static const char no_plan; /* a plan that was looked for and is not there */

const void *bx_template_plan(struct bx_chunk *c, const struct bx_template *t,
			     const void *(*make)(const struct bx_template *t, struct arena *arena))
{
	if (!c->store || c->store->no_plans)
		return NULL;
	struct bx_template *w = (struct bx_template *)t; /* the plan is the one field set after compiling */
	const void *p = atomic_load_explicit(&w->plan, memory_order_acquire);
	if (!p) {
		pthread_mutex_lock(&c->store->lock);
		p = atomic_load_explicit(&w->plan, memory_order_relaxed);
		if (!p) {
			p = make(t, &c->store->arena);
			if (!p)
				p = &no_plan;
			atomic_store_explicit(&w->plan, p, memory_order_release);
		}
		pthread_mutex_unlock(&c->store->lock);
	}
	return p == &no_plan ? NULL : p;
}
