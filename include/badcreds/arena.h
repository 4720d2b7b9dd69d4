/* arena.h: bump allocator for per-chunk and per-record data, released all at once. */
#ifndef BADCREDS_ARENA_H
#define BADCREDS_ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block *head; /* block being filled; older blocks chained behind it */
	size_t used;              /* bytes used in head */
};

void *arena_alloc(struct arena *a, size_t size);      /* 8-byte aligned; aborts on out-of-memory */
void *arena_copy(struct arena *a, const void *src, size_t size);
void arena_reset(struct arena *a);                    /* keeps the first block for reuse */
void arena_free(struct arena *a);

#endif
