/* output.c: the table of record writers and the escaping they share. */
#include "badcreds/output.h"
#include "badcreds/text.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

static const struct output_format *const formats[] = {&output_xml, &output_jsonl};

const struct output_format *output_find(const char *name)
{
	for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
		if (strcasecmp(formats[i]->name, name) == 0) /* XML as well as xml */
			return formats[i];
	return NULL;
}

/* Bytes that need escaping in XML text (1) and, in addition, in attribute values (2): markup, the C0 controls XML
 * 1.0 cannot carry, the lead byte of U+FFFE / U+FFFF (not XML characters either), a carriage return (which a parser
 * would read as a line feed), DEL and the lead bytes of output_hidden_char's characters (legal XML, but a terminal
 * acts on them: U+009B is CSI, U+202E shows text backwards; written as character references, which read back as
 * the same characters), and in attributes quotes and the tabs and line feeds a parser would turn into spaces. */
static const uint8_t xml_special[256] = {
	[0x00] = 1, [0x01] = 1, [0x02] = 1, [0x03] = 1, [0x04] = 1, [0x05] = 1, [0x06] = 1, [0x07] = 1, [0x08] = 1,
	[0x09] = 2, [0x0a] = 2, [0x0b] = 1, [0x0c] = 1, [0x0d] = 1, [0x0e] = 1, [0x0f] = 1, [0x10] = 1, [0x11] = 1,
	[0x12] = 1, [0x13] = 1, [0x14] = 1, [0x15] = 1, [0x16] = 1, [0x17] = 1, [0x18] = 1, [0x19] = 1, [0x1a] = 1,
	[0x1b] = 1, [0x1c] = 1, [0x1d] = 1, [0x1e] = 1, [0x1f] = 1, ['&'] = 1, ['<'] = 1, ['>'] = 1, ['"'] = 2,
	['\''] = 2, [0x7f] = 1, [0xc2] = 1, [0xd8] = 1, [0xe2] = 1, [0xef] = 1,
};

uint32_t output_hidden_char(const char *s, size_t n, size_t *len)
{
	uint32_t c = utf8_decode(s, n, len);
	return (c >= 0x80 && c <= 0x9f) || c == 0x061c || c == 0x200e || c == 0x200f || (c >= 0x2028 && c <= 0x202e) ||
	       (c >= 0x2066 && c <= 0x2069) ? c : 0;
}

void xml_escape(struct strbuf *out, const char *s, size_t n, bool attribute)
{
	if (n == 0)
		return; /* s may be NULL then */
	unsigned mask = attribute ? 3 : 1;
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!(xml_special[c] & mask))
			continue;
		if (c == 0xef && !(i + 2 < n && (unsigned char)s[i + 1] == 0xbf && (unsigned char)s[i + 2] >= 0xbe))
			continue; /* any other character starting with 0xEF */
		size_t len = 1;
		uint32_t hidden = c >= 0x80 && c != 0xef ? output_hidden_char(s + i, n - i, &len) : 0;
		if (c >= 0x80 && c != 0xef && !hidden)
			continue; /* any other character starting with 0xC2, 0xD8 or 0xE2 */
		sb_add(out, s + start, i - start);
		start = i + 1;
		if (hidden) { /* C1, separators, bidirectional controls: legal XML, but a terminal acts on them */
			sb_printf(out, "&#x%02X;", (unsigned)hidden);
			start = i + len;
			i += len - 1;
			continue;
		}
		switch (c) {
		case '&': sb_add(out, "&amp;", 5); break;
		case '<': sb_add(out, "&lt;", 4); break;
		case '>': sb_add(out, "&gt;", 4); break;
		case '"': sb_add(out, "&quot;", 6); break;
		case '\'': sb_add(out, "&apos;", 6); break;
		case '\t': sb_add(out, "&#9;", 4); break;
		case '\n': sb_add(out, "&#10;", 5); break;
		case '\r': sb_add(out, "&#13;", 5); break;
		case 0x7f: sb_add(out, "&#x7F;", 6); break;
		case 0xef: /* U+FFFE, U+FFFF */
			sb_add(out, "\xef\xbf\xbd", 3);
			start = i + 3;
			i += 2;
			break;
		default: /* C0 control: its Control Picture (ESC -> U+241B), so that the document stays well-formed */
			sb_addc(out, (char)0xe2);
			sb_addc(out, (char)(0x90 + (c >> 6)));
			sb_addc(out, (char)(0x80 | (c & 0x3f)));
			break;
		}
	}
	sb_add(out, s + start, n - start);
}

