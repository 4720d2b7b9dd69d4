/* strbuf.c: growable byte buffer. */
#include "badcreds/strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sb_reserve(struct strbuf *sb, size_t extra)
{
	if (sb->cap - sb->len > extra)
		return;
	size_t cap = sb->cap ? sb->cap : 256;
	while (cap - sb->len <= extra)
		cap *= 2;
	char *p = realloc(sb->data, cap);
	if (!p) {
		fputs("badcreds: out of memory\n", stderr);
		abort();
	}
	sb->data = p;
	sb->cap = cap;
}

void sb_add(struct strbuf *sb, const void *data, size_t len)
{
	sb_reserve(sb, len);
	memcpy(sb->data + sb->len, data, len);
	sb->len += len;
}

void sb_adds(struct strbuf *sb, const char *s) { sb_add(sb, s, strlen(s)); }

void sb_addc(struct strbuf *sb, char c)
{
	sb_reserve(sb, 1);
	sb->data[sb->len++] = c;
}

void sb_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	sb_reserve(sb, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

const char *sb_cstr(struct strbuf *sb)
{
	sb_reserve(sb, 1);
	sb->data[sb->len] = 0;
	return sb->data;
}

void sb_free(struct strbuf *sb)
{
	free(sb->data);
	sb->data = NULL;
	sb->len = sb->cap = 0;
}
