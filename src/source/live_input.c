/* live_input.c: events of a live channel through the Windows Event Log API table: session, a structured query
 * within Windows' limits, EvtNext in batches, EvtRender into a buffer that grows as needed, UTF-16 cleaned into
 * UTF-8, libxml2, event model. A batch too large for one RPC is halved, a result set that went stale (the log wrapped
 * or was backed up) is queried again, both from the event after the last one read, each said on stderr. The
 * failures people meet (no privilege, channel or host, a firewall) get a message that says what to do on that host. */
#include "badcreds/live.h"

#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "badcreds/filetime.h"
#include "badcreds/progress.h"
#include "badcreds/text.h"
#include "event/xml_event.h"
#include "event/xml_text.h"
#include "evtx/evtx_format.h"
#include "source/input.h"

static const struct evt_api *replaced;

const struct evt_api *evt_api(void) { return replaced ? replaced : evt_api_windows(); }
void evt_api_replace(const struct evt_api *api) { replaced = api; }

static uint16_t *to_utf16(const char *s)
{
	size_t n = 0, left = strlen(s);
	uint16_t *out = malloc(2 * (2 * left + 1));
	if (!out)
		abort();
	for (size_t len; left; s += len, left -= len) {
		uint32_t c = utf8_decode(s, left, &len);
		if (c >= 0x10000) {
			c -= 0x10000;
			out[n++] = (uint16_t)(0xd800 + (c >> 10));
			out[n++] = (uint16_t)(0xdc00 + (c & 0x3ff));
		} else {
			out[n++] = (uint16_t)c;
		}
	}
	out[n] = 0;
	return out;
}

/* XPath compares SystemTime as text: milliseconds and a Z. */
static void iso(struct strbuf *sb, int64_t ticks)
{
	struct strbuf t = {0};
	filetime_format_windows(&t, ticks);
	sb_add(sb, t.data, 23);
	sb_addc(sb, 'Z');
	sb_free(&t);
}

static void escape(struct strbuf *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': sb_adds(out, "&amp;"); break;
		case '<': sb_adds(out, "&lt;"); break;
		case '>': sb_adds(out, "&gt;"); break;
		case '"': sb_adds(out, "&quot;"); break;
		case '\'': sb_adds(out, "&apos;"); break;
		default: sb_addc(out, *s);
		}
	}
}

/* One XPath: the event IDs of r[0..n), the time window, the record to read on from. */
static void xpath(struct strbuf *x, const struct id_range *r, size_t n, const struct live_query *q)
{
	size_t start = x->len;
	sb_adds(x, "*[System[");
	const char *and = "";
	if (n) {
		sb_addc(x, '(');
		for (size_t i = 0; i < n; i++) {
			if (r[i].lo == r[i].hi)
				sb_printf(x, "%sEventID=%u", i ? " or " : "", r[i].lo);
			else
				sb_printf(x, "%s(EventID>=%u and EventID<=%u)", i ? " or " : "", r[i].lo, r[i].hi);
		}
		sb_addc(x, ')');
		and = " and ";
	}
	if (q->since != INT64_MIN || q->until != INT64_MAX) {
		sb_printf(x, "%sTimeCreated[", and);
		if (q->since != INT64_MIN) {
			sb_adds(x, "@SystemTime>='");
			iso(x, q->since);
			sb_addc(x, '\'');
		}
		if (q->until != INT64_MAX) {
			sb_adds(x, q->since != INT64_MIN ? " and @SystemTime<'" : "@SystemTime<'");
			iso(x, q->until);
			sb_addc(x, '\'');
		}
		sb_addc(x, ']');
		and = " and ";
	}
	if (q->after_record) {
		sb_printf(x, "%sEventRecordID>%llu", and, (unsigned long long)q->after_record);
		and = " and ";
	}
	if (!*and) {
		x->len = start;
		sb_addc(x, '*');
	} else {
		sb_adds(x, "]]");
	}
}

char *live_query_xml(const char *channel, const struct live_query *q)
{
	size_t fixed = (q->since != INT64_MIN) + (q->until != INT64_MAX) + (q->after_record != 0);
	struct strbuf out = {0}, x = {0};
	sb_adds(&out, "<QueryList><Query Id=\"0\" Path=\"");
	escape(&out, channel);
	sb_adds(&out, "\">");
	for (size_t i = 0; i < q->ids.n || (i == 0 && q->ids.n == 0);) {
		size_t n = 0, cost = fixed; /* as many ranges as fit in one XPath */
		while (i + n < q->ids.n) {
			size_t c = q->ids.r[i + n].lo == q->ids.r[i + n].hi ? 1 : 2;
			if (n && cost + c > LIVE_MAX_COMPARISONS)
				break;
			cost += c;
			n++;
		}
		x.len = 0;
		xpath(&x, n ? q->ids.r + i : NULL, n, q); /* no IDs: every event (q->ids.r may be NULL) */
		sb_adds(&out, "<Select Path=\"");
		escape(&out, channel);
		sb_adds(&out, "\">");
		escape(&out, sb_cstr(&x));
		sb_adds(&out, "</Select>");
		i += n ? n : 1;
	}
	sb_adds(&out, "</Query></QueryList>");
	sb_free(&x);
	sb_cstr(&out);
	return out.data;
}

