/* strbuf.h: growable byte buffer used to build output text. */
#ifndef BADCREDS_STRBUF_H
#define BADCREDS_STRBUF_H

#include <stddef.h>
#include <stdint.h>

struct strbuf {
	char *data;
	size_t len, cap;
};

void sb_reserve(struct strbuf *sb, size_t extra);
void sb_add(struct strbuf *sb, const void *data, size_t len);
void sb_adds(struct strbuf *sb, const char *s);
void sb_addc(struct strbuf *sb, char c);
void sb_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_free(struct strbuf *sb);
const char *sb_cstr(struct strbuf *sb); /* NUL-terminates without changing len */

#endif
