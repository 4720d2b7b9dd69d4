/* event.h: the one event model the rest of badcreds uses, filled from a record without going through XML text.
 * Values stay typed (they point into the chunk or an arena) and are rendered only when an output needs text. */
#ifndef BADCREDS_EVENT_H
#define BADCREDS_EVENT_H

#include <stdbool.h>
#include <stdint.h>

#include "badcreds/evtx_value.h"

enum event_has {
	EV_HAS_EVENT_ID = 1 << 0,
	EV_HAS_QUALIFIERS = 1 << 1,
	EV_HAS_VERSION = 1 << 2,
	EV_HAS_LEVEL = 1 << 3,
	EV_HAS_TASK = 1 << 4,
	EV_HAS_OPCODE = 1 << 5,
	EV_HAS_KEYWORDS = 1 << 6,
	EV_HAS_TIME = 1 << 7,
	EV_HAS_RECORD_ID = 1 << 8,
	EV_HAS_PROCESS_ID = 1 << 9,
	EV_HAS_THREAD_ID = 1 << 10,
};

/* One item of EventData (<Data Name="..">value</Data>; name "" when unnamed, as in classic events) or a leaf of
 * UserData (name = the element name). */
struct event_data {
	const char *name;
	struct evtx_value value;
};

struct event {
	unsigned has;                /* enum event_has: which numeric fields were present */
	uint64_t record_id;          /* System/EventRecordID, as Windows shows it */
	uint64_t header_record_id;   /* the record header's number in this file (differs in exported logs) */
	int64_t time_created;        /* System/TimeCreated, FILETIME ticks (100 ns since 1601), UTC */
	int64_t written_time;        /* record header time, FILETIME ticks */
	uint32_t event_id;
	uint16_t qualifiers;
	uint8_t version, level, opcode;
	uint16_t task;
	uint64_t keywords;
	uint32_t process_id, thread_id;
	struct evtx_value provider_name, provider_guid, event_source_name;
	struct evtx_value channel, computer, user_id, activity_id, related_activity_id;
	struct event_data *data;     /* in document order */
	uint32_t ndata;
	bool recovered;              /* carved from a damaged region or slack, or damaged */
	bool damaged;                /* its record's trailing size copy was wrong: values may be incomplete */
	bool cut;                    /* it expanded beyond the walk's budget (src/evtx/binxml.h): what follows the cut is missing */
	const char *source;          /* file name */
	uint64_t file_offset;        /* of the record */
	const void *prepared;        /* what the sink's prepare() made of it on the thread that decoded it (source.h) */
	const void *xml_element;     /* XML sources: the <Event> element it came from (a libxml2 xmlNode, valid while
				      * the event is), so that dump can write it back; NULL for EVTX records */
};

/* Looks up an EventData item by name (case-sensitive); NULL if absent. */
const struct evtx_value *event_data_get(const struct event *ev, const char *name);

/* The few fields a sink filters on (source.h, event_sink.wants), read before a record is decoded when its form
 * allows (evtx_record_peek), else taken from the decoded event (event_peek_from). */
struct event_peek {
	uint32_t event_id;           /* when has_event_id */
	struct evtx_value provider;  /* EVTX_NULL when the event has none */
	struct evtx_value channel;
	struct evtx_value computer;  /* EVTX_NULL when the event has none */
	uint32_t size;               /* of the EVTX record in bytes; 0 for other inputs */
	int64_t time;                /* TimeCreated, FILETIME ticks, when has_time */
	uint64_t record_id;          /* EventRecordID (the record header's), 0 when unknown */
	bool has_event_id, has_time;
	bool recovered;              /* carved or damaged (event.recovered) */
	/* The number the EventData item LogonType holds, read on request from the record's template instances without
	 * decoding it: true and *type set when its templates place the item where the decoded event would have it and
	 * the value is a number; false when only decoding tells. NULL for a decoded event. */
	bool (*logon_type)(const struct event_peek *p, uint32_t *type);
	const void *from[3];         /* what logon_type reads (the EVTX reader's) */
};

void event_peek_from(const struct event *ev, struct event_peek *p);

#endif
