/* spool.h: a stream (standard input, or a gzip file) copied into an unlinked temporary file by a thread of its
 * own, decompressed on the way when it is gzip, so that the EVTX reader can start on the first chunks while the rest
 * is still arriving and seek back later. The first bytes are probed before more is spooled (a stream that is neither
 * EVTX nor event XML costs one buffer, not a full disk); all-zero blocks are left as holes; the spool stops at a
 * size limit, and a decompressed log where junk takes over (a gzip bomb), with a message. */
#ifndef BADCREDS_SPOOL_H
#define BADCREDS_SPOOL_H

#include <stdbool.h>
#include <stdint.h>

#include "badcreds/source.h"

struct spool;
/* Starts copying in_fd (closed at the end when own_fd) into a temporary file in bc_tempdir(), up to `limit` bytes
 * (0: no limit). NULL on failure (reported to d). */
struct spool *spool_start(int in_fd, bool own_fd, uint64_t limit, struct diag *d);
/* Reads the spooled stream as whatever its first bytes say it is (EVTX while it is still arriving), reports what
 * the copy ran into, and frees everything. false if nothing could be read. */
bool spool_read(struct spool *s, const char *name, const struct source_options *opt, const struct event_sink *sink,
		struct diag *d, struct source_stats *st);

#endif
