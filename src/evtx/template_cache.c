/* template_cache.c: template definitions of a chunk, compiled once on first use and found by their offset. */
#include "badcreds/binxml.h"
#include "badcreds/evtx_format.h"
#include "badcreds/le.h"

#include <string.h>

/* Definition header at def_off: u32 next definition offset, GUID[16], u32 body size; the body follows. */
enum { TEMPLATE_HEADER_SIZE = 24 };

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
	slots->event_id.slot = slots->provider_name.slot = slots->channel.slot = slots->time_created.slot = BX_NO_ID;
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

const struct bx_template *bx_template_at(struct bx_chunk *c, uint32_t def_off, const char **err)
{
	struct bx_template **bucket = &c->templates[def_off % 64];
	for (struct bx_template *t = *bucket; t; t = t->next)
		if (t->def_off == def_off) {
			if (t->compiling || !t->body.ops) {
				*err = "template definition refers to itself or is damaged";
				return NULL;
			}
			return t;
		}
	if (def_off < 512 || def_off > c->len || c->len - def_off < TEMPLATE_HEADER_SIZE) {
		*err = "template definition offset outside the chunk";
		return NULL;
	}
	uint32_t size = le32(c->data + def_off + 20);
	uint32_t body = def_off + TEMPLATE_HEADER_SIZE;
	if (size > c->len - body) {
		*err = "template definition runs past the end of the chunk";
		return NULL;
	}
	struct bx_template *t = arena_alloc(c->arena, sizeof *t);
	memset(t, 0, sizeof *t);
	t->def_off = def_off;
	memcpy(t->guid, c->data + def_off + 4, 16);
	t->compiling = true;
	t->next = *bucket;
	*bucket = t;
	uint32_t err_off;
	bool ok = bx_compile(c, body, body + size, BX_TEMPLATE_BODY, c->arena, &t->body, err, &err_off);
	t->compiling = false;
	if (ok && (t->body.nops == 0 || t->body.ops[0].kind != BX_OPEN)) {
		*err = "template definition is empty or overwritten";
		ok = false;
	}
	if (!ok) {
		t->body.ops = NULL; /* remembered as damaged */
		return NULL;
	}
	find_slots(&t->body, &t->slots);
	return t;
}

/* For records whose definition offset points at overwritten data (carved from slack): the chunk's template table
 * lists every definition still present; one whose GUID starts with the instance's template id is the same one. */
const struct bx_template *bx_template_by_id(struct bx_chunk *c, uint32_t template_id)
{
	enum { TEMPLATE_TABLE = 384, TEMPLATE_BUCKETS = 32, MAX_CHAIN = 1024 };
	if (c->len < EVTX_CHUNK_HEADER_SIZE)
		return NULL;
	for (unsigned b = 0; b < TEMPLATE_BUCKETS; b++) {
		uint32_t off = le32(c->data + TEMPLATE_TABLE + 4 * b);
		for (unsigned steps = 0; off && steps < MAX_CHAIN; steps++) {
			if (off < EVTX_CHUNK_HEADER_SIZE || off > c->len || c->len - off < TEMPLATE_HEADER_SIZE)
				break;
			if (le32(c->data + off + 4) == template_id) {
				const char *err;
				return bx_template_at(c, off, &err);
			}
			uint32_t next = le32(c->data + off);
			if (next == off)
				break;
			off = next;
		}
	}
	return NULL;
}
