/* strmap.h: a small string-keyed hash map (keys copied into an arena), for correlation indexes. */
#ifndef BADCREDS_STRMAP_H
#define BADCREDS_STRMAP_H

#include <stddef.h>
#include <stdint.h>

#include "badcreds/arena.h"

struct strmap_entry;
struct strmap {
	struct strmap_entry **slots;
	size_t cap, n;
	struct arena *arena;
};

void *strmap_get(const struct strmap *m, const char *key);
/* Replaces an existing value; returns the map's copy of the key (it lives as long as the map's arena). */
const char *strmap_put(struct strmap *m, const char *key, void *value);
/* The same, keeping `key` itself, not a copy: for keys that live longer than the map. */
void strmap_put_borrowed(struct strmap *m, const char *key, void *value);
/* The one copy of s in the map (key and value: the map's copy of the key), made on first use: texts many records
 * repeat stored once. */
const char *strmap_intern(struct strmap *m, const char *s);
void strmap_free(struct strmap *m);

#endif
