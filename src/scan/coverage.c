/* coverage.c: the tally behind `badcreds coverage`: every record counted per computer and log from its peek, on the
 * reader's worker threads (one lock around a few additions), its time kept in buckets as wide as the gap threshold
 * (the oldest and newest time of each: a silence longer than the threshold lies between two buckets, exactly); the
 * few events whose content matters decoded (log cleared 1102/104, 411, 4740). The rows are made in
 * coverage_rows.c. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "badcreds/arena.h"
#include "badcreds/event_ids.h"
#include "badcreds/strmap.h"
#include "coverage_tally.h"
#include "util/vec.h"

enum { RECENT_BUCKETS = 4 }; /* looked at before a new bucket is added */

struct coverage *coverage_new(const struct coverage_settings *s)
{
	struct coverage *c = calloc(1, sizeof *c);
	if (!c)
		abort();
	c->set = *s;
	if (c->set.gap < FILETIME_SECOND)
		c->set.gap = FILETIME_SECOND;
	c->index.arena = &c->arena;
	pthread_mutex_init(&c->lock, NULL);
	return c;
}

/* type, size and bytes of a value, appended: what tells two logs apart before their names are rendered */
static void raw_add(struct strbuf *sb, const struct evtx_value *v)
{
	sb_add(sb, &v->type, sizeof v->type);
	sb_add(sb, &v->size, sizeof v->size);
	sb_add(sb, v->data, v->data ? v->size : 0);
}

/* The log's tally by its rendered names (computer compared without case), made when new. */
static struct tally *tally_named(struct coverage *c, const struct event_peek *p)
{
	struct strbuf *key = &c->scratch_key, *name = &c->scratch_name;
	key->len = name->len = 0;
	evtx_value_render(name, &p->computer);
	for (size_t i = 0; i < name->len; i++)
		sb_addc(key, (char)(name->data[i] >= 'A' && name->data[i] <= 'Z' ? name->data[i] + 32 : name->data[i]));
	sb_addc(key, '\n');
	size_t computer_len = name->len;
	evtx_value_render(name, &p->channel);
	const char *names = sb_cstr(name); /* the computer, then the log */
	sb_add(key, names + computer_len, name->len - computer_len);
	struct tally *t = strmap_get(&c->index, sb_cstr(key));
	if (t)
		return t;
	t = arena_alloc(&c->arena, sizeof *t);
	memset(t, 0, sizeof *t);
	char *computer = arena_copy(&c->arena, names, computer_len + 1);
	computer[computer_len] = 0;
	t->computer = computer;
	t->log = arena_copy(&c->arena, names + computer_len, name->len - computer_len + 1);
	if (evtx_value_equals_nocase(&p->channel, "Microsoft-Windows-AAD/Operational"))
		t->seen |= SEEN_AAD_OPERATIONAL;
	if (evtx_value_equals_nocase(&p->channel, "Microsoft-Windows-AAD/Analytic"))
		t->seen |= SEEN_AAD_ANALYTIC;
	strmap_put(&c->index, sb_cstr(key), t);
	c->logs = vec_grow(c->logs, &c->caplogs, c->nlogs, sizeof *c->logs);
	c->logs[c->nlogs++] = t;
	return t;
}

struct tally *coverage_tally_find(struct coverage *c, const struct event_peek *p)
{
	struct strbuf *raw = &c->scratch_raw;
	raw->len = 0;
	raw_add(raw, &p->computer);
	raw_add(raw, &p->channel);
	if (c->last && raw->len == c->last_raw.len && !memcmp(raw->data, c->last_raw.data, raw->len))
		return c->last;
	c->last = tally_named(c, p);
	c->last_raw.len = 0;
	sb_add(&c->last_raw, raw->data, raw->len);
	return c->last;
}

static bool adfs_provider(const struct evtx_value *provider)
{
	return evtx_value_equals_nocase(provider, "AD FS Auditing") ||
	       evtx_value_equals_nocase(provider, "AD FS 2.0 Auditing");
}

/* What the record's EventID and provider say the log holds. */
static unsigned seen_by(const struct event_peek *p)
{
	uint32_t id = p->event_id;
	if (!p->has_event_id)
		return 0;
	if (id_set_has(&ADFS_AUDIT_IDS, id) && adfs_provider(&p->provider)) {
		bool verbose = id == 403 || (id >= 410 && id <= 412) || id == 501;
		return verbose ? SEEN_ADFS_VERBOSE : id >= 1200 ? SEEN_ADFS_BASIC : SEEN_ADFS_OTHER;
	}
	bool kerberos = id == 4768 || id == 4771, dc_or_local = id == 4740 || id == 4776;
	if ((kerberos || dc_or_local || id == 4625) &&
	    evtx_value_equals_nocase(&p->provider, "Microsoft-Windows-Security-Auditing"))
		return kerberos ? SEEN_DC : dc_or_local ? SEEN_DC_OR_LOCAL : SEEN_4625;
	return 0;
}

static int cmp_buckets(const void *a, const void *b)
{
	int64_t x = ((const struct coverage_bucket *)a)->n, y = ((const struct coverage_bucket *)b)->n;
	return x < y ? -1 : x > y;
}

