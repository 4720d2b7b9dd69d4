/* vec.c: growing arrays. */
#include "util/vec.h"

#include <stdio.h>
#include <stdlib.h>

void *vec_grow(void *v, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return v;
	*cap = *cap ? *cap * 2 : 8; /* small: a request holds a handful of facts, and there are many requests */
	v = realloc(v, *cap * size);
	if (!v) {
		fputs("badcreds: out of memory\n", stderr);
		abort();
	}
	return v;
}
