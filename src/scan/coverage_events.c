/* coverage_events.c: the few events `badcreds coverage` decodes for what they hold: who cleared which log (Security
 * 1102, System 104: log_cleared.c), a 411 without its client IP field (Data[4], absent on AD FS 2012 R2 without
 * KB 3134222) and the caller computer a 4740 names (TargetDomainName). */
#include <string.h>
#include <strings.h>

#include "coverage_tally.h"
#include "util/vec.h"

static void cleared(struct coverage *c, struct tally *t, const struct event *ev)
{
	struct log_clear clear;
	if (!log_cleared_read(ev, &c->arena, &clear))
		return;
	t->clears = vec_grow(t->clears, &t->capclears, t->nclears, sizeof *t->clears);
	t->clears[t->nclears++] = clear;
}

static void caller(struct coverage *c, struct tally *t, const struct event *ev, struct strbuf *tmp)
{
	const struct evtx_value *v = event_data_get(ev, "TargetDomainName");
	tmp->len = 0;
	if (v)
		evtx_value_render(tmp, v);
	if (!tmp->len || !strcmp(sb_cstr(tmp), "-"))
		return;
	const char *name = arena_copy(&c->arena, sb_cstr(tmp), tmp->len + 1);
	for (size_t i = 0; i < t->ncallers; i++)
		if (!strcasecmp(t->callers[i], name))
			return;
	t->callers = vec_grow(t->callers, &t->capcallers, t->ncallers + 1, sizeof *t->callers);
	t->callers[t->ncallers++] = name;
}

void coverage_event(void *ctx, const struct event *ev)
{
	struct coverage *c = ctx;
	struct event_peek p;
	struct strbuf tmp = {0};
	event_peek_from(ev, &p);
	pthread_mutex_lock(&c->lock); /* the workers may still be counting records of later chunks */
	struct tally *t = coverage_tally_find(c, &p);
	if (ev->event_id == 1102 || ev->event_id == 104)
		cleared(c, t, ev);
	else if (ev->event_id == 411 && ev->ndata < 5)
		t->ip_less_411++;
	else if (ev->event_id == 4740)
		caller(c, t, ev, &tmp);
	pthread_mutex_unlock(&c->lock);
	sb_free(&tmp);
}
