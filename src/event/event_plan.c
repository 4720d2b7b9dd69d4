/* event_plan.c: the event model of an EVTX record filled straight from its template instance's values, without
 * walking the template into the builder. Most templates have one flat shape: a root (<Event>) holding <System>,
 * whose field elements hold one value each (their content and each attribute), then an <EventData> of <Data> items
 * (a fixed Name or none, one value or none, repeated for the items of an array value: classic events), or one
 * BinXml value directly under the root holding such an EventData as a template of its own (Security-Auditing). A
 * template's plan, made once (bx_template_plan), lists in the walk's order what event_builder.c does with each of
 * its elements, attributes and values; filling an event from it does the same through the builder's own setters and
 * counts the same bytes against the walk's budgets (binxml_walk.c), so that the event is the walk's. A record the
 * plan cannot take as it is (an array or a BinXml value where the plan has a single value, a walk that would be cut)
 * and a template of another shape (UserData, nested elements, several parts to a value) are walked instead.
 * tests/event_plan.py compares both on every fixture and sample (BADCREDS_EVENT_WALK=1 turns plans off). */
#include "event/event_plan.h"
#include "event/event_builder.h"
#include "util/vec.h"

#include <stdlib.h>
#include <string.h>

enum step_kind {
	S_OPEN,   /* an element: left out, with its steps up to `skip`, when its dependency value is Null */
	S_ATTR,   /* an attribute: one the event model keeps (attr), or one the builder ignores (SA_NONE) */
	S_FIELD,  /* the content of a System field element (elem), when it closes */
	S_DATA,   /* a <Data> item: its element, its Name and its content */
	S_TEXT,   /* a value the builder ignores, only counted (text between elements) */
	S_NESTED, /* the value directly under the root: a BinXml EventData, filled through its own template's plan */
};

struct step {
	uint8_t kind;
	uint8_t elem;          /* S_FIELD: enum event_elem */
	uint8_t attr;          /* S_ATTR: enum system_attr */
	bool optional;         /* the value is an optional substitution: a Null one leaves an attribute out */
	bool repeats;          /* S_DATA: its content is the substitution whose array items repeat the element */
	uint16_t slot;         /* the value's index in the instance; BX_NO_ID: `fixed` */
	uint16_t dep;          /* S_OPEN, S_DATA: the element's dependency id, or BX_NO_ID */
	uint32_t skip;         /* S_OPEN: the index of the first step after the element */
	uint32_t cost;         /* S_OPEN: what the element and the steps folded into it count (fold); S_DATA: the
				* bytes of its Name attribute, counted for each copy of the element */
	const char *name;      /* S_DATA: the item's name ("" without a Name) */
	struct evtx_value fixed;
};

struct steps {
	struct step *v;        /* NULL: the template has no plan for this use */
	uint32_t n;
	uint64_t base;         /* what the steps folded outside any element that may be left out count */
};

struct event_plan {
	struct steps top;      /* the template as a record's: its root at depth 0 */
	struct steps nested;   /* the template as the BinXml value under a record's root: its root at depth 1 */
};

/* ---- making a plan from a template's ops ---- */

struct making {
	const struct bx_op *ops;
	struct arena *arena;
	struct step *v;
	size_t n, cap;
	unsigned nested;       /* S_NESTED steps: the walk counts a BinXml value once however often it is placed */
	bool bad;              /* a shape the plan does not take */
};

static size_t add(struct making *m, enum step_kind kind)
{
	m->v = vec_grow(m->v, &m->cap, m->n, sizeof *m->v);
	m->v[m->n] = (struct step){.kind = (uint8_t)kind, .slot = BX_NO_ID, .dep = BX_NO_ID};
	return m->n++;
}

/* A value op as the source of a step. */
static void source(struct step *s, const struct bx_op *op)
{
	if (op->kind == BX_SUBST) {
		s->slot = op->id;
		s->optional = op->optional;
	} else {
		s->fixed = op->value;
	}
}

static bool is_value(const struct bx_op *op) { return op->kind == BX_SUBST || op->kind == BX_VALUE; }

/* The element at i opened: its S_OPEN step, whose skip is set by close_step(). */
static size_t open_step(struct making *m, uint32_t i)
{
	size_t at = add(m, S_OPEN);
	m->v[at].dep = m->ops[i].id;
	return at;
}

static void close_step(struct making *m, size_t at) { m->v[at].skip = (uint32_t)m->n; }

