/* value.c: decoding and Windows-style text rendering of EVTX substitution value types (their on-disk sizes and
 * layouts are listed in badcreds/evtx_value.h). */
#include "badcreds/evtx_value.h"
#include "badcreds/filetime.h"
#include "evtx/le.h"
#include "badcreds/text.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

size_t evtx_type_fixed_size(unsigned type)
{
	switch (type & 0x7f) {
	case EVTX_INT8: case EVTX_UINT8: return 1;
	case EVTX_INT16: case EVTX_UINT16: return 2;
	case EVTX_INT32: case EVTX_UINT32: case EVTX_REAL32: case EVTX_BOOL: case EVTX_HEXINT32: return 4;
	case EVTX_INT64: case EVTX_UINT64: case EVTX_REAL64: case EVTX_FILETIME: case EVTX_HEXINT64: return 8;
	case EVTX_GUID: case EVTX_SYSTEMTIME: return 16;
	default: return 0;
	}
}

/* Length in bytes of the SID starting at p (at most n bytes available), 0 if it does not fit. */
static size_t sid_size(const uint8_t *p, size_t n)
{
	if (n < 8)
		return 0;
	size_t need = 8 + 4 * (size_t)p[1];
	return need <= n ? need : 0;
}

/* Whether any of the four UTF-16 units in w (as le64 reads them) is zero. */
static bool zero_unit(uint64_t w)
{
	return ((w - 0x0001000100010001ULL) & ~w & 0x8000800080008000ULL) != 0;
}

/* The offset of the first zero UTF-16 unit at or after pos (a unit boundary) in the n bytes at p, or of the end of
 * the last whole unit when there is none. Eight units at a time where SSE2 is there (x86-64), else four. */
static size_t zero_unit_at(const uint8_t *p, size_t pos, size_t n)
{
#ifdef __SSE2__
	for (const __m128i zero = _mm_setzero_si128(); pos + 16 <= n; pos += 16) {
		int hit = _mm_movemask_epi8(_mm_cmpeq_epi16(_mm_loadu_si128((const __m128i *)(p + pos)), zero));
		if (hit)
			return pos + (size_t)__builtin_ctz((unsigned)hit);
	}
#endif
	while (pos + 8 <= n && !zero_unit(le64(p + pos)))
		pos += 8;
	while (pos + 1 < n && le16(p + pos))
		pos += 2;
	return pos;
}

bool evtx_array_next(const struct evtx_value *v, struct evtx_array_iter *it, struct evtx_value *item)
{
	unsigned base = v->type & 0x7f;
	size_t fixed = base == EVTX_SIZET ? (v->size % 8 == 0 && v->size ? 8 : 4) : evtx_type_fixed_size(base);
	size_t start = it->pos, len;
	if (fixed ? start > v->size || v->size - start < fixed : start >= v->size) {
		if (it->index++ > 0) /* past the end; an empty array yields one empty element */
			return false;
		*item = (struct evtx_value){.type = (uint16_t)base, .size = 0, .data = v->data};
		it->pos = v->size;
		return true;
	}
	if (fixed) {
		len = fixed;
		it->pos += fixed;
	} else if (base == EVTX_STRING) { /* items end at a NUL terminator */
		size_t pos = zero_unit_at(v->data, start, v->size);
		len = pos - start;
		it->pos = pos + 2 <= v->size ? pos + 2 : v->size;
	} else if (base == EVTX_ANSI) {
		size_t pos = start;
		while (pos < v->size && v->data[pos])
			pos++;
		len = pos - start;
		it->pos = pos < v->size ? pos + 1 : v->size;
	} else if (base == EVTX_SID) { /* SIDs carry their length; a truncated last one is one item as far as it goes */
		len = sid_size(v->data + start, v->size - start);
		if (!len)
			len = v->size - start;
		it->pos += len;
	} else { /* Binary and others: not allowed as arrays; one item */
		len = v->size - start;
		it->pos = v->size;
	}
	it->index++;
	*item = (struct evtx_value){.type = (uint16_t)base, .size = (uint32_t)len, .data = v->data + start};
	return true;
}