/* What to do about an error, on the host it happened on. */
static void advice(struct strbuf *out, uint32_t error, const char *server, const char *channel)
{
	const char *host = server ? server : "this computer";
	switch (error) {
	case EVT_ERROR_ACCESS_DENIED:
		if (server)
			sb_printf(out, "access denied: add the account to the Event Log Readers group on %s (and allow "
				  "Remote Event Log Management in its firewall)", host);
		else
			sb_adds(out, "access denied: run badcreds elevated, or add the account to the Event Log Readers group");
		break;
	case EVT_ERROR_CHANNEL_NOT_FOUND:
		sb_printf(out, "channel %s not found on %s: give its exact name (wevtutil el lists them there)", channel, host);
		break;
	case EVT_RPC_SERVER_UNAVAILABLE:
		sb_printf(out, "%s unreachable: check the name and the network, and that the Remote Event Log Management "
			  "rules are enabled in its firewall", host);
		break;
	case EVT_EPT_NOT_REGISTERED:
		sb_printf(out, "%s answers, but its event log cannot be reached through RPC: enable Remote Event Log "
			  "Management (RPC-EPMAP) in its firewall", host);
		break;
	case EVT_RPC_UNKNOWN_IF:
		sb_printf(out, "%s does not offer the event log interface: is the Windows Event Log service running "
			  "there?", host);
		break;
	case EVT_RPC_CALL_FAILED:
		sb_printf(out, "the call to %s failed on the way (network or firewall): try again, or check the RPC ports "
			  "between here and there", host);
		break;
	default:
		break;
	}
}

static void report(const struct evt_api *api, struct diag *d, const char *what, uint32_t error, const char *server,
		   const char *channel)
{
	struct strbuf why = {0}, text = {0};
	advice(&why, error, server, channel);
	if (!why.len && api->describe)
		api->describe(api->ctx, error, &text);
	if (error == EVT_ERROR_INVALID_QUERY && api->extended_status)
		api->extended_status(api->ctx, &text);
	if (why.len)
		diag_report(d, DIAG_ERROR, DIAG_NO_OFFSET, "%s: %s", what, sb_cstr(&why));
	else if (text.len)
		diag_report(d, DIAG_ERROR, DIAG_NO_OFFSET, "%s: Windows error %u: %s", what, error, sb_cstr(&text));
	else
		diag_report(d, DIAG_ERROR, DIAG_NO_OFFSET, "%s: Windows error %u", what, error);
	sb_free(&why);
	sb_free(&text);
}