/* The attributes of the element at i, each of one value, as S_ATTR steps; the index of its first content op. */
static uint32_t attrs(struct making *m, uint32_t i, enum event_elem elem)
{
	uint32_t j = i + 1;
	while (j < m->ops[i].end && m->ops[j].kind == BX_ATTR) {
		const struct bx_op *a = &m->ops[j];
		if (a->end != j + 2 || !is_value(&m->ops[j + 1])) {
			m->bad = true; /* none or several parts */
			return m->ops[i].end;
		}
		size_t s = add(m, S_ATTR);
		m->v[s].attr = (uint8_t)event_system_attr_of(elem, a->name);
		source(&m->v[s], &m->ops[j + 1]);
		j = a->end;
	}
	return j;
}

/* The content [from, end) when it is at most one value (*value, NULL for none). */
static bool one_value(const struct making *m, uint32_t from, uint32_t end, const struct bx_op **value)
{
	*value = NULL;
	for (uint32_t k = from; k < end; k++) {
		if (!is_value(&m->ops[k]) || *value)
			return false;
		*value = &m->ops[k];
	}
	return true;
}

/* A child of <System>: attributes, then its content as the field's value (a Null one without content). */
static void system_field(struct making *m, uint32_t i)
{
	const struct bx_op *op = &m->ops[i];
	enum event_elem elem = event_elem_of(2, EE_SYSTEM, op->name);
	size_t at = open_step(m, i);
	const struct bx_op *value;
	if (!one_value(m, attrs(m, i, elem), op->end, &value)) {
		m->bad = true;
		return;
	}
	size_t f = add(m, S_FIELD);
	m->v[f].elem = (uint8_t)elem;
	if (value)
		source(&m->v[f], value);
	close_step(m, at);
}

/* A <Data> element: a fixed Name or none, no other attribute, at most one value. */
static void data_item(struct making *m, uint32_t i)
{
	const struct bx_op *op = &m->ops[i];
	struct step s = {.kind = S_DATA, .slot = BX_NO_ID, .dep = op->id, .name = ""};
	uint32_t j = i + 1;
	bool named = false;
	while (j < op->end && m->ops[j].kind == BX_ATTR) {
		const struct bx_op *a = &m->ops[j];
		if (named || strcmp(a->name, "Name") || a->end != j + 2 || m->ops[j + 1].kind != BX_VALUE) {
			m->bad = true;
			return;
		}
		struct strbuf sb = {0}; /* as the builder copies it */
		evtx_value_render(&sb, &m->ops[j + 1].value);
		s.name = arena_copy(m->arena, sb_cstr(&sb), sb.len + 1);
		sb_free(&sb);
		s.cost = m->ops[j + 1].value.size;
		named = true;
		j = a->end;
	}
	const struct bx_op *value;
	if (!one_value(m, j, op->end, &value)) {
		m->bad = true;
		return;
	}
	if (value) {
		source(&s, value);
		s.repeats = value->kind == BX_SUBST && op->array_slot == value->id;
	}
	size_t at = add(m, S_DATA); /* add may move m->v */
	m->v[at] = s;
}

/* The content of a section element at i: child elements through `child`, values only counted. */
static void section(struct making *m, uint32_t i, void (*child)(struct making *m, uint32_t k))
{
	const struct bx_op *op = &m->ops[i];
	size_t at = open_step(m, i);
	for (uint32_t j = attrs(m, i, EE_OTHER); j < op->end && !m->bad; j++) {
		const struct bx_op *k = &m->ops[j];
		if (k->kind == BX_OPEN) {
			child(m, j);
			j = k->end;
		} else if (is_value(k)) {
			size_t at_text = add(m, S_TEXT);
			source(&m->v[at_text], k);
		} else {
			m->bad = true;
		}
	}
	close_step(m, at);
}

static void system_child(struct making *m, uint32_t k) { system_field(m, k); }

static void data_child(struct making *m, uint32_t k)
{
	if (event_elem_of(2, EE_EVENT_DATA, m->ops[k].name) == EE_DATA)
		data_item(m, k);
	else
		m->bad = true;
}

/* A child of the record's root: <System> or <EventData>. */
static void root_child(struct making *m, uint32_t k)
{
	enum event_elem e = event_elem_of(1, EE_OTHER, m->ops[k].name);
	if (e == EE_SYSTEM)
		section(m, k, system_child);
	else if (e == EE_EVENT_DATA)
		section(m, k, data_child);
	else
		m->bad = true;
}

