/* gunzip.h: gzip streams (one member or several, from a file or a pipe) decompressed with zlib's inflate so that
 * damage costs as little as possible: everything decompressed before the damage is kept, a wrong CRC-32 or length in
 * a trailer is only a warning, and after damaged data decompression resumes at the next point where it can be
 * exact again (a further gzip member or a full flush), so that what follows can still be read. */
#ifndef BADCREDS_GUNZIP_H
#define BADCREDS_GUNZIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "badcreds/diag.h"

struct gunzip;

/* Whether the bytes start like a gzip member (magic 1f 8b). */
bool gunzip_magic(const uint8_t *head, size_t n);

/* Decompresses what is read from fd (sequentially) after the `nhead` bytes already read from it into `head`.
 * Messages go to d (with the compressed offset). */
struct gunzip *gunzip_new(int fd, const uint8_t *head, size_t nhead, struct diag *d);
void gunzip_free(struct gunzip *g);

/* Up to n decompressed bytes; 0 at the end (or when nothing more can be read). After damage, the bytes that follow
 * may be shifted or come after a gap: what they hold has to be found again by its content. */
size_t gunzip_read(struct gunzip *g, uint8_t *out, size_t n);

#endif
