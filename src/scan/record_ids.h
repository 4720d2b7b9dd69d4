/* record_ids.h: the EventRecordIDs of one log seen so far, so that a record given twice (the same log in two files,
 * an EVTX and its XML export) is counted once by coverage, and two records with one number (a log cleared and
 * filled again) twice: bounded in size (record_ids.c). */
#ifndef BADCREDS_RECORD_IDS_H
#define BADCREDS_RECORD_IDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct record_ids {
	uint64_t *keys;     /* page number + 1, 0 for a free slot (open addressing, cap a power of two) */
	uint16_t **pages;   /* per ID: 0, or a fingerprint of the time of the first record with that ID */
	size_t n, cap;
	struct { uint64_t id; int64_t time; } *others; /* records whose ID came with another time first (open
							* addressing, id 0 for a free slot) */
	size_t nothers, capothers;
	bool full;          /* MAX pages in use: further IDs are all new (counted, not told apart) */
};

/* Notes a record by its ID (not 0) and time (FILETIME ticks): false when that record was noted before (the same
 * ID at the same time); a cleared log numbers its records from 1 again, so the same ID at another time is another
 * record. Two records of one ID and one day whose times share a 16-bit fingerprint (one pair in 65535) count as
 * one. */
bool record_ids_add(struct record_ids *s, uint64_t id, int64_t time);
void record_ids_free(struct record_ids *s);

#endif
