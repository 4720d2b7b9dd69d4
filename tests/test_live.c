/* test_live.c: the live-channel source against a fake Windows Event Log API: batches, a render buffer that grows,
 * UTF-16 text, the XPath filter, and every error path (cmocka). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "badcreds/live.h"

struct fake {
	unsigned nevents;            /* events the channel holds */
	unsigned next_pos;
	unsigned next_calls, render_calls, small_buffer_calls, closed;
	uint32_t error;              /* what last_error says */
	uint32_t fail_session, fail_query, fail_next_after; /* error codes to fail with (0: succeed) */
	char xpath[1024];
	char user[64];               /* TargetUserName of every event */
};

static uint16_t *w(const char *s) /* a UTF-16 copy of UTF-8 text (test data: BMP only) */
{
	size_t n = strlen(s);
	uint16_t *out = calloc(n + 1, 2);
	size_t k = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		uint32_t c = *p++;
		if (c >= 0xe0)
			c = (c & 0x0f) << 12 | (p[0] & 0x3f) << 6 | (p[1] & 0x3f), p += 2;
		else if (c >= 0xc0)
			c = (c & 0x1f) << 6 | (p[0] & 0x3f), p += 1;
		out[k++] = (uint16_t)c;
	}
	return out;
}

static evt_handle f_open(void *ctx, const uint16_t *server)
{
	struct fake *f = ctx;
	(void)server;
	if (f->fail_session) {
		f->error = f->fail_session;
		return NULL;
	}
	return (evt_handle)1;
}

static evt_handle f_query(void *ctx, evt_handle session, const uint16_t *channel, const uint16_t *xpath)
{
	struct fake *f = ctx;
	(void)session, (void)channel;
	size_t i = 0;
	for (; xpath[i] && i + 1 < sizeof f->xpath; i++)
		f->xpath[i] = (char)xpath[i];
	f->xpath[i] = 0;
	if (f->fail_query) {
		f->error = f->fail_query;
		return NULL;
	}
	return (evt_handle)2;
}

static bool f_next(void *ctx, evt_handle results, uint32_t max, evt_handle *events, uint32_t *returned)
{
	struct fake *f = ctx;
	(void)results;
	f->next_calls++;
	if (f->fail_next_after && f->next_pos >= f->fail_next_after) {
		f->error = EVT_RPC_SERVER_UNAVAILABLE;
		return false;
	}
	*returned = 0;
	while (*returned < max && f->next_pos < f->nevents)
		events[(*returned)++] = (evt_handle)(uintptr_t)(1000 + f->next_pos++);
	if (!*returned)
		f->error = EVT_ERROR_NO_MORE_ITEMS;
	return *returned > 0;
}

static bool f_render(void *ctx, evt_handle event, uint32_t bytes, uint16_t *buffer, uint32_t *used)
{
	struct fake *f = ctx;
	unsigned n = (unsigned)((uintptr_t)event - 1000);
	/* a long Data (80 KB of UTF-16) makes the first 64 KB buffer too small for some events */
	enum { PAD = 40000 };
	static char pad[PAD + 1], xml[PAD + 2048];
	memset(pad, 'x', PAD);
	pad[n % 7 == 3 ? PAD : 0] = 0;
	snprintf(xml, sizeof xml,
		 "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"
		 "<Provider Name='Microsoft-Windows-Security-Auditing'/><EventID>4625</EventID>"
		 "<TimeCreated SystemTime='2026-11-20T08:00:%02u.000000000Z'/><EventRecordID>%u</EventRecordID>"
		 "<Computer>ADFS01</Computer></System><EventData><Data Name='TargetUserName'>%s</Data>"
		 "<Data Name='Pad'>%s</Data></EventData></Event>", n % 60, n + 1, f->user, pad);
	uint16_t *text = w(xml);
	uint32_t need = 0;
	while (text[need / 2])
		need += 2;
	need += 2;
	f->render_calls++;
	*used = need;
	if (need > bytes) {
		f->small_buffer_calls++;
		f->error = EVT_ERROR_INSUFFICIENT_BUFFER;
		free(text);
		return false;
	}
	memcpy(buffer, text, need);
	free(text);
	return true;
}

static void f_close(void *ctx, evt_handle h)
{
	(void)h;
	((struct fake *)ctx)->closed++;
}

static uint32_t f_error(void *ctx) { return ((struct fake *)ctx)->error; }

static void f_describe(void *ctx, uint32_t error, struct strbuf *out)
{
	(void)ctx;
	if (error == 1326)
		sb_adds(out, "The user name or password is incorrect");
}

struct seen {
	unsigned events;
	uint64_t last_id;
	bool in_order;
	char user[64];
};

static void on_event(void *ctx, const struct event *ev)
{
	struct seen *s = ctx;
	s->in_order = s->events == 0 || ev->record_id == s->last_id + 1;
	s->last_id = ev->record_id;
	s->events++;
	const struct evtx_value *u = event_data_get(ev, "TargetUserName");
	if (u && u->size < sizeof s->user) {
		memcpy(s->user, u->data, u->size);
		s->user[u->size] = 0;
	}
}

