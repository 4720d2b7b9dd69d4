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
#include "badcreds/evtx_file.h"

/* Receives the events of every source. */
struct event_sink {
	/* Called before a record is decoded when its EventID, provider, channel and time can be read cheaply; false
	 * skips it. NULL: every record is decoded. */
	bool (*wants)(void *ctx, const struct evtx_peek *p);
	/* The event and the strings it points to are valid during the call only. */
	void (*event)(void *ctx, const struct event *ev);
	void *ctx;
	/* EVTX records go here instead, when set (dump: formats each record's whole document on the workers). */
	const struct evtx_file_ops *evtx_ops;
	void *evtx_ctx;
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
	const struct evtx_growing *growing; /* set by the spool while it is still writing the file being read */
};

struct input_format {
	const char *name;
	bool (*probe)(const uint8_t *head, size_t n);
	/* Reads an open, seekable file; `name` is used in messages and as the event's source. false if nothing could
	 * be read from it (not this format after all, or damaged beyond reading). */
	bool (*read)(int fd, const char *name, const struct source_options *opt, const struct event_sink *sink,
		     struct diag *d, struct source_stats *st);
};

extern const struct input_format input_evtx;
extern const struct input_format input_gzip;
extern const struct input_format input_xml;

/* The format whose probe accepts the first bytes of fd (read with pread at offset 0), or NULL. */
const struct input_format *input_probe(int fd);

/* Reads one SOURCE argument: a file of any format, a directory, "-", or channel:NAME (a live channel, Windows
 * only). Problems are reported to d. */
void source_read(const char *source, const struct source_options *opt, const struct event_sink *sink,
		 struct diag *d, struct source_stats *st);

/* The peek of an already decoded event (XML input, records that could not be peeked). */
void event_peek(const struct event *ev, struct evtx_peek *p);

#endif
