/* output.c: the table of record writers and the escaping they share. */
#include "badcreds/output.h"

#include <stdint.h>
#include <string.h>

static const struct output_format *const formats[] = {&output_xml, &output_jsonl};

const struct output_format *output_find(const char *name)
{
	for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
		if (strcmp(formats[i]->name, name) == 0)
			return formats[i];
	return NULL;
}

/* Bytes that need escaping in XML text (1) and, in addition, in attribute values (2). */
static const uint8_t xml_special[256] = {
	[0x00] = 1, [0x01] = 1, [0x02] = 1, [0x03] = 1, [0x04] = 1, [0x05] = 1, [0x06] = 1, [0x07] = 1, [0x08] = 1,
	[0x0b] = 1, [0x0c] = 1, [0x0e] = 1, [0x0f] = 1, [0x10] = 1, [0x11] = 1, [0x12] = 1, [0x13] = 1, [0x14] = 1,
	[0x15] = 1, [0x16] = 1, [0x17] = 1, [0x18] = 1, [0x19] = 1, [0x1a] = 1, [0x1b] = 1, [0x1c] = 1, [0x1d] = 1,
	[0x1e] = 1, [0x1f] = 1, ['&'] = 1, ['<'] = 1, ['>'] = 1, ['"'] = 2, ['\''] = 2,
};

void xml_escape(struct strbuf *out, const char *s, size_t n, bool attribute)
{
	unsigned mask = attribute ? 3 : 1;
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!(xml_special[c] & mask))
			continue;
		sb_add(out, s + start, i - start);
		start = i + 1;
		switch (c) {
		case '&': sb_add(out, "&amp;", 5); break;
		case '<': sb_add(out, "&lt;", 4); break;
		case '>': sb_add(out, "&gt;", 4); break;
		case '"': sb_add(out, "&quot;", 6); break;
		case '\'': sb_add(out, "&apos;", 6); break;
		default: sb_printf(out, "&#x%X;", c); break; /* not XML 1.0 text: kept visible rather than dropped */
		}
	}
	sb_add(out, s + start, n - start);
}

void json_escape(struct strbuf *out, const char *s, size_t n)
{
	sb_reserve(out, n + 2);
	sb_addc(out, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			sb_addc(out, '\\');
			sb_addc(out, (char)c);
		} else if (c < 0x20) {
			switch (c) {
			case '\n': sb_adds(out, "\\n"); break;
			case '\r': sb_adds(out, "\\r"); break;
			case '\t': sb_adds(out, "\\t"); break;
			default: sb_printf(out, "\\u%04x", c);
			}
		} else if (c == 0xe2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
			   ((unsigned char)s[i + 2] == 0xa8 || (unsigned char)s[i + 2] == 0xa9)) {
			sb_printf(out, "\\u%04x", 0x2000 + (unsigned char)s[i + 2] - 0x80); /* U+2028/2029 break lines */
			i += 2;
		} else {
			sb_addc(out, (char)c);
		}
	}
	sb_addc(out, '"');
}
