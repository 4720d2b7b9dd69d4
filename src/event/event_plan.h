/* event_plan.h: the event model of an EVTX record filled straight from its template instance's values, for
 * templates of the usual flat shape (event_plan.c). */
#ifndef BADCREDS_EVENT_PLAN_H
#define BADCREDS_EVENT_PLAN_H

#include "badcreds/arena.h"
#include "badcreds/event.h"
#include "evtx/binxml.h"

/* Fills ev from the instance as walking its template into the event builder would, counting the same bytes against
 * the walk's budgets; false when the template has no plan or this record needs the walk: the chunk's count is then
 * as it was, ev is to be filled again (the walk starts from a cleared event), and the caller walks the record. */
bool event_plan_fill(struct event *ev, struct bx_chunk *c, const struct bx_instance *inst, struct arena *arena);

#endif
