/* evtx_file.h: every record of one EVTX file, once: live records in file order, then the records carved from
 * damaged regions and slack that are not copies of live records (slack mostly holds older copies of them). */
#ifndef BADCREDS_EVTX_FILE_H
#define BADCREDS_EVTX_FILE_H

#include "badcreds/evtx_reader.h"

struct evtx_file_stats {
	unsigned long live, carved, carved_duplicates;
};

/* Called for each record; the chunk is loaded and stays valid during the call. */
typedef void (*evtx_record_fn)(void *ctx, struct evtx_chunk *c, const struct evtx_record *rec);

/* Reads the open, seekable file fd (named `name` in messages) with `chunk` as the buffer; problems go to d. false
 * if the file holds no EVTX data at all. */
bool evtx_file_records(int fd, const char *name, struct evtx_chunk *chunk, struct diag *d, evtx_record_fn fn,
		       void *ctx, struct evtx_file_stats *stats);

#endif
