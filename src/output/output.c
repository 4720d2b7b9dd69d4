/* output.c: the table of record writers and the escaping they share. */
#include "badcreds/output.h"

#include <string.h>

static const struct output_format *const formats[] = {&output_xml, &output_jsonl};

const struct output_format *output_find(const char *name)
{
	for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
		if (strcmp(formats[i]->name, name) == 0)
			return formats[i];
	return NULL;
}

void xml_escape(struct strbuf *out, const char *s, size_t n, bool attribute)
{
	sb_reserve(out, n);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '&': sb_adds(out, "&amp;"); break;
		case '<': sb_adds(out, "&lt;"); break;
		case '>': sb_adds(out, "&gt;"); break;
		case '"': sb_adds(out, attribute ? "&quot;" : "\""); break;
		case '\'': sb_adds(out, attribute ? "&apos;" : "'"); break;
		default:
			if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
				sb_printf(out, "&#x%X;", c); /* not XML 1.0 text: kept visible rather than dropped */
			else
				sb_addc(out, (char)c);
		}
	}
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
