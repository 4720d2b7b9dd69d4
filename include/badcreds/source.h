/* source.h: where events come from. Input formats (evtx, gzip, xml) sit behind one table and are chosen by probing
 * the first bytes, not the file name; a SOURCE may also be a directory (searched recursively) or "-" (stdin). */
#ifndef BADCREDS_SOURCE_H
#define BADCREDS_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "badcreds/diag.h"
#include "badcreds/event.h"
#include "badcreds/evtx_reader.h"

/* Receives the events of every source. */
struct event_sink {
	/* Called before a record is decoded when its EventID, provider, channel and time can be read cheaply; false
	 * skips it. NULL: every record is decoded. */
	bool (*wants)(void *ctx, const struct evtx_peek *p);
	/* The event and the strings it points to are valid during the call only. */
	void (*event)(void *ctx, const struct event *ev);
	void *ctx;
};

struct source_stats {
	unsigned long files;           /* inputs read */
	unsigned long records;         /* records or XML events seen */
	unsigned long damaged_files;   /* inputs with errors */
};

struct source_options {
	unsigned threads;              /* workers for EVTX chunks; 1 = none */
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

/* Reads one SOURCE argument: a file of any format, a directory or "-". Problems are reported to d. */
void source_read(const char *source, const struct source_options *opt, const struct event_sink *sink,
		 struct diag *d, struct source_stats *st);

/* The peek of an already decoded event (XML input, records that could not be peeked). */
void event_peek(const struct event *ev, struct evtx_peek *p);

/* Copies a stream into an unlinked temporary file (for stdin and gzip); -1 on failure (reported). */
int spool_to_tempfile(int in_fd, void *gz, const char *name, struct diag *d);

#endif
