/* diag.h: messages about bad input (naming the file and the offset) and the counts behind the exit status. */
#ifndef BADCREDS_DIAG_H
#define BADCREDS_DIAG_H

#include "badcreds/compat.h"
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum diag_level { DIAG_NOTE, DIAG_WARNING, DIAG_ERROR };

struct strbuf;

struct diag {
	FILE *stream;              /* where messages go (stderr); NULL = count only */
	struct strbuf *buffer;     /* if set, messages are kept here (one per line) instead, for diag_merge */
	const char *file;          /* the input being read */
	const char *offsets;       /* what its offsets count: NULL "offset", or "compressed offset" (gzip's own) */
	unsigned max_messages;     /* per input; further messages are counted, not printed */
	bool quiet_notes;          /* notes are not printed (--quiet) */
	unsigned max_notes;        /* in the whole run (0: no limit); further notes are counted, not printed */
	unsigned long notes;       /* notes made in the run */
	unsigned printed;          /* messages printed for the current input */
	unsigned long warnings;    /* checksum mismatches and other readable damage */
	unsigned long errors;      /* input that could not be read (records, chunks, files skipped) */
	unsigned long skipped_records;
	unsigned long recovered_records;
};

#define DIAG_NO_OFFSET UINT64_MAX /* a message about the whole input */

void diag_begin_file(struct diag *d, const char *file);
void diag_report(struct diag *d, enum diag_level level, uint64_t offset, const char *fmt, ...)
	BC_PRINTF(4, 5);
void diag_end_file(struct diag *d); /* says how many messages were not printed */
/* Adds the counts of `from` to `into` and prints its buffered messages there (in the order they were made). */
void diag_merge(struct diag *into, struct diag *from);

#endif
