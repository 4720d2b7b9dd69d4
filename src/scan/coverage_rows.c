/* coverage_rows.c: the coverage rows from the tallies once every input is read: the gaps between the time buckets
 * (those in the period asked for), whether the log went round, the AD FS audit level and event shapes, records per
 * day and record size, then the next steps (coverage_advice.c); rows by computer, then log. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "coverage_tally.h"
#include "evtx/evtx_format.h"

const char *coverage_audit_name(enum coverage_audit a)
{
	return a == COVERAGE_AUDIT_VERBOSE ? "verbose" : a == COVERAGE_AUDIT_BASIC ? "basic" : "none";
}

/* Silences longer than the threshold between consecutive buckets, where they overlap the period. */
static void find_gaps(struct coverage_row *r, struct tally *t, const struct coverage_settings *s, struct arena *a)
{
	coverage_buckets_merge(t); /* the same bucket from several places of the inputs: one */
	size_t n = t->nbuckets;
	r->gaps = arena_alloc(a, (n ? n : 1) * sizeof *r->gaps);
	for (size_t i = 1; i < n; i++) {
		int64_t from = t->buckets[i - 1].max, to = t->buckets[i].min;
		if (to - from > s->gap && to > s->since && from < s->until)
			r->gaps[r->ngaps++] = (struct coverage_gap){from, to};
	}
}

/* Why the log does not reach back as far as it should, or "". */
static void find_wrap(struct coverage_row *r, const struct tally *t, const struct coverage_settings *s,
		      struct arena *a)
{
	struct strbuf why = {0};
	if (t->header_wrapped)
		sb_adds(&why, "file header: the log went round (oldest chunk after the current one)");
	if (t->header_flags & EVTX_FLAG_FULL)
		sb_adds(&why, why.len ? "; log full" : "log full");
	if (t->oldest_record > 1)
		sb_printf(&why, "%slive log: its oldest record is number %llu (those before were overwritten or cleared)",
			  why.len ? "; " : "", (unsigned long long)t->oldest_record);
	if (s->since != INT64_MIN && t->has_time && t->first > s->since) {
		sb_adds(&why, why.len ? "; " : "");
		sb_adds(&why, "oldest record after --since");
		if (t->nclears && t->clears[0].time && t->clears[0].time - t->first < FILETIME_MINUTE)
			sb_adds(&why, " (the log was cleared then)");
	}
	r->wrapped = why.len > 0;
	r->wrap_reason = arena_copy(a, why.len ? sb_cstr(&why) : "", why.len + 1);
	sb_free(&why);
}

static void make_row(struct coverage_row *r, struct tally *t, const struct coverage_settings *s, struct arena *a)
{
	memset(r, 0, sizeof *r);
	r->computer = t->computer;
	r->log = t->log;
	r->records = t->records;
	r->duplicates = t->duplicates;
	r->odd_times = t->odd_times;
	if (t->has_time) {
		r->first = t->first;
		r->last = t->last;
	}
	if (t->has_time && t->last - t->first >= FILETIME_HOUR)
		r->per_day = (double)(t->records - t->odd_times) * FILETIME_DAY / (double)(t->last - t->first);
	r->avg_record_size = t->sized ? (uint32_t)(t->bytes / t->sized)
			   : t->log_records ? (uint32_t)(t->log_bytes / t->log_records) : 0;
	t->nclears = log_clears_order(t->clears, t->nclears); /* the same row whatever the order of the inputs */
	find_gaps(r, t, s, a);
	find_wrap(r, t, s, a);
	r->clears = t->clears;
	r->nclears = t->nclears;
	r->seen = t->seen;
	if ((t->seen & SEEN_DC_OR_LOCAL) && !(t->seen & (SEEN_ADFS_VERBOSE | SEEN_ADFS_BASIC | SEEN_ADFS_OTHER)))
		r->seen |= SEEN_DC;
	r->audit = (t->seen & SEEN_ADFS_VERBOSE) ? COVERAGE_AUDIT_VERBOSE
		 : (t->seen & (SEEN_ADFS_BASIC | SEEN_ADFS_OTHER)) ? COVERAGE_AUDIT_BASIC : COVERAGE_AUDIT_NONE;
	r->shape = (t->seen & SEEN_ADFS_BASIC) ? "2016+" : (t->seen & (SEEN_ADFS_VERBOSE | SEEN_ADFS_OTHER)) ? "2012 R2"
		 : "";
	r->ip_less_411 = t->ip_less_411;
	if (t->ncallers)
		t->callers[t->ncallers] = NULL;
	r->callers = t->callers;
}

static int cmp_rows(const void *a, const void *b)
{
	const struct coverage_row *x = a, *y = b;
	int c = strcasecmp(x->computer, y->computer);
	return c ? c : strcasecmp(x->log, y->log);
}

size_t coverage_rows(struct coverage *c, const struct coverage_row **rows)
{
	if (!c->rows) {
		c->rows = calloc(c->nlogs ? c->nlogs : 1, sizeof *c->rows);
		if (!c->rows)
			abort();
		for (size_t i = 0; i < c->nlogs; i++)
			make_row(&c->rows[i], c->logs[i], &c->set, &c->arena);
		c->nrows = c->nlogs;
		qsort(c->rows, c->nrows, sizeof *c->rows, cmp_rows);
		for (size_t i = 0; i < c->nrows; i++)
			coverage_advise(&c->rows[i], c->rows, c->nrows, &c->set, &c->arena);
	}
	*rows = c->rows;
	return c->nrows;
}
