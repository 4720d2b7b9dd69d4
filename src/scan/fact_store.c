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

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "badcreds/compat.h"
#include "util/vec.h"

enum {
	HEAD = 48,
	FLAG_SECURITY = 1, FLAG_DC = 2, FLAG_SUCCESS = 4, FLAG_HAS_STATUS = 8,
	READ_BLOCK = 64 * 1024,               /* a run on disk is read this much at a time */
	WRITE_BLOCK = 1024 * 1024,
};
static const size_t DEFAULT_LIMIT = (size_t)32 << 20;
static const uint64_t KEEP_FREE = (uint64_t)1 << 30; /* never leave less free in TMPDIR (as the spool) */

#define S(field) offsetof(struct fact, field)
/* The strings of a fact, server first (it orders facts of the same time). */
static const size_t STRINGS[] = {S(server), S(activity), S(instance), S(user), S(user_guess), S(token_type), S(ips),
				 S(forwarded), S(client_ip), S(proxy), S(endpoint), S(user_agent), S(client_app),
				 S(relying_party), S(failure_type), S(failure_reason), S(caller), S(source),
				 S(rendered)};
#undef S
enum { NSTRINGS = sizeof STRINGS / sizeof STRINGS[0] };

struct fact_run {
	bool memory;                 /* the run still in memory: its sorted index */
	const uint8_t **index;
	size_t i, n;
	uint64_t pos, end;           /* on disk: the next byte to read and the run's end */
	uint8_t *buf;
	size_t len, off, cap;        /* bytes in buf, the current record's offset */
	const uint8_t *cur;          /* the current record, NULL when the run is done */
};

static uint32_t u32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t u64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

void fact_store_init(struct fact_store *s, size_t limit)
{
	memset(s, 0, sizeof *s);
	const char *env = getenv("BADCREDS_FACT_RUN_BYTES");
	if (env && *env)
		limit = (size_t)strtoull(env, NULL, 10);
	s->limit = limit ? limit : DEFAULT_LIMIT;
	s->fd = -1;
}