static bool run(struct fake *f, struct seen *s, const char *server, struct diag *d, uint32_t batch)
{
	struct evt_api api = {.open_session = f_open, .query = f_query, .next = f_next, .render = f_render,
			      .close = f_close, .last_error = f_error, .describe = f_describe, .ctx = f};
	static const uint32_t ids[] = {411, 4625};
	struct live_query q = {.event_ids = ids, .nids = 2, .since = INT64_MIN, .until = INT64_MAX, .batch = batch};
	struct event_sink sink = {.event = on_event, .ctx = s};
	struct source_stats st = {0};
	*s = (struct seen){.in_order = true};
	return live_read(&api, server, "Security", &q, &sink, d, &st);
}

static void batches_and_buffer(void **state)
{
	(void)state;
	struct fake f = {.nevents = 300};
	strcpy(f.user, "bob.o-neil@contoso-corp.com");
	struct seen s;
	struct diag d = {0};
	assert_true(run(&f, &s, NULL, &d, 128));
	assert_int_equal(s.events, 300);
	assert_true(s.in_order);
	assert_int_equal(f.next_calls, 4);          /* 128 + 128 + 44, then the end */
	assert_true(f.small_buffer_calls > 0);        /* the long events were rendered again in a larger buffer */
	assert_int_equal(f.render_calls, 300 + f.small_buffer_calls);
	assert_int_equal(f.closed, 301);              /* every event and the result set */
	assert_int_equal(d.errors, 0);
}

static void utf16_text(void **state)
{
	(void)state;
	struct fake f = {.nevents = 1};
	strcpy(f.user, "j\xc3\xa9r\xc3\xb4me-\xe5\xa4\xaa\xe9\x83\x8e");
	struct seen s;
	struct diag d = {0};
	assert_true(run(&f, &s, NULL, &d, 16));
	assert_string_equal(s.user, "j\xc3\xa9r\xc3\xb4me-\xe5\xa4\xaa\xe9\x83\x8e");
}

static void xpath(void **state)
{
	(void)state;
	static const uint32_t ids[] = {411, 501, 4625};
	struct live_query q = {.event_ids = ids, .nids = 3, .since = INT64_MIN, .until = INT64_MAX};
	char *x = live_xpath(&q);
	assert_string_equal(x, "*[System[(EventID=411 or EventID=501 or EventID=4625)]]");
	free(x);
	int64_t t;
	assert_true(evtx_parse_iso8601("2026-11-20T08:00:00Z", 20, &t));
	q.since = t;
	x = live_xpath(&q);
	assert_string_equal(x, "*[System[(EventID=411 or EventID=501 or EventID=4625) and "
			       "TimeCreated[@SystemTime>='2026-11-20T08:00:00.000Z']]]");
	free(x);
	q.nids = 0;
	q.until = t + 36000000000LL;
	x = live_xpath(&q);
	assert_string_equal(x, "*[System[TimeCreated[@SystemTime>='2026-11-20T08:00:00.000Z' and "
			       "@SystemTime<'2026-11-20T09:00:00.000Z']]]");
	free(x);
	struct fake f = {.nevents = 0};
	struct seen s;
	struct diag d = {0};
	assert_true(run(&f, &s, NULL, &d, 8));
	assert_string_equal(f.xpath, "*[System[(EventID=411 or EventID=4625)]]"); /* what the server was sent */
}

static void errors(void **state)
{
	(void)state;
	char buf[4096];
	FILE *mem = fmemopen(buf, sizeof buf, "w");
	struct diag d = {.stream = mem, .file = "ADFS02"};
	struct seen s;
	struct fake f = {.nevents = 5, .fail_query = EVT_ERROR_ACCESS_DENIED};
	assert_false(run(&f, &s, NULL, &d, 8));
	f = (struct fake){.nevents = 5, .fail_query = EVT_ERROR_CHANNEL_NOT_FOUND};
	assert_false(run(&f, &s, NULL, &d, 8));
	f = (struct fake){.nevents = 5, .fail_session = EVT_RPC_SERVER_UNAVAILABLE};
	assert_false(run(&f, &s, "ADFS02", &d, 8));
	f = (struct fake){.nevents = 20, .fail_next_after = 8};
	assert_false(run(&f, &s, "ADFS02", &d, 8));
	assert_int_equal(s.events, 8);               /* what came before the failure is kept */
	f = (struct fake){.nevents = 5, .fail_session = 1326}; /* no advice of our own: the system's text */
	assert_false(run(&f, &s, "ADFS03", &d, 8));
	f = (struct fake){.nevents = 5, .fail_session = 1909}; /* nor text from the system: the number */
	assert_false(run(&f, &s, "ADFS03", &d, 8));
	f = (struct fake){.nevents = 3};              /* the next host still works */
	assert_true(run(&f, &s, "ADFS01", &d, 8));
	assert_int_equal(s.events, 3);
	fclose(mem);
	assert_non_null(strstr(buf, "Event Log Readers"));
	assert_non_null(strstr(buf, "channel not found"));
	assert_non_null(strstr(buf, "host unreachable"));
	assert_non_null(strstr(buf, "reading stopped"));
	assert_non_null(strstr(buf, "cannot connect: Windows error 1326: The user name or password is incorrect\n"));
	assert_non_null(strstr(buf, "cannot connect: Windows error 1909\n"));
	assert_int_equal(d.errors, 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(batches_and_buffer), cmocka_unit_test(utf16_text), cmocka_unit_test(xpath),
		cmocka_unit_test(errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
