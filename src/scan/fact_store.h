/* fact_store.h: the correlation's facts in time order with bounded memory. Facts are written compactly into a run
 * buffer; a full buffer is sorted and written to a temporary file as a run; at the end the runs are merged in the
 * order (time, server, EventID, EventRecordID), and an event seen again (a log given twice, an EVTX and its XML
 * export) comes out once: its first copy read. */
#ifndef BADCREDS_FACT_STORE_H
#define BADCREDS_FACT_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "badcreds/arena.h"
#include "badcreds/attempt.h"

struct fact_run;
struct fact_store {
	uint8_t *buf;                /* the run being filled: records of fact_store.c's layout */
	size_t used, cap, limit;     /* limit: when to spill (cap may pass it when spilling is not possible) */
	const uint8_t **index;       /* the records of buf, sorted when the run ends */
	size_t nindex, capindex;
	uint64_t seq;                /* records added: the tie-break that keeps the first copy of an event first */
	int fd;                      /* the temporary file of the runs; -1 while there is none */
	uint64_t file_size;
	bool no_spill;               /* the temporary file could not be made or written: runs stay in memory */
	struct fact_run *runs;       /* the runs, on disk and (at most one, last) in memory */
	size_t nruns, capruns;
	struct fact_run **heap;      /* merge: the runs by their next record */
	size_t nheap;
	uint8_t *last;               /* merge: the identity of the last fact handed out (a copy), for duplicates */
	size_t lastcap;
	bool has_last;
	unsigned long duplicates, distinct;
	const char *spill_error;     /* why the runs stayed in memory (for one note), NULL when they did not */
	uint64_t lost_bytes;         /* of runs that could not be read back from the temporary file */
};

/* limit: bytes of the run buffer (0: the default, 32 MiB; BADCREDS_FACT_RUN_BYTES in the environment overrides it,
 * for the tests). */
void fact_store_init(struct fact_store *s, size_t limit);
/* Adds a fact with its strings (copied); `rendered` is kept as the fact's text when not NULL. */
void fact_store_add(struct fact_store *s, const struct fact *f);
/* Ends adding; the facts then come out of fact_store_next in order. */
void fact_store_finish(struct fact_store *s);
/* The next fact in order into *out, its strings in `a`; false at the end. Duplicates are counted, not returned. */
bool fact_store_next(struct fact_store *s, struct arena *a, struct fact *out);
void fact_store_free(struct fact_store *s);

#endif
