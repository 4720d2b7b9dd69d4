/* evtx_file.c: walks one file's records once each: live records as they come, carved records (remembered by
 * position, a few bytes each) after the last chunk, minus copies of live records and of each other. Memory is one
 * chunk plus one range per run of consecutive live EventRecordIDs. */
#include "badcreds/evtx_file.h"

#include <stdlib.h>

/* EventRecordIDs of a file's live records as sorted, merged ranges: one entry per run, not per record. */
struct id_ranges {
	uint64_t (*r)[2];
	size_t n, cap;
};

static void ranges_add(struct id_ranges *s, uint64_t id)
{
	if (s->n && s->r[s->n - 1][1] + 1 == id) {
		s->r[s->n - 1][1] = id;
		return;
	}
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->r = realloc(s->r, s->cap * sizeof *s->r);
		if (!s->r)
			abort();
	}
	s->r[s->n][0] = s->r[s->n][1] = id;
	s->n++;
}

static int cmp_range(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;
	return x[0] < y[0] ? -1 : x[0] > y[0];
}

static void ranges_seal(struct id_ranges *s)
{
	if (s->n > 1)
		qsort(s->r, s->n, sizeof *s->r, cmp_range);
	size_t k = 0;
	for (size_t i = 0; i < s->n; i++) {
		if (k && s->r[i][0] <= s->r[k - 1][1] + 1) {
			if (s->r[i][1] > s->r[k - 1][1])
				s->r[k - 1][1] = s->r[i][1];
		} else {
			s->r[k][0] = s->r[i][0];
			s->r[k][1] = s->r[i][1];
			k++;
		}
	}
	s->n = k;
}

static bool ranges_has(const struct id_ranges *s, uint64_t id)
{
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (id < s->r[mid][0])
			hi = mid;
		else if (id > s->r[mid][1])
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

/* A carved record waiting for the end of its file. */
struct carved {
	uint64_t slot, id;
	uint32_t offset;
	bool damaged;
};

struct carved_list {
	struct carved *v;
	size_t n, cap;
};

static void carved_add(struct carved_list *l, const struct evtx_chunk *c, const struct evtx_record *rec)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = realloc(l->v, l->cap * sizeof *l->v);
		if (!l->v)
			abort();
	}
	l->v[l->n++] = (struct carved){.slot = c->slot, .id = rec->id, .offset = rec->offset, .damaged = rec->damaged};
}

static int cmp_carved_id(const void *a, const void *b)
{
	const struct carved *x = a, *y = b;
	return x->id < y->id ? -1 : x->id > y->id;
}

static int cmp_carved_pos(const void *a, const void *b)
{
	const struct carved *x = a, *y = b;
	if (x->slot != y->slot)
		return x->slot < y->slot ? -1 : 1;
	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* Drops carved copies of live records and of each other; what remains is sorted by position. */
static void carved_dedup(struct carved_list *l, const struct id_ranges *live, unsigned long *dropped)
{
	if (l->n > 1)
		qsort(l->v, l->n, sizeof *l->v, cmp_carved_id);
	size_t k = 0;
	for (size_t i = 0; i < l->n; i++) {
		if (ranges_has(live, l->v[i].id) || (k && l->v[k - 1].id == l->v[i].id)) {
			(*dropped)++;
			continue;
		}
		l->v[k++] = l->v[i];
	}
	l->n = k;
	if (l->n > 1)
		qsort(l->v, l->n, sizeof *l->v, cmp_carved_pos);
}

bool evtx_file_records(int fd, const char *name, struct evtx_chunk *c, struct diag *d, evtx_record_fn fn,
		       void *ctx, struct evtx_file_stats *stats)
{
	struct evtx_reader r;
	if (!evtx_reader_open(&r, fd, name, d))
		return false;
	struct id_ranges live = {0};
	struct carved_list carved = {0};
	bool any_chunk = false;
	while (evtx_reader_next_chunk(&r, c)) {
		any_chunk = true;
		struct evtx_record_iter it;
		struct evtx_record rec;
		evtx_record_iter_begin(c, &it);
		while (evtx_chunk_next_record(c, &it, &rec, d)) {
			if (rec.recovered) {
				carved_add(&carved, c, &rec);
				continue;
			}
			ranges_add(&live, rec.id);
			stats->live++;
			fn(ctx, c, &rec);
		}
	}
	if (!any_chunk && !r.header_valid)
		diag_report(d, DIAG_ERROR, DIAG_NO_OFFSET, "not an EVTX file: no header and no chunk");
	ranges_seal(&live);
	carved_dedup(&carved, &live, &stats->carved_duplicates);
	uint64_t loaded = UINT64_MAX;
	for (size_t i = 0; i < carved.n; i++) {
		const struct carved *k = &carved.v[i];
		struct evtx_record rec;
		if (k->slot != loaded) {
			if (!evtx_reader_load_chunk(&r, k->slot, c))
				continue;
			loaded = k->slot;
		}
		if (!evtx_chunk_record_at(c, k->offset, k->damaged, &rec))
			continue;
		rec.recovered = true;
		stats->carved++;
		fn(ctx, c, &rec);
	}
	free(carved.v);
	free(live.r);
	return any_chunk || r.header_valid;
}