void utf16_to_utf8(struct strbuf *out, const uint8_t *p, size_t nbytes)
{
	size_t n = nbytes / 2;
	sb_reserve(out, 3 * n); /* a UTF-16 unit never needs more than 3 bytes; a pair needs 4 for 2 units */
	char *o = out->data + out->len;
	size_t i = 0;
#ifdef __SSE2__
	/* eight ASCII units at a time while there are (most text in a log is): every unit below 0x80 and none zero */
	for (const __m128i zero = _mm_setzero_si128(), high = _mm_set1_epi16((short)0xff80); i + 8 <= n; i += 8, o += 8) {
		__m128i w = _mm_loadu_si128((const __m128i *)(p + 2 * i));
		if (_mm_movemask_epi8(_mm_cmpeq_epi16(_mm_and_si128(w, high), zero)) != 0xffff ||
		    _mm_movemask_epi8(_mm_cmpeq_epi16(w, zero)))
			break;
		_mm_storel_epi64((__m128i *)o, _mm_packus_epi16(w, w));
	}
#endif
	for (; i < n; i++) {
		/* four ASCII units at a time (most text in a log is): every unit below 0x80 and none zero */
		for (uint64_t w; i + 4 <= n && !((w = le64(p + 2 * i)) & 0xff80ff80ff80ff80ULL) && !zero_unit(w); i += 4) {
			o[0] = (char)w;
			o[1] = (char)(w >> 16);
			o[2] = (char)(w >> 32);
			o[3] = (char)(w >> 48);
			o += 4;
		}
		if (i == n)
			break;
		uint32_t c = le16(p + 2 * i);
		if (c < 0x80) {
			if (c == 0)
				break;
			*o++ = (char)c;
			continue;
		}
		if (c >= 0xd800 && c < 0xdc00 && i + 1 < n && le16(p + 2 * i + 2) >= 0xdc00 && le16(p + 2 * i + 2) < 0xe000) {
			c = 0x10000 + ((c - 0xd800) << 10) + (le16(p + 2 * i + 2) - 0xdc00);
			i++;
		} else if (c >= 0xd800 && c < 0xe000) {
			c = 0xfffd;
		}
		if (c < 0x800) {
			*o++ = (char)(0xc0 | c >> 6);
			*o++ = (char)(0x80 | (c & 0x3f));
		} else if (c < 0x10000) {
			*o++ = (char)(0xe0 | c >> 12);
			*o++ = (char)(0x80 | (c >> 6 & 0x3f));
			*o++ = (char)(0x80 | (c & 0x3f));
		} else {
			*o++ = (char)(0xf0 | c >> 18);
			*o++ = (char)(0x80 | (c >> 12 & 0x3f));
			*o++ = (char)(0x80 | (c >> 6 & 0x3f));
			*o++ = (char)(0x80 | (c & 0x3f));
		}
	}
	out->len = (size_t)(o - out->data);
}

/* windows-1252 code points for 0x80..0x9f (0 = undefined there, rendered as U+FFFD) */
static const uint16_t cp1252_high[32] = {
	0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
	0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
};

void cp1252_to_utf8(struct strbuf *out, const uint8_t *p, size_t nbytes)
{
	for (size_t i = 0; i < nbytes && p[i]; i++) {
		uint32_t c = p[i];
		if (c >= 0x80 && c < 0xa0)
			c = cp1252_high[c - 0x80] ? cp1252_high[c - 0x80] : 0xfffd;
		utf8_put(out, c);
	}
}

static void render_hex(struct strbuf *out, const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789ABCDEF";
	sb_reserve(out, 2 * n);
	for (size_t i = 0; i < n; i++) {
		out->data[out->len++] = digits[p[i] >> 4];
		out->data[out->len++] = digits[p[i] & 15];
	}
}

