/* aad_event.h: what one CloudAP event of Microsoft-Windows-AAD says, read field by name with a fallback by position
 * (the manifests differ between builds, and 1144 puts its UPN in a field named Method). */
#ifndef BADCREDS_AAD_EVENT_H
#define BADCREDS_AAD_EVENT_H

#include <stdbool.h>
#include <stdint.h>

#include "badcreds/arena.h"
#include "badcreds/event.h"

/* Strings are in the arena, "" when absent. */
struct aad_event {
	uint32_t event_id;
	int64_t time;
	const char *device;          /* Computer */
	const char *file;
	uint64_t record_id;
	const char *error;           /* 1081/1088 Error; 1104 API; 1025 Method */
	const char *description;     /* 1081/1088 ErrorDescription */
	const char *text;            /* 1018/1022 value (correlation ID, URL); 1084 Target; 1144 UPN; 1025 EndpointUri */
	const char *correlation;     /* 1081/1086/1160/1025 CorrelationID */
	bool has_code;
	uint32_t code;               /* 1007/1086/1160 Status, 1084/1104 Result, 1025 HTTP status */
};

/* Whether the event is an Operational error that belongs to an acquisition (1025, 1081, 1084, 1086, 1088, 1104,
 * 1160). */
bool aad_is_error(uint32_t event_id);

/* Reads a CloudAP event (the caller checked prt_relevant). */
void aad_event_read(const struct event *ev, struct arena *a, struct aad_event *out);

#endif
