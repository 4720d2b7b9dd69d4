/* test_value.c: rendering of every EVTX value type, arrays, and times read from values (cmocka). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "badcreds/evtx_value.h"

static char text[512];

static const char *render(uint16_t type, const void *data, size_t size)
{
	struct strbuf sb = {0};
	struct evtx_value v = {.type = type, .size = (uint32_t)size, .data = data};
	evtx_value_render(&sb, &v);
	snprintf(text, sizeof text, "%s", sb.len ? sb_cstr(&sb) : "");
	sb_free(&sb);
	return text;
}

#define R(type, ...) render(type, (const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__}))

static void integers(void **state)
{
	(void)state;
	assert_string_equal(R(EVTX_INT8, 0xff), "-1");
	assert_string_equal(R(EVTX_UINT8, 0xff), "255");
	assert_string_equal(R(EVTX_INT16, 0x00, 0x80), "-32768");
	assert_string_equal(R(EVTX_UINT16, 0x41, 0x12), "4673");
	assert_string_equal(R(EVTX_INT32, 0xff, 0xff, 0xff, 0xff), "-1");
	assert_string_equal(R(EVTX_UINT32, 0x10, 0x27, 0, 0), "10000");
	assert_string_equal(R(EVTX_INT64, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), "-2");
	assert_string_equal(R(EVTX_UINT64, 0, 0, 0, 0, 0, 0, 0, 0x80), "9223372036854775808");
	assert_string_equal(R(EVTX_HEXINT32, 0x6d, 0, 0, 0xc0), "0xc000006d");
	assert_string_equal(R(EVTX_HEXINT64, 0xe7, 0x03, 0, 0, 0, 0, 0, 0), "0x3e7");
	assert_string_equal(R(EVTX_SIZET, 0x4c, 0x02, 0, 0), "0x24c");
	assert_string_equal(R(EVTX_SIZET, 0x4c, 0x02, 0, 0, 0, 0, 0, 0x01), "0x10000000000024c");
}

static void booleans_and_reals(void **state)
{
	(void)state;
	assert_string_equal(R(EVTX_BOOL, 0, 0, 0, 0), "false");
	assert_string_equal(R(EVTX_BOOL, 1, 0, 0, 0), "true");
	assert_string_equal(R(EVTX_BOOL, 0, 0, 2, 0), "true"); /* irregular values: nonzero is true */
	assert_string_equal(R(EVTX_REAL32, 0, 0, 0xc0, 0x3f), "1.5");
	assert_string_equal(R(EVTX_REAL64, 0, 0, 0, 0, 0, 0, 0x04, 0xc0), "-2.5");
	/* the fewest digits that read back as the same number (%.17g wrote 3199.2339999999999) */
	assert_string_equal(R(EVTX_REAL64, 0x87, 0x16, 0xd9, 0xce, 0x77, 0xfe, 0xa8, 0x40), "3199.234");
	assert_string_equal(R(EVTX_REAL64, 0x9a, 0x99, 0x99, 0x99, 0x99, 0x99, 0xb9, 0x3f), "0.1");
	assert_string_equal(R(EVTX_REAL64, 0x59, 0xf3, 0xf8, 0xc2, 0x1f, 0x6e, 0xa5, 0x01), "1e-300");
	assert_string_equal(R(EVTX_REAL32, 0xcd, 0xcc, 0xcc, 0x3d), "0.1");
	assert_string_equal(R(EVTX_REAL32, 0xff, 0xff, 0x7f, 0x7f), "3.4028235e+38"); /* FLT_MAX */
	/* in the notation %.17g and %.9g chose: a whole number in all its digits (10, not 1e+01) */
	assert_string_equal(R(EVTX_REAL64, 0, 0, 0, 0, 0, 0, 0x24, 0x40), "10");
	assert_string_equal(R(EVTX_REAL64, 0, 0, 0, 0, 0, 0x70, 0x97, 0x40), "1500");
	assert_string_equal(R(EVTX_REAL64, 0x00, 0x80, 0xe0, 0x37, 0x79, 0xc3, 0x41, 0x43), "10000000000000000");
	assert_string_equal(R(EVTX_REAL64, 0x00, 0xa0, 0xd8, 0x85, 0x57, 0x34, 0x76, 0x43), "1e+17");
	assert_string_equal(R(EVTX_REAL32, 0x00, 0x50, 0xc3, 0x47), "100000");
	assert_string_equal(R(EVTX_REAL32, 0x28, 0x6b, 0x6e, 0x4e), "1e+09");
}