/* One rendered event (UTF-16 XML) into the sink; its EventRecordID, 0 if it has none. */
static uint64_t deliver(const uint16_t *xml, uint32_t bytes, const char *name, const struct event_sink *sink,
			struct arena *arena, struct diag *d, struct source_stats *st)
{
	struct strbuf utf8 = {0};
	size_t units = 0; /* up to the terminating NUL */
	while (units < bytes / 2 && xml[units])
		units++;
	xml_text_clean(&utf8, (const uint8_t *)xml, 2 * units, XML_UTF16LE); /* controls a user typed are not XML */
	xmlDocPtr doc = xmlReadMemory(utf8.data ? utf8.data : "", (int)utf8.len, "event.xml", "UTF-8",
				      XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	sb_free(&utf8);
	if (!doc) {
		diag_report(d, DIAG_ERROR, DIAG_NO_OFFSET, "a rendered event is not XML");
		d->skipped_records++;
		return 0;
	}
	arena_reset(arena);
	struct event ev;
	event_from_xml(&ev, xmlDocGetRootElement(doc), arena);
	ev.source = name;
	ev.xml_element = xmlDocGetRootElement(doc);
	st->records++;
	st->queried_window = true;
	if (ev.has & EV_HAS_TIME)
		source_stats_time(st, ev.time_created);
	sink_offer(sink, &ev);
	xmlFreeDoc(doc);
	return ev.has & EV_HAS_RECORD_ID ? ev.record_id : 0;
}

/* A read of one result set. */
struct reading {
	const struct evt_api *api;
	const char *server, *channel, *name;
	const struct event_sink *sink;
	struct diag *d;
	struct source_stats *st;
	uint32_t batch;
	evt_handle *events;
	uint16_t *buf;
	uint32_t cap;
	struct arena arena;
	uint64_t last;              /* the last EventRecordID read */
	unsigned long read;
};

/* Renders and delivers the events of one batch, then closes them. */
static void take(struct reading *r, uint32_t got)
{
	const struct evt_api *api = r->api;
	for (uint32_t i = 0; i < got; i++) {
		uint32_t used = 0;
		bool rendered = api->render(api->ctx, r->events[i], r->cap, r->buf, &used);
		if (!rendered && api->last_error(api->ctx) == EVT_ERROR_INSUFFICIENT_BUFFER && used > r->cap) {
			r->cap = used; /* grow to what the event needs, once */
			uint16_t *bigger = realloc(r->buf, r->cap);
			if (!bigger)
				abort();
			r->buf = bigger;
			rendered = api->render(api->ctx, r->events[i], r->cap, r->buf, &used);
		}
		if (rendered) {
			uint64_t id = deliver(r->buf, used, r->name, r->sink, &r->arena, r->d, r->st);
			if (id > r->last)
				r->last = id;
			progress_update(++r->read);
		} else {
			report(api, r->d, "cannot render an event", api->last_error(api->ctx), r->server, r->channel);
		}
		api->close(api->ctx, r->events[i]);
	}
}

/* Queries from the event after the last one read; NULL (reported) if the server refuses. */
static evt_handle query(struct reading *r, evt_handle session, const struct live_query *q)
{
	struct live_query from = *q;
	if (r->last > from.after_record)
		from.after_record = r->last;
	char *text = live_query_xml(r->channel, &from);
	uint16_t *wtext = to_utf16(text);
	free(text);
	evt_handle results = r->api->query(r->api->ctx, session, wtext);
	free(wtext);
	if (!results) {
		char what[300];
		snprintf(what, sizeof what, "cannot read channel %s", r->channel);
		report(r->api, r->d, what, r->api->last_error(r->api->ctx), r->server, r->channel);
	}
	return results;
}

/* The sink's log_begin with what the channel's log information says (coverage), when the sink wants it. */
static void begin_log(const struct evt_api *api, evt_handle session, const char *channel, const struct event_sink *sink)
{
	struct evt_log_info info;
	uint16_t *wchannel = to_utf16(channel);
	bool known = api->log_info && api->log_info(api->ctx, session, wchannel, &info);
	free(wchannel);
	if (!known) {
		sink->log_begin(sink->ctx, NULL);
		return;
	}
	sink->log_begin(sink->ctx, &(struct source_log_header){.flags = info.full ? EVTX_FLAG_FULL : 0,
								.oldest_record = info.oldest_record,
								.records = info.records, .bytes = info.file_size});
}

bool live_read(const struct evt_api *api, const char *server, const char *channel, const struct live_query *q,
	       const struct event_sink *sink, struct diag *d, struct source_stats *st)
{
	char name[600];
	snprintf(name, sizeof name, "%s:%s", server ? server : "localhost", channel);
	struct reading r = {.api = api, .server = server, .channel = channel, .name = name, .sink = sink, .d = d,
			    .st = st, .batch = q->batch ? q->batch : LIVE_BATCH, .cap = 64 * 1024};
	evt_handle session = NULL;
	if (server) {
		uint16_t *wserver = to_utf16(server);
		session = api->open_session(api->ctx, wserver);
		free(wserver);
		if (!session) {
			report(api, d, "cannot connect", api->last_error(api->ctx), server, channel);
			return false;
		}
	}
	if (sink->log_begin)
		begin_log(api, session, channel, sink);
	evt_handle results = query(&r, session, q);
	bool ok = false;
	if (results) {
		r.events = calloc(r.batch, sizeof *r.events);
		r.buf = malloc(r.cap);
		if (!r.events || !r.buf)
			abort();
		progress_file(name, 0);
		progress_count_items("events");
		unsigned retries = 0;
		for (;;) {
			uint32_t got = 0;
			if (api->next(api->ctx, results, r.batch, r.events, &got)) {
				take(&r, got);
				continue;
			}
			uint32_t error = api->last_error(api->ctx);
			ok = error == EVT_ERROR_NO_MORE_ITEMS;
			bool shrink = error == EVT_RPC_INVALID_BOUND && r.batch > 1;
			bool stale = error == EVT_ERROR_QUERY_RESULT_STALE || error == EVT_ERROR_INVALID_PARAMETER;
			if (ok || !(shrink || (stale && retries < LIVE_RETRIES))) {
				if (!ok)
					report(api, d, "reading stopped", error, server, channel);
				break;
			}
			if (shrink)
				r.batch /= 2;
			else
				retries++;
			progress_clear();
			diag_report(d, DIAG_WARNING, DIAG_NO_OFFSET, "%s: reading on after record %llu%s",
				    shrink ? "a batch of events was too large for one call" :
				    "the log changed while it was read (it wrapped, or was backed up and cleared)",
				    (unsigned long long)r.last, shrink ? ", fewer events at a time" : "");
			api->close(api->ctx, results);
			results = query(&r, session, q);
			if (!results)
				break;
		}
		if (results)
			api->close(api->ctx, results);
		progress_clear();
		free(r.events);
		free(r.buf);
		arena_free(&r.arena);
	}
	if (session)
		api->close(api->ctx, session);
	if (sink->log_end)
		sink->log_end(sink->ctx);
	return ok || r.read > 0; /* what was read before a failure counts (the failure is reported) */
}

#ifndef _WIN32
const struct evt_api *evt_api_windows(void) { return NULL; } /* the real one: evt_api_windows.c, Windows builds */
#endif
