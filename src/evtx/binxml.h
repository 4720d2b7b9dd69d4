/* binxml.h: Binary XML compiled into flat op lists (templates once per chunk, records per record) and walked
 * with substitution values into a visitor (XML writer, event-model builder). */
#ifndef BADCREDS_BINXML_H
#define BADCREDS_BINXML_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "badcreds/arena.h"
#include "badcreds/evtx_value.h"

enum bx_op_kind {
	BX_OPEN,     /* element start: name, id = dependency id, end = index of its BX_END, array_slot */
	BX_ATTR,     /* attribute: name; its value is the ops up to end */
	BX_END,      /* element end */
	BX_VALUE,    /* static text, CDATA, character or entity reference */
	BX_SUBST,    /* substitution: id = value index, optional (token 0x0e), value.type = declared type */
	BX_PI,       /* processing instruction: name = target, value = data */
	BX_INSTANCE, /* template instance: the template's ops walked with the instance's values */
};

enum { BX_NO_ID = 0xffff };

struct bx_instance;

struct bx_op {
	uint8_t kind;
	uint8_t optional;
	uint16_t id;
	uint16_t array_slot;    /* BX_OPEN: value index of a substitution directly in its content, or BX_NO_ID */
	uint32_t end;
	const char *name;       /* UTF-8, NUL-terminated */
	union {
		struct evtx_value value;
		const struct bx_instance *instance;
	};
};

struct bx_fragment {
	struct bx_op *ops;
	uint32_t nops;
};

/* Where a System field of a template comes from: a substitution value, or text fixed in the template. */
struct bx_field {
	uint16_t slot;          /* value index, or BX_NO_ID */
	struct evtx_value fixed;/* the template's own text when slot is BX_NO_ID (EVTX_NULL: the field is absent) */
};

/* Where the EventData item named LogonType comes from, when the template alone tells which value the event model
 * (event_builder.c) would take for it: the content of the first <Data Name="LogonType"> under an EventData, every
 * Data before it named by fixed text, no substitution before it directly under <Event> or in an EventData (a BinXml
 * value there could hold items that come first), no UserData before it, its content one substitution and nothing
 * else. slot is BX_NO_ID when the template does not tell. deps: the dependency ids of the Data element and of the elements above it (an element
 * whose dependency value is Null is left out), BX_NO_ID where there is none. */
struct bx_data_slot {
	uint16_t slot;
	uint16_t deps[3];
};

/* The fields that decide whether a record matters, found once per template. */
struct bx_slots {
	struct bx_field event_id;      /* Event/System/EventID content */
	struct bx_field provider_name; /* Event/System/Provider@Name */
	struct bx_field channel;       /* Event/System/Channel content */
	struct bx_field time_created;  /* Event/System/TimeCreated@SystemTime */
	struct bx_field computer;      /* Event/System/Computer content */
	struct bx_data_slot logon_type;/* Event/EventData/Data[@Name="LogonType"] (a template of the whole event) */
	struct bx_data_slot nested_logon_type; /* EventData/Data[@Name="LogonType"] (a template of the EventData alone,
				        * as a BinXml value under <Event> holds it: how Security-Auditing writes events) */
	uint16_t event_binxml;         /* the value index of the one substitution directly under <Event>, if the
				        * template has no EventData of its own and one such substitution; else BX_NO_ID */
};

/* A compiled template definition; it holds no pointer into the chunk it came from. */
struct bx_template {
	uint8_t guid[16];       /* its first 4 bytes are the template id that instances name */
	uint32_t size, crc;     /* of the definition body: with the GUID, what makes two definitions the same */
	struct bx_fragment body;
	struct bx_slots slots;
	_Atomic(const void *) plan; /* bx_template_plan's; NULL until made */
};

/* The templates of one file, compiled once and shared by every chunk and thread that uses them. */
struct bx_store;
struct bx_store *bx_store_new(void);
void bx_store_free(struct bx_store *s);
bool bx_store_has(struct bx_store *s, uint32_t template_id);

struct bx_instance {
	const struct bx_template *tmpl;
	uint32_t nvalues;
	struct evtx_value *values;
};

/* Per-chunk caches of names (by offset) and of the templates its definition offsets lead to. */
struct bx_name;
struct bx_template_ref;
/* What walking a chunk's records may produce: a template can name one value thousands of times, so a record of a
 * few bytes could expand into gigabytes. A record is cut (its open elements closed, nothing more added) once its walk
 * has handed out BX_RECORD_BUDGET bytes of values and elements, or, past its first BX_RECORD_ALLOWANCE bytes, once
 * the chunk's walks together have handed out BX_CHUNK_BUDGET. */
enum { BX_RECORD_BUDGET = 8 << 20, BX_CHUNK_BUDGET = 32 << 20, BX_RECORD_ALLOWANCE = 64 << 10 };
/* What a walk counts besides the bytes of the values it hands out: each element, and each byte of a BinXml value
 * it compiles. */