static void put_hex(char *o, uint64_t v, int digits)
{
	static const char hex[] = "0123456789ABCDEF";
	while (digits--) {
		o[digits] = hex[v & 15];
		v >>= 4;
	}
}

/* A Real32 or Real64 in the fewest digits that read back as the same number ("3199.234", not "3199.2339999999999"),
 * in the notation %.9g or %.17g chooses ("10", not "1e+01"); nan and inf as printf writes them. */
static void render_real(struct strbuf *out, double v, bool single)
{
	const int most = single ? 9 : 17;
	char text[48];
	for (int digits = 1; digits <= most; digits++) {
		snprintf(text, sizeof text, "%.*g", digits, v);
		if (single ? strtof(text, NULL) == (float)v : strtod(text, NULL) == v)
			break;
	}
	const char *e = strchr(text, 'e');
	int exponent = e ? atoi(e + 1) : 0;
	if (exponent > 0 && exponent < most) /* a whole number that %.*g wrote with fewer digits than it has */
		snprintf(text, sizeof text, "%.*g", exponent + 1, v);
	sb_adds(out, text);
}

static void render_guid(struct strbuf *out, const uint8_t *p)
{
	char g[38] = "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}";
	put_hex(g + 1, le32(p), 8);
	put_hex(g + 10, le16(p + 4), 4);
	put_hex(g + 15, le16(p + 6), 4);
	put_hex(g + 20, (uint64_t)p[8] << 8 | p[9], 4);
	for (int i = 0; i < 6; i++)
		put_hex(g + 25 + 2 * i, p[10 + i], 2);
	sb_add(out, g, sizeof g);
}

static void render_sid(struct strbuf *out, const uint8_t *p, size_t n)
{
	if (n < 8) {
		render_hex(out, p, n);
		return;
	}
	uint64_t auth = 0;
	for (int i = 2; i < 8; i++)
		auth = auth << 8 | p[i];
	sb_add(out, "S-", 2);
	sb_add_u64(out, p[0]);
	sb_addc(out, '-');
	if (auth >> 32)
		sb_printf(out, "0x%012" PRIX64, auth);
	else
		sb_add_u64(out, auth);
	for (size_t i = 0; i < p[1] && 8 + 4 * i + 4 <= n; i++) {
		sb_addc(out, '-');
		sb_add_u64(out, le32(p + 8 + 4 * i));
	}
}

bool evtx_value_filetime(const struct evtx_value *v, int64_t *ticks)
{
	switch (v->type) {
	case EVTX_FILETIME:
		if (v->size < 8)
			return false;
		*ticks = (int64_t)le64(v->data);
		return true;
	case EVTX_SYSTEMTIME: {
		if (v->size < 16)
			return false;
		const uint8_t *p = v->data; /* year, month, day of week, day, hour, minute, second, millisecond */
		unsigned ms = le16(p + 14);
		int64_t start;
		if (ms > 999 || !filetime_from_civil(le16(p), le16(p + 2), le16(p + 6), le16(p + 8), le16(p + 10),
						       le16(p + 12), &start))
			return false;
		*ticks = start + ms * FILETIME_MILLISECOND;
		return true;
	}
	case EVTX_STRING: case EVTX_ANSI: case EVTX_UTF8: {
		struct strbuf sb = {0};
		evtx_value_render(&sb, v);
		bool ok = filetime_parse_iso8601(sb.data ? sb.data : "", sb.len, ticks);
		sb_free(&sb);
		return ok;
	}
	default:
		return false;
	}
}

