/* chunk.c: the records of one chunk: the live records from offset 512 to the free-space offset, then records
 * carved from the rest of the chunk (slack, or the region behind a damaged record) when they still validate. What
 * makes a record valid is described above record_valid, how records are walked and carved above
 * evtx_chunk_next_record. */
#include "badcreds/event.h"
#include "evtx/evtx_reader.h"
#include "evtx/le.h"

#include <inttypes.h>
#include <string.h>

enum { CARVE_STEP = 4 };

void evtx_chunk_init(struct evtx_chunk *c) { memset(c, 0, sizeof *c); }

void evtx_chunk_free(struct evtx_chunk *c) { arena_free(&c->arena); }

void evtx_chunk_verify(struct evtx_chunk *c, struct diag *d)
{
	if (!c->verify_crc)
		return;
	c->verify_crc = false; /* once per load */
	if (evtx_chunk_header_crc(c->data) != c->header.header_checksum)
		diag_report(d, DIAG_WARNING, c->file_offset + 124, "chunk header checksum mismatch");
	if (c->header.free_space_off <= c->len &&
	    evtx_chunk_data_crc(c->data, c->header.free_space_off) != c->header.data_checksum)
		diag_report(d, DIAG_WARNING, c->file_offset + 52, "chunk records checksum mismatch");
}

void evtx_record_iter_begin(const struct evtx_chunk *c, struct evtx_record_iter *it)
{
	it->off = EVTX_CHUNK_HEADER_SIZE;
	it->carving = !c->header_valid;
}

/* Structural checks of a record at off (the record layout is in evtx_format.h), for live and carved records alike:
 *   - at least 28 bytes of the chunk from off on, starting with the signature "**\0\0";
 *   - a size of at least 28, a multiple of 8, that ends the record within the chunk's bytes (the chunk's end, not
 *     the free space offset);
 *   - the same size again in the record's last 4 bytes;
 *   - Binary XML that starts with a fragment header 0f 01 01 00 (at least 4 bytes of it) or a PI target token 0x0a
 *     (at least 5 bytes).
 * On failure *why says what is wrong. A wrong trailing size copy alone sets *damaged and passes when allow_damaged
 * is set. */
static bool record_valid(const struct evtx_chunk *c, uint32_t off, bool allow_damaged, bool *damaged, const char **why)
{
	*damaged = false;
	if (c->len - off < EVTX_RECORD_MIN_SIZE) {
		*why = "record header runs past the end of the chunk";
		return false;
	}
	const uint8_t *p = c->data + off;
	if (memcmp(p, EVTX_RECORD_SIGNATURE, 4) != 0) {
		*why = "record signature missing";
		return false;
	}
	uint32_t size = le32(p + 4);
	if (size < EVTX_RECORD_MIN_SIZE || size % 8 != 0 || size > c->len - off) {
		*why = "record size out of range";
		return false;
	}
	if (le32(p + size - 4) != size) {
		*why = "record size and its trailing copy differ";
		if (!allow_damaged)
			return false;
		*damaged = true;
	}
	const uint8_t *x = p + EVTX_RECORD_HEADER_SIZE;
	bool fragment = size >= EVTX_RECORD_MIN_SIZE + 4 && x[0] == 0x0f && x[1] == 1 && x[2] == 1 && x[3] == 0;
	bool pi = size >= EVTX_RECORD_MIN_SIZE + 5 && x[0] == 0x0a;
	if (!fragment && !pi) {
		*why = "record does not start with Binary XML";
		return false;
	}
	return true;
}

bool evtx_chunk_record_at(const struct evtx_chunk *c, uint32_t off, bool allow_damaged, struct evtx_record *rec)
{
	const char *why;
	bool damaged;
	if (off < EVTX_CHUNK_HEADER_SIZE || off >= c->len || !record_valid(c, off, allow_damaged, &damaged, &why))
		return false;
	struct evtx_record_header h;
	evtx_record_header_read(c->data + off, &h);
	*rec = (struct evtx_record){.id = h.record_id, .written_time = h.written_time, .offset = off, .size = h.size,
				    .recovered = damaged, .damaged = damaged};
	return true;
}

