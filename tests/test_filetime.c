/* test_filetime.c: FILETIME from calendar dates and to and from ISO 8601 text (cmocka). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "badcreds/filetime.h"

static const int64_t AT_152434 = 131116874743460000LL; /* 2016-06-29T15:24:34.346Z */

static char text[64];

static const char *windows(int64_t ticks)
{
	struct strbuf sb = {0};
	filetime_format_windows(&sb, ticks);
	strcpy(text, sb_cstr(&sb));
	sb_free(&sb);
	return text;
}

static const char *ms(int64_t ticks)
{
	struct strbuf sb = {0};
	filetime_format_ms(&sb, ticks, false);
	strcpy(text, sb_cstr(&sb));
	sb_free(&sb);
	return text;
}

static void units(void **state)
{
	(void)state;
	assert_int_equal(FILETIME_DAY, 864000000000LL);
	assert_int_equal(FILETIME_UNIX_EPOCH, 116444736000000000LL);
	assert_string_equal(windows(FILETIME_UNIX_EPOCH), "1970-01-01T00:00:00.000000000Z");
	int64_t t;
	assert_true(filetime_from_civil(1970, 1, 1, 0, 0, 0, &t));
	assert_int_equal(t, FILETIME_UNIX_EPOCH);
	assert_true(filetime_from_civil(1601, 1, 1, 0, 0, 0, &t));
	assert_int_equal(t, 0);
	assert_true(filetime_from_civil(2016, 6, 29, 15, 24, 60, &t)); /* a leap second: the next minute */
	assert_int_equal(t, AT_152434 - 34346 * FILETIME_MILLISECOND + FILETIME_MINUTE);
	assert_false(filetime_from_civil(1600, 12, 31, 0, 0, 0, &t));
	assert_false(filetime_from_civil(30828, 1, 1, 0, 0, 0, &t));
	assert_false(filetime_from_civil(2016, 6, 29, 24, 0, 0, &t));
	assert_true(filetime_now() > FILETIME_UNIX_EPOCH);
}

static void formats(void **state)
{
	(void)state;
	assert_string_equal(windows(AT_152434), "2016-06-29T15:24:34.346000000Z");
	assert_string_equal(windows(AT_152434 + 9999), "2016-06-29T15:24:34.346999900Z");
	assert_string_equal(windows(-1), "1600-12-31T23:59:59.999999900Z");
	assert_string_equal(windows(INT64_MAX), "30828-09-14T02:48:05.477580700Z"); /* past year 9999: printf */
	assert_string_equal(ms(AT_152434 + 9999), "2016-06-29T15:24:34.346+00:00");
}

static void iso8601(void **state)
{
	(void)state;
	int64_t t;
	assert_true(filetime_parse_iso8601("2016-06-29T15:24:34.3460000Z", 28, &t));
	assert_int_equal(t, AT_152434);
	assert_true(filetime_parse_iso8601("2016-06-29T17:24:34.346+02:00", 29, &t));
	assert_int_equal(t, AT_152434);
	assert_true(filetime_parse_iso8601("2016-06-29T15:24:34.34600009Z", 29, &t)); /* past 100 ns: dropped */
	assert_int_equal(t, AT_152434);
	assert_false(filetime_parse_iso8601("2016-13-29T00:00:00Z", 20, &t));
	assert_false(filetime_parse_iso8601("1600-12-31T00:00:00Z", 20, &t)); /* before FILETIME begins */
	assert_true(filetime_parse_iso8601("2024-02-29", 10, &t)); /* leap years: every 4th, not 1900, but 2000 */
	assert_true(filetime_parse_iso8601("2000-02-29", 10, &t));
	assert_true(filetime_parse_iso8601("2026-12-31", 10, &t));
	/* ISO 8601 as people type it: minutes only, offsets in every form, no zone (UTC), date only */
	const int64_t at_1524 = AT_152434 - 34346 * FILETIME_MILLISECOND; /* 2016-06-29T15:24:00Z */
	static const struct { const char *text; int64_t delta; } forms[] = {
		{"2016-06-29T15:24", 0}, {"2016-06-29T15:24Z", 0}, {"2016-06-29 15:24:00", 0}, {"2016-06-29t15:24z", 0},
		{"2016-06-29T16:24+01:00", 0}, {"2016-06-29T16:24+0100", 0}, {"2016-06-29T16:24+01", 0},
		{"2016-06-29T10:54-04:30", 0}, {"2016-06-29T15:24:00,5Z", 500 * FILETIME_MILLISECOND},
		{"2016-06-29", -(15 * 60 + 24) * FILETIME_MINUTE},
	};
	for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
		assert_true(filetime_parse_iso8601(forms[i].text, strlen(forms[i].text), &t));
		assert_int_equal(t, at_1524 + forms[i].delta);
	}
	static const char *const bad[] = {"2016-06-29T15", "2016-06-29T15:2", "2016-06-29T25:00", "2016-06-29T15:24:00.",
					  "2016-06-29T15:24+1", "2016-06-29T15:24 UTC", "yesterday", "2016-6-29",
					  "2016-06-29T15:24:61", "2016-06-29T15:24:60Z", "2016-06-29T15:60", "2016-06-29T24:00",
					  "2016-06-29T15:24+24:00", "", "2026-02-29", "2026-02-30", "1900-02-29",
					  "2026-11-31T08:00", "2026-04-31", "2026-06-00"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		t = 7;
		assert_false(filetime_parse_iso8601(bad[i], strlen(bad[i]), &t));
		assert_int_equal(t, 7); /* left alone */
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(units), cmocka_unit_test(formats), cmocka_unit_test(iso8601),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
