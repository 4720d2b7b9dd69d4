/* live_input.c: events of a live channel through the Windows Event Log API table: session, server-side XPath
 * filter, EvtNext in batches, EvtRender into a buffer that grows as needed, UTF-16 to UTF-8, libxml2, event
 * model. The failures people meet (no privilege, channel or host) get a message that says what to do. */
#include "badcreds/live.h"

#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "badcreds/text.h"
#include "badcreds/xml_event.h"

static void to_utf16(const char *s, uint16_t *out, size_t cap)
{
	size_t n = 0, left = strlen(s);
	for (size_t len; left && n + 2 < cap; s += len, left -= len) {
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
}

static void iso(struct strbuf *sb, int64_t ticks)
{
	/* evtx_filetime_render writes 9 fraction digits; XPath on SystemTime wants milliseconds */
	struct strbuf t = {0};
	evtx_filetime_render(&t, ticks);
	sb_add(sb, t.data, 23);
	sb_addc(sb, 'Z');
	sb_free(&t);
}

char *live_xpath(const struct live_query *q)
{
	struct strbuf sb = {0};
	sb_adds(&sb, "*[System[");
	bool and = false;
	if (q->nids) {
		sb_addc(&sb, '(');
		for (size_t i = 0; i < q->nids; i++)
			sb_printf(&sb, "%sEventID=%u", i ? " or " : "", q->event_ids[i]);
		sb_addc(&sb, ')');
		and = true;
	}
	if (q->since != INT64_MIN || q->until != INT64_MAX) {
		sb_adds(&sb, and ? " and TimeCreated[" : "TimeCreated[");
		if (q->since != INT64_MIN) {
			sb_adds(&sb, "@SystemTime>='");
			iso(&sb, q->since);
			sb_addc(&sb, '\'');
		}
		if (q->until != INT64_MAX) {
			sb_adds(&sb, q->since != INT64_MIN ? " and @SystemTime<'" : "@SystemTime<'");
			iso(&sb, q->until);
			sb_addc(&sb, '\'');
		}
		sb_addc(&sb, ']');
		and = true;
	}
	if (!and)
		sb.len = 0, sb_adds(&sb, "*");
	else
		sb_adds(&sb, "]]");
	sb_cstr(&sb);
	return sb.data; /* the caller frees it */
}

static const char *advice(uint32_t error)
{
	switch (error) {
	case EVT_ERROR_ACCESS_DENIED:
		return "access denied: run badcreds elevated, or add the account to the Event Log Readers group";
	case EVT_ERROR_CHANNEL_NOT_FOUND: return "channel not found";
	case EVT_RPC_SERVER_UNAVAILABLE:
		return "host unreachable: check the name, the network and that remote event log management is allowed "
		       "in its firewall";
	default: return NULL;
	}
}

static void report(const struct evt_api *api, struct diag *d, const char *what, uint32_t error)
{
	const char *why = advice(error);
	struct strbuf text = {0};
	if (!why && api->describe)
		api->describe(api->ctx, error, &text);
	if (why)
		diag_report(d, DIAG_ERROR, DIAG_NO_OFFSET, "%s: %s", what, why);
	else if (text.len)
		diag_report(d, DIAG_ERROR, DIAG_NO_OFFSET, "%s: Windows error %u: %s", what, error, sb_cstr(&text));
	else
		diag_report(d, DIAG_ERROR, DIAG_NO_OFFSET, "%s: Windows error %u", what, error);
	sb_free(&text);
}

/* One rendered event (UTF-16 XML) into the sink. */
static void deliver(const uint16_t *xml, uint32_t bytes, const char *name, const struct event_sink *sink,
		    struct arena *arena, struct diag *d, struct source_stats *st)
{
	struct strbuf utf8 = {0};
	size_t units = 0; /* up to the terminating NUL */
	while (units < bytes / 2 && xml[units])
		units++;
	xml_text_clean(&utf8, (const uint8_t *)xml, 2 * units, XML_UTF16LE); /* controls a user typed are not XML */
	xmlDocPtr doc = xmlReadMemory(utf8.data ? utf8.data : "", (int)utf8.len, "event.xml", "UTF-8",
				      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	sb_free(&utf8);
	if (!doc) {
		diag_report(d, DIAG_ERROR, DIAG_NO_OFFSET, "a rendered event is not XML");
		d->skipped_records++;
		return;
	}
	arena_reset(arena);
	struct event ev;
	event_from_xml(&ev, xmlDocGetRootElement(doc), arena);
	ev.source = name;
	ev.xml_element = xmlDocGetRootElement(doc);
	st->records++;
	if (ev.has & EV_HAS_TIME)
		source_stats_time(st, ev.time_created);
	struct evtx_peek peek;
	event_peek(&ev, &peek);
	if (!sink->wants || sink->wants(sink->ctx, &peek))
		sink->event(sink->ctx, &ev);
	xmlFreeDoc(doc);
}

bool live_read(const struct evt_api *api, const char *server, const char *channel, const struct live_query *q,
	       const struct event_sink *sink, struct diag *d, struct source_stats *st)
{
	uint16_t wserver[256], wchannel[256], *wxpath;
	char *xpath = live_xpath(q);
	size_t xlen = strlen(xpath) + 1;
	wxpath = malloc(2 * (2 * xlen + 1));
	if (!wxpath)
		abort();
	to_utf16(xpath, wxpath, 2 * xlen + 1);
	free(xpath);
	to_utf16(channel, wchannel, sizeof wchannel / 2);
	evt_handle session = NULL;
	bool ok = false;
	if (server) {
		to_utf16(server, wserver, sizeof wserver / 2);
		session = api->open_session(api->ctx, wserver);
		if (!session) {
			report(api, d, "cannot connect", api->last_error(api->ctx));
			free(wxpath);
			return false;
		}
	}
	evt_handle results = api->query(api->ctx, session, wchannel, wxpath);
	free(wxpath);
	if (!results) {
		char what[300];
		snprintf(what, sizeof what, "cannot read channel %s", channel);
		report(api, d, what, api->last_error(api->ctx));
	} else {
		uint32_t batch = q->batch ? q->batch : 256, got;
		evt_handle *events = calloc(batch, sizeof *events);
		uint32_t cap = 64 * 1024;
		uint16_t *buf = malloc(cap);
		struct arena arena = {0};
		if (!events || !buf)
			abort();
		char name[300];
		snprintf(name, sizeof name, "%s:%s", server ? server : "localhost", channel);
		while (api->next(api->ctx, results, batch, events, &got)) {
			for (uint32_t i = 0; i < got; i++) {
				uint32_t used = 0;
				bool rendered = api->render(api->ctx, events[i], cap, buf, &used);
				if (!rendered && api->last_error(api->ctx) == EVT_ERROR_INSUFFICIENT_BUFFER && used > cap) {
					cap = used; /* grow to what the event needs, once */
					uint16_t *bigger = realloc(buf, cap);
					if (!bigger)
						abort();
					buf = bigger;
					rendered = api->render(api->ctx, events[i], cap, buf, &used);
				}
				if (rendered)
					deliver(buf, used, name, sink, &arena, d, st);
				else
					report(api, d, "cannot render an event", api->last_error(api->ctx));
				api->close(api->ctx, events[i]);
			}
		}
		uint32_t end = api->last_error(api->ctx);
		ok = end == EVT_ERROR_NO_MORE_ITEMS;
		if (!ok)
			report(api, d, "reading stopped", end);
		free(events);
		free(buf);
		arena_free(&arena);
		api->close(api->ctx, results);
	}
	if (session)
		api->close(api->ctx, session);
	return ok;
}

#ifndef _WIN32
const struct evt_api *evt_api_windows(void) { return NULL; } /* the real one: evt_api_windows.c, Windows builds */
#endif
