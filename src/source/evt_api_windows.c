/* evt_api_windows.c: the real Windows Event Log API behind the live source's table (wevtapi.dll): sessions to
 * remote servers with the current identity, channel queries in forward order, batches, XML rendering, the log
 * information of a channel. Built only
 * for Windows; elsewhere evt_api_windows() is NULL (live_input.c). */
#ifdef _WIN32
#include <windows.h>
#include <winevt.h>

#include "badcreds/evtx_value.h"
#include "badcreds/live.h"

static evt_handle win_open_session(void *ctx, const uint16_t *server)
{
	(void)ctx;
	EVT_RPC_LOGIN login = {.Server = (LPWSTR)server, .Flags = EvtRpcLoginAuthDefault};
	return EvtOpenSession(EvtRpcLogin, &login, 0, 0);
}

/* A structured query names its channels itself: the path is NULL. */
static evt_handle win_query(void *ctx, evt_handle session, const uint16_t *query_xml)
{
	(void)ctx;
	return EvtQuery(session, NULL, (LPCWSTR)query_xml, EvtQueryChannelPath | EvtQueryForwardDirection);
}

/* EvtGetExtendedStatus: which part of a query Windows refused, for instance. */
static void win_extended_status(void *ctx, struct strbuf *out)
{
	(void)ctx;
	wchar_t text[1024];
	DWORD used = 0;
	if (EvtGetExtendedStatus(sizeof text / sizeof text[0], text, &used) && used > 1)
		utf16_to_utf8(out, (const uint8_t *)text, 2 * (size_t)(used - 1));
}

static bool win_next(void *ctx, evt_handle results, uint32_t max, evt_handle *events, uint32_t *returned)
{
	(void)ctx;
	DWORD got = 0;
	BOOL ok = EvtNext(results, max, (EVT_HANDLE *)events, INFINITE, 0, &got);
	*returned = got;
	return ok && got > 0;
}

static bool win_render(void *ctx, evt_handle event, uint32_t bytes, uint16_t *buffer, uint32_t *used)
{
	(void)ctx;
	DWORD need = 0, properties = 0;
	BOOL ok = EvtRender(NULL, event, EvtRenderEventXml, bytes, buffer, &need, &properties);
	*used = need;
	return ok;
}

static void win_close(void *ctx, evt_handle h)
{
	(void)ctx;
	if (h)
		EvtClose(h);
}

static uint32_t win_last_error(void *ctx)
{
	(void)ctx;
	return GetLastError();
}

/* The message Windows has for the code, in the user's language, from the system or from wevtapi.dll (its own
 * 15000-range errors), without the trailing full stop and line break. */
static void win_describe(void *ctx, uint32_t error, struct strbuf *out)
{
	(void)ctx;
	wchar_t text[512];
	DWORD flags = FORMAT_MESSAGE_IGNORE_INSERTS | FORMAT_MESSAGE_FROM_SYSTEM;
	HMODULE wevtapi = GetModuleHandleW(L"wevtapi.dll");
	if (wevtapi)
		flags |= FORMAT_MESSAGE_FROM_HMODULE;
	DWORD n = FormatMessageW(flags, wevtapi, error, 0, text, sizeof text / sizeof text[0], NULL);
	while (n && (text[n - 1] == L'\n' || text[n - 1] == L'\r' || text[n - 1] == L' ' || text[n - 1] == L'.'))
		n--;
	utf16_to_utf8(out, (const uint8_t *)text, 2 * (size_t)n);
}

/* One property of an open log, as a number (EvtGetLogInfo's variant: UInt64, UInt32 or Boolean). */
static bool log_property(EVT_HANDLE log, EVT_LOG_PROPERTY_ID id, uint64_t *out)
{
	EVT_VARIANT v;
	DWORD used = 0;
	if (!EvtGetLogInfo(log, id, sizeof v, &v, &used))
		return false;
	switch (v.Type & EVT_VARIANT_TYPE_MASK) {
	case EvtVarTypeUInt64: *out = v.UInt64Val; return true;
	case EvtVarTypeUInt32: *out = v.UInt32Val; return true;
	case EvtVarTypeBoolean: *out = v.BooleanVal != 0; return true;
	default: return false;
	}
}

static bool win_log_info(void *ctx, evt_handle session, const uint16_t *channel, struct evt_log_info *out)
{
	(void)ctx;
	EVT_HANDLE log = EvtOpenLog(session, (LPCWSTR)channel, EvtOpenChannelPath);
	if (!log)
		return false;
	uint64_t full = 0;
	bool ok = log_property(log, EvtLogFull, &full) && log_property(log, EvtLogOldestRecordNumber, &out->oldest_record)
		  && log_property(log, EvtLogNumberOfLogRecords, &out->records)
		  && log_property(log, EvtLogFileSize, &out->file_size);
	out->full = full != 0;
	EvtClose(log);
	return ok;
}

const struct evt_api *evt_api_windows(void)
{
	static const struct evt_api api = {
		.open_session = win_open_session, .query = win_query, .next = win_next, .render = win_render,
		.close = win_close, .last_error = win_last_error, .describe = win_describe,
		.extended_status = win_extended_status, .log_info = win_log_info,
	};
	return &api;
}
#endif
