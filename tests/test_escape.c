/* test_escape.c: the escaping the writers share: JSON strings and XML text/attributes from UTF-8 and UTF-16; table
 * cells of the text reports (names padded by display width, right-aligned numbers, sb_printf); the case folding
 * that compares account names (cmocka). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "badcreds/output.h"
#include "badcreds/text.h"

static char text[512];

static const char *json(const char *s, size_t n)
{
	struct strbuf sb = {0};
	json_escape(&sb, s, n);
	snprintf(text, sizeof text, "%s", sb_cstr(&sb));
	sb_free(&sb);
	return text;
}

static const char *xml(const char *s, bool attribute)
{
	struct strbuf sb = {0};
	xml_escape(&sb, s, strlen(s), attribute);
	snprintf(text, sizeof text, "%s", sb.len ? sb_cstr(&sb) : "");
	sb_free(&sb);
	return text;
}

static const char *xml16(const char *utf8, bool attribute)
{
	uint8_t units[256];
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)utf8; *p && n + 2 <= sizeof units; p++) {
		unsigned c = *p; /* ASCII only: each byte becomes one UTF-16 unit */
		units[n++] = (uint8_t)c;
		units[n++] = 0;
	}
	struct strbuf sb = {0};
	xml_escape_utf16(&sb, units, n, attribute);
	snprintf(text, sizeof text, "%s", sb.len ? sb_cstr(&sb) : "");
	sb_free(&sb);
	return text;
}

static void json_strings(void **state)
{
	(void)state;
	assert_string_equal(json("plain", 5), "\"plain\"");
	assert_string_equal(json("", 0), "\"\"");
	assert_string_equal(json(NULL, 0), "\"\""); /* an empty value has no text at all */
	assert_string_equal(json("a\"b\\c", 5), "\"a\\\"b\\\\c\"");
	assert_string_equal(json("l1\nl2\r\tx", 8), "\"l1\\nl2\\r\\tx\"");
	assert_string_equal(json("\x01\x1f", 2), "\"\\u0001\\u001f\"");
	assert_string_equal(json("a\0b", 3), "\"a\\u0000b\""); /* NUL inside a value is kept, escaped */
	/* U+2028 and U+2029 end lines in JavaScript: escaped; other characters starting with 0xE2 stay as they are */
	assert_string_equal(json("x\xe2\x80\xa8y\xe2\x80\xa9", 8), "\"x\\u2028y\\u2029\"");
	/* euro; a cut sequence and bytes that are not UTF-8 (a file name's) become U+FFFD: JSON text is UTF-8 */
	assert_string_equal(json("\xe2\x82\xac \xe2\x80", 6), "\"\xe2\x82\xac \\ufffd\\ufffd\"");
	assert_string_equal(json("a\xff\x80" "b\xc3", 5), "\"a\\ufffd\\ufffd" "b\\ufffd\"");
	assert_string_equal(json("caf\xc3\xa9", 5), "\"caf\xc3\xa9\"");
	/* C1 controls (U+009B is CSI on some terminals) are escaped; other characters starting with 0xC2 are not */
	assert_string_equal(json("\xc2\x9b" "2J\xc2\xa0", 6), "\"\\u009b" "2J\xc2\xa0\"");
	/* DEL and the zero-width characters (U+200B, U+FEFF) are escaped: two names must not look alike */
	assert_string_equal(json("a\x7f" "b\xe2\x80\x8b" "c\xef\xbb\xbf" "d\xef\xbc\xa1", 14),
			    "\"a\\u007f" "b\\u200b" "c\\ufeff" "d\xef\xbc\xa1\"");
}

