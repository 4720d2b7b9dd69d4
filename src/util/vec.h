/* vec.h: growing arrays: the one helper behind every vector of the program. */
#ifndef BADCREDS_VEC_H
#define BADCREDS_VEC_H

#include <stddef.h>

/* Returns v with room for at least n + 1 items of `size` bytes (doubling *cap); aborts on out-of-memory. */
void *vec_grow(void *v, size_t *cap, size_t n, size_t size);
/* A vector used as a queue, items v[*head..*n) still in it: when those let go of are all of them, or over 1024 and
 * more than those left, the rest move to the front, so that the vector stays the size of what is in it. Returns how
 * many were let go of then (*head before; *head is 0 after), 0 when nothing moved. */
size_t vec_compact(void *v, size_t *head, size_t *n, size_t size);

#endif
