/* name.c: element, attribute, entity and processing-instruction target names of a chunk, read at their offset (not
 * via the chunk's possibly incomplete name table) and cached by offset as UTF-8.
 *
 * A name structure, at a chunk offset, 10 + 2 * nchars bytes:
 *    0  4  chunk offset of the next name in its name-table bucket (0: none); not followed here
 *    4  2  hash of the name; not checked here
 *    6  2  nchars: length in UTF-16 code units
 *    8  .  nchars UTF-16LE code units
 *    .  2  NUL (counted when an inline structure is skipped; never read)
 * A token names it by a u32 chunk offset. When that offset is the position right behind the u32, the structure
 * itself follows there (usually the name's first use in the chunk) and the token reader skips it (read_name in
 * binxml_compile.c); any other offset refers back to a structure stored earlier in the chunk. */
#include "evtx/binxml.h"
#include "evtx/le.h"
#include "badcreds/strbuf.h"

#include <string.h>

struct bx_name {
	uint32_t off;
	const char *text;
	struct bx_name *next;
};

void bx_chunk_reset(struct bx_chunk *c, const uint8_t *data, uint32_t len, struct arena *arena,
		    struct bx_store *store)
{
	c->data = data;
	c->len = len;
	c->arena = arena;
	c->store = store;
	memset(c->names, 0, sizeof c->names);
	memset(c->templates, 0, sizeof c->templates);
	c->spent = 0;
	c->cuts = 0;
}

/* An XML name (non-empty; letters, digits, "_", "-", ".", ":" or anything beyond ASCII): damaged or overwritten
 * data that would make the output malformed is rejected instead. */
static bool valid_name(const uint8_t *p, uint32_t nchars)
{
	if (nchars == 0)
		return false;
	for (uint32_t i = 0; i < nchars; i++) {
		unsigned ch = le16(p + 2 * i);
		bool ok = ch >= 0x80 || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_' || ch == ':' ||
			  (i > 0 && ((ch >= '0' && ch <= '9') || ch == '-' || ch == '.'));
		if (!ok)
			return false;
	}
	return true;
}

const char *bx_name_at(struct bx_chunk *c, uint32_t off)
{
	struct bx_name **bucket = &c->names[off % 64];
	for (struct bx_name *n = *bucket; n; n = n->next)
		if (n->off == off)
			return n->text;
	if (off > c->len || c->len - off < 8)
		return NULL;
	uint32_t nchars = le16(c->data + off + 6);
	if ((c->len - off - 8) / 2 < nchars)
		return NULL;
	if (!valid_name(c->data + off + 8, nchars))
		return NULL;
	struct strbuf sb = {0};
	utf16_to_utf8(&sb, c->data + off + 8, 2 * (size_t)nchars);
	struct bx_name *n = arena_alloc(c->arena, sizeof *n);
	n->off = off;
	n->text = arena_copy(c->arena, sb_cstr(&sb), sb.len + 1);
	sb_free(&sb);
	n->next = *bucket;
	*bucket = n;
	return n->text;
}
