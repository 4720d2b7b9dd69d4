/* sorted_runs.h: records sorted with bounded memory (an external merge sort). Records are written into a run
 * buffer; a full buffer is sorted and written to a temporary file as a run; at the end the runs are merged, and the
 * records come out in order, as often as wanted (sorted_runs_rewind). What the correlation's facts, the summary's
 * attempts and its user rows are kept in. */
#ifndef BADCREDS_SORTED_RUNS_H
#define BADCREDS_SORTED_RUNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* A record starts with its size in bytes as a u32 (the whole record, a multiple of 8); the rest is the caller's.
 * cmp orders two records (<0, 0, >0); records that compare equal come out in no particular order. */
typedef int (*sorted_runs_cmp)(const uint8_t *x, const uint8_t *y);

struct sorted_run;
struct sorted_runs {
	sorted_runs_cmp cmp;
	size_t limit;                /* bytes of the run buffer: when to spill (the buffer may pass it when spilling
				      * is not possible) */
	uint8_t *buf;                /* the run being filled */
	size_t used, cap;
	const uint8_t **index;       /* the records of buf, sorted when the run ends */
	size_t nindex, capindex;
	uint64_t count;              /* records added */
	int fd;                      /* the temporary file of the runs; -1 while there is none */
	uint64_t file_size;
	bool no_spill;               /* the temporary file could not be made or written: runs stay in memory */
	struct sorted_run *runs;     /* the runs, on disk and (at most one, last) in memory */
	size_t nruns, capruns;
	struct sorted_run **heap;    /* merge: the runs by their next record */
	size_t nheap;
	const char *spill_error;     /* why the runs stayed in memory (for one note), NULL when they did not */
	uint64_t lost_bytes;         /* of runs that could not be read back from the temporary file */
};

void sorted_runs_init(struct sorted_runs *s, size_t limit, sorted_runs_cmp cmp);
/* Room for the next record of `size` bytes (a multiple of 8), its size already written: the caller fills the rest
 * before the next call. */
uint8_t *sorted_runs_add(struct sorted_runs *s, size_t size);
/* Ends adding; the records then come out of sorted_runs_peek / sorted_runs_pop in order. */
void sorted_runs_finish(struct sorted_runs *s);
/* The smallest record not yet popped (valid until the next pop), NULL at the end. */
const uint8_t *sorted_runs_peek(const struct sorted_runs *s);
void sorted_runs_pop(struct sorted_runs *s);
/* From the first record again. */
void sorted_runs_rewind(struct sorted_runs *s);
/* The buffers, runs and temporary file; count, spill_error and lost_bytes stay. */
void sorted_runs_release(struct sorted_runs *s);

/* Two byte strings in the order strcmp gives texts: bytewise, a prefix first. For comparators of texts in records. */
static inline int sorted_runs_cmp_bytes(const void *x, size_t nx, const void *y, size_t ny)
{
	int c = memcmp(x, y, nx < ny ? nx : ny);
	return c ? c : (nx > ny) - (nx < ny);
}

static inline uint32_t sorted_runs_u32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static inline uint64_t sorted_runs_u64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

#endif
