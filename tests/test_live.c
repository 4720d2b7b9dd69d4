/* test_live.c: the live-channel source against a fake Windows Event Log API as strict as the real one
 * (fake_evt_api.h): the structured query and Windows' 20-comparison limit, batches and the render buffer, UTF-16 text
 * with surrogates and control characters, reads that Windows interrupts (a batch over the RPC payload, a result set
 * that goes stale, a log that grows), the advice for every error, and the use of every handle (cmocka). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "badcreds/filetime.h"
#include "badcreds/live.h"
#include "fake_evt_api.h"

static const int64_t T0 = 134080992000000000LL; /* 2025-11-20T08:00:00Z */

struct seen {
	unsigned events;
	uint64_t ids[FAKE_MAX_EVENTS];
	char user[256];
};

static void on_event(void *ctx, const struct event *ev)
{
	struct seen *s = ctx;
	if (s->events < FAKE_MAX_EVENTS)
		s->ids[s->events] = ev->record_id;
	s->events++;
	const struct evtx_value *u = event_data_get(ev, "TargetUserName");
	if (u && u->size < sizeof s->user) {
		memcpy(s->user, u->data, u->size);
		s->user[u->size] = 0;
	}
}

/* Reads the fake's channel with scan's event IDs; the diag keeps the messages in `messages`. */
static bool run(struct fake *f, struct seen *s, const char *server, struct diag *d, const struct live_query *q)
{
	struct evt_api api = fake_api(f);
	struct live_query scan = {.ids = CORRELATION_IDS, .since = INT64_MIN, .until = INT64_MAX};
	struct event_sink sink = {.event = on_event, .ctx = s};
	struct source_stats st = {0};
	memset(s, 0, sizeof *s);
	bool ok = live_read(&api, server, "Security", q ? q : &scan, &sink, d, &st);
	source_stats_free(&st);
	return ok;
}

/* Every record from first to last was seen once, in order: each position is compared (two events swapped by the
 * fake fail it). */
static bool each_once(const struct seen *s, uint64_t first, uint64_t last)
{
	if (s->events != last - first + 1)
		return false;
	for (unsigned i = 0; i < s->events; i++)
		if (s->ids[i] != first + i)
			return false;
	return true;
}

static struct fake *fake_new(unsigned n, uint32_t id, unsigned pad)
{
	struct fake *f = calloc(1, sizeof *f);
	for (unsigned i = 0; i < n; i++)
		fake_add(f, id, T0 + i * FILETIME_SECOND, "bob.o-neil@contoso-corp.com", i % 7 == 3 ? pad : 0);
	return f;
}

static void batches_and_buffer(void **state)
{
	(void)state;
	struct fake *f = fake_new(300, 4625, 40000); /* some events need more than a 64 KB render buffer */
	struct seen s;
	struct diag d = {0};
	assert_true(run(f, &s, NULL, &d, NULL));
	assert_true(each_once(&s, 1, 300));
	assert_int_equal(f->nexts, 300 / LIVE_BATCH + 2);  /* full batches, the rest, then the end */
	assert_true(f->renders > 300);                      /* the long events rendered again, larger */
	assert_int_equal(d.errors, 0);
	assert_int_equal(fake_problems(f), 0);
	free(f);
}