/* Live records follow each other from offset 512, each at the end of the one before. The walk turns to carving
 * when fewer than 28 bytes are left before records_end (the free space offset, clamped) or at a record that fails
 * record_valid (silently when its first 4 bytes are zero: the free space starts early). A live record whose size
 * copy alone is wrong is still handed on, marked damaged, and carving starts 8 bytes into it. A chunk without its
 * signature is only carved, from offset 512. Carving tests each chunk offset that is a multiple of 4 and holds '*',
 * up to 28 bytes before the chunk's end: a record there must pass record_valid, trailing size copy included; it is
 * marked recovered and the search goes on behind it. Carved records are checked further later: one whose
 * EventRecordID a live record or another carved one has is dropped (evtx_file.c), and one that does not decode into
 * a plausible record is left out as a remnant (record_decode.c). */
bool evtx_chunk_next_record(struct evtx_chunk *c, struct evtx_record_iter *it, struct evtx_record *rec,
			    struct diag *d)
{
	while (!it->carving) {
		uint32_t off = it->off;
		if (off >= c->records_end || c->records_end - off < EVTX_RECORD_MIN_SIZE) {
			it->carving = true;
			break;
		}
		const char *why = "damaged record";
		bool damaged;
		if (!record_valid(c, off, true, &damaged, &why)) {
			if (le32(c->data + off) != 0) /* zeros: the free space starts early; anything else is damage */
				diag_report(d, DIAG_ERROR, c->file_offset + off, "%s; carving the rest of the chunk", why);
			it->carving = true;
			break;
		}
		evtx_chunk_record_at(c, off, true, rec);
		if (damaged) { /* hand it on for decoding as far as it goes; carve behind it */
			diag_report(d, DIAG_WARNING, c->file_offset + off, "record %" PRIu64 ": %s; decoding it as damaged",
				    rec->id, why);
			it->off = off + 8;
			it->carving = true;
			return true;
		}
		it->off = off + rec->size;
		return true;
	}
	for (uint32_t off = it->off; off + EVTX_RECORD_MIN_SIZE <= c->len;) {
		const uint8_t *star = memchr(c->data + off, '*', c->len - EVTX_RECORD_MIN_SIZE + 1 - off);
		if (!star)
			break;
		off = (uint32_t)(star - c->data + CARVE_STEP - 1) / CARVE_STEP * CARVE_STEP; /* records are aligned */
		if (off + EVTX_RECORD_MIN_SIZE > c->len || c->data[off] != '*' || !evtx_chunk_record_at(c, off, false, rec)) {
			off += CARVE_STEP;
			continue;
		}
		rec->recovered = true;
		it->off = off + rec->size;
		return true;
	}
	it->off = c->len;
	return false;
}

bool evtx_record_compile(struct evtx_chunk *c, const struct evtx_record *rec, struct arena *arena,
			 struct bx_fragment *out, const char **err, uint32_t *err_off)
{
	uint32_t start = rec->offset + EVTX_RECORD_HEADER_SIZE;
	return bx_compile(&c->bx, start, rec->offset + rec->size - 4, BX_RECORD, arena, out, err, err_off);
}

static const struct evtx_value *field_value(const struct bx_field *f, const struct bx_instance *inst)
{
	if (f->slot != BX_NO_ID)
		return f->slot < inst->nvalues ? &inst->values[f->slot] : NULL;
	return &f->fixed;
}

/* The value a data slot of a template names in an instance; NULL when an element on its way is left out (its
 * dependency value is Null) or the instance has no such value. */
static const struct evtx_value *data_value(const struct bx_data_slot *d, const struct bx_instance *inst)
{
	if (d->slot == BX_NO_ID || d->slot >= inst->nvalues)
		return NULL;
	for (unsigned k = 0; k < 3; k++)
		if (d->deps[k] != BX_NO_ID && (d->deps[k] >= inst->nvalues || inst->values[d->deps[k]].type == EVTX_NULL))
			return NULL;
	return &inst->values[d->slot];
}

/* What evtx_record_peek keeps of a record for event_peek.logon_type and evtx_record_compile_peeked. */
struct peeked {
	struct bx_instance inst;
	uint32_t next;               /* the chunk offset right after the instance */
};

