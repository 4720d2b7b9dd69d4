/* source.h: where events come from. Input formats (evtx, gzip, xml) sit behind one table and are chosen by probing
 * the first bytes, not the file name; a SOURCE may also be a directory (searched recursively) or "-" (stdin). */
#ifndef BADCREDS_SOURCE_H
#define BADCREDS_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "badcreds/diag.h"
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
	unsigned long files;           /* inputs read */
	unsigned long records;         /* records or XML events seen */
	unsigned long damaged_files;   /* inputs with errors */
};

struct source_options {
	unsigned threads;              /* workers for EVTX chunks; 1 = none */
	const char *const *remotes;    /* channel:NAME is read on these servers (NULL-terminated), else locally */
	const uint32_t *live_ids;      /* the event IDs a live channel's server-side filter asks for */
	size_t nlive_ids;
	int64_t since, until;          /* the time window of that filter (FILETIME ticks, open: INT64_MIN/MAX) */
	const struct evtx_growing *growing; /* set by the spool while it is still writing the file being read */
};

struct input_format {
	const char *name;
	bool (*probe)(const uint8_t *head, size_t n);
	/* Reads an open, seekable file; `name` is used in messages and as the event's source. */
	void (*read)(int fd, const char *name, const struct source_options *opt, const struct event_sink *sink,
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

/* A stream (stdin, or gzip through zlib) copied into an unlinked temporary file by its own thread, so that the
 * EVTX reader can start on the first chunks while the rest is still being decompressed, and seek back later. */
struct spool;
struct spool *spool_start(int in_fd, void *gz, struct diag *d); /* NULL on failure (reported) */
int spool_fd(const struct spool *s);
const struct evtx_growing *spool_growing(struct spool *s);
/* Waits for the end of the stream, reports a read or decompression error, frees s; the file stays open. */
int spool_finish(struct spool *s, struct diag *d);

/* Reads a spooled stream as whatever its first bytes say it is; closes the spool's file. */
void spool_read(struct spool *s, const char *name, const struct source_options *opt, const struct event_sink *sink,
		struct diag *d, struct source_stats *st);

#endif
