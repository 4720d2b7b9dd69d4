/* coverage_tally.h: what coverage.c counts per computer and log while the inputs are read, shared with the decoded
 * events (coverage_events.c) and the making of the rows (coverage_rows.c). Internal to src/scan/coverage*.c. */
#ifndef BADCREDS_COVERAGE_TALLY_H
#define BADCREDS_COVERAGE_TALLY_H

#include <pthread.h>

#include "badcreds/arena.h"
#include "badcreds/coverage.h"
#include "scan/record_ids.h"
#include "badcreds/filetime.h"
#include "badcreds/strmap.h"

/* The records of one bucket of time (n = time / gap threshold): the oldest and newest. */
struct coverage_bucket {
	int64_t n, min, max;
};

/* One computer and log while reading. */
struct tally {
	const char *computer, *log;
	unsigned long records, sized;     /* sized: EVTX records, whose bytes are in `bytes` */
	uint64_t bytes;
	int64_t first, last;
	bool has_time;
	unsigned long odd_times;          /* records dated before 2000 or after 2099: left out of first, last, gaps */
	unsigned seen;                    /* enum coverage_seen */
	uint32_t header_flags;            /* of the EVTX files and live channels its records came from */
	bool header_wrapped;
	uint64_t oldest_record;           /* live: the oldest record's number the log information gave */
	uint64_t log_records, log_bytes;  /* live: records and file size the log information gave */
	struct coverage_bucket *buckets;
	size_t nbuckets, capbuckets;
	struct log_clear *clears;
	size_t nclears, capclears;
	unsigned long ip_less_411;
	const char **callers;             /* NULL-terminated once made into a row */
	size_t ncallers, capcallers;
	struct record_ids ids;            /* the EventRecordIDs counted: a record given twice counts once */
	unsigned long duplicates;
};

struct coverage {
	struct coverage_settings set;
	pthread_mutex_t lock;             /* around everything below while the inputs are read */
	struct arena arena;               /* names, cleared-log subjects, callers */
	struct strmap index;              /* "computer in lower case\nlog" -> struct tally */
	struct tally **logs;
	size_t nlogs, caplogs;
	struct tally *last;               /* the log of the last record, and its names as raw values */
	struct strbuf last_raw, scratch_raw, scratch_key, scratch_name;
	bool in_log;                      /* between log_begin and log_end with a readable header */
	struct source_log_header header;
	struct coverage_row *rows;
	size_t nrows;
};

/* With the lock held: the log of a record (made when new). */
struct tally *coverage_tally_find(struct coverage *c, const struct event_peek *p);
/* Sorts a log's buckets and merges those of the same time (coverage.c). */
void coverage_buckets_merge(struct tally *t);
/* The sink's event(): a decoded event (coverage_events.c). */
void coverage_event(void *ctx, const struct event *ev);

#endif
