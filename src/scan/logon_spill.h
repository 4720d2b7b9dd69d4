/* logon_spill.h: the lockout finder's events written out to a temporary file while the logs are read, and read back
 * once it knows which accounts were locked (lockouts.c): an AD FS server under attack logs a failed logon (4625)
 * per bad password, and only those of locked accounts are wanted in the end. */
#ifndef BADCREDS_LOGON_SPILL_H
#define BADCREDS_LOGON_SPILL_H

#include <stdbool.h>
#include <stdint.h>

#include "badcreds/strbuf.h"
#include "scan/logon.h"

struct logon_spill {
	int fd;                       /* the temporary file, -1 until the first write */
	uint64_t size;                /* bytes written */
	struct strbuf block;          /* records not yet written */
	const char *error;            /* why the events stayed in memory (no file, no room, a failed write), or NULL */
	bool lost;                    /* reading back failed: events are missing */
};

void logon_spill_init(struct logon_spill *s);
/* Appends the events; false (s->error set, nothing written) when they cannot go to the file. */
bool logon_spill_write(struct logon_spill *s, const struct logon *l, size_t n);
/* Each event written, in the order written; its texts live during the call only. */
void logon_spill_each(struct logon_spill *s, void (*fn)(void *ctx, const struct logon *l), void *ctx);
void logon_spill_free(struct logon_spill *s);

#endif