static bool parse_number(const char *s, size_t n, uint64_t *out)
{
	uint64_t x = 0;
	size_t i = 0;
	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		for (i = 2; i < n; i++) {
			char c = s[i];
			unsigned dgt = c >= '0' && c <= '9' ? (unsigned)(c - '0')
				       : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
				       : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 99;
			if (dgt > 15 || x >> 60)
				return false;
			x = x << 4 | dgt;
		}
	} else {
		if (n == 0)
			return false;
		for (; i < n; i++) {
			if (s[i] < '0' || s[i] > '9' || x > (UINT64_MAX - 9) / 10)
				return false;
			x = x * 10 + (uint64_t)(s[i] - '0');
		}
	}
	*out = x;
	return true;
}

bool evtx_value_u64(const struct evtx_value *v, uint64_t *out)
{
	const uint8_t *p = v->data;
	switch (v->type) { /* each fixed-size type only when the value holds its bytes (a damaged one may not) */
	case EVTX_INT8: if (v->size < 1) return false; *out = (uint64_t)(int64_t)(int8_t)p[0]; return true;
	case EVTX_UINT8: if (v->size < 1) return false; *out = p[0]; return true;
	case EVTX_INT16: if (v->size < 2) return false; *out = (uint64_t)(int64_t)(int16_t)le16(p); return true;
	case EVTX_UINT16: if (v->size < 2) return false; *out = le16(p); return true;
	case EVTX_INT32: if (v->size < 4) return false; *out = (uint64_t)(int64_t)(int32_t)le32(p); return true;
	case EVTX_UINT32: case EVTX_HEXINT32: case EVTX_BOOL: if (v->size < 4) return false; *out = le32(p); return true;
	case EVTX_INT64: case EVTX_UINT64: case EVTX_HEXINT64: if (v->size < 8) return false; *out = le64(p); return true;
	case EVTX_SIZET:
		if (v->size == 8) { *out = le64(p); return true; }
		if (v->size == 4) { *out = le32(p); return true; }
		return false;
	case EVTX_STRING: case EVTX_ANSI: case EVTX_UTF8: {
		struct strbuf sb = {0};
		evtx_value_render(&sb, v);
		bool ok = parse_number(sb.data, sb.len, out);
		sb_free(&sb);
		return ok;
	}
	default:
		return false;
	}
}

static void render_scalar(struct strbuf *out, const struct evtx_value *v)
{
	const uint8_t *p = v->data;
	size_t fixed = evtx_type_fixed_size(v->type);
	if (fixed && v->size < fixed) { /* damaged value: show its bytes rather than read past them */
		render_hex(out, p, v->size);
		return;
	}
	switch (v->type) {
	case EVTX_NULL: break;
	case EVTX_STRING: case EVTX_CDATA: utf16_to_utf8(out, p, v->size); break;
	case EVTX_ANSI: cp1252_to_utf8(out, p, v->size); break;
	case EVTX_UTF8: sb_add(out, p, v->size); break;
	case EVTX_INT8: sb_add_i64(out, (int8_t)p[0]); break;
	case EVTX_UINT8: sb_add_u64(out, p[0]); break;
	case EVTX_INT16: sb_add_i64(out, (int16_t)le16(p)); break;
	case EVTX_UINT16: sb_add_u64(out, le16(p)); break;
	case EVTX_INT32: sb_add_i64(out, (int32_t)le32(p)); break;
	case EVTX_UINT32: sb_add_u64(out, le32(p)); break;
	case EVTX_INT64: sb_add_i64(out, (int64_t)le64(p)); break;
	case EVTX_UINT64: sb_add_u64(out, le64(p)); break;
	case EVTX_REAL32: {
		float f;
		uint32_t u = le32(p);
		memcpy(&f, &u, 4);
		render_real(out, f, true);
		break;
	}
	case EVTX_REAL64: {
		double f;
		uint64_t u = le64(p);
		memcpy(&f, &u, 8);
		render_real(out, f, false);
		break;
	}
	case EVTX_BOOL: sb_adds(out, le32(p) ? "true" : "false"); break;
	case EVTX_GUID: render_guid(out, p); break;
	case EVTX_SIZET:
		if (v->size == 8)
			sb_add_hex(out, le64(p));
		else if (v->size == 4)
			sb_add_hex(out, le32(p));
		else
			render_hex(out, p, v->size);
		break;
	case EVTX_FILETIME: filetime_format_windows(out, (int64_t)le64(p)); break;
	case EVTX_SYSTEMTIME:
		sb_printf(out, "%04u-%02u-%02uT%02u:%02u:%02u.%03uZ", le16(p), le16(p + 2), le16(p + 6), le16(p + 8),
			  le16(p + 10), le16(p + 12), le16(p + 14));
		break;
	case EVTX_SID: render_sid(out, p, v->size); break;
	case EVTX_HEXINT32: sb_add_hex(out, le32(p)); break;
	case EVTX_HEXINT64: sb_add_hex(out, le64(p)); break;
	case EVTX_ENTREF: {
		static const struct { const char *name, *text; } ents[] = {
			{.name = "lt", .text = "<"}, {.name = "gt", .text = ">"}, {.name = "amp", .text = "&"},
			{.name = "quot", .text = "\""}, {.name = "apos", .text = "'"}};
		for (size_t i = 0; i < sizeof ents / sizeof ents[0]; i++)
			if (v->size == strlen(ents[i].name) && memcmp(p, ents[i].name, v->size) == 0) {
				sb_adds(out, ents[i].text);
				return;
			}
		sb_addc(out, '&');
		sb_add(out, p, v->size);
		sb_addc(out, ';');
		break;
	}
	case EVTX_CHARREF: utf8_put(out, v->code); break;
	default: render_hex(out, p, v->size); break; /* Binary, EvtHandle, EvtXml, BinXml */
	}
}

