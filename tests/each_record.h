/* each_record.h: the test checkers' loop over every record of the EVTX files given on their command line (or of the
 * .evtx files in the folders given), in file order, with each file's chunks loaded one after another. */
#ifndef BADCREDS_TESTS_EACH_RECORD_H
#define BADCREDS_TESTS_EACH_RECORD_H

#include "evtx/evtx_reader.h"

/* Calls fn for every record (live, then carved, of each chunk) of the files and folders named by args[0..n);
 * `a` is reset after each chunk. */
void each_record(char **args, int n, void (*fn)(const char *path, struct evtx_chunk *c, const struct evtx_record *rec,
						struct arena *a));

#endif
