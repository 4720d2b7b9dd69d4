/* fake_evt_api.c: the strict fake Windows Event Log API of fake_evt_api.h. */
#include "fake_evt_api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "badcreds/filetime.h"

enum { H_SESSION = 1, H_RESULTS, H_EVENT };
enum { RPC_PAYLOAD = 2 * 1024 * 1024, MAX_SELECTS = 32 };

/* One Select: its event IDs as ranges, or all of them. */
struct fake_select {
	uint32_t lo[64], hi[64];
	unsigned n;
	bool all;
};

/* What one result set selects: the Selects, and the window and record bound they share. */
struct fake_result {
	struct fake_select select[MAX_SELECTS];
	unsigned nselect;
	int64_t since, until;
	uint64_t after;
	bool ended;
};

static void violation(struct fake *f, const char *what)
{
	if (!f->violations++)
		snprintf(f->violation, sizeof f->violation, "%s", what);
}

static evt_handle new_handle(struct fake *f, int kind, unsigned parent)
{
	if (f->nhandles == FAKE_MAX_HANDLES) {
		violation(f, "too many handles");
		return NULL;
	}
	unsigned h = f->nhandles++;
	f->handles[h].kind = kind;
	f->handles[h].open = true;
	f->handles[h].parent = parent;
	f->handles[h].pos = 0;
	f->handles[h].result = NULL;
	return (evt_handle)(uintptr_t)(h + 1);
}

static unsigned index_of(struct fake *f, evt_handle h, int kind)
{
	uintptr_t i = (uintptr_t)h;
	if (i == 0 || i > f->nhandles || f->handles[i - 1].kind != kind || !f->handles[i - 1].open) {
		violation(f, "a handle that is not open, or of another kind");
		return UINT32_MAX;
	}
	return (unsigned)(i - 1);
}

void fake_add(struct fake *f, uint32_t id, int64_t time, const char *user, unsigned pad)
{
	struct fake_event *e = &f->events[f->nevents];
	*e = (struct fake_event){.id = id, .time = time, .record = f->nevents + 1, .pad = pad};
	size_t k = 0;
	for (const unsigned char *p = (const unsigned char *)user; *p && k + 1 < FAKE_USER_UNITS;) {
		uint32_t c = *p++;
		if (c >= 0xe0)
			c = (c & 0x0f) << 12 | (p[0] & 0x3f) << 6 | (p[1] & 0x3f), p += 2;
		else if (c >= 0xc0)
			c = (c & 0x1f) << 6 | (p[0] & 0x3f), p += 1;
		e->user[k++] = (uint16_t)c;
	}
	f->nevents++;
}

static evt_handle f_open(void *ctx, const uint16_t *server)
{
	struct fake *f = ctx;
	(void)server;
	if (f->fail_session) {
		f->error = f->fail_session;
		return NULL;
	}
	return new_handle(f, H_SESSION, 0);
}

/* Text with the five XML references read back. */
static void unescape(char *s)
{
	static const char *const refs[][2] = {{"&lt;", "<"}, {"&gt;", ">"}, {"&apos;", "'"}, {"&quot;", "\""}, {"&amp;", "&"}};
	char *o = s;
	for (const char *p = s; *p;) {
		size_t k = 0;
		while (k < 5 && strncmp(p, refs[k][0], strlen(refs[k][0])) != 0)
			k++;
		if (k < 5) {
			*o++ = refs[k][1][0];
			p += strlen(refs[k][0]);
		} else {
			*o++ = *p++;
		}
	}
	*o = 0;
}

static unsigned count(const char *s, const char *word)
{
	unsigned n = 0;
	for (const char *p = s; (p = strstr(p, word)); p += strlen(word))
		n++;
	return n;
}

/* One Select's XPath into the result's filter; false if Windows would refuse it. */
static bool parse_select(struct fake_result *r, char *xpath, unsigned *comparisons)
{
	unsigned n = count(xpath, "EventID") + count(xpath, "@SystemTime") + count(xpath, "EventRecordID");
	if (n > *comparisons)
		*comparisons = n;
	if (n > 20 || r->nselect == MAX_SELECTS)
		return false;
	if (strcmp(xpath, "*") != 0 && strncmp(xpath, "*[System[", 9) != 0)
		return false;
	struct fake_select *sel = &r->select[r->nselect++];
	sel->all = count(xpath, "EventID") == 0;
	for (char *p = xpath; (p = strstr(p, "EventID")); ) {
		p += 7;
		unsigned long v;
		if (*p == '=') {
			v = strtoul(p + 1, &p, 10);
			sel->lo[sel->n] = sel->hi[sel->n] = (uint32_t)v;
			sel->n++;
		} else if (p[0] == '>' && p[1] == '=') {
			v = strtoul(p + 2, &p, 10);
			sel->lo[sel->n] = (uint32_t)v;
		} else if (p[0] == '<' && p[1] == '=') {
			v = strtoul(p + 2, &p, 10);
			sel->hi[sel->n++] = (uint32_t)v;
		} else {
			return false;
		}
		if (sel->n == 64)
			return false;
	}
	char *t;
	if ((t = strstr(xpath, "@SystemTime>='")) && !filetime_parse_iso8601(t + 14, 24, &r->since))
		return false;
	if ((t = strstr(xpath, "@SystemTime<'")) && !filetime_parse_iso8601(t + 13, 24, &r->until))
		return false;
	if ((t = strstr(xpath, "EventRecordID>")))
		r->after = strtoull(t + 14, NULL, 10);
	return true;
}