static int ascii_lower(unsigned c) { return c >= 'A' && c <= 'Z' ? (int)c + 32 : (int)c; }

/* The next four characters of s as the UTF-16 units le64 reads, 0 unless all four are ASCII and none is NUL. */
static uint64_t ascii_units(const char *s)
{
	uint64_t w = 0;
	for (unsigned k = 0; k < 4; k++) {
		unsigned char c = (unsigned char)s[k];
		if (!c || c >= 0x80)
			return 0;
		w |= (uint64_t)c << 16 * k;
	}
	return w;
}

bool evtx_value_equals_nocase(const struct evtx_value *v, const char *s)
{
	size_t n = 0; /* characters compared */
	if (v->type == EVTX_STRING) {
		for (size_t i = 0; i + 1 < v->size; i += 2, n++) {
			/* four units at a time while they are s's characters exactly (provider names mostly are) */
			for (uint64_t w; i + 8 <= v->size && (w = ascii_units(s + n)) && le64(v->data + i) == w; i += 8)
				n += 4;
			if (i + 1 >= v->size)
				break;
			unsigned c = le16(v->data + i);
			if (c == 0)
				break;
			if (c >= 0x80 || ascii_lower(c) != ascii_lower((unsigned char)s[n]))
				return false; /* a character beyond ASCII renders as bytes >= 0x80 (s is ASCII) */
		}
		return s[n] == 0;
	}
	if (v->type == EVTX_UTF8) {
		for (size_t i = 0; i < v->size && v->data[i]; i++, n++)
			if (ascii_lower(v->data[i]) != ascii_lower((unsigned char)s[n]))
				return false;
		return s[n] == 0;
	}
	struct strbuf sb = {0};
	evtx_value_render(&sb, v);
	bool same = strcasecmp(sb_cstr(&sb), s) == 0;
	sb_free(&sb);
	return same;
}

void evtx_value_render(struct strbuf *out, const struct evtx_value *v)
{
	if (!(v->type & EVTX_ARRAY) || v->type >= EVTX_UTF8) {
		render_scalar(out, v);
		return;
	}
	struct evtx_value item;
	struct evtx_array_iter it = {0};
	while (evtx_array_next(v, &it, &item)) {
		if (it.index > 1)
			sb_adds(out, ", ");
		render_scalar(out, &item);
	}
}