/* Drops the steps that count the same in every record and do nothing else (an element without a dependency, text
 * fixed in the template), adding what they count to the innermost element around them that may be left out (its
 * S_OPEN's cost) or to the plan's base: fewer steps to go through for each record. */
static uint64_t fold(struct making *m)
{
	uint32_t *moved = malloc((m->n + 1) * sizeof *moved); /* old index -> new index */
	struct { size_t at; uint32_t end; } *open = malloc((m->n + 1) * sizeof *open); /* kept S_OPENs around */
	if (!moved || !open)
		abort();
	uint64_t base = 0;
	size_t k = 0, depth = 0;
	for (size_t i = 0; i < m->n; i++) {
		while (depth && open[depth - 1].end <= i)
			depth--;
		struct step s = m->v[i];
		uint32_t constant = 0;
		bool folds = false;
		if (s.kind == S_OPEN && s.dep == BX_NO_ID) {
			constant = BX_ELEMENT_COST;
			folds = true;
		} else if (s.kind == S_TEXT && s.slot == BX_NO_ID && s.fixed.type != EVTX_BINXML &&
			   !evtx_value_is_array(&s.fixed)) {
			constant = s.fixed.type == EVTX_NULL ? 0 : s.fixed.size;
			folds = true;
		}
		moved[i] = (uint32_t)k;
		if (folds) {
			if (depth)
				m->v[open[depth - 1].at].cost += constant;
			else
				base += constant;
			continue;
		}
		if (s.kind == S_OPEN) {
			s.cost = BX_ELEMENT_COST;
			open[depth].at = k;
			open[depth++].end = s.skip;
		}
		m->v[k++] = s;
	}
	moved[m->n] = (uint32_t)k;
	for (size_t j = 0; j < k; j++)
		if (m->v[j].kind == S_OPEN)
			m->v[j].skip = moved[m->v[j].skip];
	m->n = k;
	free(moved);
	free(open);
	return base;
}

/* The template's ops as a record's root (top) or as an EventData under it (nested). */
static struct steps steps_of(const struct bx_template *t, struct arena *arena, bool nested)
{
	const struct bx_fragment *f = &t->body;
	struct making m = {.ops = f->ops, .arena = arena};
	if (f->nops < 2 || f->ops[0].kind != BX_OPEN || f->ops[0].end + 1 != f->nops)
		return (struct steps){0};
	if (!nested) {
		size_t at = open_step(&m, 0);
		for (uint32_t j = attrs(&m, 0, EE_OTHER); j < f->ops[0].end && !m.bad; j++) {
			const struct bx_op *k = &f->ops[j];
			if (k->kind == BX_OPEN) {
				root_child(&m, j);
				j = k->end;
			} else if (k->kind == BX_SUBST) {
				size_t at_nested = add(&m, S_NESTED);
				source(&m.v[at_nested], k);
				m.nested++;
			} else if (k->kind == BX_VALUE) {
				size_t at_text = add(&m, S_TEXT);
				source(&m.v[at_text], k);
			} else {
				m.bad = true;
			}
		}
		close_step(&m, at);
	} else if (event_elem_of(1, EE_OTHER, f->ops[0].name) == EE_EVENT_DATA) {
		section(&m, 0, data_child);
	} else {
		m.bad = true;
	}
	struct steps s = {0};
	if (!m.bad && m.nested <= 1 && m.n) {
		s.base = fold(&m);
		s.v = arena_copy(arena, m.v, (m.n ? m.n : 1) * sizeof *m.v);
		s.n = (uint32_t)m.n;
	}
	free(m.v);
	return s;
}

static const void *make_plan(const struct bx_template *t, struct arena *arena)
{
	struct event_plan p = {steps_of(t, arena, false), steps_of(t, arena, true)};
	return p.top.v || p.nested.v ? arena_copy(arena, &p, sizeof p) : NULL;
}

/* ---- filling an event from a plan ---- */

struct filling {
	struct event *ev;
	struct bx_chunk *c;
	struct arena *arena;
	uint64_t cost;                 /* what the walk would have counted */
	struct event_items items;
};

static const struct evtx_value null_value = {.type = EVTX_NULL};

static const struct evtx_value *value_of(const struct bx_instance *inst, const struct step *s)
{
	if (s->slot == BX_NO_ID)
		return &s->fixed;
	return s->slot < inst->nvalues ? &inst->values[s->slot] : &null_value;
}