static size_t record_size(const struct fact *f, uint32_t *present)
{
	size_t n = HEAD;
	*present = 0;
	for (unsigned i = 0; i < NSTRINGS; i++) {
		const char *v = *(const char *const *)((const char *)f + STRINGS[i]);
		if (v) {
			*present |= 1u << i;
			n += 4 + strlen(v);
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
	int c = memcmp(sx, sy, lx < ly ? lx : ly);
	if (c || lx != ly)
		return c ? c : lx < ly ? -1 : 1;
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

static int cmp_index(const void *a, const void *b)
{
	return cmp_records(*(const uint8_t *const *)a, *(const uint8_t *const *)b);
}

static struct fact_run *new_run(struct fact_store *s)
{
	if (s->nruns == s->capruns) {
		s->capruns = s->capruns ? 2 * s->capruns : 16;
		s->runs = realloc(s->runs, s->capruns * sizeof *s->runs);
		if (!s->runs)
			abort();
	}
	struct fact_run *r = &s->runs[s->nruns++];
	memset(r, 0, sizeof *r);
	return r;
}

/* The run in memory to the temporary file, sorted; false (and no_spill set, the run kept) when that cannot be. */
static bool spill(struct fact_store *s)
{
	if (s->fd < 0 && (s->fd = bc_tempfile()) < 0) {
		s->spill_error = "cannot create a temporary file";
		return s->no_spill = true, false;
	}
	if (bc_free_space(s->fd) < s->used + KEEP_FREE) {
		s->spill_error = "less than 1 GiB would be left free";
		return s->no_spill = true, false;
	}
	uint8_t *block = malloc(WRITE_BLOCK);
	if (!block)
		abort();
	uint64_t start = s->file_size, pos = start;
	size_t fill = 0;
	bool ok = true;
	for (size_t i = 0; i <= s->nindex && ok; i++) {
		size_t size = i < s->nindex ? u32(s->index[i]) : 0;
		if (fill && (i == s->nindex || fill + size > WRITE_BLOCK)) {
			ok = bc_pwrite(s->fd, block, fill, pos) == (long)fill;
			pos += fill;
			fill = 0;
		}
		if (i == s->nindex || !ok)
			break;
		if (size > WRITE_BLOCK) { /* a record larger than the block (a huge rendered event) goes alone */
			ok = bc_pwrite(s->fd, s->index[i], size, pos) == (long)size;
			pos += size;
			continue;
		}
		memcpy(block + fill, s->index[i], size);
		fill += size;
	}
	free(block);
	if (!ok) {
		s->spill_error = "cannot write the temporary file";
		return s->no_spill = true, false;
	}
	struct fact_run *r = new_run(s);
	r->pos = start;
	r->end = s->file_size = pos;
	s->used = s->nindex = 0;
	return true;
}

static void sort_index(struct fact_store *s)
{
	if (s->nindex > 1)
		qsort(s->index, s->nindex, sizeof *s->index, cmp_index);
}

void fact_store_add(struct fact_store *s, const struct fact *f)
{
	uint32_t present;
	size_t size = record_size(f, &present);
	if (s->used + size > s->limit && s->nindex && !s->no_spill) {
		sort_index(s);
		spill(s);
	}
	if (s->used + size > s->cap) {
		size_t cap = s->cap ? s->cap : 64 * 1024;
		while (cap < s->used + size)
			cap *= 2;
		uint8_t *bigger = realloc(s->buf, cap);
		if (!bigger)
			abort();
		for (size_t i = 0; i < s->nindex; i++) /* the index points into the buffer */
			s->index[i] = bigger + (s->index[i] - s->buf);
		s->buf = bigger;
		s->cap = cap;
	}
	uint8_t *r = s->buf + s->used;
	memset(r, 0, HEAD);
	uint32_t size32 = (uint32_t)size, status = f->status, substatus = f->substatus;
	uint64_t record_id = f->record_id, seq = s->seq++;
	memcpy(r, &size32, 4);
	memcpy(r + 4, &f->event_id, 4);
	memcpy(r + 8, &f->time, 8);
	memcpy(r + 16, &record_id, 8);
	memcpy(r + 24, &seq, 8);
	memcpy(r + 32, &status, 4);
	memcpy(r + 36, &substatus, 4);
	memcpy(r + 40, &present, 4);
	r[44] = (uint8_t)((f->security ? FLAG_SECURITY : 0) | (f->dc ? FLAG_DC : 0) | (f->success ? FLAG_SUCCESS : 0) |
			  (f->has_status ? FLAG_HAS_STATUS : 0));
	r[45] = (uint8_t)f->said;
	uint8_t *p = r + HEAD;
	for (unsigned i = 0; i < NSTRINGS; i++)
		if (present & 1u << i) {
			const char *v = *(const char *const *)((const char *)f + STRINGS[i]);
			uint32_t len = (uint32_t)strlen(v);
			memcpy(p, &len, 4);
			memcpy(p + 4, v, len);
			p += 4 + len;
		}
	memset(p, 0, (size_t)(r + size - p)); /* the padding: the temporary file holds no stray memory */
	s->index = vec_grow(s->index, &s->capindex, s->nindex, sizeof *s->index);
	s->index[s->nindex++] = r;
	s->used += size;
}

/* Makes the run's current record whole in its buffer (reading on from the file), or ends the run. */
static void run_load(struct fact_store *s, struct fact_run *r)
{
	if (r->memory) {
		r->cur = r->i < r->n ? r->index[r->i] : NULL;
		return;
	}
	for (;;) {
		size_t have = r->len - r->off;
		size_t need = have >= 4 ? u32(r->buf + r->off) : 4;
		if (have >= need && have >= HEAD) {
			r->cur = r->buf + r->off;
			return;
		}
		if (r->pos == r->end) {
			r->cur = NULL; /* the run is done (a short tail cannot happen: the run was written whole) */
			return;
		}
		if (have && r->off)
			memmove(r->buf, r->buf + r->off, have);
		r->len = have;
		r->off = 0;
		size_t want = need > READ_BLOCK ? need : READ_BLOCK;
		if (want > r->cap) {
			r->buf = realloc(r->buf, want);
			if (!r->buf)
				abort();
			r->cap = want;
		}
		size_t n = r->cap - r->len;
		if (n > r->end - r->pos)
			n = (size_t)(r->end - r->pos);
		long got = bc_pread(s->fd, r->buf + r->len, n, r->pos);
		if (got <= 0) { /* the temporary file failed under us: what is left of this run is lost, and said so */
			s->lost_bytes += r->end - r->pos;
			r->pos = r->end;
			r->cur = NULL;
			return;
		}
		r->len += (size_t)got;
		r->pos += (uint64_t)got;
	}
}

static void run_advance(struct fact_store *s, struct fact_run *r)
{
	if (r->memory)
		r->i++;
	else
		r->off += u32(r->cur);
	run_load(s, r);
}

static bool heap_less(struct fact_run *a, struct fact_run *b) { return cmp_records(a->cur, b->cur) < 0; }

static void heap_down(struct fact_store *s, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i;
		if (l < s->nheap && heap_less(s->heap[l], s->heap[m]))
			m = l;
		if (l + 1 < s->nheap && heap_less(s->heap[l + 1], s->heap[m]))
			m = l + 1;
		if (m == i)
			return;
		struct fact_run *t = s->heap[i];
		s->heap[i] = s->heap[m];
		s->heap[m] = t;
		i = m;
	}
}

void fact_store_finish(struct fact_store *s)
{
	sort_index(s);
	if (s->nindex && (!s->nruns || !spill(s))) { /* the last run stays in memory when it is the only one */
		struct fact_run *r = new_run(s);
		r->memory = true;
		r->index = s->index;
		r->n = s->nindex;
	} else { /* every run is on disk: the buffer goes before the correlation needs memory */
		free(s->buf);
		free(s->index);
		s->buf = NULL;
		s->index = NULL;
		s->cap = s->capindex = 0;
	}
	s->heap = malloc((s->nruns ? s->nruns : 1) * sizeof *s->heap);
	if (!s->heap)
		abort();
	for (size_t i = 0; i < s->nruns; i++) {
		run_load(s, &s->runs[i]);
		if (s->runs[i].cur)
			s->heap[s->nheap++] = &s->runs[i];
	}
	for (size_t i = s->nheap / 2; i-- > 0;)
		heap_down(s, i);
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
	for (size_t i = 0; i < s->nruns; i++)
		if (!s->runs[i].memory)
			free(s->runs[i].buf);
	free(s->runs);
	free(s->heap);
	free(s->index);
	free(s->buf);
	free(s->last);
	if (s->fd >= 0)
		close(s->fd);
	s->runs = NULL;
	s->heap = NULL;
	s->index = NULL;
	s->buf = s->last = NULL;
	s->nruns = s->capruns = s->nheap = s->nindex = s->capindex = s->used = s->cap = s->lastcap = 0;
	s->fd = -1;
}

bool fact_store_next(struct fact_store *s, struct arena *a, struct fact *out)
{
	while (s->nheap) {
		struct fact_run *r = s->heap[0];
		const uint8_t *rec = r->cur;
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
		run_advance(s, r);
		if (!r->cur)
			s->heap[0] = s->heap[--s->nheap];
		if (s->nheap)
			heap_down(s, 0);
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
	s->fd = -1;
}
