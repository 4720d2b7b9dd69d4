/* fake_evt_api.h: a Windows Event Log API as strict as the real one, for the tests of live channels. It holds a
 * channel of events (EventID, time, EventRecordID, a user name of UTF-16 units) and answers structured queries the
 * way Windows does: more than 20 comparisons in an XPath is ERROR_EVT_INVALID_QUERY; an unreachable host fails
 * EvtQuery (not EvtOpenSession) with 1722; a batch whose rendered events pass 2 MB fails with RPC_S_INVALID_BOUND and
 * still moves the read position on; a result set can go stale (15011, or 87) in the middle of a read; events can be
 * appended while a read runs. It renders what the query selects, in record order. Every misuse (EvtNext after the
 * end, a handle closed twice or never, a session closed before its results) is counted as a violation. */
#ifndef FAKE_EVT_API_H
#define FAKE_EVT_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "badcreds/live.h"

enum { FAKE_MAX_EVENTS = 4096, FAKE_MAX_HANDLES = 8192, FAKE_USER_UNITS = 64 };

struct fake_event {
	uint32_t id;
	uint64_t record;
	int64_t time;                   /* FILETIME ticks */
	uint16_t user[FAKE_USER_UNITS]; /* TargetUserName as UTF-16 units, NUL-terminated */
	unsigned pad;                   /* bytes of padding in another Data: large events */
};

struct fake {
	struct fake_event events[FAKE_MAX_EVENTS];
	unsigned nevents;
	/* what goes wrong, and when */
	uint32_t fail_session, fail_query;  /* error codes (0: none) */
	bool unreachable;                   /* the session opens, the query fails with 1722 */
	unsigned stale_after;               /* records read when the result set goes stale (0: never) */
	uint32_t stale_error;               /* 15011 or 87 */
	unsigned stale_times;               /* how often (UINT32_MAX: every time) */
	unsigned grow_each_next;            /* events appended after each EvtNext */
	bool has_log_info;                  /* EvtGetLogInfo answers with log_info (else it fails) */
	struct evt_log_info log_info;
	/* what the fake saw */
	char last_query[16384];
	unsigned queries, nexts, renders, invalid_bound;
	unsigned violations;
	char violation[256];                /* the first one */
	/* inside */
	uint32_t error;
	struct { int kind; bool open; unsigned parent; unsigned pos; struct fake_result *result; } handles[FAKE_MAX_HANDLES];
	unsigned nhandles;
};

/* The API table over a fake (its ctx). */
struct evt_api fake_api(struct fake *f);
/* Appends an event with the next record number; `user` is UTF-8 (BMP) unless units are given. */
void fake_add(struct fake *f, uint32_t id, int64_t time, const char *user, unsigned pad);
/* Violations and handles still open; 0 when the reader used the API as Windows requires. */
unsigned fake_problems(struct fake *f);
/* How many comparisons the XPath with the most has, in the last query. */
unsigned fake_most_comparisons(const struct fake *f);

#endif