enum { BX_ELEMENT_COST = 32, BX_COMPILE_COST = 8 };
/* Whether a walk that has handed out `spent` bytes of a record is cut, the chunk's walks having handed out
 * `chunk_spent` (both counted already). */
static inline bool bx_over_budget(uint64_t spent, uint64_t chunk_spent)
{
	return spent > BX_RECORD_BUDGET || (chunk_spent > BX_CHUNK_BUDGET && spent > BX_RECORD_ALLOWANCE);
}

struct bx_chunk {
	const uint8_t *data;    /* the chunk's bytes */
	uint32_t len;           /* bytes present (a truncated chunk has fewer than 65536) */
	struct arena *arena;    /* lives as long as the chunk's contents */
	struct bx_store *store; /* the file's templates; NULL: templates are compiled into the chunk's arena */
	struct bx_name *names[64];
	struct bx_template_ref *templates[64];
	uint64_t spent;         /* bytes the walks of this chunk have handed out */
	unsigned long cuts;     /* walks that were cut: a caller compares it before and after a walk */
};

void bx_chunk_reset(struct bx_chunk *c, const uint8_t *data, uint32_t len, struct arena *arena,
		    struct bx_store *store);

/* What a user of templates makes of one once (event_plan.c: how to fill the event model from an instance's values),
 * kept with the template for every chunk and thread of the file: made by `make` in the store's arena on first use
 * (under the store's lock), NULL when `make` finds none. Always NULL for a chunk without a store and when the
 * environment has BADCREDS_EVENT_WALK=1 as the store is made (a test hook: every record walked). */
const void *bx_template_plan(struct bx_chunk *c, const struct bx_template *t,
			     const void *(*make)(const struct bx_template *t, struct arena *arena));

/* Name at a chunk offset as UTF-8; NULL if it does not fit in the chunk or is not an XML name. */
const char *bx_name_at(struct bx_chunk *c, uint32_t off);

/* Template definition at def_off, compiled on first use; NULL (and *err set) if it is damaged. */
const struct bx_template *bx_template_at(struct bx_chunk *c, uint32_t def_off, const char **err);

/* How to read a piece of Binary XML. */
enum bx_context {
	BX_TEMPLATE_BODY, /* elements carry a dependency id; ends at its EOF */
	BX_RECORD,        /* no dependency ids; ends at the first EOF (anything behind it is stale data) */
	BX_VALUE_XML,     /* a BinXml (0x21) value: no dependency ids; may hold several fragments */
};

/* A template found by its template id (the first 4 bytes of its GUID) in the chunk's template table, else among
 * the file's templates seen so far: for instances whose definition offset no longer points at their definition
 * (records carved from slack); NULL if none. */
const struct bx_template *bx_template_by_id(struct bx_chunk *c, uint32_t template_id);

/* A walk over the template definitions a chunk's template table lists (evtx_format.h), bucket by bucket along
 * each bucket's chain; nothing is compiled. A chain ends at an offset with no room for a definition between the
 * chunk header and the chunk's end, at a definition that names itself as the next, or after a bound on its length
 * (a damaged table may loop). */
struct bx_template_table_iter {
	const struct bx_chunk *c;
	unsigned bucket;        /* the chain being followed */
	unsigned steps;         /* definitions handed out from it so far */
	uint32_t off;           /* its next definition; 0: none */
};
void bx_template_table_begin(struct bx_template_table_iter *it, const struct bx_chunk *c);
/* The next definition's chunk offset and template id; false after the last. */
bool bx_template_table_next(struct bx_template_table_iter *it, uint32_t *def_off, uint32_t *template_id);

/* Compiles Binary XML at [off, end) of the chunk. Per-record ops go to `arena`. On failure *err_off is the bad
 * token. */
bool bx_compile(struct bx_chunk *c, uint32_t off, uint32_t end, enum bx_context context, struct arena *arena,
		struct bx_fragment *out, const char **err, uint32_t *err_off);

/* Parses the template instance token at off; *next = first byte after it. */
bool bx_instance_read(struct bx_chunk *c, uint32_t off, uint32_t end, struct arena *arena,
		      struct bx_instance *out, uint32_t *next, const char **err);

struct bx_visitor {
	void (*open)(void *ctx, const char *name);
	void (*attr)(void *ctx, const char *name, const struct evtx_value *parts, unsigned nparts);
	void (*value)(void *ctx, const struct evtx_value *v);
	void (*close)(void *ctx);
	void (*pi)(void *ctx, const char *target, const struct evtx_value *data);
};

/* Walks a compiled fragment; nested BinXml values are compiled into `arena` on the way. */
bool bx_walk(struct bx_chunk *c, const struct bx_fragment *f, struct arena *arena, const struct bx_visitor *v,
	     void *ctx, const char **err);

#endif
