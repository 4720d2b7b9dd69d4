/* coverage_events.c: the few events `badcreds coverage` decodes for what they hold: who cleared which log (Security
 * 1102, System 104: UserData/LogFileCleared Subject*, Channel), a 411 without its client IP field (Data[4], absent
 * on AD FS 2012 R2 without KB 3134222) and the caller computer a 4740 names (TargetDomainName). */
#include <string.h>
#include <strings.h>

#include "coverage_tally.h"
#include "util/vec.h"

/* A value's text copied into the arena ("" when absent). */
static const char *text_of(struct arena *a, struct strbuf *tmp, const struct evtx_value *v)
{
	tmp->len = 0;
	if (v)
		evtx_value_render(tmp, v);
	return arena_copy(a, sb_cstr(tmp), tmp->len + 1);
}

static void cleared(struct coverage *c, struct tally *t, const struct event *ev, struct strbuf *tmp)
{
	const struct evtx_value *user = event_data_get(ev, "SubjectUserName");
	const struct evtx_value *domain = event_data_get(ev, "SubjectDomainName");
	tmp->len = 0;
	if (domain)
		evtx_value_render(tmp, domain);
	if (tmp->len)
		sb_addc(tmp, '\\');
	if (user)
		evtx_value_render(tmp, user);
	const char *who = arena_copy(&c->arena, sb_cstr(tmp), tmp->len + 1);
	const struct evtx_value *log = ev->event_id == 104 ? event_data_get(ev, "Channel") : &ev->channel;
	t->clears = vec_grow(t->clears, &t->capclears, t->nclears, sizeof *t->clears);
	t->clears[t->nclears++] = (struct coverage_clear){
		.time = (ev->has & EV_HAS_TIME) ? ev->time_created : 0, .who = who, .log = text_of(&c->arena, tmp, log)};
}

static void caller(struct coverage *c, struct tally *t, const struct event *ev, struct strbuf *tmp)
{
	const char *name = text_of(&c->arena, tmp, event_data_get(ev, "TargetDomainName"));
	if (!*name || !strcmp(name, "-"))
		return;
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
		cleared(c, t, ev, &tmp);
	else if (ev->event_id == 411 && ev->ndata < 5)
		t->ip_less_411++;
	else if (ev->event_id == 4740)
		caller(c, t, ev, &tmp);
	pthread_mutex_unlock(&c->lock);
	sb_free(&tmp);
}
