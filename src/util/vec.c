/* vec.c: growing arrays. */
#include "util/vec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

size_t vec_compact(void *v, size_t *head, size_t *n, size_t size)
{
	size_t gone = *head;
	if (!gone || (gone < *n && (gone <= 1024 || gone * 2 <= *n)))
		return 0;
	if (gone < *n)
		memmove(v, (char *)v + gone * size, (*n - gone) * size);
	*n -= gone;
	*head = 0;
	return gone;
}
