/* live.h: events of a live channel through the Windows Event Log API (EvtOpenSession, EvtQuery, EvtNext,
 * EvtRender), behind a table of function pointers: the real API on Windows, a fake in the tests. The server
 * filters by an XPath query built from the event IDs and the time window; each rendered event is parsed with
 * libxml2 into the same event model as EVTX records. */
#ifndef BADCREDS_LIVE_H
#define BADCREDS_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "badcreds/source.h"
#include "badcreds/strbuf.h"

typedef void *evt_handle;

/* Strings are UTF-16LE, NUL-terminated (wchar_t on Windows). */
struct evt_api {
	evt_handle (*open_session)(void *ctx, const uint16_t *server);  /* EvtOpenSession(EvtRpcLogin); NULL: error */
	evt_handle (*query)(void *ctx, evt_handle session, const uint16_t *channel, const uint16_t *xpath); /* EvtQuery */
	/* EvtNext: false at the end (last_error ERROR_NO_MORE_ITEMS) or on an error */
	bool (*next)(void *ctx, evt_handle results, uint32_t max, evt_handle *events, uint32_t *returned);
	/* EvtRender(EvtRenderEventXml): false with ERROR_INSUFFICIENT_BUFFER and *used = bytes needed when too small */
	bool (*render)(void *ctx, evt_handle event, uint32_t buffer_bytes, uint16_t *buffer, uint32_t *used);
	void (*close)(void *ctx, evt_handle h);
	uint32_t (*last_error)(void *ctx);
	/* The system's text for an error code (FormatMessage), appended to out; NULL when there is none. */
	void (*describe)(void *ctx, uint32_t error, struct strbuf *out);
	void *ctx;
};

/* Win32 error codes the live source tells apart. */
enum {
	EVT_ERROR_ACCESS_DENIED = 5,
	EVT_ERROR_INSUFFICIENT_BUFFER = 122,
	EVT_ERROR_NO_MORE_ITEMS = 259,
	EVT_RPC_SERVER_UNAVAILABLE = 1722,
	EVT_ERROR_CHANNEL_NOT_FOUND = 15007,
};

struct live_query {
	const uint32_t *event_ids;  /* the server returns only these */
	size_t nids;
	int64_t since, until;       /* FILETIME ticks; INT64_MIN / INT64_MAX when open */
	uint32_t batch;             /* events per EvtNext (default 256) */
};

/* The XPath filter: "*[System[(EventID=411 or ...) and TimeCreated[@SystemTime>='...']]]" (UTF-8). */
char *live_xpath(const struct live_query *q);

/* Reads channel (e.g. "Security") on server (NULL: this computer) into the sink; problems go to d, which names the
 * server. false if nothing could be read (no privilege, channel or host). */
bool live_read(const struct evt_api *api, const char *server, const char *channel, const struct live_query *q,
	       const struct event_sink *sink, struct diag *d, struct source_stats *st);

/* The real API (Windows only); NULL elsewhere. */
const struct evt_api *evt_api_windows(void);

#endif
