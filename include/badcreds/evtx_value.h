/* evtx_value.h: typed substitution values as stored in EVTX (MS-EVEN6 value types), and their text form. The types
 * with their sizes and text forms are listed above enum evtx_type. */
#ifndef BADCREDS_EVTX_VALUE_H
#define BADCREDS_EVTX_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "badcreds/strbuf.h"

/* Value types, as a template instance's value descriptors give them (bx_instance_read in src/evtx/binxml_compile.c);
 * each value is as many bytes as its descriptor says. Sizes in bytes, and the text evtx_value_render makes:
 *   0x00       Null        any size, skipped; no text. An element whose dependency id names it is left out (not a
 *                          template's root), and so is an attribute made only of Null values, one of them an
 *                          optional substitution
 *   0x01       String      UTF-16LE, no terminator; the text ends at the first NUL if there is one
 *   0x02       AnsiString  windows-1252; the text ends at the first NUL
 *   0x03-0x0a  integers    Int8, UInt8 1; Int16, UInt16 2; Int32, UInt32 4; Int64, UInt64 8: decimal
 *   0x0b 0x0c  Real32 4, Real64 8: IEEE 754, printed with %.9g and %.17g
 *   0x0d       Bool        4 (MS-EVEN6 says 1; EVTX writes 32 bits): "true" when nonzero, else "false"
 *   0x0e       Binary      upper-case hex, no separators
 *   0x0f       GUID        16: u32, u16, u16, then 8 bytes in order: {XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}
 *   0x10       SizeT       4 or 8, as the value's size says: like HexInt32 or HexInt64 (other sizes: hex bytes)
 *   0x11       FILETIME    8: 100-ns ticks since 1601-01-01 UTC; ISO 8601 with 9 fraction digits (filetime.h)
 *   0x12       SYSTEMTIME  16: u16 year, month, day of week, day, hour, minute, second, millisecond; ISO 8601 UTC
 *                          to the millisecond
 *   0x13       SID         8 + 4n: u8 revision, u8 n, 6-byte identifier authority (big-endian), n u32
 *                          sub-authorities: S-revision-authority-sub1-..., the authority in decimal below 2^32, else
 *                          0x and 12 upper-case hex digits
 *   0x14 0x15  HexInt32 4, HexInt64 8: "0x" and lower-case hex digits, no leading zeros
 *   0x20 0x23  EvtHandle, EvtXml: not seen in files; upper-case hex
 *   0x21       BinXml      Binary XML without dependency ids, walked in place of the substitution in element
 *                          content (src/evtx/binxml_walk.c); left out of attributes
 *   0x80 | t   array of a type t from 0x01 to 0x15. Items: fixed-size types cut evenly; String and AnsiString items
 *              end at a NUL; each SID is as long as its n says; SizeT items are 8 bytes when the size is a multiple
 *              of 8, else 4; a Binary array is one item; an empty array is one empty item. An element whose first
 *              substitution directly in its content is an array is repeated once per item (src/evtx/binxml_walk.c);
 *              evtx_value_render joins the items with ", "
 * A fixed-size value too short for its type is written as hex bytes. Any other type byte (an array of Null too)
 * makes the record unreadable (evtx_type_known). */
enum evtx_type {
	EVTX_NULL = 0x00,
	EVTX_STRING = 0x01,
	EVTX_ANSI = 0x02,
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
	EVTX_BOOL = 0x0d,
	EVTX_BINARY = 0x0e,
	EVTX_GUID = 0x0f,
	EVTX_SIZET = 0x10,
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

/* A type that may appear in a value descriptor. Inline: template instances check it for each of their values. */
static inline bool evtx_type_known(unsigned type)
{
	unsigned base = type & 0x7f;
	if (base <= EVTX_HEXINT64)
		return !(type & EVTX_ARRAY) || base != EVTX_NULL;
	return type == EVTX_BINXML || type == EVTX_EVTHANDLE || type == EVTX_EVTXML;
}
size_t evtx_type_fixed_size(unsigned type);     /* item size of fixed-size types, 0 for variable-size ones */
/* An array of items (a substitution value the Binary XML walk repeats its element for). */
static inline bool evtx_value_is_array(const struct evtx_value *v) { return (v->type & EVTX_ARRAY) && v->type < EVTX_UTF8; }

/* Arrays, item by item (a scalar value pointing into the array's bytes): strings end at their NUL, SIDs carry their
 * length, fixed-size types are cut evenly; an empty array yields one empty item. Start with a zeroed iterator. */
struct evtx_array_iter {
	size_t pos, index;      /* the next item's offset; items handed out so far */
};
bool evtx_array_next(const struct evtx_value *v, struct evtx_array_iter *it, struct evtx_value *item);

/* Appends the Windows text form of a scalar value (arrays: items joined by ", ") as UTF-8, unescaped.
 * EVTX_BINXML values come out as hex here; the Binary XML walker splices them into the document instead. */
void evtx_value_render(struct strbuf *out, const struct evtx_value *v);

/* Whether the value's text (as evtx_value_render writes it, up to a NUL) equals the ASCII text s, ignoring ASCII
 * case, as strcasecmp compares them; UTF-16 and UTF-8 values are compared where they are, without rendering. */
bool evtx_value_equals_nocase(const struct evtx_value *v, const char *s);

/* Numeric reading of integer types and of decimal/0x-hex text; false if the value is not a number. */
bool evtx_value_u64(const struct evtx_value *v, uint64_t *out);

/* FILETIME ticks (filetime.h) from FILETIME, SYSTEMTIME or ISO-8601 text values. */
bool evtx_value_filetime(const struct evtx_value *v, int64_t *ticks);

/* UTF-16LE (stops at the first NUL) and windows-1252 to UTF-8; invalid sequences become U+FFFD. */
void utf16_to_utf8(struct strbuf *out, const uint8_t *p, size_t nbytes);
void cp1252_to_utf8(struct strbuf *out, const uint8_t *p, size_t nbytes);

#endif
