/* evtx_file.c: reads one file's records once each. The calling thread hands out jobs of EVTX_JOB_CHUNKS chunk
 * slots in order; workers load those chunks (each worker copies its own, so they are still in its cache) and run the
 * caller's record callback on their records; the calling thread commits finished jobs in file order (their
 * messages, output and results), so the output is the same with any number of threads. The workers are started by
 * the first file that has work for them and kept for the files after it (the crew). Carved records are
 * remembered by position (a few bytes each) and handled after the last chunk, minus copies of live records and of
 * each other. Memory is threads + 2 jobs of EVTX_JOB_CHUNKS chunks (one job without threads), plus one range per
 * run of consecutive live EventRecordIDs. */
#include "evtx/evtx_file.h"
#include "badcreds/compat.h"
#include "badcreds/progress.h"
#include "util/vec.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* EventRecordIDs of a file's live records as sorted, merged ranges: one entry per run, not per record. */
struct id_ranges {
	uint64_t (*r)[2];
	size_t n, cap;
};

/* A carved record waiting for the end of its file. */
struct carved {
	uint64_t slot, id;
	uint32_t offset;
	bool damaged;
};

/* Where each template id of the file was first defined: the definitions carved records may need when their own
 * chunk no longer holds them. */
struct template_site {
	uint32_t id;
	uint32_t def_off;
	uint64_t slot;
};

struct template_sites {
	struct template_site *v;   /* open addressing on id; id 0 = empty */
	size_t cap, n;
};

struct carved_list {
	struct carved *v;
	size_t n, cap;
};

enum job_status { JOB_FREE, JOB_QUEUED, JOB_BUSY, JOB_DONE };

struct evtx_job_state {
	enum job_status status;
	uint64_t seq;
	uint64_t slots[EVTX_JOB_CHUNKS]; /* the chunks to load */
	unsigned nslots;
	struct strbuf messages;
	struct id_ranges live;     /* this chunk's live IDs, merged into the file's at commit */
	unsigned long nlive;
	uint64_t first_written, last_written;
	struct carved_list carved;
	struct evtx_zero_slots zero; /* of the slots loaded */
};

void evtx_job_push(struct evtx_job *job, void *item)
{
	job->items = vec_grow(job->items, &job->capitems, job->nitems, sizeof *job->items);
	job->items[job->nitems++] = item;
}

