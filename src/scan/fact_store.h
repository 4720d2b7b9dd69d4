/* fact_store.h: the correlation's facts in time order with bounded memory. Facts are written compactly into sorted
 * runs (sorted_runs.h), merged at the end in the order (time, server, EventID, EventRecordID), and an event seen
 * again (a log given twice, an EVTX and its XML export) comes out once: its first copy read. */
#ifndef BADCREDS_FACT_STORE_H
#define BADCREDS_FACT_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "badcreds/arena.h"
#include "badcreds/attempt.h"
#include "util/sorted_runs.h"

struct fact_store {
	struct sorted_runs runs;     /* records of fact_store.c's layout; count: the tie-break that keeps the first copy
				      * of an event first */
	uint8_t *last;               /* merge: the identity of the last fact handed out (a copy), for duplicates */
	size_t lastcap;
	bool has_last;
	unsigned long duplicates, distinct;
};

/* limit: bytes of the run buffer (0: the default, 32 MiB; BADCREDS_FACT_RUN_BYTES in the environment overrides it,
 * for the tests). */
void fact_store_init(struct fact_store *s, size_t limit);
/* A fact with its strings as a record of the store, in `a` (on any thread: the worker that read the event, so that
 * the thread adding it copies one block); `rendered` is kept as the fact's text when not NULL. Returns its size. */
size_t fact_store_encode(const struct fact *f, struct arena *a, const uint8_t **record);
/* Adds an encoded fact (copied). */
void fact_store_add(struct fact_store *s, const uint8_t *record, size_t size);
/* Ends adding; the facts then come out of fact_store_next in order. */
void fact_store_finish(struct fact_store *s);
/* The next fact in order into *out, its strings in `a`; false at the end. Duplicates are counted, not returned. */
bool fact_store_next(struct fact_store *s, struct arena *a, struct fact *out);
void fact_store_free(struct fact_store *s);

#endif
