/* strbuf.h: growable byte buffer used to build output text. */
#ifndef BADCREDS_STRBUF_H
#define BADCREDS_STRBUF_H

#include "badcreds/compat.h"
#include <stddef.h>
#include <stdint.h>

struct strbuf {
	char *data;
	size_t len, cap;
};

#include <string.h>

void sb_grow(struct strbuf *sb, size_t extra); /* makes room for extra more bytes (and a NUL) */

static inline void sb_reserve(struct strbuf *sb, size_t extra)
{
	if (sb->cap - sb->len <= extra)
		sb_grow(sb, extra);
}

static inline void sb_add(struct strbuf *sb, const void *data, size_t len)
{
	if (len == 0)
		return; /* data may be NULL then */
	sb_reserve(sb, len);
	memcpy(sb->data + sb->len, data, len);
	sb->len += len;
}

static inline void sb_adds(struct strbuf *sb, const char *s) { sb_add(sb, s, strlen(s)); }

static inline void sb_addc(struct strbuf *sb, char c)
{
	sb_reserve(sb, 1);
	sb->data[sb->len++] = c;
}

void sb_add_u64(struct strbuf *sb, uint64_t v);       /* decimal */
/* decimal, right-aligned: spaces before it up to `width` characters */
void sb_add_u64_right(struct strbuf *sb, uint64_t v, size_t width);
void sb_add_i64(struct strbuf *sb, int64_t v);
void sb_add_hex(struct strbuf *sb, uint64_t v);       /* 0x + lower-case hex, no padding */
void sb_printf(struct strbuf *sb, const char *fmt, ...) BC_PRINTF(2, 3);
void sb_free(struct strbuf *sb);
const char *sb_cstr(struct strbuf *sb); /* NUL-terminates without changing len */

#endif