static void query_within_windows_limits(void **state)
{
	(void)state;
	struct live_query q = {.ids = CORRELATION_IDS, .since = T0, .until = T0 + FILETIME_HOUR, .after_record = 7};
	char *xml = live_query_xml("Security", &q);
	assert_string_equal(xml, "<QueryList><Query Id=\"0\" Path=\"Security\"><Select Path=\"Security\">*[System[("
			    "EventID=403 or (EventID&gt;=410 and EventID&lt;=412) or EventID=501 or EventID=512 or "
			    "(EventID&gt;=515 and EventID&lt;=516) or (EventID&gt;=1200 and EventID&lt;=1210) or "
			    "EventID=4625 or EventID=4740 or EventID=4771 or EventID=4776) and TimeCreated[@SystemTime"
			    "&gt;=&apos;2025-11-20T08:00:00.000Z&apos; and @SystemTime&lt;&apos;2025-11-20T09:00:00.000Z"
			    "&apos;] and EventRecordID&gt;7]]</Select></Query></QueryList>");
	free(xml);
	/* thirty single IDs and both ends of a window: spread over several Selects, none over 20 comparisons */
	struct id_range many[30];
	for (unsigned i = 0; i < 30; i++)
		many[i] = (struct id_range){100 + 2 * i, 100 + 2 * i};
	q = (struct live_query){.ids = {many, 30}, .since = T0, .until = T0 + FILETIME_HOUR};
	struct fake *f = fake_new(0, 0, 0);
	for (unsigned i = 0; i < 80; i++)
		fake_add(f, 90 + i, T0 + i * FILETIME_SECOND, "u", 0);
	struct seen s;
	struct diag d = {0};
	assert_true(run(f, &s, NULL, &d, &q));
	assert_true(fake_most_comparisons(f) <= LIVE_MAX_COMPARISONS);
	assert_int_equal(s.events, 30); /* exactly the even IDs 100-158: records 11, 13 ... 69, in order */
	for (unsigned i = 0; i < 30; i++)
		assert_int_equal(s.ids[i], 11 + 2 * i);
	assert_int_equal(fake_problems(f), 0);
	/* no IDs (dump without --event-id) and no window: every event */
	q = (struct live_query){.since = INT64_MIN, .until = INT64_MAX};
	xml = live_query_xml("Microsoft-Windows-AAD/Operational", &q);
	assert_string_equal(xml, "<QueryList><Query Id=\"0\" Path=\"Microsoft-Windows-AAD/Operational\"><Select Path="
			    "\"Microsoft-Windows-AAD/Operational\">*</Select></Query></QueryList>");
	free(xml);
	free(f);
}

static void utf16_text(void **state)
{
	(void)state;
	/* a surrogate pair (U+1F600), a lone high surrogate, U+0001 and ESC, as a user might type them */
	static const uint16_t typed[] = {'a', 0xd83d, 0xde00, 'b', 0xd800, 'c', 0x0001, 0x001b, '[', '2', 'J', 0};
	struct fake *f = fake_new(1, 4625, 0);
	memcpy(f->events[0].user, typed, sizeof typed);
	struct seen s;
	struct diag d = {0};
	assert_true(run(f, &s, NULL, &d, NULL));
	/* the same as the EVTX reader makes of these UTF-16 units: nothing skipped, controls kept */
	struct strbuf want = {0};
	utf16_to_utf8(&want, (const uint8_t *)typed, sizeof typed - 2);
	assert_int_equal(s.events, 1);
	assert_string_equal(s.user, sb_cstr(&want));
	assert_string_equal(s.user, "a\xf0\x9f\x98\x80" "b\xef\xbf\xbd" "c\x01\x1b[2J");
	assert_int_equal(d.errors, 0);
	sb_free(&want);
	assert_int_equal(fake_problems(f), 0);
	free(f);
}

static void interrupted_reads(void **state)
{
	(void)state;
	struct seen s;
	struct diag d = {0};
	/* events of 40 KB: a batch of 64 passes the 2 MB an RPC carries; Windows moves on all the same */
	struct fake *f = fake_new(0, 0, 0);
	for (unsigned i = 0; i < 200; i++)
		fake_add(f, 1203, T0 + i * FILETIME_SECOND, "alice@contoso.com", 40000);
	assert_true(run(f, &s, "ADFS01", &d, NULL));
	assert_true(each_once(&s, 1, 200));
	assert_true(f->invalid_bound > 0);
	assert_int_equal(d.warnings, f->invalid_bound);
	assert_int_equal(fake_problems(f), 0);
	free(f);
	/* the log wraps (15011) and is backed up and cleared (87) while it is read, and grows meanwhile */
	for (uint32_t error = EVT_ERROR_QUERY_RESULT_STALE; error; error = error == EVT_ERROR_INVALID_PARAMETER ? 0 :
							       EVT_ERROR_INVALID_PARAMETER) {
		f = fake_new(150, 4625, 0);
		f->stale_after = 70;
		f->stale_error = error;
		f->stale_times = 2;
		f->grow_each_next = 3;
		d = (struct diag){0};
		assert_true(run(f, &s, NULL, &d, NULL));
		assert_true(each_once(&s, 1, f->nevents));
		assert_int_equal(d.warnings, 2);
		assert_int_equal(fake_problems(f), 0);
		free(f);
	}
	/* a result set that goes stale every time: given up after LIVE_RETRIES queries, what was read is kept */
	f = fake_new(150, 4625, 0);
	f->stale_after = 70;
	f->stale_error = EVT_ERROR_QUERY_RESULT_STALE;
	f->stale_times = UINT32_MAX;
	d = (struct diag){0};
	assert_true(run(f, &s, NULL, &d, NULL));
	assert_true(each_once(&s, 1, 70));
	assert_int_equal(f->queries, 1 + LIVE_RETRIES);
	assert_int_equal(d.errors, 1);
	assert_int_equal(fake_problems(f), 0);
	free(f);
}