void xml_comment_text(struct strbuf *out, const char *s)
{
	size_t n = strlen(s);
	uint32_t prev = 0;
	for (size_t i = 0, len; i < n; i += len) {
		uint32_t c = utf8_decode(s + i, n - i, &len);
		if (c < 0x20 || c == 0x7f)
			c = c == 0x7f ? 0x2421 : 0x2400 + c;
		else if (c == 0xfffe || c == 0xffff)
			c = 0xfffd;
		else if (c == '-' && (prev == '-' || i + len == n))
			c = 0x2010;
		utf8_put(out, c);
		prev = c;
	}
}

void xml_escape_utf16(struct strbuf *out, const uint8_t *p, size_t nbytes, bool attribute)
{
	unsigned mask = attribute ? 3 : 1;
	size_t n = nbytes / 2, i = 0;
	while (i < n) {
		/* the common case: a run of ASCII that needs no escaping, copied without a temporary */
		sb_reserve(out, n - i);
		char *o = out->data + out->len;
		size_t start = i;
		for (; i < n; i++) {
			unsigned c = (unsigned)p[2 * i] | (unsigned)p[2 * i + 1] << 8;
			if (c >= 0x80 || c == 0 || (xml_special[c] & mask))
				break;
			*o++ = (char)c;
		}
		out->len += i - start;
		if (i == n)
			break;
		unsigned c = (unsigned)p[2 * i] | (unsigned)p[2 * i + 1] << 8;
		if (c == 0)
			break; /* strings end at their first NUL */
		size_t run = i;
		while (run < n) { /* a run that needs more than copying: converted and escaped as UTF-8 */
			unsigned u = (unsigned)p[2 * run] | (unsigned)p[2 * run + 1] << 8;
			if (u == 0 || (u < 0x80 && !(xml_special[u] & mask)))
				break;
			run++;
		}
		if (run < n && ((unsigned)p[2 * run] | (unsigned)p[2 * run + 1] << 8) != 0 && run > i &&
		    (((unsigned)p[2 * run - 2] | (unsigned)p[2 * run - 1] << 8) & 0xfc00) == 0xd800)
			run++; /* keep a surrogate pair together */
		struct strbuf tmp = {0};
		utf16_to_utf8(&tmp, p + 2 * i, 2 * (run - i));
		xml_escape(out, tmp.data ? tmp.data : "", tmp.len, attribute);
		sb_free(&tmp);
		i = run;
	}
}

/* A character JSON lines write as \\u escapes: the hidden ones (output_hidden_char) and the invisible zero-width
 * ones (U+200B-U+200D, U+2060, U+FEFF), which would make two names look alike; 0 for the others. */
static uint32_t json_hidden(const char *s, size_t n, size_t *len)
{
	uint32_t h = output_hidden_char(s, n, len);
	if (h || (unsigned char)s[0] == 0xc2 || (unsigned char)s[0] == 0xd8) /* the zero-width ones start E2 or EF */
		return h;
	uint32_t c = utf8_decode(s, n, len);
	return (c >= 0x200b && c <= 0x200d) || c == 0x2060 || c == 0xfeff ? c : 0;
}

void json_escape(struct strbuf *out, const char *s, size_t n)
{
	if (n == 0) {
		sb_add(out, "\"\"", 2); /* s may be NULL then */
		return;
	}
	sb_reserve(out, n + 2);
	sb_addc(out, '"');
	size_t start = 0; /* runs that need no escaping are copied whole */
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\' && c < 0x7f)
			continue;
		size_t len = 1;
		uint32_t hidden = 0;
		if (c >= 0x80) { /* the lead bytes of json_hidden's characters, else any other character, decoded whole */
			if (c == 0xc2 || c == 0xd8 || c == 0xe2 || c == 0xef)
				hidden = json_hidden(s + i, n - i, &len);
			else
				utf8_decode(s + i, n - i, &len);
			if (!hidden && len > 1) {
				i += len - 1;
				continue;
			}
		}
		sb_add(out, s + start, i - start);
		if (c == '"' || c == '\\') {
			sb_addc(out, '\\');
			sb_addc(out, (char)c);
		} else if (hidden) { /* U+009B is CSI, U+2028 breaks lines in JavaScript, U+202E reverses text */
			sb_printf(out, "\\u%04x", (unsigned)hidden);
			i += len - 1;
		} else if (c >= 0x80) { /* a byte that is not UTF-8 (a file name's): JSON text must be UTF-8 */
			sb_add(out, "\\ufffd", 6);
		} else {
			switch (c) {
			case '\n': sb_add(out, "\\n", 2); break;
			case '\r': sb_add(out, "\\r", 2); break;
			case '\t': sb_add(out, "\\t", 2); break;
			default: sb_printf(out, "\\u%04x", c);
			}
		}
		start = i + 1;
	}
	sb_add(out, s + start, n - start);
	sb_addc(out, '"');
}
