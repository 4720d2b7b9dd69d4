/* source.h: where events come from. Input formats (evtx, gzip, xml) sit behind one table and are chosen by probing
 * the first bytes, not the file name; a SOURCE may also be a directory (searched recursively) or "-" (stdin). */
#ifndef BADCREDS_SOURCE_H
#define BADCREDS_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "badcreds/diag.h"
#include "badcreds/event_ids.h"
#include "badcreds/strbuf.h"
#include "badcreds/event.h"

struct output_format; /* output.h */
struct arena;         /* arena.h */

/* What an EVTX file's header, or a live channel's log information (EvtGetLogInfo), says about the log (coverage). */
struct source_log_header {
	uint32_t flags;                /* EVTX_FLAG_* of src/evtx/evtx_format.h: 0x1 dirty, 0x2 full */
	bool wrapped;                  /* EVTX: its oldest chunk comes after its current one: the log has gone round */
	uint64_t oldest_record;        /* live: the oldest record's number (those before are gone), else 0 */
	uint64_t records, bytes;       /* live: the records in the log and its file size, else 0 */
};
struct evtx_growing; /* evtx_reader.h */

/* Receives the events of every source, in one of two ways, in input order either way:
 * - event(): each decoded event, on the calling thread (scan, summary, trace correlate them);
 * - format and write(): each record is written as text by the output format where it is decoded (EVTX: on the
 *   reader's worker threads, in parallel, from its whole Binary XML document), and the text goes to write() on the
 *   calling thread with the number of records in it and how many of those were recovered (dump). Events of XML
 *   exports and live channels are written back as their element (xml) or from the event model, one by one.
 * wants() and prepare() may be called on worker threads too: they must only read ctx. */
struct event_sink {
	/* Called before a record is decoded when its EventID, provider, channel and time can be read cheaply, else
	 * with the decoded event's; false skips it. NULL: every record. */
	bool (*wants)(void *ctx, const struct event_peek *p);
	/* Optional, where a reader decodes records on worker threads (EVTX): the sink's own reading of an event it
	 * wants, made there in `a` (which lives as long as the event) and handed to event() as ev->prepared, so that
	 * the calling thread only has to store it. Other readers leave ev->prepared NULL. */
	const void *(*prepare)(void *ctx, const struct event *ev, struct arena *a);
	/* The event and the strings it points to are valid during the call only. */
	void (*event)(void *ctx, const struct event *ev);
	const struct output_format *format;
	void (*write)(void *ctx, const char *text, size_t len, unsigned long records, unsigned long recovered);
	void *ctx;
	/* Optional, on the calling thread: an EVTX file or a live channel begins (h NULL when its header or log
	 * information cannot be read; every record wants() sees until log_end is of that log) and ends. */
	void (*log_begin)(void *ctx, const struct source_log_header *h);
	void (*log_end)(void *ctx);
};

struct source_stats {
	unsigned long files;           /* inputs read (wholly or in part) */
	unsigned long records;         /* records or XML events read (carved remnants that do not decode excluded) */
	unsigned long remnants;        /* carved remnants that could not be decoded or did not validate */
	unsigned long damaged_files;   /* inputs with errors */
	unsigned long unreadable;      /* inputs of which nothing could be read */
	struct strbuf unreadable_names;/* the first of them, "; " separated */
	int64_t first_time, last_time; /* the time the records read cover (FILETIME ticks), when has_time */
	bool has_time;
	bool queried_window;           /* a live channel was asked for the time window only: first_time is its first
					* event there, not where its log begins */
};

/* Notes an input of which nothing could be read. */
void source_stats_unreadable(struct source_stats *st, const char *name);
/* Widens the time the records read cover. */
void source_stats_time(struct source_stats *st, int64_t t);
void source_stats_free(struct source_stats *st);

struct source_options {
	unsigned threads;              /* workers for EVTX chunks; 1 = none */
	const char *const *remotes;    /* channel:NAME is read on these servers (NULL-terminated), else locally */
	struct id_set live_ids;        /* the event IDs a live channel's server is asked for (none: all) */
	int64_t since, until;          /* the time window of that filter (FILETIME ticks, open: INT64_MIN/MAX) */
	uint64_t spool_limit;          /* bytes a stream (stdin, gzip) may take in the temporary file; 0: no limit */
	bool verify_every_chunk;       /* compare the checksums of every EVTX chunk, not only of those events come from */
	bool skip_own;                 /* a file met in a directory walk that is this one (device, file number) is passed
					* over: dump's standard output, which it would read back for ever */
	uint64_t own_dev, own_ino;
	const struct evtx_growing *growing; /* internal: set by the spool while it is still writing the file read */
};

enum { SOURCE_DEFAULT_SPOOL_LIMIT_GIB = 64 }; /* the spool_limit of the commands, unless --spool-limit says */
/* The threads of the commands, unless --threads says: the cores this process may run on, at most 64. */
unsigned source_default_threads(void);

/* Whether the regular file at path holds an event log, by its first bytes (for gzip, by its first decompressed
 * bytes): an EVTX file, or XML whose first 4 KiB declare the event schema's namespace (xmlns="...": an export; no
 * report of badcreds writes one). A report must never replace one. */
bool source_is_event_log(const char *path);
/* Reads one SOURCE argument: a file of any format, a directory, "-", or channel:NAME (a live channel, Windows
 * only). Problems are reported to d. */
void source_read(const char *source, const struct source_options *opt, const struct event_sink *sink,
		 struct diag *d, struct source_stats *st);
/* Every SOURCE read: the reading threads kept from one file to the next end. */
void source_read_end(void);

#endif