static void errors(void **state)
{
	(void)state;
	char buf[8192] = "";
	FILE *mem = fmemopen(buf, sizeof buf, "w");
	struct diag d = {.stream = mem, .file = "ADFS02"};
	struct seen s;
	struct {
		uint32_t session, query;
		bool unreachable;
		const char *server;
	} cases[] = {
		{.query = EVT_ERROR_ACCESS_DENIED},                          /* here: elevate, or Event Log Readers */
		{.query = EVT_ERROR_ACCESS_DENIED, .server = "ADFS02"},      /* there: Event Log Readers on that host */
		{.query = EVT_ERROR_CHANNEL_NOT_FOUND, .server = "ADFS02"},
		{.unreachable = true, .server = "ADFS09"},                   /* EvtQuery fails, not EvtOpenSession */
		{.query = EVT_EPT_NOT_REGISTERED, .server = "ADFS02"},
		{.query = EVT_RPC_UNKNOWN_IF, .server = "ADFS02"},
		{.query = EVT_RPC_CALL_FAILED, .server = "ADFS02"},
		{.query = EVT_ERROR_INVALID_QUERY},                          /* EvtGetExtendedStatus says why */
		{.session = 1326, .server = "ADFS03"},                       /* no advice of ours: the system's text */
		{.session = 1909, .server = "ADFS03"},                       /* nor text from the system: the number */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct fake *f = fake_new(5, 4625, 0);
		f->fail_session = cases[i].session;
		f->fail_query = cases[i].query;
		f->unreachable = cases[i].unreachable;
		assert_false(run(f, &s, cases[i].server, &d, NULL));
		assert_int_equal(fake_problems(f), 0);
		free(f);
	}
	struct fake *f = fake_new(3, 4625, 0); /* the next host still works */
	assert_true(run(f, &s, "ADFS01", &d, NULL));
	assert_true(each_once(&s, 1, 3));
	free(f);
	fclose(mem);
	assert_non_null(strstr(buf, "access denied: run badcreds elevated, or add the account to the Event Log Readers"));
	assert_non_null(strstr(buf, "access denied: add the account to the Event Log Readers group on ADFS02"));
	assert_non_null(strstr(buf, "channel Security not found on ADFS02: give its exact name (wevtutil el"));
	assert_non_null(strstr(buf, "cannot read channel Security: ADFS09 unreachable: check the name"));
	assert_non_null(strstr(buf, "ADFS02 answers, but its event log cannot be reached through RPC"));
	assert_non_null(strstr(buf, "ADFS02 does not offer the event log interface"));
	assert_non_null(strstr(buf, "the call to ADFS02 failed on the way"));
	assert_non_null(strstr(buf, "Windows error 15001: the query has more than 20 expressions"));
	assert_non_null(strstr(buf, "cannot connect: Windows error 1326: The user name or password is incorrect\n"));
	assert_non_null(strstr(buf, "cannot connect: Windows error 1909\n"));
	assert_int_equal(d.errors, sizeof cases / sizeof cases[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(batches_and_buffer), cmocka_unit_test(query_within_windows_limits),
		cmocka_unit_test(utf16_text), cmocka_unit_test(interrupted_reads), cmocka_unit_test(errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
