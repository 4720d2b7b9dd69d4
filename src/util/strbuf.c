/* strbuf.c: growable byte buffer. */
#include "badcreds/strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sb_grow(struct strbuf *sb, size_t extra)
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

/* v's decimal digits, written backwards to end at `end`; returns where they start. */
static char *decimal(char *end, uint64_t v)
{
	static const char pairs[] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
				    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
				    "8081828384858687888990919293949596979899";
	while (v >= 100) { /* two digits per division */
		unsigned r = (unsigned)(v % 100);
		v /= 100;
		*--end = pairs[2 * r + 1];
		*--end = pairs[2 * r];
	}
	if (v >= 10) {
		*--end = pairs[2 * v + 1];
		*--end = pairs[2 * v];
	} else {
		*--end = (char)('0' + v);
	}
	return end;
}

void sb_add_u64(struct strbuf *sb, uint64_t v)
{
	char buf[20], *end = buf + sizeof buf, *start = decimal(end, v);
	sb_add(sb, start, (size_t)(end - start));
}

void sb_add_u64_right(struct strbuf *sb, uint64_t v, size_t width)
{
	char buf[20], *end = buf + sizeof buf, *start = decimal(end, v);
	size_t n = (size_t)(end - start), pad = n < width ? width - n : 0;
	sb_reserve(sb, pad + n);
	memset(sb->data + sb->len, ' ', pad);
	memcpy(sb->data + sb->len + pad, start, n);
	sb->len += pad + n;
}

void sb_add_i64(struct strbuf *sb, int64_t v)
{
	if (v < 0) {
		sb_addc(sb, '-');
		sb_add_u64(sb, (uint64_t)0 - (uint64_t)v);
	} else {
		sb_add_u64(sb, (uint64_t)v);
	}
}

void sb_add_hex(struct strbuf *sb, uint64_t v)
{
	static const char digits[] = "0123456789abcdef";
	char buf[18];
	size_t n = 0;
	do {
		buf[sizeof buf - ++n] = digits[v & 15];
		v >>= 4;
	} while (v);
	buf[sizeof buf - ++n] = 'x';
	buf[sizeof buf - ++n] = '0';
	sb_add(sb, buf + sizeof buf - n, n);
}

/* Formats once into the room there is; a second time only when the text did not fit. */
void sb_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	sb_reserve(sb, 128);
	va_start(ap, fmt);
	int n = vsnprintf(sb->data + sb->len, sb->cap - sb->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sb->cap - sb->len) {
		sb_reserve(sb, (size_t)n);
		va_start(ap, fmt);
		vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
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
