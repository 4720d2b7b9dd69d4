/* log_cleared.c: the events that say a log was cleared: Security 1102 and System 104 of provider
 * Microsoft-Windows-Eventlog, whose UserData/LogFileCleared names who (SubjectDomainName, SubjectUserName) and, for
 * 104, the log cleared (Channel). Read by coverage and by the commands that warn about a cleared log. */
#include "badcreds/coverage.h"

#include <stdlib.h>
#include <string.h>

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

static int cmp_clear(const void *a, const void *b)
{
	const struct log_clear *x = a, *y = b;
	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	int c = strcmp(x->computer, y->computer);
	c = c ? c : strcmp(x->log, y->log);
	return c ? c : strcmp(x->who, y->who);
}

size_t log_clears_order(struct log_clear *c, size_t n)
{
	if (n < 2)
		return n;
	qsort(c, n, sizeof *c, cmp_clear);
	size_t kept = 1;
	for (size_t i = 1; i < n; i++)
		if (cmp_clear(&c[i], &c[kept - 1]))
			c[kept++] = c[i];
	return kept;
}
