/* fact_store.c: facts written compactly into sorted runs (memory, then a temporary file) and merged back in time
 * order, each event once (fact_store.h).
 *
 * A record, 8-byte aligned:
 *   offset 0  u32 size        the whole record, a multiple of 8
 *          4  u32 event_id
 *          8  i64 time        FILETIME ticks
 *         16  u64 record_id
 *         24  u64 seq         the order in which facts were added
 *         32  u32 status, 36 u32 substatus
 *         40  u32 present     which of the STRINGS follow, bit i for STRINGS[i]
 *         44  u8  flags       FLAG_*
 *         45  u8  said        enum outcome
 *         48  for each present string: u32 length, its bytes (no NUL)
 */
#include "scan/fact_store.h"
#include "badcreds/text.h"

#include <stdlib.h>
#include <string.h>

enum {
	HEAD = 48,
	FLAG_SECURITY = 1, FLAG_DC = 2, FLAG_SUCCESS = 4, FLAG_HAS_STATUS = 8,
};
static const size_t DEFAULT_LIMIT = (size_t)32 << 20;

#define S(field) offsetof(struct fact, field)
/* The strings of a fact, server first (it orders facts of the same time). */
static const size_t STRINGS[] = {S(server), S(activity), S(instance), S(user), S(user_guess), S(token_type), S(ips),
				 S(forwarded), S(client_ip), S(proxy), S(endpoint), S(user_agent), S(client_app),
				 S(relying_party), S(failure_type), S(failure_reason), S(caller), S(source),
				 S(rendered)};
#undef S
enum { NSTRINGS = sizeof STRINGS / sizeof STRINGS[0] };

static uint32_t u32(const uint8_t *p) { return sorted_runs_u32(p); }
static uint64_t u64(const uint8_t *p) { return sorted_runs_u64(p); }

/* The most of a string a fact keeps: 64 KiB, the most one Windows event value holds. Longer text only comes from a
 * crafted file (a template that repeats a value thousands of times, an XML export); kept whole, a few hundred such
 * events within the correlation's time slice took gigabytes. It is cut at a character boundary, the same way in
 * every event of a request (so that they still join), and ends in CUT_MARK. */
enum { FACT_TEXT_MAX = 65535 };
static const char CUT_MARK[] = "[cut]";

/* The fact's strings (NULL when absent) and their lengths as kept, with *cut set for those cut; the record's size. */
static size_t record_size(const struct fact *f, const char *v[NSTRINGS], uint32_t len[NSTRINGS], uint32_t *present,
			  uint32_t *cut)
{
	size_t n = HEAD;
	*present = *cut = 0;
	for (unsigned i = 0; i < NSTRINGS; i++) {
		v[i] = *(const char *const *)((const char *)f + STRINGS[i]);
		if (v[i]) {
			*present |= 1u << i;
			size_t k = strlen(v[i]);
			if (k > FACT_TEXT_MAX && STRINGS[i] != offsetof(struct fact, rendered)) { /* trace bounds its own */
				k = utf8_cut(v[i], FACT_TEXT_MAX - (sizeof CUT_MARK - 1));
				*cut |= 1u << i;
				n += sizeof CUT_MARK - 1;
			}
			len[i] = (uint32_t)k;
			n += 4 + k;
		}
	}
	return (n + 7) & ~(size_t)7;
}

/* The record's server (its first string when present) and its length. */
static const uint8_t *server_of(const uint8_t *r, uint32_t *len)
{
	if (!(u32(r + 40) & 1)) {
		*len = 0;
		return (const uint8_t *)"";
	}
	*len = u32(r + HEAD);
	return r + HEAD + 4;
}

/* Time, server, EventID, EventRecordID: correlate.c's order of facts (event_order.h), 0 for the same event. */
static int cmp_identity(const uint8_t *x, const uint8_t *y)
{
	int64_t tx = (int64_t)u64(x + 8), ty = (int64_t)u64(y + 8);
	if (tx != ty)
		return tx < ty ? -1 : 1;
	uint32_t lx, ly;
	const uint8_t *sx = server_of(x, &lx), *sy = server_of(y, &ly);
	int c = sorted_runs_cmp_bytes(sx, lx, sy, ly);
	if (c)
		return c;
	uint32_t ex = u32(x + 4), ey = u32(y + 4);
	if (ex != ey)
		return ex < ey ? -1 : 1;
	uint64_t rx = u64(x + 16), ry = u64(y + 16);
	return (rx > ry) - (rx < ry);
}

/* The order of the runs: of one event's copies, the first added first. */
static int cmp_records(const uint8_t *x, const uint8_t *y)
{
	int c = cmp_identity(x, y);
	uint64_t qx = u64(x + 24), qy = u64(y + 24);
	return c ? c : (qx > qy) - (qx < qy);
}