static void ranges_add(struct id_ranges *s, uint64_t lo, uint64_t hi)
{
	if (s->n && s->r[s->n - 1][1] + 1 == lo) {
		s->r[s->n - 1][1] = hi;
		return;
	}
	s->r = vec_grow(s->r, &s->cap, s->n, sizeof *s->r);
	s->r[s->n][0] = lo;
	s->r[s->n][1] = hi;
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

static void carved_add(struct carved_list *l, const struct carved *k)
{
	l->v = vec_grow(l->v, &l->cap, l->n, sizeof *l->v);
	l->v[l->n++] = *k;
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

static struct template_site *site_slot(struct template_sites *t, uint32_t id)
{
	size_t mask = t->cap - 1, i = (id * 2654435761u) & mask;
	while (t->v[i].id && t->v[i].id != id)
		i = (i + 1) & mask;
	return &t->v[i];
}

static void sites_add(struct template_sites *t, uint32_t id, uint64_t slot, uint32_t def_off)
{
	if (!id)
		return;
	if (2 * (t->n + 1) > t->cap) {
		struct template_sites bigger = {.cap = t->cap ? 2 * t->cap : 256};
		bigger.v = calloc(bigger.cap, sizeof *bigger.v);
		if (!bigger.v)
			abort();
		for (size_t i = 0; i < t->cap; i++)
			if (t->v[i].id)
				*site_slot(&bigger, t->v[i].id) = t->v[i];
		bigger.n = t->n;
		free(t->v);
		*t = bigger;
	}
	struct template_site *s = site_slot(t, id);
	if (!s->id) {
		*s = (struct template_site){.id = id, .def_off = def_off, .slot = slot};
		t->n++;
	}
}

/* The template definitions a chunk's template table lists (offsets and ids only: nothing is compiled here). */
static void index_templates(struct template_sites *t, const struct evtx_chunk *c)
{
	if (!c->header_valid)
		return;
	struct bx_template_table_iter it;
	uint32_t def_off, id;
	for (bx_template_table_begin(&it, &c->bx); bx_template_table_next(&it, &def_off, &id);)
		sites_add(t, id, c->slot, def_off);
}

static int cmp_site_slot(const void *a, const void *b)
{
	const struct template_site *x = a, *y = b;
	return x->slot < y->slot ? -1 : x->slot > y->slot;
}

bool evtx_job_decoded(struct evtx_job *job, const struct evtx_record *rec, enum evtx_decoded how, const char *err,
		      uint64_t err_off)
{
	if (how == EVTX_REMNANT)
		job->carved_unreadable++;
	if (how == EVTX_UNREADABLE) {
		diag_report(&job->diag, DIAG_ERROR, err_off, "record %" PRIu64 " skipped: %s", rec->id, err);
		job->diag.skipped_records++;
	}
	return how == EVTX_DECODED;
}

void evtx_job_cut(struct evtx_job *job, const struct evtx_record *rec, uint64_t offset)
{
	diag_report(&job->diag, DIAG_ERROR, offset, "record %" PRIu64 " cut: its template repeats values beyond what a "
		    "record (%d MiB) or a chunk (%d MiB) may expand to", rec->id, BX_RECORD_BUDGET >> 20,
		    BX_CHUNK_BUDGET >> 20);
}

/* Widens [*first, *last] to take t (0 = none yet). */
static void widen(uint64_t *first, uint64_t *last, uint64_t t)
{
	if (!t)
		return;
	if (!*first || t < *first)
		*first = t;
	if (t > *last)
		*last = t;
}

/* Clears what the previous chunk left in the job. */
static void job_reset(struct evtx_job *job)
{
	job->nchunks = 0;
	job->state->nslots = 0;
	arena_reset(&job->arena);
	job->text.len = 0;
	job->nitems = 0;
	job->records = job->written = job->written_recovered = job->carved_unreadable = 0;
	struct diag fresh = {.buffer = &job->state->messages};
	job->diag = fresh;
	job->state->messages.len = 0;
	job->state->live.n = 0;
	job->state->nlive = 0;
	job->state->zero = (struct evtx_zero_slots){0, UINT64_MAX};
	job->state->first_written = job->state->last_written = 0;
	job->state->carved.n = 0;
}

/* A worker's part: check a chunk and walk its records. */
static void chunk_run(struct evtx_job *job, struct evtx_chunk *c, const struct evtx_file_ops *ops, void *ctx)
{
	struct evtx_record_iter it;
	struct evtx_record rec;
	if (!ops->verify_when_used)
		evtx_chunk_verify(c, &job->diag);
	evtx_record_iter_begin(c, &it);
	while (evtx_chunk_next_record(c, &it, &rec, &job->diag)) {
		if (rec.recovered) {
			struct carved k = {.slot = c->slot, .id = rec.id, .offset = rec.offset, .damaged = rec.damaged};
			carved_add(&job->state->carved, &k);
			continue;
		}
		ranges_add(&job->state->live, rec.id, rec.id);
		job->state->nlive++;
		widen(&job->state->first_written, &job->state->last_written, rec.written_time);
		ops->record(ctx, job, c, &rec);
	}
}

enum { MAX_WORKERS = 64 }; /* worker threads, whatever the number of cores */

struct pipeline {
	const struct evtx_reader *reader;
	const struct evtx_file_ops *ops;
	void *ctx;
	struct evtx_job *jobs;
	unsigned njobs;
	bool threaded;             /* the crew runs its jobs: job states are guarded by the crew's lock */
	/* the file's state, touched only by the calling thread */
	struct bx_store *store;    /* the file's templates, shared by every chunk of every job */
	struct diag *diag;
	struct id_ranges live;
	struct carved_list carved;
	struct template_sites sites;
	unsigned long carved_unreadable;
	struct evtx_zero_slots zero;  /* inside the log, loaded or jumped over as holes */
	uint64_t chunks;           /* chunks that held anything */
	uint64_t max_last_id;      /* the highest last EventRecordID of a chunk header */
	struct evtx_file_stats *stats;
	uint64_t next_commit;
};

/* The worker threads of the run: started by the first file that has work for them, kept for the files after it
 * (starting and stopping threads for each file made a folder of small logs slower with two threads than with one),
 * stopped by evtx_workers_end (once every SOURCE is read, and at exit). They run the queued jobs of one file at a
 * time, `p`. */
static struct crew {
	pthread_mutex_t lock;
	pthread_cond_t work, done;
	struct pipeline *p;        /* the file whose jobs they run; NULL between files */
	pthread_t threads[MAX_WORKERS];
	unsigned n;
	bool stop;
} crew = {.lock = PTHREAD_MUTEX_INITIALIZER, .work = PTHREAD_COND_INITIALIZER, .done = PTHREAD_COND_INITIALIZER};

/* A worker's part: load the job's chunks and walk them (all-zero slots load nothing). */
static void job_run(struct pipeline *p, struct evtx_job *job)
{
	for (unsigned i = 0; i < job->state->nslots; i++) {
		struct evtx_chunk *c = &job->chunks[job->nchunks];
		if (evtx_reader_load(p->reader, job->state->slots[i], c, &job->diag, false)) {
			job->nchunks++;
			chunk_run(job, c, p->ops, p->ctx);
		} else if (c->all_zero) {
			uint64_t slot = job->state->slots[i];
			evtx_reader_zero_slots(p->reader, slot, slot + 1, &job->state->zero);
		}
	}
}

static void *worker(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&crew.lock);
	for (;;) {
		struct pipeline *p = crew.p;
		struct evtx_job *job = NULL;
		for (unsigned i = 0; p && i < p->njobs; i++)
			if (p->jobs[i].state->status == JOB_QUEUED && (!job || p->jobs[i].state->seq < job->state->seq))
				job = &p->jobs[i];
		if (!job) {
			if (crew.stop)
				break;
			pthread_cond_wait(&crew.work, &crew.lock);
			continue;
		}
		job->state->status = JOB_BUSY;
		pthread_mutex_unlock(&crew.lock);
		job_run(p, job);
		pthread_mutex_lock(&crew.lock);
		job->state->status = JOB_DONE;
		pthread_cond_broadcast(&crew.done);
	}
	pthread_mutex_unlock(&crew.lock);
	return NULL;
}

void evtx_workers_end(void)
{
	pthread_mutex_lock(&crew.lock);
	crew.stop = true;
	pthread_cond_broadcast(&crew.work);
	pthread_mutex_unlock(&crew.lock);
	for (unsigned i = 0; i < crew.n; i++)
		pthread_join(crew.threads[i], NULL);
	pthread_mutex_lock(&crew.lock);
	crew.n = 0;
	crew.stop = false; /* a later file starts them again */
	pthread_mutex_unlock(&crew.lock);
}

/* The calling thread's part, in file order: messages, live IDs, carved positions, the caller's commit. */
static void job_commit(struct pipeline *p, struct evtx_job *job)
{
	diag_merge(p->diag, &job->diag);
	p->zero.n += job->state->zero.n;
	p->zero.first = job->state->zero.first < p->zero.first ? job->state->zero.first : p->zero.first;
	for (size_t i = 0; i < job->state->live.n; i++)
		ranges_add(&p->live, job->state->live.r[i][0], job->state->live.r[i][1]);
	for (size_t i = 0; i < job->state->carved.n; i++)
		carved_add(&p->carved, &job->state->carved.v[i]);
	p->stats->live += job->state->nlive;
	for (unsigned i = 0; i < job->nchunks; i++)
		if (job->chunks[i].header_valid && job->chunks[i].header.last_id > p->max_last_id)
			p->max_last_id = job->chunks[i].header.last_id;
	widen(&p->stats->first_written, &p->stats->last_written, job->state->first_written);
	widen(&p->stats->first_written, &p->stats->last_written, job->state->last_written);
	p->chunks += job->nchunks;
	p->carved_unreadable += job->carved_unreadable;
	for (unsigned i = 0; i < job->nchunks; i++)
		index_templates(&p->sites, &job->chunks[i]);
	p->ops->commit(p->ctx, job);
	if (job->nchunks)
		progress_update(job->chunks[job->nchunks - 1].file_offset + job->chunks[job->nchunks - 1].len);
}

/* Job states are shared with the workers: read and written under the lock once workers run. */
static void lock(struct pipeline *p)
{
	if (p->threaded)
		pthread_mutex_lock(&crew.lock);
}

static void unlock(struct pipeline *p)
{
	if (p->threaded)
		pthread_mutex_unlock(&crew.lock);
}

/* Commits every finished job that is next in order; with `wait`, waits for the next one first. */
static void commit_ready(struct pipeline *p, bool wait)
{
	for (;;) {
		struct evtx_job *next = NULL;
		lock(p);
		for (unsigned i = 0; i < p->njobs; i++)
			if (p->jobs[i].state->status != JOB_FREE && p->jobs[i].state->seq == p->next_commit)
				next = &p->jobs[i];
		while (p->threaded && wait && next && next->state->status != JOB_DONE)
			pthread_cond_wait(&crew.done, &crew.lock);
		bool ready = next && next->state->status == JOB_DONE;
		unlock(p);
		if (!ready)
			return;
		job_commit(p, next);
		lock(p);
		next->state->status = JOB_FREE;
		unlock(p);
		p->next_commit++;
		wait = false;
	}
}

static struct evtx_job *free_job(struct pipeline *p)
{
	for (;;) {
		struct evtx_job *job = NULL;
		lock(p);
		for (unsigned i = 0; i < p->njobs && !job; i++)
			if (p->jobs[i].state->status == JOB_FREE)
				job = &p->jobs[i];
		unlock(p);
		if (job)
			return job;
		commit_ready(p, true);
	}
}

/* One job per worker, one being loaded and one being committed (a single job without workers); every chunk
 * compiles its templates into the file's store. */
static void jobs_create(struct pipeline *p, const char *name, unsigned threads)
{
	p->njobs = threads > 1 ? threads + 2 : 1;
	p->jobs = calloc(p->njobs, sizeof *p->jobs);
	if (!p->jobs)
		abort();
	p->store = bx_store_new();
	for (unsigned i = 0; i < p->njobs; i++) {
		p->jobs[i].state = calloc(1, sizeof *p->jobs[i].state);
		if (!p->jobs[i].state)
			abort();
		p->jobs[i].source = name;
		for (unsigned k = 0; k < EVTX_JOB_CHUNKS; k++) {
			evtx_chunk_init(&p->jobs[i].chunks[k]);
			p->jobs[i].chunks[k].store = p->store;
		}
	}
}

/* The crew takes the file's jobs, grown to `threads` workers (none for 1); when it has none, or runs another
 * file's, the calling thread runs every job itself. */
static void workers_start(struct pipeline *p, unsigned threads)
{
	if (threads <= 1)
		return;
	pthread_mutex_lock(&crew.lock);
	if (!crew.p) {
		static bool at_exit;
		if (!at_exit)
			at_exit = atexit(evtx_workers_end) == 0;
		for (; crew.n < threads && crew.n < MAX_WORKERS; crew.n++)
			if (pthread_create(&crew.threads[crew.n], NULL, worker, NULL) != 0)
				break;
		if (crew.n) {
			crew.p = p;
			p->threaded = true; /* before the first job is queued */
		}
	}
	pthread_mutex_unlock(&crew.lock);
}

/* The calling thread's loop over the file's chunks: fills a free job with the next chunk slots of r (the pipeline's
 * reader) and queues it for the workers (or runs it, without them), committing finished jobs in file order as it
 * goes, then the last ones. */
static void read_live_chunks(struct pipeline *p, struct evtx_reader *r)
{
	uint64_t seq = 0, expect = 0; /* the slot after the last one handed out: any before the next are a hole */
	for (;;) {
		struct evtx_job *job = free_job(p);
		job_reset(job);
		struct evtx_job_state *s = job->state;
		while (s->nslots < EVTX_JOB_CHUNKS && evtx_reader_next_slot(r, &s->slots[s->nslots])) {
			evtx_reader_zero_slots(r, expect, s->slots[s->nslots], &p->zero);
			expect = s->slots[s->nslots++] + 1;
		}
		if (s->nslots == 0)
			break;
		s->seq = seq++;
		if (!p->threaded) {
			s->status = JOB_DONE;
			job_run(p, job);
			commit_ready(p, false);
			continue;
		}
		pthread_mutex_lock(&crew.lock);
		s->status = JOB_QUEUED;
		pthread_cond_signal(&crew.work);
		pthread_mutex_unlock(&crew.lock);
		commit_ready(p, false);
	}
	while (p->next_commit < seq)
		commit_ready(p, true);
	evtx_reader_zero_slots(r, expect, r->nslots, &p->zero); /* a hole up to the end */
	evtx_reader_check_end(r, &p->zero, p->diag);
}

/* Every job is committed (no worker runs one): the crew lets go of the file. */
static void workers_stop(struct pipeline *p)
{
	if (!p->threaded)
		return;
	pthread_mutex_lock(&crew.lock);
	crew.p = NULL;
	pthread_mutex_unlock(&crew.lock);
	p->threaded = false;
}

/* Where the file defines the templates the store lacks, in chunk order; *n of them. */
static struct template_site *missing_templates(const struct pipeline *p, size_t *n)
{
	struct template_site *missing = calloc(p->sites.n + 1, sizeof *missing);
	if (!missing)
		abort();
	*n = 0;
	for (size_t i = 0; i < p->sites.cap; i++)
		if (p->sites.v[i].id && !bx_store_has(p->store, p->sites.v[i].id))
			missing[(*n)++] = p->sites.v[i];
	if (*n > 1)
		qsort(missing, *n, sizeof *missing, cmp_site_slot);
	return missing;
}

/* Carved records may instantiate templates (their own or nested EventData ones) that their chunk lost and that no
 * decoded record brought into the store: compiles every template of the file the store lacks, a chunk at a time. */
static void backfill_templates(struct pipeline *p)
{
	if (!p->carved.n)
		return;
	struct evtx_job *job = &p->jobs[0];
	size_t nmissing;
	struct template_site *missing = missing_templates(p, &nmissing);
	for (size_t i = 0; i < nmissing;) {
		uint64_t slot = missing[i].slot;
		job_reset(job);
		bool loaded = evtx_reader_load(p->reader, slot, &job->chunks[0], p->diag, true);
		for (; i < nmissing && missing[i].slot == slot; i++) {
			const char *err;
			if (loaded)
				bx_template_at(&job->chunks[0].bx, missing[i].def_off, &err); /* into the store, or none */
		}
	}
	free(missing);
}

/* The highest EventRecordID a carved record may have (0: unknown): one far beyond every header's (with a margin
 * for headers a dirty file has not updated) is overwritten data, not a record. */
static uint64_t carved_id_limit(const struct pipeline *p)
{
	const struct evtx_reader *r = p->reader;
	uint64_t max_id = r->header_valid && r->header.next_record_id > p->max_last_id ? r->header.next_record_id :
			  p->max_last_id;
	return max_id ? max_id + 1000000 : 0;
}

/* The carved records of one chunk, from p->carved.v[first] on, run and committed like a job of that chunk;
 * returns the index of the next chunk's first. */
static size_t read_carved_chunk(struct pipeline *p, size_t first, uint64_t max_record_id)
{
	struct evtx_job *job = &p->jobs[0];
	uint64_t slot = p->carved.v[first].slot;
	job_reset(job);
	struct evtx_chunk *c = &job->chunks[0];
	bool loaded = evtx_reader_load(p->reader, slot, c, &job->diag, true);
	c->max_record_id = max_record_id;
	size_t i = first;
	for (; i < p->carved.n && p->carved.v[i].slot == slot; i++) {
		struct evtx_record rec;
		if (!loaded || !evtx_chunk_record_at(c, p->carved.v[i].offset, p->carved.v[i].damaged, &rec))
			continue;
		rec.recovered = true;
		p->stats->carved++;
		p->ops->record(p->ctx, job, c, &rec);
	}
	diag_merge(p->diag, &job->diag);
	p->ops->commit(p->ctx, job);
	p->carved_unreadable += job->carved_unreadable;
	return i;
}

/* Carved records, chunk by chunk, on the calling thread; then the remnants left out, in one note. */
static void read_carved_records(struct pipeline *p)
{
	uint64_t max_record_id = carved_id_limit(p);
	for (size_t i = 0; i < p->carved.n;)
		i = read_carved_chunk(p, i, max_record_id);
	if (p->carved_unreadable)
		diag_report(p->diag, DIAG_NOTE, DIAG_NO_OFFSET, "%lu carved remnant%s left out: overwritten data that "
			    "does not decode (its template is gone) or holds no plausible record", p->carved_unreadable,
			    p->carved_unreadable == 1 ? "" : "s");
}

/* Frees the jobs, the template store and the file's live IDs, carved positions and template sites. */
static void pipeline_free(struct pipeline *p)
{
	for (unsigned i = 0; i < p->njobs; i++) {
		for (unsigned k = 0; k < EVTX_JOB_CHUNKS; k++)
			evtx_chunk_free(&p->jobs[i].chunks[k]);
		arena_free(&p->jobs[i].arena);
		sb_free(&p->jobs[i].text);
		free(p->jobs[i].items);
		sb_free(&p->jobs[i].state->messages);
		free(p->jobs[i].state->live.r);
		free(p->jobs[i].state->carved.v);
		free(p->jobs[i].state);
	}
	free(p->jobs);
	bx_store_free(p->store);
	free(p->live.r);
	free(p->carved.v);
	free(p->sites.v);
}

bool evtx_file_read(int fd, const char *name, const struct evtx_growing *growing, unsigned threads, struct diag *d,
		    const struct evtx_file_ops *ops, void *ctx, struct evtx_file_stats *stats)
{
	struct evtx_reader r;
	if (!evtx_reader_open(&r, fd, name, growing, d))
		return false;
	progress_file(name, growing ? 0 : r.size);
	struct pipeline p = {.reader = &r, .ops = ops, .ctx = ctx, .diag = d, .stats = stats, .zero = {0, UINT64_MAX}};
	/* A file of one job is read on the calling thread: a worker could only run that job while this thread waits,
	 * and starting and stopping workers for each file made a folder of small logs slower with two threads than
	 * with one. */
	if (!growing && r.size <= EVTX_FILE_HEADER_BLOCK + (uint64_t)EVTX_JOB_CHUNKS * EVTX_CHUNK_SIZE)
		threads = 1;
	jobs_create(&p, name, threads);
	workers_start(&p, threads);
	read_live_chunks(&p, &r);
	workers_stop(&p);
	if (!p.chunks && !r.header_valid)
		diag_report(d, DIAG_ERROR, DIAG_NO_OFFSET, "not an EVTX file: no header and no chunk");
	ranges_seal(&p.live);
	carved_dedup(&p.carved, &p.live, &stats->carved_duplicates);
	backfill_templates(&p);
	read_carved_records(&p);
	pipeline_free(&p);
	progress_clear();
	return p.chunks || r.header_valid;
}
