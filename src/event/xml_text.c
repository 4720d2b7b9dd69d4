/* xml_text.c: the text of an XML event made readable by libxml2, whatever wrote it. Exports and rendered events
 * carry what users typed at a login page: control characters raw or as character references (&#x1B;), which XML 1.0
 * does not allow, bytes that are not UTF-8, lone UTF-16 surrogates. Such characters become their Control Pictures
 * (U+2400 + c, as `badcreds dump --format xml` writes them) or U+FFFD, so that one character never costs an event.
 * event_from_xml maps the pictures back, so that a value reads the same as from the EVTX file. */
#include "event/xml_event.h"
#include "event/xml_text.h"
#include "badcreds/text.h"

#include <string.h>

/* A character XML 1.0 cannot carry, as what stands in for it. */
static uint32_t stand_in(uint32_t c)
{
	if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
		return 0x2400 + c;
	if ((c >= 0xd800 && c < 0xe000) || c == 0xfffe || c == 0xffff || c > 0x10ffff)
		return 0xfffd;
	return c;
}

/* "&#x1B;" or "&#27;" at p (n bytes): its length, with *c the character; 0 if it is no character reference. */
static size_t char_ref(const char *p, size_t n, uint32_t *c)
{
	if (n < 4 || p[0] != '&' || p[1] != '#')
		return 0;
	bool hex = p[2] == 'x';
	size_t i = hex ? 3 : 2, zeros = 0;
	while (i + zeros < n && p[i + zeros] == '0') /* leading zeros do not count */
		zeros++;
	i += zeros;
	uint64_t v = 0;
	size_t digits = 0;
	for (; i < n && digits < 8; i++, digits++) {
		char d = p[i];
		unsigned k = d >= '0' && d <= '9' ? (unsigned)(d - '0') : !hex ? 99 : d >= 'a' && d <= 'f' ? (unsigned)(d - 'a' + 10)
			: d >= 'A' && d <= 'F' ? (unsigned)(d - 'A' + 10) : 99;
		if (k == 99)
			break;
		v = v * (hex ? 16 : 10) + k;
	}
	if ((!digits && !zeros) || i >= n || p[i] != ';')
		return 0;
	*c = (uint32_t)(v > 0x110000 ? 0x110000 : v);
	return i + 1;
}

void xml_text_clean(struct strbuf *out, const uint8_t *p, size_t n, enum xml_encoding enc)
{
	struct strbuf text = {0};
	if (enc == XML_UTF8) {
		for (size_t i = 0, len; i < n; i += len) {
			if (p[i] >= 0x20 && p[i] < 0x80) { /* a run of ASCII */
				size_t k = i;
				while (k < n && p[k] >= 0x20 && p[k] < 0x80)
					k++;
				sb_add(&text, p + i, k - i);
				len = k - i;
				continue;
			}
			utf8_put(&text, stand_in(utf8_decode((const char *)p + i, n - i, &len)));
		}
	} else {
		unsigned lo = enc == XML_UTF16LE ? 0 : 1, hi = 1 - lo;
		for (size_t i = 0; i + 1 < n; i += 2) {
			uint32_t c = (uint32_t)p[i + lo] | (uint32_t)p[i + hi] << 8;
			if (c >= 0xd800 && c < 0xdc00 && i + 3 < n) {
				uint32_t low = (uint32_t)p[i + 2 + lo] | (uint32_t)p[i + 2 + hi] << 8;
				if (low >= 0xdc00 && low < 0xe000) {
					c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
					i += 2;
				}
			}
			utf8_put(&text, stand_in(c));
		}
	}
	/* character references to what XML cannot carry: the same stand-ins (not inside CDATA, where they are text) */
	const char *s = text.data ? text.data : "";
	size_t start = 0;
	for (size_t i = 0; i < text.len; i++) {
		uint32_t c;
		size_t len;
		if (s[i] == '<' && text.len - i >= 9 && !memcmp(s + i, "<![CDATA[", 9)) {
			for (i += 9; i + 2 < text.len && memcmp(s + i, "]]>", 3) != 0; i++)
				;
			i += 2;
			continue;
		}
		if (s[i] != '&' || !(len = char_ref(s + i, text.len - i, &c)) || stand_in(c) == c)
			continue;
		sb_add(out, s + start, i - start);
		utf8_put(out, stand_in(c));
		i += len - 1;
		start = i + 1;
	}
	sb_add(out, s + start, text.len - start);
	sb_free(&text);
}

/* Whether a character is the stand-in of a control character XML cannot carry (U+2400 only with `nul`). */
static bool picture(const unsigned char *p, bool nul)
{
	if (p[0] != 0xe2 || p[1] != 0x90 || p[2] < (nul ? 0x80 : 0x81) || p[2] > 0x9f)
		return false;
	unsigned c = p[2] - 0x80u;
	return c != '\t' && c != '\n' && c != '\r';
}

const char *xml_text_restore(struct arena *a, const char *s, size_t *len, bool nul)
{
	size_t n = *len, i = 0;
	while (i + 2 < n && !picture((const unsigned char *)s + i, nul))
		i++;
	if (i + 2 >= n)
		return s;
	char *out = arena_alloc(a, n + 1), *o = out;
	for (i = 0; i < n; i++) {
		if (i + 2 < n && picture((const unsigned char *)s + i, nul)) {
			*o++ = (char)((unsigned char)s[i + 2] - 0x80);
			i += 2;
		} else {
			*o++ = s[i];
		}
	}
	*o = 0;
	*len = (size_t)(o - out);
	return out;
}
