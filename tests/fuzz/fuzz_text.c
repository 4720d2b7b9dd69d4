/* fuzz_text.c: libFuzzer target for the text that hostile users control: making it visible, its display width,
 * the formula test, UTF-8 trimming, XML cleaning in every encoding and back, CSV cells, XML and JSON escaping.
 * Build with -Dfuzz=true (clang). */
#include <stdlib.h>
#include <string.h>

#include "badcreds/output.h"
#include "badcreds/text.h"
#include "event/xml_event.h"
#include "event/xml_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct strbuf sb = {0};
	text_visible(&sb, s, size);
	/* what text_visible writes is UTF-8 without a control character */
	for (size_t i = 0, len; i < sb.len; i += len)
		if (utf8_decode(sb.data + i, sb.len - i, &len) < 0x20)
			abort();
	sb.len = 0;
	(void)text_width(s, size);
	(void)text_is_formula(s, size);
	char *copy = malloc(size + 1);
	memcpy(copy, data, size);
	copy[size] = 0;
	utf8_trim(copy);
	text_pad(&sb, copy, 40);
	sb.len = 0;
	for (int enc = XML_UTF8; enc <= XML_UTF16BE; enc++) {
		sb.len = 0;
		xml_text_clean(&sb, data, size, (enum xml_encoding)enc);
		struct arena a = {0};
		size_t len = sb.len;
		(void)xml_text_restore(&a, sb_cstr(&sb), &len, enc == XML_UTF8); /* with and without the NUL */
		arena_free(&a);
	}
	sb.len = 0;
	csv_cell(&sb, s, size, size & 1);
	xml_escape(&sb, s, size, true);
	json_escape(&sb, s, size);
	free(copy);
	sb_free(&sb);
	return 0;
}