static evt_handle f_query(void *ctx, evt_handle session, const uint16_t *query)
{
	struct fake *f = ctx;
	unsigned parent = session ? index_of(f, session, H_SESSION) : 0;
	size_t k = 0;
	for (; query[k] && k + 1 < sizeof f->last_query; k++)
		f->last_query[k] = query[k] < 0x80 ? (char)query[k] : '?';
	f->last_query[k] = 0;
	f->queries++;
	if (f->fail_query || f->unreachable) {
		f->error = f->unreachable ? EVT_RPC_SERVER_UNAVAILABLE : f->fail_query;
		return NULL;
	}
	struct fake_result *r = calloc(1, sizeof *r);
	r->since = INT64_MIN;
	r->until = INT64_MAX;
	unsigned comparisons = 0;
	bool ok = strncmp(f->last_query, "<QueryList><Query Id=\"0\" Path=\"", 31) == 0;
	for (char *p = f->last_query; ok && (p = strstr(p, "<Select Path=\""));) {
		char *text = strchr(p, '>'), *end = text ? strstr(text, "</Select>") : NULL;
		if (!end)
			break;
		char xpath[4096];
		snprintf(xpath, sizeof xpath, "%.*s", (int)(end - text - 1), text + 1);
		unescape(xpath);
		ok = parse_select(r, xpath, &comparisons);
		p = end;
	}
	if (!ok || r->nselect == 0) {
		free(r);
		f->error = EVT_ERROR_INVALID_QUERY;
		return NULL;
	}
	evt_handle h = new_handle(f, H_RESULTS, parent);
	if (h)
		f->handles[(uintptr_t)h - 1].result = r;
	else
		free(r);
	return h;
}

static bool selected(const struct fake_result *r, const struct fake_event *e)
{
	if (e->time < r->since || e->time >= r->until || e->record <= r->after)
		return false;
	for (unsigned s = 0; s < r->nselect; s++) {
		if (r->select[s].all)
			return true;
		for (unsigned i = 0; i < r->select[s].n; i++)
			if (e->id >= r->select[s].lo[i] && e->id <= r->select[s].hi[i])
				return true;
	}
	return false;
}

/* The rendered XML of an event, as UTF-16 (the caller frees it); *bytes includes the NUL. */
static uint16_t *rendering(const struct fake_event *e, uint32_t *bytes)
{
	struct strbuf head = {0}, tail = {0}, time = {0};
	filetime_format_windows(&time, e->time);
	sb_printf(&head, "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"
		  "<Provider Name='%s'/><EventID>%u</EventID><TimeCreated SystemTime='%s'/><EventRecordID>%llu"
		  "</EventRecordID><Computer>ADFS01.contoso.com</Computer></System><EventData>"
		  "<Data Name='TargetUserName'>", e->id < 1000 || (e->id >= 1200 && e->id <= 1210) ? "AD FS Auditing" :
		  "Microsoft-Windows-Security-Auditing", e->id, sb_cstr(&time), (unsigned long long)e->record);
	sb_adds(&tail, "</Data><Data Name='Pad'>");
	for (unsigned i = 0; i < e->pad; i++)
		sb_addc(&tail, 'x');
	sb_adds(&tail, "</Data></EventData></Event>");
	size_t nuser = 0;
	while (e->user[nuser])
		nuser++;
	size_t n = head.len + nuser + tail.len;
	uint16_t *out = malloc(2 * (n + 1));
	for (size_t i = 0; i < head.len; i++)
		out[i] = (unsigned char)head.data[i];
	memcpy(out + head.len, e->user, 2 * nuser);
	for (size_t i = 0; i < tail.len; i++)
		out[head.len + nuser + i] = (unsigned char)tail.data[i];
	out[n] = 0;
	*bytes = (uint32_t)(2 * (n + 1));
	sb_free(&head);
	sb_free(&tail);
	sb_free(&time);
	return out;
}