static void strings(void **state)
{
	(void)state;
	assert_string_equal(R(EVTX_STRING, 'U', 0, 's', 0, 'e', 0, 'r', 0, '3', 0, '2', 0, ' ', 0), "User32 ");
	assert_string_equal(R(EVTX_STRING, 'a', 0, 0, 0, 'b', 0), "a");                    /* cut at NUL */
	assert_string_equal(R(EVTX_STRING, 0xe9, 0x00, 0x3d, 0xd8, 0x00, 0xde), "\xc3\xa9\xf0\x9f\x98\x80");
	assert_string_equal(R(EVTX_STRING, 0x00, 0xd8, 'x', 0), "\xef\xbf\xbdx");         /* lone surrogate */
	assert_string_equal(R(EVTX_ANSI, 'c', 0x80, 0xe9, 0), "c\xe2\x82\xac\xc3\xa9");  /* windows-1252 */
}

static void structured(void **state)
{
	(void)state;
	assert_string_equal(R(EVTX_GUID, 0x25, 0x96, 0x84, 0x54, 0x78, 0x54, 0x94, 0x49, 0xa5, 0xba, 0x3e, 0x3b, 0x03,
			      0x28, 0xc3, 0x0d),
			    "{54849625-5478-4994-A5BA-3E3B0328C30D}");
	assert_string_equal(R(EVTX_SID, 1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0), "S-1-5-18");
	assert_string_equal(R(EVTX_SID, 1, 2, 0, 0, 0, 0, 0, 5, 32, 0, 0, 0, 0x21, 0x02, 0, 0), "S-1-5-32-545");
	assert_string_equal(R(EVTX_SID, 1, 3, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0), "S-1-5-21"); /* truncated: what fits */
	assert_string_equal(R(EVTX_BINARY, 0xd9, 0x06, 0, 0), "D9060000");
	assert_string_equal(R(EVTX_NULL, 0), "");
}

static void times(void **state)
{
	(void)state;
	/* 2016-06-29T15:24:34.3460000Z = 131116874743460000 ticks */
	uint64_t ft = 131116874743460000ULL;
	uint8_t b[8];
	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)(ft >> (8 * i));
	assert_string_equal(render(EVTX_FILETIME, b, 8), "2016-06-29T15:24:34.346000000Z");
	assert_string_equal(R(EVTX_SYSTEMTIME, 0xe0, 0x07, 6, 0, 3, 0, 29, 0, 15, 0, 24, 0, 34, 0, 0x5a, 0x01),
			    "2016-06-29T15:24:34.346Z");
	int64_t t;
	struct evtx_value far = {.type = EVTX_SYSTEMTIME, .size = 16,
				 .data = (const uint8_t[]){0xff, 0xff, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0}};
	assert_false(evtx_value_filetime(&far, &t)); /* year 65535 cannot be a FILETIME: refused, not overflowed */
	struct evtx_value st = {.type = EVTX_SYSTEMTIME, .size = 16,
				.data = (const uint8_t[]){0xe0, 0x07, 6, 0, 3, 0, 29, 0, 15, 0, 24, 0, 34, 0, 0x5a, 0x01}};
	assert_true(evtx_value_filetime(&st, &t));
	assert_int_equal(t, (int64_t)ft);
	struct evtx_value text = {.type = EVTX_UTF8, .size = 28, .data = (const uint8_t *)"2016-06-29T15:24:34.3460000Z"};
	assert_true(evtx_value_filetime(&text, &t));
	assert_int_equal(t, (int64_t)ft);
}

