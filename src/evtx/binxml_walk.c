/* binxml_walk.c: walks compiled ops with a template instance's values into a visitor: substitutions filled in,
 * array values repeating their element (one <Data> per StringArray item), optional Null values and elements whose
 * dependency value is Null left out, and nested BinXml values (type 0x21) compiled (once per value) and walked in
 * place. What a walk hands out is counted against the record's and the chunk's budgets (binxml.h): past them the
 * record is cut, its open elements still closed. */
#include "evtx/binxml.h"

enum { MAX_NESTING = 16, MAX_ATTR_PARTS = 16, BINXML_CACHE = 4 };

struct walker {
	struct bx_chunk *c;
	struct arena *arena;
	const struct bx_visitor *v;
	void *ctx;
	unsigned nesting;
	const char *err;
	uint64_t spent;         /* bytes handed out for this record */
	bool cut;
	struct {                /* BinXml values compiled during this walk, by where their bytes are */
		const uint8_t *data;
		struct bx_fragment f;
	} compiled[BINXML_CACHE];
	unsigned ncompiled;
};

/* Counts n bytes against the budgets; false (and the record cut) once they are spent. */
static bool charge(struct walker *w, uint64_t n)
{
	if (w->cut)
		return false;
	w->spent += n;
	w->c->spent += n;
	if (bx_over_budget(w->spent, w->c->spent)) {
		w->cut = true;
		w->c->cuts++;
		return false;
	}
	return true;
}

/* The values in scope while walking one template body, and the array item that repeats an element. */
struct scope {
	const struct evtx_value *values;
	uint32_t nvalues;
	uint16_t item_slot;
	struct evtx_value item;
};

static const struct evtx_value null_value = {.type = EVTX_NULL};

static const struct evtx_value *value_of(const struct scope *s, uint16_t id)
{
	if (id == s->item_slot)
		return &s->item;
	return id < s->nvalues ? &s->values[id] : &null_value;
}

static bool walk_range(struct walker *w, const struct bx_op *ops, uint32_t from, uint32_t to, const struct scope *s);

static bool walk_nested(struct walker *w, const struct bx_fragment *f, const struct scope *s)
{
	if (w->nesting == MAX_NESTING) {
		w->err = "Binary XML nested too deeply";
		return false;
	}
	w->nesting++;
	bool ok = walk_range(w, f->ops, 0, f->nops, s);
	w->nesting--;
	return ok;
}

static bool walk_binxml_value(struct walker *w, const struct evtx_value *v)
{
	const struct bx_fragment *f = NULL;
	for (unsigned i = 0; i < w->ncompiled && !f; i++)
		if (w->compiled[i].data == v->data)
			f = &w->compiled[i].f;
	if (!f) {
		if (!charge(w, (uint64_t)v->size * BX_COMPILE_COST))
			return true;
		const char *err = NULL;
		uint32_t err_off;
		struct bx_fragment compiled;
		uint32_t off = (uint32_t)(v->data - w->c->data);
		if (!bx_compile(w->c, off, off + v->size, BX_VALUE_XML, w->arena, &compiled, &err, &err_off)) {
			w->err = err;
			return false;
		}
		unsigned k = w->ncompiled < BINXML_CACHE ? w->ncompiled++ : 0;
		w->compiled[k].data = v->data;
		w->compiled[k].f = compiled;
		f = &w->compiled[k].f;
	}
	struct scope none = {.item_slot = BX_NO_ID};
	return walk_nested(w, f, &none);
}

/* Attribute at ops[i]; left out when its only value is an optional substitution that is Null. */
static void walk_attr(struct walker *w, const struct bx_op *ops, uint32_t i, const struct scope *s)
{
	struct evtx_value parts[MAX_ATTR_PARTS];
	unsigned n = 0;
	bool dropped = false;
	for (uint32_t j = i + 1; j < ops[i].end && n < MAX_ATTR_PARTS; j++) {
		const struct evtx_value *v = ops[j].kind == BX_SUBST ? value_of(s, ops[j].id) : &ops[j].value;
		if (v->type == EVTX_NULL || v->type == EVTX_BINXML) {
			dropped |= ops[j].optional || v->type == EVTX_BINXML;
			continue;
		}
		parts[n++] = *v;
	}
	if (n == 0 && dropped)
		return;
	uint64_t size = 0;
	for (unsigned k = 0; k < n; k++)
		size += parts[k].size;
	if (charge(w, size))
		w->v->attr(w->ctx, ops[i].name, parts, n);
}

static bool walk_element(struct walker *w, const struct bx_op *ops, uint32_t i, const struct scope *s)
{
	const struct bx_op *op = &ops[i];
	if (!charge(w, BX_ELEMENT_COST))
		return true;
	w->v->open(w->ctx, op->name);
	uint32_t j = i + 1;
	while (j < op->end && ops[j].kind == BX_ATTR) {
		walk_attr(w, ops, j, s);
		j = ops[j].end;
	}
	bool ok = walk_range(w, ops, j, op->end, s);
	w->v->close(w->ctx);
	return ok;
}

static bool walk_range(struct walker *w, const struct bx_op *ops, uint32_t from, uint32_t to, const struct scope *s)
{
	for (uint32_t i = from; i < to; i++) {
		const struct bx_op *op = &ops[i];
		switch (op->kind) {
		case BX_OPEN: {
			if ((op->id != BX_NO_ID && value_of(s, op->id)->type == EVTX_NULL) || w->cut) {
				i = op->end;
				break;
			}
			const struct evtx_value *a = op->array_slot != BX_NO_ID ? value_of(s, op->array_slot) : NULL;
			if (a && evtx_value_is_array(a) && op->array_slot != s->item_slot) {
				struct scope each = *s;
				each.item_slot = op->array_slot;
				struct evtx_array_iter it = {0};
				while (!w->cut && evtx_array_next(a, &it, &each.item))
					if (!walk_element(w, ops, i, &each))
						return false;
			} else if (!walk_element(w, ops, i, s)) {
				return false;
			}
			i = op->end;
			break;
		}
		case BX_ATTR:
			i = op->end - 1; /* stray attribute outside a start tag: ignore */
			break;
		case BX_VALUE:
			if (charge(w, op->value.size))
				w->v->value(w->ctx, &op->value);
			break;
		case BX_SUBST: {
			const struct evtx_value *v = value_of(s, op->id);
			if (v->type == EVTX_BINXML) {
				if (!walk_binxml_value(w, v))
					return false;
			} else if (v->type != EVTX_NULL && charge(w, v->size)) {
				w->v->value(w->ctx, v);
			}
			break;
		}
		case BX_PI:
			if (charge(w, BX_ELEMENT_COST + op->value.size))
				w->v->pi(w->ctx, op->name, &op->value);
			break;
		case BX_INSTANCE: {
			const struct bx_instance *inst = op->instance;
			struct scope inner = {.values = inst->values, .nvalues = inst->nvalues, .item_slot = BX_NO_ID};
			if (!walk_nested(w, &inst->tmpl->body, &inner))
				return false;
			break;
		}
		default:
			break;
		}
	}
	return true;
}

bool bx_walk(struct bx_chunk *c, const struct bx_fragment *f, struct arena *arena, const struct bx_visitor *v,
	     void *ctx, const char **err)
{
	struct walker w = {.c = c, .arena = arena, .v = v, .ctx = ctx};
	struct scope none = {.item_slot = BX_NO_ID};
	bool ok = walk_range(&w, f->ops, 0, f->nops, &none);
	if (!ok)
		*err = w.err;
	return ok;
}
