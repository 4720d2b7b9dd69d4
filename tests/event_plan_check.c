/* event_plan_check.c: for every record of the EVTX files given (or of the .evtx files in the folders given), live
 * or carved, the event its template's plan fills (src/event/event_plan.c) against the event the Binary XML walk
 * builds, field by field and item by item, and the bytes each counts against the walk's budgets; prints how many
 * records the plans took. Exit status 1 on a difference, or when no plan took any record. */
#include "badcreds/event.h"
#include "event/event_builder.h"
#include "event/event_plan.h"
#include "each_record.h"

#include <stdio.h>
#include <string.h>

static long records, planned, differ;

/* Two values alike: the same type, and for a value that is not Null the same bytes. */
static bool same_value(const struct evtx_value *x, const struct evtx_value *y)
{
	if (x->type != y->type)
		return false;
	if (x->type == EVTX_NULL)
		return true;
	return x->size == y->size && x->code == y->code && (x->data == y->data || !memcmp(x->data, y->data, x->size));
}

static bool same_event(const struct event *x, const struct event *y)
{
	if (x->has != y->has || x->record_id != y->record_id || x->time_created != y->time_created ||
	    x->event_id != y->event_id || x->qualifiers != y->qualifiers || x->version != y->version ||
	    x->level != y->level || x->opcode != y->opcode || x->task != y->task || x->keywords != y->keywords ||
	    x->process_id != y->process_id || x->thread_id != y->thread_id || x->ndata != y->ndata)
		return false;
	const struct evtx_value *vx[] = {&x->provider_name, &x->provider_guid, &x->event_source_name, &x->channel,
					 &x->computer, &x->user_id, &x->activity_id, &x->related_activity_id};
	const struct evtx_value *vy[] = {&y->provider_name, &y->provider_guid, &y->event_source_name, &y->channel,
					 &y->computer, &y->user_id, &y->activity_id, &y->related_activity_id};
	for (size_t i = 0; i < sizeof vx / sizeof vx[0]; i++)
		if (!same_value(vx[i], vy[i]))
			return false;
	for (uint32_t i = 0; i < x->ndata; i++)
		if (strcmp(x->data[i].name, y->data[i].name) || !same_value(&x->data[i].value, &y->data[i].value))
			return false;
	return true;
}

static void check_record(const char *path, struct evtx_chunk *c, const struct evtx_record *rec, struct arena *a)
{
	struct bx_fragment frag;
	const char *err;
	uint32_t err_off;
	if (!evtx_record_compile(c, rec, a, &frag, &err, &err_off) || frag.nops != 1 || frag.ops[0].kind != BX_INSTANCE)
		return;
	records++;
	uint64_t before = c->bx.spent;
	unsigned long cuts = c->bx.cuts;
	struct event by_plan, by_walk;
	bool took = event_plan_fill(&by_plan, &c->bx, frag.ops[0].instance, a);
	uint64_t plan_spent = c->bx.spent - before;
	if (!took && plan_spent) {
		differ++;
		printf("%s: record %llu: the plan declined but counted %llu bytes\n", path, (unsigned long long)rec->id,
		       (unsigned long long)plan_spent);
	}
	c->bx.spent = before;
	struct event_builder *b = event_builder_begin(&by_walk, a);
	bool walked = bx_walk(&c->bx, &frag, a, &event_builder_visitor, b, &err);
	event_builder_end(b);
	if (!took)
		return;
	planned++;
	uint64_t walk_spent = c->bx.spent - before;
	if (!walked || c->bx.cuts != cuts || plan_spent != walk_spent || !same_event(&by_plan, &by_walk)) {
		differ++;
		printf("%s: record %llu: the plan's event differs from the walk's (counted %llu, walk %llu%s)\n", path,
		       (unsigned long long)rec->id, (unsigned long long)plan_spent, (unsigned long long)walk_spent,
		       c->bx.cuts != cuts ? ", the walk was cut" : "");
	}
}

int main(int argc, char **argv)
{
	each_record(argv + 1, argc - 1, check_record);
	printf("records %ld: filled from their template's plan %ld, different %ld\n", records, planned, differ);
	return differ || !planned ? 1 : 0;
}
