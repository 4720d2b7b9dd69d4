/* event_order.h: the order of events that does not depend on the order of the inputs: time, then computer, EventID
 * and EventRecordID (two events that agree on all four are one event read twice). */
#ifndef BADCREDS_EVENT_ORDER_H
#define BADCREDS_EVENT_ORDER_H

#include <stdint.h>
#include <string.h>

struct event_key {
	int64_t time;
	const char *computer;        /* NULL: none */
	uint32_t event_id;
	uint64_t record_id;
};

static inline int event_key_cmp(struct event_key x, struct event_key y)
{
	if (x.time != y.time)
		return x.time < y.time ? -1 : 1;
	int c = x.computer == y.computer ? 0 : strcmp(x.computer ? x.computer : "", y.computer ? y.computer : "");
	if (c)
		return c;
	if (x.event_id != y.event_id)
		return x.event_id < y.event_id ? -1 : 1;
	return (x.record_id > y.record_id) - (x.record_id < y.record_id);
}

#endif
