/* sorted_runs.c: an external merge sort of records (sorted_runs.h): a run buffer sorted through an index and
 * written to an unlinked temporary file when full, the runs merged through a heap, read back a block at a time. */
#include "util/sorted_runs.h"

#include <stdlib.h>
#include <unistd.h>

#include "badcreds/compat.h"
#include "util/vec.h"

enum {
	READ_BLOCK = 64 * 1024,               /* a run on disk is read this much at a time */
	WRITE_BLOCK = 1024 * 1024,
};
static const uint64_t KEEP_FREE = (uint64_t)1 << 30; /* never leave less free in TMPDIR (as the spool) */

struct sorted_run {
	bool memory;                 /* the run still in memory: its sorted index */
	const uint8_t **index;
	size_t i, n;
	uint64_t start, pos, end;    /* on disk: the run's first byte, the next byte to read and the run's end */
	uint8_t *buf;
	size_t len, off, cap;        /* bytes in buf, the current record's offset */
	const uint8_t *cur;          /* the current record, NULL when the run is done */
	bool failed;                 /* could not be read back: empty from then on, its loss counted once */
};

void sorted_runs_init(struct sorted_runs *s, size_t limit, sorted_runs_cmp cmp)
{
	memset(s, 0, sizeof *s);
	s->limit = limit;
	s->cmp = cmp;
	s->fd = -1;
}

static struct sorted_run *new_run(struct sorted_runs *s)
{
	s->runs = vec_grow(s->runs, &s->capruns, s->nruns, sizeof *s->runs);
	struct sorted_run *r = &s->runs[s->nruns++];
	memset(r, 0, sizeof *r);
	return r;
}

/* The run in memory to the temporary file, sorted; false (and no_spill set, the run kept) when that cannot be. */
static bool spill(struct sorted_runs *s)
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
		size_t size = i < s->nindex ? sorted_runs_u32(s->index[i]) : 0;
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
	struct sorted_run *r = new_run(s);
	r->start = r->pos = start;
	r->end = s->file_size = pos;
	s->used = s->nindex = 0;
	return true;
}

/* Merges the sorted ranges [a, m) and [m, e) of `from` into `to`; of equal records, the left one first. */
static void merge(sorted_runs_cmp cmp, const uint8_t **from, const uint8_t **to, size_t a, size_t m, size_t e)
{
	size_t i = a, j = m, k = a;
	while (i < m && j < e)
		to[k++] = cmp(from[j], from[i]) < 0 ? from[j++] : from[i++];
	while (i < m)
		to[k++] = from[i++];
	while (j < e)
		to[k++] = from[j++];
}

/* The run's index in order, stably: a natural merge sort. Records are mostly added in order (a log's records are
 * in time order, but for a few), so the index is cut where it steps back and those ascending stretches are merged
 * pairwise: one pass of n comparisons for an index already in order, n log n at worst. */
static void sort_index(struct sorted_runs *s)
{
	size_t n = s->nindex, nb = 0;
	if (n < 2)
		return;
	const uint8_t **from = s->index, **to = malloc(n * sizeof *to);
	size_t *starts = malloc((n + 1) * sizeof *starts); /* the stretches' first records, then n */
	if (!to || !starts)
		abort();
	starts[nb++] = 0;
	for (size_t i = 1; i < n; i++)
		if (s->cmp(from[i], from[i - 1]) < 0)
			starts[nb++] = i;
	starts[nb] = n;
	while (nb > 1) {
		size_t k = 0;
		for (size_t b = 0; b < nb; b += 2, k++) {
			size_t a = starts[b], m = starts[b + 1], e = b + 2 <= nb ? starts[b + 2] : m;
			merge(s->cmp, from, to, a, m, e);
			starts[k] = a;
		}
		starts[k] = n;
		nb = k;
		const uint8_t **t = from;
		from = to;
		to = t;
	}
	if (from != s->index) { /* the last pass wrote the other array */
		memcpy(s->index, from, n * sizeof *from);
		to = from;
	}
	free(to);
	free(starts);
}

uint8_t *sorted_runs_add(struct sorted_runs *s, size_t size)
{
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
	uint32_t size32 = (uint32_t)size;
	memcpy(r, &size32, 4);
	s->index = vec_grow(s->index, &s->capindex, s->nindex, sizeof *s->index);
	s->index[s->nindex++] = r;
	s->used += size;
	s->count++;
	return r;
}