static bool left_out(const struct bx_instance *inst, uint16_t dep)
{
	return dep != BX_NO_ID && (dep >= inst->nvalues || inst->values[dep].type == EVTX_NULL);
}

static void item(struct filling *f, const char *name, const struct evtx_value *v)
{
	f->cost += BX_ELEMENT_COST + (v->type == EVTX_NULL ? 0 : v->size);
	event_items_add(&f->items, name, v->type == EVTX_NULL ? &null_value : v);
}

static bool fill(struct filling *f, const struct steps *p, const struct bx_instance *inst);

/* The BinXml value under the root: compiled as the walk compiles it, filled through its template's nested plan. */
static bool fill_nested(struct filling *f, const struct evtx_value *v)
{
	f->cost += (uint64_t)v->size * BX_COMPILE_COST;
	struct bx_fragment frag;
	const char *err;
	uint32_t err_off, off = (uint32_t)(v->data - f->c->data);
	if (!bx_compile(f->c, off, off + v->size, BX_VALUE_XML, f->arena, &frag, &err, &err_off) || frag.nops != 1 ||
	    frag.ops[0].kind != BX_INSTANCE)
		return false;
	const struct bx_instance *inner = frag.ops[0].instance;
	const struct event_plan *p = bx_template_plan(f->c, inner->tmpl, make_plan);
	return p && p->nested.v && fill(f, &p->nested, inner);
}

static bool fill(struct filling *f, const struct steps *p, const struct bx_instance *inst)
{
	f->cost += p->base;
	for (uint32_t i = 0; i < p->n; i++) {
		const struct step *s = &p->v[i];
		const struct evtx_value *v = value_of(inst, s);
		switch (s->kind) {
		case S_OPEN:
			if (left_out(inst, s->dep))
				i = s->skip - 1;
			else
				f->cost += s->cost;
			break;
		case S_ATTR:
			if (v->type == EVTX_BINXML || (v->type == EVTX_NULL && s->optional))
				break; /* the walk leaves the attribute out */
			f->cost += v->type == EVTX_NULL ? 0 : v->size;
			event_set_system_attr(f->ev, (enum system_attr)s->attr, v->type == EVTX_NULL ? &null_value : v);
			break;
		case S_FIELD:
			if (v->type == EVTX_BINXML || evtx_value_is_array(v))
				return false; /* the walk would nest it or repeat the element */
			f->cost += v->type == EVTX_NULL ? 0 : v->size;
			event_set_system_field(f->ev, (enum event_elem)s->elem, v->type == EVTX_NULL ? &null_value : v);
			break;
		case S_DATA:
			if (left_out(inst, s->dep))
				break;
			if (v->type == EVTX_BINXML)
				return false;
			if (s->repeats && evtx_value_is_array(v)) {
				struct evtx_array_iter it = {0};
				struct evtx_value each;
				while (evtx_array_next(v, &it, &each)) {
					f->cost += s->cost;
					item(f, s->name, &each);
				}
			} else {
				f->cost += s->cost;
				item(f, s->name, v);
			}
			break;
		case S_TEXT:
			if (v->type == EVTX_BINXML || evtx_value_is_array(v))
				return false; /* the walk would nest it, or repeat the element it is in */
			f->cost += v->type == EVTX_NULL ? 0 : v->size;
			break;
		case S_NESTED:
			if (evtx_value_is_array(v))
				return false; /* the walk would repeat the root */
			if (v->type == EVTX_BINXML) {
				if (!fill_nested(f, v))
					return false;
			} else if (v->type != EVTX_NULL) {
				f->cost += v->size;
			}
			break;
		default:
			return false;
		}
	}
	return true;
}

bool event_plan_fill(struct event *ev, struct bx_chunk *c, const struct bx_instance *inst, struct arena *arena)
{
	const struct event_plan *p = bx_template_plan(c, inst->tmpl, make_plan);
	if (!p || !p->top.v)
		return false;
	struct filling f; /* not zeroed as a whole: the items' inline room is written before it is read */
	f.ev = ev;
	f.c = c;
	f.arena = arena;
	f.cost = 0;
	event_items_init(&f.items);
	memset(ev, 0, sizeof *ev);
	bool ok = fill(&f, &p->top, inst) && !bx_over_budget(f.cost, c->spent + f.cost);
	if (ok)
		c->spent += f.cost;
	event_items_finish(&f.items, ok ? ev : NULL, arena);
	return ok;
}
