/* record_ids.h: the EventRecordIDs of one log seen so far, so that a record given twice (the same log in two files,
 * an EVTX and its XML export) is counted once by coverage: pages of bits, bounded in number (record_ids.c). */
#ifndef BADCREDS_RECORD_IDS_H
#define BADCREDS_RECORD_IDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct record_ids {
	uint64_t *keys;     /* page number + 1, 0 for a free slot (open addressing, cap a power of two) */
	uint8_t **pages;    /* RECORD_IDS_PAGE bits each */
	size_t n, cap;
	bool full;          /* MAX pages in use: further IDs are all new (counted, not told apart) */
};

/* Notes an ID with its record's time (FILETIME ticks): false when it was noted before with a time of the same day
 * (a cleared log numbers its records from 1 again: the same ID on another day is another record). */
bool record_ids_add(struct record_ids *s, uint64_t id, int64_t time);
void record_ids_free(struct record_ids *s);

#endif