static void arrays(void **state)
{
	(void)state;
	const uint8_t sa[] = {'a', 0, 0, 0, 0, 0, 'b', 0, '-', 0, 'c', 0, 0, 0};
	struct evtx_value v = {.type = EVTX_ARRAY | EVTX_STRING, .size = sizeof sa, .data = sa};
	struct evtx_array_iter it = {0};
	struct evtx_value item;
	assert_true(evtx_array_next(&v, &it, &item));
	assert_string_equal(render(item.type, item.data, item.size), "a");
	assert_true(evtx_array_next(&v, &it, &item));
	assert_int_equal(item.size, 0); /* an empty item stays an item */
	assert_true(evtx_array_next(&v, &it, &item));
	assert_string_equal(render(item.type, item.data, item.size), "b-c");
	assert_false(evtx_array_next(&v, &it, &item));
	assert_false(evtx_array_next(&v, &it, &item));
	assert_string_equal(render(EVTX_ARRAY | EVTX_STRING, sa, sizeof sa), "a, , b-c");
	assert_string_equal(R(EVTX_ARRAY | EVTX_UINT16, 1, 0, 2, 0), "1, 2");
	assert_string_equal(R(EVTX_ARRAY | EVTX_SID, 1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1),
			    "S-1-5-18, S-1-1");
	struct evtx_value empty = {.type = EVTX_ARRAY | EVTX_STRING, .size = 0, .data = sa};
	it = (struct evtx_array_iter){0}; /* an empty array still yields one element */
	assert_true(evtx_array_next(&empty, &it, &item));
	assert_int_equal(item.size, 0);
	assert_false(evtx_array_next(&empty, &it, &item));
	const uint8_t odd[] = {1, 0, 2}; /* fixed-size items: a cut last one is not an item */
	struct evtx_value u16 = {.type = EVTX_ARRAY | EVTX_UINT16, .size = sizeof odd, .data = odd};
	assert_string_equal(render(u16.type, u16.data, u16.size), "1");
}

/* The word-at-a-time paths (four UTF-16 units at once: conversion, the NUL ends of string array items, the provider
 * name comparison) against the unit-at-a-time rules, on random text of ASCII, NUL, non-ASCII and surrogate units at
 * every alignment and length. */
