/* event.c: the event model's own functions: an EventData item by name, and the peek of a decoded event. */
#include <string.h>

#include "badcreds/event.h"

const struct evtx_value *event_data_get(const struct event *ev, const char *name)
{
	for (uint32_t i = 0; i < ev->ndata; i++) /* the first letter first: most names differ there */
		if (ev->data[i].name[0] == name[0] && strcmp(ev->data[i].name, name) == 0)
			return &ev->data[i].value;
	return NULL;
}

void event_peek_from(const struct event *ev, struct event_peek *p)
{
	p->event_id = ev->event_id;
	p->has_event_id = ev->has & EV_HAS_EVENT_ID;
	p->provider = ev->provider_name;
	p->channel = ev->channel;
	p->computer = ev->computer;
	p->size = 0;
	p->time = ev->time_created;
	p->record_id = ev->record_id;
	p->has_time = ev->has & EV_HAS_TIME;
	p->recovered = ev->recovered;
	p->logon_type = NULL;
}