/* event_peek.logon_type for an EVTX record: from the template of the whole event, or from the template instance
 * that opens the BinXml value directly under <Event> (the EventData of Security-Auditing's events). */
static bool peek_logon_type(const struct event_peek *p, uint32_t *type)
{
	struct evtx_chunk *c = (struct evtx_chunk *)p->from[0];
	struct arena *arena = (struct arena *)p->from[1];
	const struct bx_instance *inst = &((const struct peeked *)p->from[2])->inst;
	const struct bx_slots *s = &inst->tmpl->slots;
	const struct evtx_value *v = data_value(&s->logon_type, inst);
	struct bx_instance inner;
	if (!v && s->logon_type.slot == BX_NO_ID && s->event_binxml < inst->nvalues) {
		const struct evtx_value *x = &inst->values[s->event_binxml];
		uint32_t off = (uint32_t)(x->data - c->data), next;
		const char *err;
		if (x->type != EVTX_BINXML || x->size < 6)
			return false;
		/* the template instance the walk meets first: behind a fragment header, or right at the start */
		uint32_t at = memcmp(x->data, "\x0f\x01\x01\x00", 4) == 0 ? 4 : 0;
		if (x->data[at] != 0x0c || !bx_instance_read(&c->bx, off + at, off + x->size, arena, &inner, &next, &err))
			return false;
		v = data_value(&inner.tmpl->slots.nested_logon_type, &inner);
	}
	uint64_t x;
	if (!v || (v->type & EVTX_ARRAY) || v->type == EVTX_BINXML || !evtx_value_u64(v, &x))
		return false;
	*type = (uint32_t)x;
	return true;
}

bool evtx_record_peek(struct evtx_chunk *c, const struct evtx_record *rec, struct arena *arena, struct event_peek *p)
{
	uint32_t pos = rec->offset + EVTX_RECORD_HEADER_SIZE + 4; /* behind the fragment header */
	uint32_t end = rec->offset + rec->size - 4;
	if (pos >= end || c->data[pos] != 0x0c || c->data[pos - 4] != 0x0f)
		return false;
	struct bx_instance inst;
	uint32_t next;
	const char *err;
	if (!bx_instance_read(&c->bx, pos, end, arena, &inst, &next, &err))
		return false;
	const struct bx_slots *s = &inst.tmpl->slots;
	const struct evtx_value *id = field_value(&s->event_id, &inst), *provider = field_value(&s->provider_name, &inst);
	const struct evtx_value *channel = field_value(&s->channel, &inst), *time = field_value(&s->time_created, &inst);
	uint64_t x;
	if (!id || !provider || !evtx_value_u64(id, &x))
		return false;
	p->event_id = (uint32_t)x;
	p->has_event_id = true;
	p->recovered = rec->recovered;
	p->provider = *provider;
	p->channel = channel ? *channel : (struct evtx_value){.type = EVTX_NULL};
	const struct evtx_value *computer = field_value(&s->computer, &inst);
	p->computer = computer ? *computer : (struct evtx_value){.type = EVTX_NULL};
	p->size = rec->size;
	p->record_id = rec->id;
	p->has_time = time && evtx_value_filetime(time, &p->time);
	struct peeked *kept = arena_alloc(arena, sizeof *kept);
	kept->inst = inst;
	kept->next = next;
	p->logon_type = peek_logon_type;
	p->from[0] = c;
	p->from[1] = arena;
	p->from[2] = kept;
	return true;
}

bool evtx_record_compile_peeked(const struct evtx_chunk *c, const struct evtx_record *rec,
				const struct event_peek *p, struct arena *arena, struct bx_fragment *out)
{
	const struct peeked *k = p->from[2];
	uint32_t end = rec->offset + rec->size - 4;
	if (p->logon_type != peek_logon_type || p->from[0] != c || (k->next < end && c->data[k->next] != 0x00))
		return false; /* not this reader's peek, or tokens follow the instance (0x00 ends the fragment) */
	struct bx_op *op = arena_alloc(arena, sizeof *op);
	memset(op, 0, sizeof *op);
	op->kind = BX_INSTANCE;
	op->id = op->array_slot = BX_NO_ID;
	op->instance = &k->inst;
	*out = (struct bx_fragment){.ops = op, .nops = 1};
	return true;
}