void fact_store_init(struct fact_store *s, size_t limit)
{
	memset(s, 0, sizeof *s);
	const char *env = getenv("BADCREDS_FACT_RUN_BYTES");
	if (env && *env)
		limit = (size_t)strtoull(env, NULL, 10);
	sorted_runs_init(&s->runs, limit ? limit : DEFAULT_LIMIT, cmp_records);
}

size_t fact_store_encode(const struct fact *f, struct arena *a, const uint8_t **record)
{
	const char *v[NSTRINGS];
	uint32_t len[NSTRINGS], present, cut;
	size_t size = record_size(f, v, len, &present, &cut);
	uint8_t *r = arena_alloc(a, size);
	memset(r, 0, HEAD);
	uint32_t size32 = (uint32_t)size, status = f->status, substatus = f->substatus;
	uint64_t record_id = f->record_id;
	memcpy(r, &size32, 4);
	memcpy(r + 4, &f->event_id, 4);
	memcpy(r + 8, &f->time, 8);
	memcpy(r + 16, &record_id, 8);
	memcpy(r + 32, &status, 4);
	memcpy(r + 36, &substatus, 4);
	memcpy(r + 40, &present, 4);
	r[44] = (uint8_t)((f->security ? FLAG_SECURITY : 0) | (f->dc ? FLAG_DC : 0) | (f->success ? FLAG_SUCCESS : 0) |
			  (f->has_status ? FLAG_HAS_STATUS : 0));
	r[45] = (uint8_t)f->said;
	uint8_t *p = r + HEAD;
	for (unsigned i = 0; i < NSTRINGS; i++)
		if (present & 1u << i) {
			uint32_t kept = len[i];
			if (cut & 1u << i) { /* rare: a crafted file */
				memcpy(p + 4 + kept, CUT_MARK, sizeof CUT_MARK - 1);
				kept += sizeof CUT_MARK - 1;
			}
			memcpy(p, &kept, 4);
			memcpy(p + 4, v[i], len[i]);
			p += 4 + kept;
		}
	memset(p, 0, (size_t)(r + size - p)); /* the padding: the temporary file holds no stray memory */
	*record = r;
	return size;
}

void fact_store_add(struct fact_store *s, const uint8_t *record, size_t size)
{
	uint64_t seq = s->runs.count;
	uint8_t *r = sorted_runs_add(&s->runs, size);
	memcpy(r + 4, record + 4, size - 4);
	memcpy(r + 24, &seq, 8);
}

void fact_store_finish(struct fact_store *s)
{
	sorted_runs_finish(&s->runs);
}

/* The record into a fact whose strings are copied into `a`. */
static void decode(const uint8_t *r, struct arena *a, struct fact *f)
{
	memset(f, 0, sizeof *f);
	f->event_id = u32(r + 4);
	f->time = (int64_t)u64(r + 8);
	f->record_id = u64(r + 16);
	f->status = u32(r + 32);
	f->substatus = u32(r + 36);
	f->security = r[44] & FLAG_SECURITY;
	f->dc = r[44] & FLAG_DC;
	f->success = r[44] & FLAG_SUCCESS;
	f->has_status = r[44] & FLAG_HAS_STATUS;
	f->said = (enum outcome)r[45];
	uint32_t present = u32(r + 40);
	const uint8_t *p = r + HEAD;
	for (unsigned i = 0; i < NSTRINGS; i++)
		if (present & 1u << i) {
			uint32_t len = u32(p);
			char *v = arena_alloc(a, len + 1);
			memcpy(v, p + 4, len);
			v[len] = 0;
			*(const char **)((char *)f + STRINGS[i]) = v;
			p += 4 + len;
		}
}

/* The buffers, runs and temporary file; the counts stay. */
static void release(struct fact_store *s)
{
	sorted_runs_release(&s->runs);
	free(s->last);
	s->last = NULL;
	s->lastcap = 0;
}

bool fact_store_next(struct fact_store *s, struct arena *a, struct fact *out)
{
	const uint8_t *rec;
	while ((rec = sorted_runs_peek(&s->runs))) {
		bool dup = s->has_last && !cmp_identity(s->last, rec);
		if (!dup) {
			size_t size = u32(rec);
			if (size > s->lastcap) {
				free(s->last);
				s->last = malloc(size);
				if (!s->last)
					abort();
				s->lastcap = size;
			}
			memcpy(s->last, rec, size);
			s->has_last = true;
			decode(rec, a, out);
		}
		sorted_runs_pop(&s->runs);
		if (!dup) {
			s->distinct++;
			return true;
		}
		s->duplicates++;
	}
	release(s); /* every fact is out: its memory goes before what the correlation hands on needs its own */
	return false;
}

void fact_store_free(struct fact_store *s)
{
	release(s);
	memset(s, 0, sizeof *s);
	s->runs.fd = -1;
}
