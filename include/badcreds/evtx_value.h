/* evtx_value.h: typed substitution values as stored in EVTX (MS-EVEN6 value types), and their text form. */
#ifndef BADCREDS_EVTX_VALUE_H
#define BADCREDS_EVTX_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "badcreds/strbuf.h"

enum evtx_type {
	EVTX_NULL = 0x00,
	EVTX_STRING = 0x01,   /* UTF-16LE */
	EVTX_ANSI = 0x02,     /* windows-1252 */
	EVTX_INT8 = 0x03,
	EVTX_UINT8 = 0x04,
	EVTX_INT16 = 0x05,
	EVTX_UINT16 = 0x06,
	EVTX_INT32 = 0x07,
	EVTX_UINT32 = 0x08,
	EVTX_INT64 = 0x09,
	EVTX_UINT64 = 0x0a,
	EVTX_REAL32 = 0x0b,
	EVTX_REAL64 = 0x0c,
	EVTX_BOOL = 0x0d,     /* 32-bit in EVTX; nonzero = true */
	EVTX_BINARY = 0x0e,
	EVTX_GUID = 0x0f,
	EVTX_SIZET = 0x10,    /* 4 or 8 bytes, rendered as hex */
	EVTX_FILETIME = 0x11,
	EVTX_SYSTEMTIME = 0x12,
	EVTX_SID = 0x13,
	EVTX_HEXINT32 = 0x14,
	EVTX_HEXINT64 = 0x15,
	EVTX_EVTHANDLE = 0x20,
	EVTX_BINXML = 0x21,
	EVTX_EVTXML = 0x23,
	EVTX_ARRAY = 0x80,    /* flag: array of the base type */

	/* Not on disk: kinds of text that the Binary XML walker hands out besides substitution values. */
	EVTX_UTF8 = 0x100,    /* UTF-8 text made by badcreds (XML input, joined values) */
	EVTX_CHARREF,         /* character reference: size = 0, data = NULL, code in .code */
	EVTX_ENTREF,          /* entity reference: data = UTF-8 name */
	EVTX_CDATA,           /* CDATA section, UTF-16LE */
};

enum { EVTX_UTF8_XML_SAFE = 1 }; /* EVTX_UTF8 .code: the text holds nothing that XML must escape */

struct evtx_value {
	uint16_t type;        /* enum evtx_type (with EVTX_ARRAY for arrays) */
	uint16_t code;        /* EVTX_CHARREF: the character; EVTX_UTF8: EVTX_UTF8_XML_SAFE or 0 */
	uint32_t size;
	const uint8_t *data;
};

bool evtx_type_known(unsigned type);            /* a type that may appear in a value descriptor */
size_t evtx_type_fixed_size(unsigned type);     /* item size of fixed-size types, 0 for variable-size ones */

/* Arrays, item by item (a scalar value pointing into the array's bytes): strings end at their NUL, SIDs carry their
 * length, fixed-size types are cut evenly; an empty array yields one empty item. Start with a zeroed iterator. */
struct evtx_array_iter {
	size_t pos, index;      /* the next item's offset; items handed out so far */
};
bool evtx_array_next(const struct evtx_value *v, struct evtx_array_iter *it, struct evtx_value *item);

/* Appends the Windows text form of a scalar value (arrays: items joined by ", ") as UTF-8, unescaped.
 * EVTX_BINXML values are not rendered here (the Binary XML walker splices them). */
void evtx_value_render(struct strbuf *out, const struct evtx_value *v);

/* Numeric reading of integer types and of decimal/0x-hex text; false if the value is not a number. */
bool evtx_value_u64(const struct evtx_value *v, uint64_t *out);

/* FILETIME ticks (filetime.h) from FILETIME, SYSTEMTIME or ISO-8601 text values. */
bool evtx_value_filetime(const struct evtx_value *v, int64_t *ticks);

/* UTF-16LE (stops at the first NUL) and windows-1252 to UTF-8; invalid sequences become U+FFFD. */
void utf16_to_utf8(struct strbuf *out, const uint8_t *p, size_t nbytes);
void cp1252_to_utf8(struct strbuf *out, const uint8_t *p, size_t nbytes);

#endif
