/* record_ids.c: a set of EventRecordIDs as pages of bits found by hashing their page numbers with their day. A
 * log's IDs run on from one record to the next, so a 4 GiB log of 4 million records over 30 days takes a few hundred
 * pages (about a MiB); IDs scattered by a crafted file could take a page each, so at most MAX_PAGES (16 MiB) are
 * kept and later IDs count as new. */
#include <stdlib.h>
#include <string.h>

#include "scan/record_ids.h"

enum { PAGE_BITS = 32768, MAX_PAGES = 4096 };

static size_t slot(const struct record_ids *s, uint64_t key)
{
	size_t i = (size_t)(key * 0x9e3779b97f4a7c15u) & (s->cap - 1);
	while (s->keys[i] && s->keys[i] != key)
		i = (i + 1) & (s->cap - 1);
	return i;
}

static void grow(struct record_ids *s)
{
	struct record_ids old = *s;
	s->cap = old.cap ? 2 * old.cap : 64;
	s->keys = calloc(s->cap, sizeof *s->keys);
	s->pages = calloc(s->cap, sizeof *s->pages);
	if (!s->keys || !s->pages)
		abort();
	for (size_t i = 0; i < old.cap; i++)
		if (old.keys[i]) {
			size_t k = slot(s, old.keys[i]);
			s->keys[k] = old.keys[i];
			s->pages[k] = old.pages[i];
		}
	free(old.keys);
	free(old.pages);
}

bool record_ids_add(struct record_ids *s, uint64_t id, int64_t time)
{
	uint64_t day = (uint64_t)(time / 864000000000LL) & 0xffffff;
	uint64_t key = ((id / PAGE_BITS) << 24 | day) + 1;
	size_t bit = (size_t)(id % PAGE_BITS);
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
		s->pages[i] = calloc(PAGE_BITS / 8, 1);
		if (!s->pages[i])
			abort();
		s->n++;
	}
	uint8_t *byte = &s->pages[i][bit / 8], mask = (uint8_t)(1u << (bit % 8));
	bool seen = *byte & mask;
	*byte |= mask;
	return !seen;
}

void record_ids_free(struct record_ids *s)
{
	for (size_t i = 0; i < s->cap; i++)
		free(s->pages[i]);
	free(s->keys);
	free(s->pages);
	memset(s, 0, sizeof *s);
}
