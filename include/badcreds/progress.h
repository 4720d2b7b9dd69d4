/* progress.h: a one-line progress indicator on stderr (bytes done, rate, ETA), only when stderr is a terminal. */
#ifndef BADCREDS_PROGRESS_H
#define BADCREDS_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

void progress_enable(bool on);                        /* the CLI turns it on unless --quiet; needs a terminal */
void progress_file(const char *name, uint64_t total); /* a new input; total 0 = unknown */
void progress_update(uint64_t done);                  /* bytes of the current input read; at most 10 redraws/s */
void progress_count_items(const char *unit);          /* the current input counts items ("events"), not bytes */
void progress_clear(void);                            /* erases the line before other output on stderr */

#endif
