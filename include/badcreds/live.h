/* live.h: events of a live channel through the Windows Event Log API (EvtOpenSession, EvtQuery, EvtNext,
 * EvtRender), behind a table of function pointers: the real API on Windows, a fake in the tests. The server filters
 * by a structured query built from the event IDs and the time window, within the limits Windows sets on an XPath;
 * each rendered event is cleaned and parsed with libxml2 into the same event model as EVTX records. A read that
 * Windows interrupts (a batch too large for one RPC, a log that wrapped or was backed up meanwhile) is taken up
 * again after the last event read. */
#ifndef BADCREDS_LIVE_H
#define BADCREDS_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "badcreds/event_ids.h"
#include "badcreds/source.h"
#include "badcreds/strbuf.h"

typedef void *evt_handle;

/* What EvtGetLogInfo says about a channel's log. */
struct evt_log_info {
	bool full;                  /* EvtLogFull */
	uint64_t oldest_record;     /* EvtLogOldestRecordNumber (0: the log is empty) */
	uint64_t records;           /* EvtLogNumberOfLogRecords */
	uint64_t file_size;         /* EvtLogFileSize, bytes */
};

/* Strings are UTF-16LE, NUL-terminated (wchar_t on Windows). */
struct evt_api {
	evt_handle (*open_session)(void *ctx, const uint16_t *server);  /* EvtOpenSession(EvtRpcLogin); NULL: error */
	/* EvtQuery with a structured XML query (the channel is named inside it) */
	evt_handle (*query)(void *ctx, evt_handle session, const uint16_t *query_xml);
	/* EvtNext: false at the end (last_error ERROR_NO_MORE_ITEMS) or on an error */
	bool (*next)(void *ctx, evt_handle results, uint32_t max, evt_handle *events, uint32_t *returned);
	/* EvtRender(EvtRenderEventXml): false with ERROR_INSUFFICIENT_BUFFER and *used = bytes needed when too small */
	bool (*render)(void *ctx, evt_handle event, uint32_t buffer_bytes, uint16_t *buffer, uint32_t *used);
	void (*close)(void *ctx, evt_handle h);
	uint32_t (*last_error)(void *ctx);
	/* The system's text for an error code (FormatMessage), appended to out; NULL when there is none. */
	void (*describe)(void *ctx, uint32_t error, struct strbuf *out);
	/* What the last call said besides its code (EvtGetExtendedStatus: which part of a query is wrong); may be NULL. */
	void (*extended_status)(void *ctx, struct strbuf *out);
	/* EvtOpenLog(EvtOpenChannelPath) and EvtGetLogInfo on a channel (its handle closed again); false when it cannot
	 * tell. May be NULL. */
	bool (*log_info)(void *ctx, evt_handle session, const uint16_t *channel, struct evt_log_info *out);
	void *ctx;
};

/* Win32 error codes the live source tells apart. */
enum {
	EVT_ERROR_ACCESS_DENIED = 5,
	EVT_ERROR_INVALID_PARAMETER = 87,         /* EvtNext after the log was backed up and cleared */
	EVT_ERROR_INSUFFICIENT_BUFFER = 122,
	EVT_ERROR_NO_MORE_ITEMS = 259,
	EVT_RPC_UNKNOWN_IF = 1717,
	EVT_RPC_SERVER_UNAVAILABLE = 1722,
	EVT_RPC_CALL_FAILED = 1726,
	EVT_RPC_INVALID_BOUND = 1734,             /* the batch does not fit in one RPC payload */
	EVT_EPT_NOT_REGISTERED = 1753,
	EVT_ERROR_INVALID_QUERY = 15001,
	EVT_ERROR_CHANNEL_NOT_FOUND = 15007,
	EVT_ERROR_QUERY_RESULT_STALE = 15011,     /* the log wrapped while it was read */
};

enum {
	LIVE_MAX_COMPARISONS = 20,  /* in one XPath, above which EvtQuery wants a structured query anyway */
	LIVE_BATCH = 64,            /* events per EvtNext: rendered AD FS audits can fill the 2 MB an RPC carries */
	LIVE_RETRIES = 5,           /* queries again after a stale result, per server */
};

struct live_query {
	struct id_set ids;          /* the server returns only these (none: every event) */
	int64_t since, until;       /* FILETIME ticks; INT64_MIN / INT64_MAX when open */
	uint64_t after_record;      /* only events with a larger EventRecordID (0: from the start) */
	uint32_t batch;             /* events per EvtNext (0: LIVE_BATCH) */
};

/* The structured query EvtQuery receives for a channel (UTF-8, the caller frees it):
 * <QueryList><Query Id="0" Path="Security"><Select Path="Security">*[System[(EventID=403 or (EventID&gt;=410
 * and EventID&lt;=412) ...) and TimeCreated[@SystemTime&gt;='...']]]</Select>...</Query></QueryList>, the event
 * IDs spread over as many Selects as it takes for no XPath to hold more than LIVE_MAX_COMPARISONS comparisons (an
 * ID is one, a range two, each end of the time window one, the record to read on from one). */
char *live_query_xml(const char *channel, const struct live_query *q);

/* Reads channel (e.g. "Security") on server (NULL: this computer) into the sink; problems go to d, which names the
 * server. false if nothing could be read (no privilege, channel or host). */
bool live_read(const struct evt_api *api, const char *server, const char *channel, const struct live_query *q,
	       const struct event_sink *sink, struct diag *d, struct source_stats *st);

/* The API live channels are read through: the real one on Windows (NULL elsewhere), unless a test has put another
 * in its place. */
const struct evt_api *evt_api(void);
void evt_api_replace(const struct evt_api *api);
/* The real API (Windows only); NULL elsewhere. */
const struct evt_api *evt_api_windows(void);

#endif
