/* strmap.c: open hashing (FNV-1a, chained) from strings to pointers; grows at load 1. */
#include "badcreds/strmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct strmap_entry {
	const char *key;
	void *value;
	struct strmap_entry *next;
};

uint64_t str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

void *strmap_get(const struct strmap *m, const char *key)
{
	if (!m->cap)
		return NULL;
	for (struct strmap_entry *e = m->slots[str_hash(key) & (m->cap - 1)]; e; e = e->next)
		if (strcmp(e->key, key) == 0)
			return e->value;
	return NULL;
}

static void grow(struct strmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 256;
	struct strmap_entry **slots = calloc(cap, sizeof *slots);
	if (!slots)
		abort();
	for (size_t i = 0; i < m->cap; i++)
		for (struct strmap_entry *e = m->slots[i], *next; e; e = next) {
			next = e->next;
			size_t k = str_hash(e->key) & (cap - 1);
			e->next = slots[k];
			slots[k] = e;
		}
	free(m->slots);
	m->slots = slots;
	m->cap = cap;
}

void strmap_put(struct strmap *m, const char *key, void *value)
{
	if (m->n >= m->cap)
		grow(m);
	size_t k = str_hash(key) & (m->cap - 1);
	for (struct strmap_entry *e = m->slots[k]; e; e = e->next)
		if (strcmp(e->key, key) == 0) {
			e->value = value;
			return;
		}
	struct strmap_entry *e = arena_alloc(m->arena, sizeof *e);
	e->key = arena_copy(m->arena, key, strlen(key) + 1);
	e->value = value;
	e->next = m->slots[k];
	m->slots[k] = e;
	m->n++;
}

void strmap_free(struct strmap *m)
{
	free(m->slots);
	m->slots = NULL;
	m->cap = m->n = 0;
}
