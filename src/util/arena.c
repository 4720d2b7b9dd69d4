/* arena.c: bump allocator; blocks grow geometrically up to a cap, reset keeps one block so steady state allocates
 * nothing. */
#include "badcreds/arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct arena_block {
	struct arena_block *next;
	size_t size;
	_Alignas(max_align_t) unsigned char data[];
};

/* Blocks double up to 1 MiB, then stay there: a large arena wastes at most the unused end of one block. */
enum { ARENA_MIN_BLOCK = 64 * 1024, ARENA_MAX_BLOCK = 1024 * 1024 };

void *arena_alloc_block(struct arena *a, size_t size)
{
	size_t want = !a->head ? ARENA_MIN_BLOCK : a->head->size >= ARENA_MAX_BLOCK ? ARENA_MAX_BLOCK : a->head->size * 2;
	if (want < size)
		want = size;
	struct arena_block *b = malloc(sizeof *b + want);
	if (!b) {
		fputs("badcreds: out of memory\n", stderr);
		abort();
	}
	b->next = a->head;
	b->size = want;
	a->head = b;
	a->next = b->data + size;
	a->end = b->data + want;
	return b->data;
}

void *arena_copy(struct arena *a, const void *src, size_t size)
{
	void *p = arena_alloc(a, size ? size : 1);
	if (size)
		memcpy(p, src, size);
	return p;
}

void arena_reset(struct arena *a)
{
	if (!a->head)
		return;
	/* keep the largest (newest) block, drop the rest */
	struct arena_block *b = a->head->next;
	while (b) {
		struct arena_block *next = b->next;
		free(b);
		b = next;
	}
	a->head->next = NULL;
	a->next = a->head->data;
	a->end = a->head->data + a->head->size;
}

void arena_free(struct arena *a)
{
	arena_reset(a);
	free(a->head);
	a->head = NULL;
	a->next = a->end = NULL;
}

void arena_adopt(struct arena *a, struct arena *from)
{
	if (!from->head)
		return;
	if (!a->head) {
		*a = *from;
	} else { /* behind a's head, which stays the block being filled */
		struct arena_block *last = from->head;
		while (last->next)
			last = last->next;
		last->next = a->head->next;
		a->head->next = from->head;
	}
	*from = (struct arena){0};
}
