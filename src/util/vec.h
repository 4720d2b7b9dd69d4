/* vec.h: growing arrays: the one helper behind every vector of the program. */
#ifndef BADCREDS_VEC_H
#define BADCREDS_VEC_H

#include <stddef.h>

/* Returns v with room for at least n + 1 items of `size` bytes (doubling *cap); aborts on out-of-memory. */
void *vec_grow(void *v, size_t *cap, size_t n, size_t size);

#endif