static uint32_t rng = 12345;
static uint32_t next_random(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

/* The rules of utf16_to_utf8, a unit at a time. */
static void reference_utf8(struct strbuf *out, const uint16_t *u, size_t n)
{
	for (size_t i = 0; i < n && u[i]; i++) {
		uint32_t c = u[i];
		if (c >= 0xd800 && c < 0xdc00 && i + 1 < n && u[i + 1] >= 0xdc00 && u[i + 1] < 0xe000)
			c = 0x10000 + ((c - 0xd800) << 10) + (u[++i] - 0xdc00);
		else if (c >= 0xd800 && c < 0xe000)
			c = 0xfffd;
		if (c < 0x80) {
			sb_addc(out, (char)c);
		} else if (c < 0x800) {
			sb_addc(out, (char)(0xc0 | c >> 6));
			sb_addc(out, (char)(0x80 | (c & 0x3f)));
		} else if (c < 0x10000) {
			sb_addc(out, (char)(0xe0 | c >> 12));
			sb_addc(out, (char)(0x80 | (c >> 6 & 0x3f)));
			sb_addc(out, (char)(0x80 | (c & 0x3f)));
		} else {
			sb_addc(out, (char)(0xf0 | c >> 18));
			sb_addc(out, (char)(0x80 | (c >> 12 & 0x3f)));
			sb_addc(out, (char)(0x80 | (c >> 6 & 0x3f)));
			sb_addc(out, (char)(0x80 | (c & 0x3f)));
		}
	}
}

/* evtx_value_equals_nocase's rules: ASCII s equals the units up to the first NUL, ignoring ASCII case. */
static bool reference_equals(const uint16_t *u, size_t n, const char *s)
{
	size_t k = 0;
	for (; k < n && u[k]; k++) {
		int a = u[k], b = (unsigned char)s[k];
		if (a >= 0x80 || !b || (a | 0x20 * (a >= 'A' && a <= 'Z')) != (b | 0x20 * (b >= 'A' && b <= 'Z')))
			return false;
	}
	return s[k] == 0;
}

static void word_at_a_time(void **state)
{
	(void)state;
	static const uint16_t alphabet[] = {'a', 'd', 'A', 'D', '-', ' ', 0, 0, 0x7f, 0x80, 0xe9, 0x100, 0xd83d, 0xde00};
	static const char *const names[] = {"", "a", "ad", "aD-", "Add-", "ad-da", "dada add", "AD FS Auditing", "aaaaaaaa"};
	uint16_t u[48];
	uint8_t bytes[97];
	for (int round = 0; round < 20000; round++) {
		size_t n = next_random() % 40;
		bool odd = next_random() % 8 == 0; /* a size with a half unit at the end */
		for (size_t i = 0; i < n; i++) {
			u[i] = alphabet[next_random() % (sizeof alphabet / sizeof *alphabet)];
			if (next_random() % 3) /* mostly ASCII letters, as logs are */
				u[i] = "adAD"[next_random() % 4];
			bytes[2 * i] = (uint8_t)u[i];
			bytes[2 * i + 1] = (uint8_t)(u[i] >> 8);
		}
		bytes[2 * n] = 'x';
		size_t size = 2 * n + odd;
		struct strbuf got = {0}, want = {0};
		utf16_to_utf8(&got, bytes, size);
		reference_utf8(&want, u, n);
		assert_int_equal(got.len, want.len);
		assert_memory_equal(got.len ? got.data : "", want.len ? want.data : "", got.len);
		sb_free(&got);
		sb_free(&want);

		struct evtx_value v = {.type = EVTX_ARRAY | EVTX_STRING, .size = (uint32_t)size, .data = bytes};
		struct evtx_array_iter it = {0};
		struct evtx_value item;
		size_t start = 0, items = 0;
		while (evtx_array_next(&v, &it, &item)) { /* each item ends at the next NUL unit, or the last unit */
			size_t end = start;
			while (end < n && u[end])
				end++;
			assert_ptr_equal(item.data, bytes + 2 * start);
			assert_int_equal(item.size, 2 * (end - start));
			start = end + 1;
			items++;
			if (start >= n)
				break;
		}
		assert_true(items >= 1);

		struct evtx_value text = {.type = EVTX_STRING, .size = (uint32_t)size, .data = bytes};
		for (size_t k = 0; k < sizeof names / sizeof *names; k++)
			assert_int_equal(evtx_value_equals_nocase(&text, names[k]), reference_equals(u, n, names[k]));
	}
}

static void numbers(void **state)
{
	(void)state;
	uint64_t x;
	struct evtx_value v = {.type = EVTX_UTF8, .size = 4, .data = (const uint8_t *)"4625"};
	assert_true(evtx_value_u64(&v, &x));
	assert_int_equal(x, 4625);
	v = (struct evtx_value){.type = EVTX_UTF8, .size = 10, .data = (const uint8_t *)"0xC000006D"};
	assert_true(evtx_value_u64(&v, &x));
	assert_int_equal(x, 0xc000006d);
	v = (struct evtx_value){.type = EVTX_UTF8, .size = 3, .data = (const uint8_t *)"4a5"};
	assert_false(evtx_value_u64(&v, &x));
	v = (struct evtx_value){.type = EVTX_UINT16, .size = 1, .data = (const uint8_t *)"x"};
	assert_false(evtx_value_u64(&v, &x)); /* shorter than its type */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(integers), cmocka_unit_test(booleans_and_reals), cmocka_unit_test(strings),
		cmocka_unit_test(structured), cmocka_unit_test(times), cmocka_unit_test(arrays),
		cmocka_unit_test(numbers), cmocka_unit_test(word_at_a_time),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
