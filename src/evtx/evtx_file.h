/* evtx_file.h: every record of one EVTX file, once: live records in file order, then the records carved from
 * damaged regions and slack that are not copies of live records (slack mostly holds older copies of them).
 * Chunks are decoded on several threads; what they produce is handed back in file order. */
#ifndef BADCREDS_EVTX_FILE_H
#define BADCREDS_EVTX_FILE_H

#include "evtx/evtx_reader.h"
#include "badcreds/strbuf.h"

struct evtx_file_stats {
	unsigned long live, carved, carved_duplicates;
	uint64_t first_written, last_written; /* the record headers' times of the live records (FILETIME; 0: none) */
};

enum { EVTX_JOB_CHUNKS = 8 }; /* chunks handed to a worker at once: fewer hand-offs between threads */

/* A few consecutive chunks' work: the chunks, and what the record callback produced from them until they are
 * committed. */
struct evtx_job {
	struct evtx_chunk chunks[EVTX_JOB_CHUNKS];
	unsigned nchunks;
	const char *source;        /* the file's name */
	struct diag diag;          /* messages about these chunks, printed when they are committed */
	struct arena arena;        /* the callback's memory; reset when the job is reused (every EVTX_JOB_CHUNKS chunks) */
	struct strbuf text;        /* the callback's text, when it formats records on the worker */
	void **items;              /* the callback's results, e.g. decoded events */
	size_t nitems, capitems;
	unsigned long records;     /* the callback's counts: records read, */
	unsigned long written, written_recovered; /* records it wrote to text, and the recovered ones among them */
	unsigned long carved_unreadable;  /* carved records the callback could not decode: noted once per file */
	struct evtx_job_state *state; /* the pipeline's own bookkeeping */
};

void evtx_job_push(struct evtx_job *job, void *item);
/* What decoding a record (evtx_record_decode) came to, noted in the job: a remnant counted, a record that does not
 * decode named and counted as skipped. true when the record can be used. */
bool evtx_job_decoded(struct evtx_job *job, const struct evtx_record *rec, enum evtx_decoded how, const char *err,
		      uint64_t err_off);
/* A record cut by the walk's budgets (binxml.h), named. */
void evtx_job_cut(struct evtx_job *job, const struct evtx_record *rec, uint64_t offset);

struct evtx_file_ops {
	/* Called for each record on a worker thread: must only touch the job (and read-only shared data). */
	void (*record)(void *ctx, struct evtx_job *job, struct evtx_chunk *c, const struct evtx_record *rec);
	/* Called for each job in file order on the calling thread, after its records. */
	void (*commit)(void *ctx, struct evtx_job *job);
	/* Checksums are compared only for the chunks whose records the callback uses (it calls evtx_chunk_verify
	 * before it decodes one), not for every chunk: scanning for a few events in a large file spends most of its
	 * time there otherwise. */
	bool verify_when_used;
};

/* Reads the open, seekable file fd (named `name` in messages; `growing` if another thread is still writing it,
 * else NULL) with up to `threads` workers (1 = no threads); problems go to d. false if the file holds no EVTX data
 * at all. */
/* The worker threads evtx_file_read keeps from one file to the next end (the next file starts them again): once the
 * files are read, so that what they hold goes back to the C library for what comes next. */
void evtx_workers_end(void);
bool evtx_file_read(int fd, const char *name, const struct evtx_growing *growing, unsigned threads, struct diag *d,
		    const struct evtx_file_ops *ops, void *ctx, struct evtx_file_stats *stats);

#endif
