/* binxml_compile.c: the Binary XML token reader. It turns tokens into a flat list of ops with names resolved,
 * element extents known and template instances parsed, so that walking them needs no more byte checks. The token
 * layouts are in the table below, the dependency-id trap above open_element, the template instance layout above
 * bx_instance_read. */
#include "evtx/binxml.h"
#include "evtx/evtx_format.h"
#include "evtx/le.h"
#include "util/vec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Binary XML tokens. A token is one byte: a value below, possibly with TOK_MORE (0x40) added, which on 0x01 means the
 * element has attributes (an attribute list size follows), on 0x06 that another attribute follows, and on the
 * others that more data follows. Only open_element acts on it; token() takes it off every token. After the token byte
 * ("name": u32 chunk offset of a name structure, inline right behind it when the offset says so, name.c; "text":
 * u16 nchars, then nchars UTF-16LE code units, no NUL):
 *   0x00       EOF                   end of the fragment (a BinXml value may hold several fragments)
 *   0x01 0x41  open start element    [u16 dependency id: template bodies only, see open_element], u32 data size,
 *                                    name, [u32 attribute list size: 0x41 only]
 *   0x02       close start tag       nothing (">": the element's content follows)
 *   0x03       close empty element   nothing ("/>": the element ends)
 *   0x04       end element           nothing ("</name>")
 *   0x05 0x45  value text            u8 value type (String, 0x01), text
 *   0x06 0x46  attribute             name; the attribute's value is the value text, substitution, CDATA and
 *                                    reference tokens that follow
 *   0x07 0x47  CDATA section         text
 *   0x08 0x48  character reference   u16 character code
 *   0x09 0x49  entity reference      name
 *   0x0a       PI target             name
 *   0x0b       PI data               text
 *   0x0c       template instance     u8 unknown, u32 template id, u32 definition offset, ...: see bx_instance_read
 *   0x0d       substitution          u16 value index, u8 value type
 *   0x0e       optional substitution u16 value index, u8 value type
 *   0x0f       fragment header       u8 major (1), u8 minor (1), u8 flags (0)
 * An element's data size counts its bytes after that field up to its end, its attribute list size the bytes of its
 * attributes; the compiler finds both extents from the tokens and skips the two fields. A Null value in place of an
 * optional substitution leaves out the attribute it is the whole value of (binxml_walk.c). A record's Binary XML is
 * usually a fragment header, a template instance (or an element tree) and EOF; a template body is a fragment header,
 * one element tree and EOF. */
enum {
	TOK_EOF = 0x00, TOK_OPEN = 0x01, TOK_CLOSE_START = 0x02, TOK_CLOSE_EMPTY = 0x03, TOK_END = 0x04,
	TOK_VALUE = 0x05, TOK_ATTR = 0x06, TOK_CDATA = 0x07, TOK_CHARREF = 0x08, TOK_ENTREF = 0x09,
	TOK_PI_TARGET = 0x0a, TOK_PI_DATA = 0x0b, TOK_INSTANCE = 0x0c, TOK_SUBST = 0x0d, TOK_OPT_SUBST = 0x0e,
	TOK_FRAGMENT = 0x0f, TOK_MORE = 0x40,
	MAX_DEPTH = 256,
	MAX_VALUES = 8192,
};

struct compiler {
	struct bx_chunk *c;
	struct arena *arena;
	uint32_t pos, end;
	bool dep_ids;
	struct bx_op *ops;
	uint32_t nops;
	size_t cap;
	uint32_t stack[MAX_DEPTH];
	unsigned depth;
	uint32_t attr;          /* index of the attribute whose value is being read, or UINT32_MAX */
	const char *err;
};

static bool fail(struct compiler *k, const char *msg)
{
	k->err = msg;
	return false;
}

static bool need(struct compiler *k, uint32_t n)
{
	if (k->end - k->pos < n)
		return fail(k, "token runs past the end of its data");
	return true;
}

static struct bx_op *emit(struct compiler *k, enum bx_op_kind kind)
{
	k->ops = vec_grow(k->ops, &k->cap, k->nops, sizeof *k->ops);
	struct bx_op *op = &k->ops[k->nops++];
	memset(op, 0, sizeof *op);
	op->kind = (uint8_t)kind;
	op->id = op->array_slot = BX_NO_ID;
	return op;
}

/* u32 chunk offset of a name structure (name.c) at pos. When it is the offset right behind the u32, the structure
 * is inline there and is skipped: 10 + 2 * nchars bytes. */
static const char *read_name(struct compiler *k)
{
	if (!need(k, 4))
		return NULL;
	uint32_t off = le32(k->c->data + k->pos);
	k->pos += 4;
	if (off == k->pos) {
		if (!need(k, 8))
			return NULL;
		uint32_t size = 10 + 2 * (uint32_t)le16(k->c->data + k->pos + 6);
		if (!need(k, size))
			return NULL;
		k->pos += size;
	}
	const char *name = bx_name_at(k->c, off);
	if (!name)
		fail(k, "name outside the chunk or not an XML name");
	else if (k->dep_ids) /* a template outlives its chunk: its names go with it */
		name = arena_copy(k->arena, name, strlen(name) + 1);
	return name;
}

/* u16 character count and UTF-16 text at pos, as a String value pointing into the chunk. */
static bool read_text(struct compiler *k, struct evtx_value *v, uint16_t type)
{
	if (!need(k, 2))
		return false;
	uint32_t n = 2 * (uint32_t)le16(k->c->data + k->pos);
	k->pos += 2;
	if (!need(k, n))
		return false;
	*v = (struct evtx_value){.type = type, .size = n, .data = k->c->data + k->pos};
	if (k->dep_ids) /* template bodies keep no pointer into the chunk */
		v->data = arena_copy(k->arena, v->data, n);
	k->pos += n;
	return true;
}

static void close_attr(struct compiler *k)
{
	if (k->attr != UINT32_MAX)
		k->ops[k->attr].end = k->nops;
	k->attr = UINT32_MAX;
}

/* TOK_OPEN (0x01; 0x41: with attributes): an element's start tag.
 *   [u16 dependency id]  u32 data size  u32 name offset [inline name]  [u32 attribute list size: 0x41 only]
 * Dependency ids, the well-known trap: the u16 is present only for elements inside a template definition
 * (BX_TEMPLATE_BODY). There it is a value index, 0xffff for none, and the element is left out when that value is
 * Null (binxml_walk.c; not for the template's root element, see below). Everywhere else the data size follows the
 * token byte directly: in records that are an element tree without a template (events forwarded by Windows Event
 * Forwarding) and in the Binary XML of BinXml (0x21) values. No flag in the bytes says which case it is; a reader
 * that always expects the field misreads those records (tests/written_down.py lists files where other parsers
 * fail). badcreds goes by the context it compiles in (enum bx_context, binxml.h), not by a guess. */
static bool open_element(struct compiler *k, uint8_t tok)
{
	uint16_t dep = BX_NO_ID;
	k->pos++;
	if (k->dep_ids) {
		if (!need(k, 2))
			return false;
		dep = le16(k->c->data + k->pos);
		k->pos += 2;
	}
	if (!need(k, 4))
		return false;
	k->pos += 4; /* data size: the ops record the extent instead */
	const char *name = read_name(k);
	if (!name)
		return false;
	if (tok & TOK_MORE) {
		if (!need(k, 4))
			return false;
		k->pos += 4; /* attribute list size */
	}
	if (k->depth == MAX_DEPTH)
		return fail(k, "elements nested too deeply");
	/* A template's root element may name a dependency too (System templates name the EventData value); honouring
	 * it would drop the whole event when that value is damaged, so it applies below the root only. */
	if (k->depth == 0)
		dep = BX_NO_ID;
	k->stack[k->depth++] = k->nops;
	struct bx_op *op = emit(k, BX_OPEN);
	op->name = name;
	op->id = dep;
	return true;
}

/* TOK_CLOSE_EMPTY (0x03, "/>") and TOK_END (0x04, "</name>"), no payload. */
static bool end_element(struct compiler *k)
{
	k->pos++;
	close_attr(k);
	if (k->depth == 0)
		return fail(k, "end of an element that was not started");
	uint32_t open = k->stack[--k->depth];
	k->ops[open].end = k->nops;
	emit(k, BX_END);
	return true;
}

/* TOK_CLOSE_START (0x02, ">", no payload): the end of a start tag; the element's content follows. */
static bool start_tag_end(struct compiler *k)
{
	k->pos++;
	return true;
}

/* Static text as UTF-8, converted once here, not each time a record uses the template; marked safe to write into
 * XML as it is when it holds no markup character and no lead byte of a character xml_escape escapes (controls,
 * DEL, C1 after 0xC2, the bidirectional controls after 0xD8 and 0xE2, U+FFFE/U+FFFF after 0xEF). */
static void text_to_utf8(struct compiler *k, struct evtx_value *v)
{
	struct strbuf sb = {0};
	utf16_to_utf8(&sb, v->data, v->size);
	bool safe = true;
	for (size_t i = 0; i < sb.len && safe; i++) {
		unsigned char c = (unsigned char)sb.data[i];
		safe = c >= 0x20 && c != '&' && c != '<' && c != '>' && c != '"' && c != '\'' && c != 0x7f && c != 0xc2 &&
		       c != 0xd8 && c != 0xe2 && c != 0xef;
	}
	*v = (struct evtx_value){.type = EVTX_UTF8, .size = (uint32_t)sb.len, .code = safe ? EVTX_UTF8_XML_SAFE : 0,
				 .data = arena_copy(k->arena, sb.data ? sb.data : "", sb.len)};
	sb_free(&sb);
}

/* TOK_VALUE (0x05/0x45): static text. u8 value type, u16 nchars, UTF-16LE. */
static bool text_value(struct compiler *k)
{
	k->pos++;
	if (!need(k, 1))
		return false;
	k->pos++; /* value type: always String */
	struct bx_op *op = emit(k, BX_VALUE);
	if (!read_text(k, &op->value, EVTX_STRING))
		return false;
	text_to_utf8(k, &op->value);
	return true;
}

/* TOK_ATTR (0x06/0x46): an attribute of the open element. u32 name offset [inline name]; its value is the tokens
 * that follow (0x46, another attribute after this one, is not needed: the tokens tell). */
static bool attribute(struct compiler *k)
{
	k->pos++;
	if (k->depth == 0)
		return fail(k, "attribute outside an element");
	const char *name = read_name(k);
	if (!name)
		return false;
	k->attr = k->nops;
	emit(k, BX_ATTR)->name = name;
	return true;
}

/* TOK_CDATA (0x07/0x47): u16 nchars, UTF-16LE. */
static bool cdata_section(struct compiler *k)
{
	k->pos++;
	struct bx_op *op = emit(k, BX_VALUE);
	return read_text(k, &op->value, EVTX_CDATA);
}

/* TOK_CHARREF (0x08/0x48): u16 character code. */
static bool char_reference(struct compiler *k)
{
	k->pos++;
	if (!need(k, 2))
		return false;
	struct bx_op *op = emit(k, BX_VALUE);
	op->value = (struct evtx_value){.type = EVTX_CHARREF, .code = le16(k->c->data + k->pos)};
	k->pos += 2;
	return true;
}

/* TOK_ENTREF (0x09/0x49): u32 name offset [inline name] of the entity's name. */
static bool entity_reference(struct compiler *k)
{
	k->pos++;
	const char *name = read_name(k);
	if (!name)
		return false;
	struct bx_op *op = emit(k, BX_VALUE);
	op->value = (struct evtx_value){.type = EVTX_ENTREF, .size = (uint32_t)strlen(name),
					.data = (const uint8_t *)name};
	return true;
}

/* TOK_PI_TARGET (0x0a): u32 name offset [inline name] of a processing instruction's target. */
static bool pi_target(struct compiler *k)
{
	k->pos++;
	const char *name = read_name(k);
	if (!name)
		return false;
	emit(k, BX_PI)->name = name;
	return true;
}

/* TOK_PI_DATA (0x0b): u16 nchars, UTF-16LE: the data of the processing instruction just before it. */
static bool pi_data(struct compiler *k)
{
	k->pos++;
	if (k->nops == 0 || k->ops[k->nops - 1].kind != BX_PI)
		return fail(k, "processing-instruction data without a target");
	return read_text(k, &k->ops[k->nops - 1].value, EVTX_STRING);
}

/* TOK_INSTANCE (0x0c): a template instance (in a record or a BinXml value, never inside a template definition),
 * read whole by bx_instance_read. */
static bool template_instance(struct compiler *k)
{
	if (k->dep_ids)
		return fail(k, "template instance inside a template definition");
	struct bx_instance *inst = arena_alloc(k->arena, sizeof *inst);
	uint32_t next;
	if (!bx_instance_read(k->c, k->pos, k->end, k->arena, inst, &next, &k->err))
		return false;
	k->pos = next;
	emit(k, BX_INSTANCE)->instance = inst;
	return true;
}

/* TOK_SUBST (0x0d) and TOK_OPT_SUBST (0x0e): u16 value index, u8 value type. The first one directly in an element's
 * content is its array slot. */
static bool substitution(struct compiler *k, bool optional)
{
	const uint8_t *d = k->c->data;
	k->pos++;
	if (!need(k, 3))
		return false;
	struct bx_op *op = emit(k, BX_SUBST);
	op->id = le16(d + k->pos);
	op->value.type = d[k->pos + 2];
	op->optional = optional;
	k->pos += 3;
	if (k->attr == UINT32_MAX && k->depth > 0 && k->ops[k->stack[k->depth - 1]].array_slot == BX_NO_ID)
		k->ops[k->stack[k->depth - 1]].array_slot = op->id;
	return true;
}

/* TOK_FRAGMENT (0x0f): the fragment header. u8 major, u8 minor, u8 flags; not checked here. */
static bool fragment_header(struct compiler *k)
{
	if (!need(k, 4))
		return false;
	k->pos += 4; /* major 1, minor 1, flags 0 */
	return true;
}

/* Tokens that may be part of an attribute's value; any other ends it. */
static bool in_attribute_value(uint8_t base)
{
	return base == TOK_VALUE || base == TOK_SUBST || base == TOK_OPT_SUBST || base == TOK_CHARREF ||
	       base == TOK_ENTREF || base == TOK_CDATA;
}

/* The token at pos, with or without its TOK_MORE flag. */
static bool token(struct compiler *k)
{
	uint8_t tok = k->c->data[k->pos];
	uint8_t base = tok & (uint8_t)~TOK_MORE;
	if (!in_attribute_value(base))
		close_attr(k);
	switch (base) {
	case TOK_OPEN:
		return open_element(k, tok);
	case TOK_CLOSE_START:
		return start_tag_end(k);
	case TOK_CLOSE_EMPTY:
	case TOK_END:
		return end_element(k);
	case TOK_VALUE:
		return text_value(k);
	case TOK_ATTR:
		return attribute(k);
	case TOK_CDATA:
		return cdata_section(k);
	case TOK_CHARREF:
		return char_reference(k);
	case TOK_ENTREF:
		return entity_reference(k);
	case TOK_PI_TARGET:
		return pi_target(k);
	case TOK_PI_DATA:
		return pi_data(k);
	case TOK_INSTANCE:
		return template_instance(k);
	case TOK_SUBST:
	case TOK_OPT_SUBST:
		return substitution(k, base == TOK_OPT_SUBST);
	case TOK_FRAGMENT:
		return fragment_header(k);
	default:
		return fail(k, "unknown Binary XML token");
	}
}

bool bx_compile(struct bx_chunk *c, uint32_t off, uint32_t end, enum bx_context context, struct arena *arena,
		struct bx_fragment *out, const char **err, uint32_t *err_off)
{
	struct compiler k = {.c = c, .arena = arena, .pos = off, .end = end, .dep_ids = context == BX_TEMPLATE_BODY,
			     .attr = UINT32_MAX};
	bool ok = true;
	while (k.pos < k.end) {
		if (c->data[k.pos] == TOK_EOF) {
			k.pos++;
			if (k.depth > 0) {
				ok = fail(&k, "end of fragment inside an element");
				break;
			}
			/* a value may hold several fragments; anything else after the end is padding or stale */
			if (context == BX_VALUE_XML && k.pos < k.end && c->data[k.pos] == TOK_FRAGMENT)
				continue;
			break;
		}
		uint32_t at = k.pos;
		if (!token(&k)) {
			*err_off = at;
			ok = false;
			break;
		}
	}
	if (ok && k.depth > 0) {
		*err_off = k.pos;
		ok = fail(&k, "Binary XML ends inside an element");
	}
	if (ok) {
		out->nops = k.nops;
		out->ops = arena_copy(arena, k.ops, k.nops * sizeof *k.ops);
	} else {
		*err = k.err;
	}
	free(k.ops);
	return ok;
}

/* A template instance, token 0x0c, at off:
 *    0  1  0x0c
 *    1  1  unknown (1); not checked
 *    2  4  template id: the first 4 bytes of the template's GUID
 *    6  4  chunk offset of the template definition (template_cache.c)
 *   10  .  when that offset is off + 10 (usually the template's first use in the chunk): the definition itself, its
 *          24-byte header and its body, skipped here; later instances refer back to it
 * then the values:
 *    .  4  n, the number of values
 *    .  4n descriptors: u16 size in bytes, u8 value type (badcreds/evtx_value.h), u8 padding (not checked)
 *    .  .  the values' bytes back to back, in descriptor order, each as long as its descriptor says
 * The template's substitution tokens name the values by index. When the definition offset leads to no definition
 * of the template id (records carved from slack, where it was overwritten), the template of that id listed in the
 * chunk's template table or seen elsewhere in the file is used (bx_template_by_id), unless it was inline. */
bool bx_instance_read(struct bx_chunk *c, uint32_t off, uint32_t end, struct arena *arena,
		      struct bx_instance *out, uint32_t *next, const char **err)
{
	const uint8_t *d = c->data;
	if (end - off < 10) {
		*err = "template instance runs past the end of its data";
		return false;
	}
	uint32_t def_off = le32(d + off + 6);
	uint32_t pos = off + 10;
	if (def_off == pos) { /* first use in the chunk: the definition is inline, skip it */
		if (end - pos < EVTX_TEMPLATE_HEADER_SIZE ||
		    le32(d + pos + 20) > end - pos - EVTX_TEMPLATE_HEADER_SIZE) {
			*err = "inline template definition runs past the end of its data";
			return false;
		}
		pos += EVTX_TEMPLATE_HEADER_SIZE + le32(d + pos + 20);
	}
	bool inline_def = pos != off + 10;
	uint32_t template_id = le32(d + off + 2);
	const struct bx_template *t = bx_template_at(c, def_off, err);
	if (t && le32(t->guid) != template_id) { /* the GUID starts with the template id: this is another one */
		*err = "template definition does not match the instance";
		t = NULL;
	}
	if (!t && !inline_def)
		t = bx_template_by_id(c, template_id);
	if (!t)
		return false;
	if (end - pos < 4) {
		*err = "template values run past the end of the record";
		return false;
	}
	uint32_t n = le32(d + pos);
	pos += 4;
	if (n > MAX_VALUES || (end - pos) / 4 < n) {
		*err = "template value count runs past the end of the record";
		return false;
	}
	struct evtx_value *values = arena_alloc(arena, (n ? n : 1) * sizeof *values);
	uint32_t data = pos + 4 * n;
	for (uint32_t i = 0; i < n; i++) {
		uint16_t size = le16(d + pos + 4 * i);
		uint8_t type = d[pos + 4 * i + 2];
		if (!evtx_type_known(type)) {
			*err = "unknown value type in template values";
			return false;
		}
		if (end - data < size) {
			*err = "template value runs past the end of the record";
			return false;
		}
		values[i] = (struct evtx_value){.type = type, .size = size, .data = d + data};
		data += size;
	}
	out->tmpl = t;
	out->nvalues = n;
	out->values = values;
	*next = data;
	return true;
}