/* Makes the run's current record whole in its buffer (reading on from the file), or ends the run. */
static void run_load(struct sorted_runs *s, struct sorted_run *r)
{
	if (r->memory) {
		r->cur = r->i < r->n ? r->index[r->i] : NULL;
		return;
	}
	for (r->cur = NULL; !r->failed;) {
		size_t have = r->len - r->off;
		size_t need = have >= 4 ? sorted_runs_u32(r->buf + r->off) : 4;
		if (have >= need && have >= 8) {
			r->cur = r->buf + r->off;
			return;
		}
		if (r->pos == r->end)
			return; /* the run is done (a short tail cannot happen: the run was written whole) */
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
		if (got <= 0) { /* the temporary file failed under us: the rest of this run is lost, and said so once; a
				 * pass read again from the start has no part of it, rather than another part */
			s->lost_bytes += r->end - r->pos;
			r->failed = true;
			return;
		}
		r->len += (size_t)got;
		r->pos += (uint64_t)got;
	}
}

static bool heap_less(const struct sorted_runs *s, struct sorted_run *a, struct sorted_run *b)
{
	return s->cmp(a->cur, b->cur) < 0;
}

static void heap_down(struct sorted_runs *s, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i;
		if (l < s->nheap && heap_less(s, s->heap[l], s->heap[m]))
			m = l;
		if (l + 1 < s->nheap && heap_less(s, s->heap[l + 1], s->heap[m]))
			m = l + 1;
		if (m == i)
			return;
		struct sorted_run *t = s->heap[i];
		s->heap[i] = s->heap[m];
		s->heap[m] = t;
		i = m;
	}
}

void sorted_runs_finish(struct sorted_runs *s)
{
	sort_index(s);
	if (s->nindex && (!s->nruns || s->no_spill || !spill(s))) { /* the last run stays in memory when it is the only
								     * one (or nothing can be written) */
		struct sorted_run *r = new_run(s);
		r->memory = true;
		r->index = s->index;
		r->n = s->nindex;
	} else { /* every run is on disk: the buffer goes before what comes next needs memory */
		free(s->buf);
		free(s->index);
		s->buf = NULL;
		s->index = NULL;
		s->cap = s->capindex = s->nindex = 0;
	}
	s->heap = malloc((s->nruns ? s->nruns : 1) * sizeof *s->heap);
	if (!s->heap)
		abort();
	sorted_runs_rewind(s);
}

void sorted_runs_rewind(struct sorted_runs *s)
{
	s->nheap = 0;
	for (size_t i = 0; i < s->nruns; i++) {
		struct sorted_run *r = &s->runs[i];
		r->i = 0;
		r->pos = r->start;
		r->len = r->off = 0;
		run_load(s, r);
		if (r->cur)
			s->heap[s->nheap++] = r;
	}
	for (size_t i = s->nheap / 2; i-- > 0;)
		heap_down(s, i);
}

const uint8_t *sorted_runs_peek(const struct sorted_runs *s)
{
	return s->nheap ? s->heap[0]->cur : NULL;
}

void sorted_runs_pop(struct sorted_runs *s)
{
	struct sorted_run *r = s->heap[0];
	if (r->memory)
		r->i++;
	else
		r->off += sorted_runs_u32(r->cur);
	run_load(s, r);
	if (!r->cur)
		s->heap[0] = s->heap[--s->nheap];
	if (s->nheap)
		heap_down(s, 0);
}

void sorted_runs_release(struct sorted_runs *s)
{
	for (size_t i = 0; i < s->nruns; i++)
		if (!s->runs[i].memory)
			free(s->runs[i].buf);
	free(s->runs);
	free(s->heap);
	free(s->index);
	free(s->buf);
	if (s->fd >= 0)
		close(s->fd);
	s->runs = NULL;
	s->heap = NULL;
	s->index = NULL;
	s->buf = NULL;
	s->nruns = s->capruns = s->nheap = s->nindex = s->capindex = s->used = s->cap = 0;
	s->file_size = 0;
	s->fd = -1;
}