static bool f_next(void *ctx, evt_handle results, uint32_t max, evt_handle *events, uint32_t *returned)
{
	struct fake *f = ctx;
	*returned = 0;
	unsigned h = index_of(f, results, H_RESULTS);
	if (h == UINT32_MAX)
		return false;
	struct fake_result *r = f->handles[h].result;
	f->nexts++;
	if (r->ended)
		violation(f, "EvtNext after the end of the results");
	unsigned pos = f->handles[h].pos, taken[FAKE_MAX_EVENTS];
	uint32_t n = 0;
	uint64_t bytes = 0;
	for (; pos < f->nevents && n < max; pos++)
		if (selected(r, &f->events[pos])) {
			if (f->stale_after && f->stale_times && f->events[pos].record > f->stale_after) {
				if (n) /* the events so far first; the next call finds the result set stale */
					break;
				f->stale_times--;
				f->error = f->stale_error;
				return false;
			}
			uint32_t size;
			free(rendering(&f->events[pos], &size));
			bytes += size;
			taken[n++] = pos;
		}
	f->handles[h].pos = pos;
	if (bytes > RPC_PAYLOAD) { /* as reported: the position has moved on, the events are not handed out */
		f->invalid_bound++;
		f->error = EVT_RPC_INVALID_BOUND;
		return false;
	}
	for (uint32_t i = 0; i < n; i++) {
		events[i] = new_handle(f, H_EVENT, h + 1);
		f->handles[(uintptr_t)events[i] - 1].pos = taken[i];
	}
	*returned = n;
	for (unsigned g = 0; g < f->grow_each_next && f->nevents < FAKE_MAX_EVENTS; g++) { /* the log goes on */
		struct fake_event *last = &f->events[f->nevents - 1];
		f->events[f->nevents] = *last;
		f->events[f->nevents].record = last->record + 1;
		f->events[f->nevents].time = last->time + FILETIME_SECOND;
		f->nevents++;
	}
	if (!n) {
		r->ended = true;
		f->error = EVT_ERROR_NO_MORE_ITEMS;
	}
	return n > 0;
}

static bool f_render(void *ctx, evt_handle event, uint32_t bytes, uint16_t *buffer, uint32_t *used)
{
	struct fake *f = ctx;
	unsigned h = index_of(f, event, H_EVENT);
	if (h == UINT32_MAX)
		return false;
	f->renders++;
	uint16_t *text = rendering(&f->events[f->handles[h].pos], used);
	bool fits = *used <= bytes;
	if (fits)
		memcpy(buffer, text, *used);
	else
		f->error = EVT_ERROR_INSUFFICIENT_BUFFER;
	free(text);
	return fits;
}

static void f_close(void *ctx, evt_handle h)
{
	struct fake *f = ctx;
	uintptr_t i = (uintptr_t)h;
	if (i == 0 || i > f->nhandles || !f->handles[i - 1].open) {
		violation(f, "a handle closed twice, or never opened");
		return;
	}
	if (f->handles[i - 1].kind == H_SESSION)
		for (unsigned k = 0; k < f->nhandles; k++)
			if (f->handles[k].open && f->handles[k].kind == H_RESULTS && f->handles[k].parent == i - 1)
				violation(f, "a session closed before its results");
	f->handles[i - 1].open = false;
	free(f->handles[i - 1].result);
	f->handles[i - 1].result = NULL;
}

static uint32_t f_error(void *ctx) { return ((struct fake *)ctx)->error; }

static void f_describe(void *ctx, uint32_t error, struct strbuf *out)
{
	(void)ctx;
	if (error == 1326)
		sb_adds(out, "The user name or password is incorrect");
}

static void f_extended(void *ctx, struct strbuf *out)
{
	struct fake *f = ctx;
	if (f->error == EVT_ERROR_INVALID_QUERY)
		sb_adds(out, "the query has more than 20 expressions");
}

/* EvtOpenLog and EvtGetLogInfo: the session must be open (NULL: this computer); the channel named. */
static bool f_log_info(void *ctx, evt_handle session, const uint16_t *channel, struct evt_log_info *out)
{
	struct fake *f = ctx;
	if (session)
		index_of(f, session, H_SESSION);
	if (!channel || !channel[0])
		violation(f, "EvtOpenLog without a channel");
	if (!f->has_log_info) {
		f->error = EVT_ERROR_ACCESS_DENIED;
		return false;
	}
	*out = f->log_info;
	return true;
}

struct evt_api fake_api(struct fake *f)
{
	return (struct evt_api){.open_session = f_open, .query = f_query, .next = f_next, .render = f_render,
				.close = f_close, .last_error = f_error, .describe = f_describe,
				.extended_status = f_extended, .log_info = f_log_info, .ctx = f};
}

unsigned fake_problems(struct fake *f)
{
	unsigned open = 0;
	for (unsigned i = 0; i < f->nhandles; i++)
		if (f->handles[i].open) {
			open++;
			free(f->handles[i].result);
			f->handles[i].result = NULL;
			f->handles[i].open = false;
		}
	if (open)
		violation(f, "handles left open");
	return f->violations;
}

unsigned fake_most_comparisons(const struct fake *f)
{
	unsigned most = 0;
	for (const char *p = f->last_query; (p = strstr(p, "<Select Path=\""));) {
		const char *end = strstr(p, "</Select>");
		if (!end)
			break;
		char xpath[4096];
		snprintf(xpath, sizeof xpath, "%.*s", (int)(end - p), p);
		unescape(xpath);
		unsigned n = count(xpath, "EventID") + count(xpath, "@SystemTime") + count(xpath, "EventRecordID");
		most = n > most ? n : most;
		p = end;
	}
	return most;
}
