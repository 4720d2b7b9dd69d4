/* strmap.c: open hashing (chained) from strings to pointers; grows at load 1. Each entry keeps its key's
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

/* A key's hash, eight bytes at a time (keys are GUIDs, "server\x1fGUID" pairs, addresses, user names: a byte at a
 * time was most of a lookup); its length into *len. Each word is mixed in by a multiply whose high half is folded
 * back, so that every byte reaches every bit. It starts from where the program was loaded (random with address
 * space layout randomization), so that names typed at a login page cannot be chosen to fall into one bucket; nothing
 * depends on the order of the buckets. */
static uint64_t str_hash(const char *s, size_t *len)
{
	size_t n = strlen(s), i = 0;
	uint64_t h = ((uint64_t)(uintptr_t)&str_hash * 0x9e3779b97f4a7c15ULL) ^ n;
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	uint64_t w = 0;
	memcpy(&w, s + i, n - i);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
	*len = n;
	return h ^ h >> 29;
}

/* The bucket of a hash: its high bits folded into the low ones that pick it. */
static size_t bucket(uint64_t h, size_t cap)
{
	return (size_t)(h ^ h >> 32) & (cap - 1);
}

void *strmap_get(const struct strmap *m, const char *key)
{
	if (!m->cap)
		return NULL;
	size_t len;
	uint64_t h = str_hash(key, &len);
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
	size_t len;
	uint64_t h = str_hash(key, &len);
	size_t k = bucket(h, m->cap);
	for (struct strmap_entry *e = m->slots[k]; e; e = e->next)
		if (e->hash == h && strcmp(e->key, key) == 0)
			return e;
	struct strmap_entry *e = arena_alloc(m->arena, sizeof *e);
	e->hash = h;
	e->key = borrow ? key : arena_copy(m->arena, key, len + 1);
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
