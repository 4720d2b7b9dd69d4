/* xml_text.h: the text of XML events made fit for libxml2, and values made as they were again (xml_text.c). */
#ifndef BADCREDS_XML_TEXT_H
#define BADCREDS_XML_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "badcreds/arena.h"
#include "badcreds/strbuf.h"

/* The text of an XML event as libxml2 may read it, in UTF-8, from UTF-8 or UTF-16 bytes: characters XML 1.0 cannot
 * carry (C0 controls but tab, line feed and carriage return; also written as references such as &#x1B;) become their
 * Control Pictures U+2400 + c, as `badcreds dump --format xml` writes them; bytes that are not text, lone surrogates,
 * U+FFFE and U+FFFF become U+FFFD. */
enum xml_encoding { XML_UTF8, XML_UTF16LE, XML_UTF16BE };
void xml_text_clean(struct strbuf *out, const uint8_t *p, size_t n, enum xml_encoding enc);
/* The other way, for values: the Control Pictures of those characters become the characters again (a copy in the
 * arena when there are any; *len is updated). U+2400 becomes a NUL only with `nul`: no value of an event holds a
 * NUL (it ends a string in the EVTX file), so in an event's values U+2400 is what a user typed (Windows exports it
 * as it is); facts.c's AuditBase documents shield what was typed and ask for the NUL. */
const char *xml_text_restore(struct arena *a, const char *s, size_t *len, bool nul);

#endif
