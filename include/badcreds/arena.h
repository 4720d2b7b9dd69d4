/* arena.h: bump allocator for per-chunk and per-record data, released all at once. */
#ifndef BADCREDS_ARENA_H
#define BADCREDS_ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block *head; /* block being filled; older blocks chained behind it */
	unsigned char *next, *end; /* the free part of head (NULL without one) */
};

void *arena_alloc_block(struct arena *a, size_t size); /* arena_alloc's way when head is full: a new block */

static inline void *arena_alloc(struct arena *a, size_t size) /* 8-byte aligned; aborts on out-of-memory */
{
	size = (size + 7) & ~(size_t)7;
	if (!a->next || (size_t)(a->end - a->next) < size)
		return arena_alloc_block(a, size);
	void *p = a->next;
	a->next += size;
	return p;
}

void *arena_copy(struct arena *a, const void *src, size_t size);
void arena_reset(struct arena *a);                    /* keeps the first block for reuse */
void arena_free(struct arena *a);
void arena_adopt(struct arena *a, struct arena *from); /* from's blocks become a's (freed with it); from is empty */

#endif
