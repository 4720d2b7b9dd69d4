/* strmap.c: open hashing (FNV-1a, chained) from strings to pointers; grows at load 1. Each entry keeps its key's
 * hash: a lookup compares strings only when the hashes agree, and growing does not hash the keys again. */
#include "badcreds/strmap.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct strmap_entry {
	uint64_t hash;
	const char *key;
	void *value;
	struct strmap_entry *next;
};

static uint64_t str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* The bucket of a hash: FNV-1a's low bits follow the last bytes of the key too closely (keys that differ in their
 * first characters would share buckets), so its high bits are folded in. */
static size_t bucket(uint64_t h, size_t cap)
{
	return (size_t)(h ^ h >> 32) & (cap - 1);
}

void *strmap_get(const struct strmap *m, const char *key)
{
	if (!m->cap)
		return NULL;
	uint64_t h = str_hash(key);
	for (struct strmap_entry *e = m->slots[bucket(h, m->cap)]; e; e = e->next)
		if (e->hash == h && strcmp(e->key, key) == 0)
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
			size_t k = bucket(e->hash, cap);
			e->next = slots[k];
			slots[k] = e;
		}
	free(m->slots);
	m->slots = slots;
	m->cap = cap;
}

/* The entry of key, made (with a copy of the key, or the key itself when `borrow`, and a NULL value) when there is
 * none. */
static struct strmap_entry *entry(struct strmap *m, const char *key, bool borrow)
{
	if (m->n >= m->cap)
		grow(m);
	uint64_t h = str_hash(key);
	size_t k = bucket(h, m->cap);
	for (struct strmap_entry *e = m->slots[k]; e; e = e->next)
		if (e->hash == h && strcmp(e->key, key) == 0)
			return e;
	struct strmap_entry *e = arena_alloc(m->arena, sizeof *e);
	e->hash = h;
	e->key = borrow ? key : arena_copy(m->arena, key, strlen(key) + 1);
	e->value = NULL;
	e->next = m->slots[k];
	m->slots[k] = e;
	m->n++;
	return e;
}

const char *strmap_put(struct strmap *m, const char *key, void *value)
{
	struct strmap_entry *e = entry(m, key, false);
	e->value = value;
	return e->key;
}

void strmap_put_borrowed(struct strmap *m, const char *key, void *value)
{
	entry(m, key, true)->value = value;
}

const char *strmap_intern(struct strmap *m, const char *s)
{
	struct strmap_entry *e = entry(m, s, false);
	if (!e->value)
		e->value = (void *)e->key;
	return e->value;
}

void strmap_free(struct strmap *m)
{
	free(m->slots);
	m->slots = NULL;
	m->cap = m->n = 0;
}