void coverage_buckets_merge(struct tally *t)
{
	if (t->nbuckets > 1) /* none: no array at all (qsort may not be given NULL) */
		qsort(t->buckets, t->nbuckets, sizeof *t->buckets, cmp_buckets);
	size_t n = 0;
	for (size_t i = 0; i < t->nbuckets; i++) {
		struct coverage_bucket *b = n ? &t->buckets[n - 1] : NULL;
		if (b && b->n == t->buckets[i].n) {
			b->min = t->buckets[i].min < b->min ? t->buckets[i].min : b->min;
			b->max = t->buckets[i].max > b->max ? t->buckets[i].max : b->max;
		} else {
			t->buckets[n++] = t->buckets[i];
		}
	}
	t->nbuckets = n;
}

/* The record's time into its bucket: one of the last few again (records come in order on each worker, whose turns
 * at the lock interleave), else a new one; a full list is merged before it grows, so it stays within twice the
 * buckets there are. */
static void tally_time(struct tally *t, int64_t time, int64_t width)
{
	int64_t n = time / width - (time % width < 0);
	if (!t->has_time || time < t->first)
		t->first = time;
	if (!t->has_time || time > t->last)
		t->last = time;
	t->has_time = true;
	for (size_t i = t->nbuckets, k = 0; i > 0 && k < RECENT_BUCKETS; i--, k++) {
		struct coverage_bucket *b = &t->buckets[i - 1];
		if (b->n == n) {
			b->min = time < b->min ? time : b->min;
			b->max = time > b->max ? time : b->max;
			return;
		}
	}
	if (t->nbuckets == t->capbuckets && t->nbuckets >= 64) {
		coverage_buckets_merge(t);
		if (t->nbuckets * 2 > t->capbuckets) /* merging freed little: grow, or it would merge again soon */
			t->buckets = vec_grow(t->buckets, &t->capbuckets, t->capbuckets, sizeof *t->buckets);
	}
	t->buckets = vec_grow(t->buckets, &t->capbuckets, t->nbuckets, sizeof *t->buckets);
	t->buckets[t->nbuckets++] = (struct coverage_bucket){n, time, time};
}

/* The events decoded for their content: log cleared, 411 (its client IP field), 4740 (its caller computer). */
static bool worth_decoding(const struct event_peek *p)
{
	if (!p->has_event_id)
		return false;
	switch (p->event_id) {
	case 1102: case 104: return log_cleared_peek(p);
	case 411: return adfs_provider(&p->provider);
	case 4740: return evtx_value_equals_nocase(&p->provider, "Microsoft-Windows-Security-Auditing");
	default: return false;
	}
}

/* On the workers: every record counted; true for those worth decoding. */
static bool tally_wants(void *ctx, const struct event_peek *p)
{
	struct coverage *c = ctx;
	unsigned seen = seen_by(p);
	pthread_mutex_lock(&c->lock);
	struct tally *t = coverage_tally_find(c, p);
	if (p->record_id && p->has_time && !record_ids_add(&t->ids, p->record_id, p->time)) { /* a log given twice */
		t->duplicates++;
		pthread_mutex_unlock(&c->lock);
		return false;
	}
	t->records++;
	t->seen |= seen;
	if (p->size) {
		t->bytes += p->size;
		t->sized++;
	}
	if (p->has_time && p->time >= FILETIME_PLAUSIBLE_FIRST && p->time < FILETIME_PLAUSIBLE_END)
		tally_time(t, p->time, c->set.gap);
	else if (p->has_time) /* a damaged or forged record: 1601 or 9999 would make a silence of centuries */
		t->odd_times++;
	if (c->in_log) {
		t->header_flags |= c->header.flags;
		t->header_wrapped |= c->header.wrapped;
		t->oldest_record = c->header.oldest_record > t->oldest_record ? c->header.oldest_record : t->oldest_record;
		if (c->header.records && c->header.bytes) {
			t->log_records = c->header.records;
			t->log_bytes = c->header.bytes;
		}
	}
	pthread_mutex_unlock(&c->lock);
	return worth_decoding(p);
}

static void log_begin(void *ctx, const struct source_log_header *h)
{
	struct coverage *c = ctx;
	pthread_mutex_lock(&c->lock);
	c->in_log = h != NULL;
	c->header = h ? *h : (struct source_log_header){0};
	pthread_mutex_unlock(&c->lock);
}

static void log_end(void *ctx)
{
	struct coverage *c = ctx;
	pthread_mutex_lock(&c->lock);
	c->in_log = false;
	pthread_mutex_unlock(&c->lock);
}

struct event_sink coverage_sink(struct coverage *c)
{
	return (struct event_sink){.wants = tally_wants, .event = coverage_event, .ctx = c, .log_begin = log_begin,
				   .log_end = log_end};
}

void coverage_free(struct coverage *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nlogs; i++) {
		free(c->logs[i]->buckets);
		free(c->logs[i]->clears);
		free(c->logs[i]->callers);
		record_ids_free(&c->logs[i]->ids);
	}
	free(c->logs);
	free(c->rows);
	strmap_free(&c->index);
	sb_free(&c->scratch_key);
	sb_free(&c->scratch_name);
	sb_free(&c->scratch_raw);
	sb_free(&c->last_raw);
	pthread_mutex_destroy(&c->lock);
	arena_free(&c->arena);
	free(c);
}