static void xml_text(void **state)
{
	(void)state;
	assert_string_equal(xml("a<b>&c", false), "a&lt;b&gt;&amp;c");
	assert_string_equal(xml("say \"hi\" 'x'", false), "say \"hi\" 'x'"); /* quotes are text outside attributes */
	assert_string_equal(xml("say \"hi\" 'x'", true), "say &quot;hi&quot; &apos;x&apos;");
	/* not XML 1.0 text: the Control Picture (U+2407, U+241B), so that the document stays well-formed */
	assert_string_equal(xml("bell\x07 esc\x1b", false), "bell\xe2\x90\x87 esc\xe2\x90\x9b");
	assert_string_equal(xml("tab\tnl\ncr\r", false), "tab\tnl\ncr&#13;"); /* a parser would read LF */
	assert_string_equal(xml("tab\tnl\ncr\r", true), "tab&#9;nl&#10;cr&#13;"); /* not turned into spaces */
	assert_string_equal(xml("\xef\xbf\xbe\xef\xbf\xbf\xef\xbf\xbd\xef\xbc\x9d", false), /* U+FFFE, U+FFFF: not XML */
			    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbc\x9d");
	assert_string_equal(xml16("a<b>&\"c\"", false), "a&lt;b&gt;&amp;\"c\"");
	assert_string_equal(xml16("a<b>&\"c\"", true), "a&lt;b&gt;&amp;&quot;c&quot;");
	const uint8_t cut[] = {'o', 0, 'k', 0, 0, 0, 'x', 0}; /* a UTF-16 string ends at its first NUL */
	struct strbuf sb = {0};
	xml_escape_utf16(&sb, cut, sizeof cut, false);
	assert_int_equal(sb.len, 2);
	assert_memory_equal(sb.data, "ok", 2);
	sb.len = 0;
	const uint8_t pair[] = {'<', 0, 0x3d, 0xd8, 0x00, 0xde, '>', 0}; /* U+1F600 between escaped characters */
	xml_escape_utf16(&sb, pair, sizeof pair, false);
	assert_string_equal(sb_cstr(&sb), "&lt;\xf0\x9f\x98\x80&gt;");
	sb_free(&sb);
}

static const char *padded(const char *s, size_t width, bool right)
{
	struct strbuf sb = {0};
	sb_adds(&sb, "|");
	(right ? text_pad_right : text_pad)(&sb, s, width);
	sb_adds(&sb, "|");
	snprintf(text, sizeof text, "%s", sb_cstr(&sb));
	sb_free(&sb);
	return text;
}

static void table_cells(void **state)
{
	(void)state;
	/* printable ASCII: as printf's %-*s and %*s */
	char want[64];
	for (size_t w = 0; w < 12; w++) {
		snprintf(want, sizeof want, "|%-*s|", (int)w, "alice");
		assert_string_equal(padded("alice", w, false), want);
		snprintf(want, sizeof want, "|%*s|", (int)w, "alice");
		assert_string_equal(padded("alice", w, true), want);
	}
	assert_string_equal(padded(NULL, 3, false), "|   |");
	/* by display width, after the text is made visible: two columns each for CJK, none for a combining accent, one
	 * for the Control Picture that stands for ESC */
	assert_string_equal(padded("\xe6\x97\xa5\xe6\x9c\xac", 6, false), "|\xe6\x97\xa5\xe6\x9c\xac  |");
	assert_string_equal(padded("e\xcc\x81", 3, true), "|  e\xcc\x81|");
	assert_string_equal(padded("a\x1b[2J", 6, false), "|a\xe2\x90\x9b[2J |");
	assert_int_equal(text_width("a\x1b[2J", 5), 5);
	/* measured as shown: a zero-width space is shown as <U+200B>, eight columns */
	assert_string_equal(padded("a\xe2\x80\x8b", 10, false), "|a<U+200B> |");
	/* a name that does not fit the buffer's room, right-aligned after what the buffer holds */
	char name[301], filler[251];
	memset(name, 'n', sizeof name - 1);
	name[sizeof name - 1] = 0;
	memset(filler, 'f', sizeof filler - 1);
	filler[sizeof filler - 1] = 0;
	struct strbuf grown = {0};
	sb_adds(&grown, filler);
	text_pad_right(&grown, name, 310);
	char right[600];
	snprintf(right, sizeof right, "%s%310s", filler, name);
	assert_string_equal(sb_cstr(&grown), right);
	sb_free(&grown);
	/* numbers: as printf's %*u, wider ones whole */
	struct strbuf sb = {0};
	const uint64_t values[] = {0, 7, 42, 999, 12345, 4294967295u, UINT64_MAX};
	for (size_t i = 0; i < sizeof values / sizeof *values; i++)
		for (size_t w = 0; w < 24; w++) {
			sb.len = 0;
			sb_add_u64_right(&sb, values[i], w);
			snprintf(want, sizeof want, "%*llu", (int)w, (unsigned long long)values[i]);
			assert_string_equal(sb_cstr(&sb), want);
		}
	/* sb_printf appends, in the room there is or after growing for a longer text */
	char long_text[1000];
	memset(long_text, 'x', sizeof long_text - 1);
	long_text[sizeof long_text - 1] = 0;
	sb.len = 0;
	sb_adds(&sb, "head ");
	sb_printf(&sb, "%d %s", 42, "short");
	sb_printf(&sb, "[%s]", long_text);
	char all[1100];
	snprintf(all, sizeof all, "head 42 short[%s]", long_text);
	assert_int_equal(sb.len, strlen(all));
	assert_string_equal(sb_cstr(&sb), all);
	sb_free(&sb);
	/* texts of every length around the room a buffer has left: one that fills it exactly must be formatted again */
	for (size_t n = 100; n < 400; n++) {
		struct strbuf b = {0};
		sb_adds(&b, "head ");
		sb_printf(&b, "%.*s|", (int)n, long_text);
		snprintf(all, sizeof all, "head %.*s|", (int)n, long_text);
		assert_int_equal(b.len, strlen(all));
		assert_string_equal(sb_cstr(&b), all);
		sb_free(&b);
	}
}

/* text_visible looks at eight bytes at a time while they are printable ASCII: for text of ASCII and lone 0xFF bytes
 * (never part of a UTF-8 character), its result is that of each byte alone, wherever in a word the others fall. */
static void visible_words(void **state)
{
	(void)state;
	srand(13);
	struct strbuf all = {0}, each = {0};
	char s[40];
	for (int round = 0; round < 20000; round++) {
		size_t n = (size_t)rand() % sizeof s;
		for (size_t i = 0; i < n; i++) { /* mostly printable, with an odd byte here and there */
			int r = rand() % 100;
			s[i] = (char)(r < 85 ? 0x20 + rand() % 95 : r < 90 ? rand() % 0x20 : r < 95 ? 0x7f : 0xff);
		}
		all.len = each.len = 0;
		text_visible(&all, s, n);
		for (size_t i = 0; i < n; i++)
			text_visible(&each, s + i, 1);
		assert_int_equal(all.len, each.len);
		assert_memory_equal(all.data, each.data, all.len);
	}
	sb_free(&all);
	sb_free(&each);
}

/* Capitals and their small letters as Unicode's lower-case mapping gives them (İ has no one-letter small form: it
 * stays), from each range fold_case covers; small letters and other characters stay as they are. */
static void name_case(void **state)
{
	(void)state;
	static const uint32_t pairs[][2] = {
		{0x41, 0x61}, {0xc9, 0xe9}, {0xde, 0xfe}, {0x100, 0x101}, {0x130, 0x130}, {0x139, 0x13a}, {0x178, 0xff},
		{0x17d, 0x17e}, {0x1c4, 0x1c6}, {0x1c5, 0x1c6}, {0x1cd, 0x1ce}, {0x1f1, 0x1f3}, {0x1f4, 0x1f5},
		{0x218, 0x219}, {0x21a, 0x21b}, {0x386, 0x3ac}, {0x38f, 0x3ce}, {0x391, 0x3b1}, {0x3a3, 0x3c3},
		{0x3ab, 0x3cb}, {0x400, 0x450}, {0x410, 0x430}, {0x42f, 0x44f}, {0x460, 0x461}, {0x4c0, 0x4cf},
		{0x4c1, 0x4c2}, {0x4d0, 0x4d1}, {0x1e00, 0x1e01}, {0x1ea0, 0x1ea1}, {0x1ef8, 0x1ef9}, {0x212a, 0x6b},
		{0x212b, 0xe5}, {0xff21, 0xff41}, {0x3c2, 0x3c3}, /* final sigma compares as sigma */
	};
	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		assert_int_equal(fold_case(pairs[i][0]), pairs[i][1]);
		assert_int_equal(fold_case(pairs[i][1]), pairs[i][1]); /* a small letter stays */
	}
	static const uint32_t same[] = {0x61, 0xd7, 0xdf, 0x131, 0x138, 0x3a2, 0x482, 0x2400, 0x4e00, 0x1f600};
	for (size_t i = 0; i < sizeof same / sizeof same[0]; i++)
		assert_int_equal(fold_case(same[i]), same[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(json_strings), cmocka_unit_test(xml_text),
					   cmocka_unit_test(table_cells), cmocka_unit_test(visible_words),
					   cmocka_unit_test(name_case)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
