/* log_cleared.c: the events that say a log was cleared: Security 1102 and System 104 of provider
 * Microsoft-Windows-Eventlog, whose UserData/LogFileCleared names who (SubjectDomainName, SubjectUserName) and, for
 * 104, the log cleared (Channel). Read by coverage and by the commands that warn about a cleared log. */
#include "badcreds/coverage.h"

#include "badcreds/arena.h"
#include "badcreds/strbuf.h"

bool log_cleared_peek(const struct event_peek *p)
{
	return p->has_event_id && (p->event_id == 1102 || p->event_id == 104) &&
	       evtx_value_equals_nocase(&p->provider, "Microsoft-Windows-Eventlog");
}

/* A value's text copied into the arena ("" when absent). */
static const char *text_of(struct arena *a, struct strbuf *tmp, const struct evtx_value *v)
{
	tmp->len = 0;
	if (v)
		evtx_value_render(tmp, v);
	return arena_copy(a, sb_cstr(tmp), tmp->len + 1);
}

bool log_cleared_read(const struct event *ev, struct arena *a, struct log_clear *out)
{
	if (ev->event_id != 1102 && ev->event_id != 104)
		return false; /* most events: known without reading the rest of the event (another thread wrote it) */
	struct event_peek p;
	event_peek_from(ev, &p);
	if (!log_cleared_peek(&p))
		return false;
	struct strbuf tmp = {0};
	const struct evtx_value *user = event_data_get(ev, "SubjectUserName");
	const struct evtx_value *domain = event_data_get(ev, "SubjectDomainName");
	if (domain)
		evtx_value_render(&tmp, domain);
	if (tmp.len)
		sb_addc(&tmp, '\\');
	if (user)
		evtx_value_render(&tmp, user);
	out->who = arena_copy(a, sb_cstr(&tmp), tmp.len + 1);
	out->log = text_of(a, &tmp, ev->event_id == 104 ? event_data_get(ev, "Channel") : &ev->channel);
	out->computer = text_of(a, &tmp, &ev->computer);
	out->time = (ev->has & EV_HAS_TIME) ? ev->time_created : 0;
	sb_free(&tmp);
	return true;
}
