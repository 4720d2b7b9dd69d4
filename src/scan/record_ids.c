/* record_ids.c: a set of records of one log by EventRecordID and time. Pages found by hashing their page numbers
 * with their day hold a 16-bit fingerprint of the exact time of the first record with each ID (0: none yet); a
 * record whose ID was seen with another fingerprint (a log cleared and filled again within the day, both copies
 * given) is kept exactly in a small set of its own, so that the same record given twice is told from another one
 * with its number whatever the order of the inputs. A log's IDs run on from one record to the next, so a 4 GiB log of
 * 4 million records over 30 days takes about a thousand pages (8 MiB); IDs scattered by a crafted file could take a
 * page each, so at most MAX_PAGES (16 MiB) and MAX_OTHERS are kept, and later records count as new. */
#include <stdlib.h>
#include <string.h>

#include "scan/record_ids.h"

enum { PAGE_IDS = 4096, MAX_PAGES = 2048, MAX_OTHERS = 1 << 20 };

static size_t slot(const struct record_ids *s, uint64_t key)
{
	size_t i = (size_t)(key * 0x9e3779b97f4a7c15u) & (s->cap - 1);
	while (s->keys[i] && s->keys[i] != key)
		i = (i + 1) & (s->cap - 1);
	return i;
}

static void grow(struct record_ids *s)
{
	size_t cap = s->cap ? 2 * s->cap : 64;
	uint64_t *keys = calloc(cap, sizeof *keys);
	uint16_t **pages = calloc(cap, sizeof *pages);
	if (!keys || !pages)
		abort();
	struct record_ids old = *s;
	s->keys = keys;
	s->pages = pages;
	s->cap = cap;
	for (size_t i = 0; i < old.cap; i++)
		if (old.keys[i]) {
			size_t k = slot(s, old.keys[i]);
			s->keys[k] = old.keys[i];
			s->pages[k] = old.pages[i];
		}
	free(old.keys);
	free(old.pages);
}

static size_t other_slot(const struct record_ids *s, uint64_t id, int64_t time)
{
	size_t i = (size_t)((id ^ (uint64_t)time * 0x9e3779b97f4a7c15u) * 0xbf58476d1ce4e5b9u) & (s->capothers - 1);
	while (s->others[i].id && (s->others[i].id != id || s->others[i].time != time))
		i = (i + 1) & (s->capothers - 1);
	return i;
}

/* A record whose ID was seen with another time: false when this one was seen before. */
static bool add_other(struct record_ids *s, uint64_t id, int64_t time)
{
	if (s->capothers && s->others[other_slot(s, id, time)].id)
		return false;
	if (s->nothers == MAX_OTHERS)
		return true;
	if (2 * (s->nothers + 1) > s->capothers) {
		struct record_ids old = *s;
		s->capothers = old.capothers ? 2 * old.capothers : 64;
		s->others = calloc(s->capothers, sizeof *s->others);
		if (!s->others)
			abort();
		for (size_t i = 0; i < old.capothers; i++)
			if (old.others[i].id)
				s->others[other_slot(s, old.others[i].id, old.others[i].time)] = old.others[i];
		free(old.others);
	}
	size_t i = other_slot(s, id, time);
	s->others[i].id = id;
	s->others[i].time = time;
	s->nothers++;
	return true;
}

bool record_ids_add(struct record_ids *s, uint64_t id, int64_t time)
{
	uint64_t day = (uint64_t)(time / 864000000000LL) & 0xffffff;
	uint64_t key = ((id / PAGE_IDS) << 24 | day) + 1;
	uint16_t print = (uint16_t)(1 + ((uint64_t)time * 0x9e3779b97f4a7c15u >> 32) % 65535); /* 1..65535 */
	if (!s->cap)
		grow(s);
	size_t i = slot(s, key);
	if (!s->keys[i]) {
		if (s->full || s->n == MAX_PAGES)
			return s->full = true;
		if (2 * (s->n + 1) > s->cap) {
			grow(s);
			i = slot(s, key);
		}
		s->keys[i] = key;
		s->pages[i] = calloc(PAGE_IDS, sizeof *s->pages[i]);
		if (!s->pages[i])
			abort();
		s->n++;
	}
	uint16_t *seen = &s->pages[i][id % PAGE_IDS];
	if (!*seen) {
		*seen = print;
		return true;
	}
	return *seen == print ? false : add_other(s, id, time);
}

void record_ids_free(struct record_ids *s)
{
	for (size_t i = 0; i < s->cap; i++)
		free(s->pages[i]);
	free(s->keys);
	free(s->pages);
	free(s->others);
	memset(s, 0, sizeof *s);
}
