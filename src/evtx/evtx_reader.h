/* evtx_reader.h: reading an EVTX file chunk by chunk and a chunk record by record, including records carved from
 * damaged regions and slack; memory stays at one chunk whatever the file size. */
#ifndef BADCREDS_EVTX_READER_H
#define BADCREDS_EVTX_READER_H

#include <stdbool.h>
#include <stdint.h>

#include "badcreds/arena.h"
#include "evtx/binxml.h"
#include "badcreds/diag.h"
#include "evtx/evtx_format.h"

struct evtx_chunk {
	uint8_t data[EVTX_CHUNK_SIZE];
	uint32_t len;              /* bytes present: less than 65536 for a truncated last chunk */
	uint64_t slot;             /* chunk number in the file: chunk i is at 4096 + i * 65536 */
	uint64_t file_offset;
	struct evtx_chunk_header header;
	bool header_valid;         /* signature present; false = damaged chunk, only carved records are read */
	bool all_zero;             /* evtx_reader_load found nothing but zero bytes in the slot */
	bool verify_crc;           /* its checksums are stored and not yet compared: evtx_chunk_verify does it */
	uint32_t records_end;      /* end of the live records area: free space offset, clamped */
	uint64_t max_record_id;    /* the highest EventRecordID a carved record may have (0: unknown), set for the
				    * carving pass from the file's and the chunks' headers */
	struct arena arena;        /* names and template references of this chunk */
	struct bx_store *store;    /* the file's templates (set by the caller), or NULL */
	struct bx_chunk bx;
};

struct evtx_record {
	uint64_t id;               /* EventRecordID in the record header (may differ from System/EventRecordID) */
	uint64_t written_time;     /* FILETIME */
	uint32_t offset;           /* in the chunk */
	uint32_t size;
	bool recovered;            /* carved from a damaged region or from slack */
	bool damaged;              /* its trailing size copy is wrong: decoded as far as its bytes allow */
};

struct evtx_record_iter {
	uint32_t off;
	bool carving;              /* past the live records: scanning for records that still validate */
};

struct evtx_reader {
	int fd;
	const char *path;          /* name used in messages */
	uint64_t size;
	struct evtx_file_header header;
	bool header_valid;
	bool no_crc;               /* NO_CRC32 flag: checksums are not stored */
	uint64_t nslots;           /* chunk slots counted from the file size (a partial last one included) */
	uint64_t in_use;           /* chunk slots the header's oldest and current chunk numbers put in the log (0: a
				    * header without its signature or with a wrong checksum says nothing) */
	const struct evtx_growing *growing;
	uint64_t next_slot;
};

/* A file that another thread is still writing (decompressed gzip, stdin): the reader waits for each chunk. */
struct evtx_growing {
	/* Blocks until at least `want` bytes are written or the writer is done; returns the bytes written. */
	uint64_t (*wait_for)(void *ctx, uint64_t want);
	void *ctx;
};

/* Checks the file header of an open, seekable file (the caller closes fd); growing is NULL for a complete file.
 * false (with a message) if the file cannot be read at all. */
bool evtx_reader_open(struct evtx_reader *r, int fd, const char *name, const struct evtx_growing *growing,
		      struct diag *d);

/* The next chunk slot to load (holes of sparse files skipped; for a growing file, waits until the slot is written
 * or the writer is done); false at the end of the file. */
bool evtx_reader_next_slot(struct evtx_reader *r, uint64_t *slot);
/* The slots found all zero (or holes in a sparse file) that the header counts in the log: their records are lost.
 * Zero slots the log has not reached yet are not counted. */
struct evtx_zero_slots {
	uint64_t n, first;         /* how many; the lowest (UINT64_MAX: none) */
};
void evtx_reader_zero_slots(const struct evtx_reader *r, uint64_t from, uint64_t to, struct evtx_zero_slots *z);
/* Once every slot is read: an error for the zero slots z counts, and one when the file ends before the chunks its
 * header counts (a truncated copy). */
void evtx_reader_check_end(const struct evtx_reader *r, const struct evtx_zero_slots *z, struct diag *d);
/* Loads the chunk in a slot; false for an all-zero slot or one that cannot be read. Problems go to d; `again`
 * loads a chunk a second time (to revisit carved records): its damage is not reported twice and its checksums are
 * not compared. Several threads may load chunks of one reader at once. */
bool evtx_reader_load(const struct evtx_reader *r, uint64_t slot, struct evtx_chunk *c, struct diag *d, bool again);

void evtx_chunk_init(struct evtx_chunk *c);
/* Compares the chunk's stored CRC-32s with its bytes and reports mismatches (never a reason to skip it), once per
 * load; done by whoever walks the chunk, so that it runs on the worker threads. */
void evtx_chunk_verify(struct evtx_chunk *c, struct diag *d);
void evtx_chunk_free(struct evtx_chunk *c);

void evtx_record_iter_begin(const struct evtx_chunk *c, struct evtx_record_iter *it);
/* Next live record, then the carved ones; damage is reported to d with the file offset. */
bool evtx_chunk_next_record(struct evtx_chunk *c, struct evtx_record_iter *it, struct evtx_record *rec,
			    struct diag *d);
/* Reads the record at a chunk offset without walking (used for carved records found earlier); with allow_damaged
 * a record whose trailing size copy is wrong is accepted and marked damaged. */
bool evtx_chunk_record_at(const struct evtx_chunk *c, uint32_t off, bool allow_damaged, struct evtx_record *rec);

/* The record's Binary XML compiled into ops (per-record data in `arena`). */
bool evtx_record_compile(struct evtx_chunk *c, const struct evtx_record *rec, struct arena *arena,
			 struct bx_fragment *out, const char **err, uint32_t *err_off);
struct event_peek; /* event.h */
/* The same ops without reading the record again, when it is a fragment header and the template instance that
 * evtx_record_peek read into p (as most records are): false when anything else follows the instance. */
bool evtx_record_compile_peeked(const struct evtx_chunk *c, const struct evtx_record *rec,
				const struct event_peek *p, struct arena *arena, struct bx_fragment *out);

enum evtx_decoded {
	EVTX_DECODED,      /* *ev (and *frag) hold the record */
	EVTX_REMNANT,      /* a carved record that does not decode or is not plausible: counted, not an error */
	EVTX_UNREADABLE,   /* a live or damaged record that does not decode: *err says why, *err_off where */
};
struct event;
/* Compiles a record into *frag (from its peek when `peeked` is not NULL and can tell) and, with need_event (always
 * for carved records, which are checked for plausibility: an EventRecordID up to the chunk's max_record_id, times
 * between 1990 and 2100, a provider and computer name that are text, a provider GUID that is one), fills *ev with
 * the record's header fields set. */
enum evtx_decoded evtx_record_decode(struct evtx_chunk *c, const struct evtx_record *rec, struct arena *a,
				     const struct event_peek *peeked, struct bx_fragment *frag, struct event *ev,
				     bool need_event, const char **err, uint64_t *err_off);

/* What decides whether a record matters, read before the rest of it is decoded. */
/* Fills p straight from the record's template instance (its values, or text fixed in the template). false when
 * the record does not have that shape (forwarded events without templates): decode it fully instead. p->logon_type
 * reads on request the instance of the EventData too (it stays valid as long as the chunk and the arena). */
bool evtx_record_peek(struct evtx_chunk *c, const struct evtx_record *rec, struct arena *arena, struct event_peek *p);

#endif
