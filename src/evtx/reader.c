/* reader.c: the file level: header checks, chunk slots counted from the file size (not the header's 16-bit count),
 * all-zero slots skipped, damaged chunks handed on for carving, CRC-32 mismatches reported but never fatal. */
#define _FILE_OFFSET_BITS 64
#include "evtx/evtx_reader.h"
#include "badcreds/compat.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool read_at(int fd, uint8_t *buf, size_t n, uint64_t off, size_t *got)
{
	size_t done = 0;
	while (done < n) {
		long k = bc_pread(fd, buf + done, n - done, off + done);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return false;
		if (k == 0)
			break;
		done += (size_t)k;
	}
	*got = done;
	return true;
}

static uint64_t slots_in(uint64_t size)
{
	return size > EVTX_FILE_HEADER_BLOCK ? (size - EVTX_FILE_HEADER_BLOCK + EVTX_CHUNK_SIZE - 1) / EVTX_CHUNK_SIZE : 0;
}

bool evtx_reader_open(struct evtx_reader *r, int fd, const char *name, const struct evtx_growing *growing,
		      struct diag *d)
{
	memset(r, 0, sizeof *r);
	r->path = name;
	r->fd = fd;
	r->growing = growing;
	struct stat st;
	if (fstat(r->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		diag_report(d, DIAG_ERROR, DIAG_NO_OFFSET, "not a regular file");
		return false;
	}
	r->size = growing ? growing->wait_for(growing->ctx, EVTX_FILE_HEADER_BLOCK) : (uint64_t)st.st_size;
#ifdef POSIX_FADV_SEQUENTIAL
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL); /* a larger read-ahead window: read from disk at its speed */
#endif
	uint8_t hdr[128];
	size_t got = 0;
	if (!read_at(r->fd, hdr, sizeof hdr, 0, &got) || got < sizeof hdr) {
		diag_report(d, DIAG_ERROR, DIAG_NO_OFFSET, "file too short for an EVTX header (%zu bytes)", got);
		return false;
	}
	r->header_valid = evtx_file_header_read(hdr, &r->header);
	r->no_crc = r->header_valid && (r->header.flags & EVTX_FLAG_NO_CRC32);
	if (!r->header_valid)
		diag_report(d, DIAG_ERROR, 0, "file header signature missing; looking for chunks anyway");
	else if (!r->no_crc && evtx_file_header_crc(hdr) != r->header.checksum)
		diag_report(d, DIAG_WARNING, 124, "file header checksum mismatch (stored 0x%08x, computed 0x%08x)",
			    r->header.checksum, evtx_file_header_crc(hdr));
	else { /* chunks first..last, or (wrapped, first > last) every slot up to the oldest, hold the log */
		uint64_t highest = r->header.first_chunk > r->header.last_chunk ? r->header.first_chunk :
				   r->header.last_chunk;
		r->in_use = highest < UINT64_MAX ? highest + 1 : highest;
	}
	r->nslots = slots_in(r->size);
	return true;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	return n == 0 || (p[0] == 0 && memcmp(p, p + 1, n - 1) == 0);
}

bool evtx_reader_load(const struct evtx_reader *r, uint64_t slot, struct evtx_chunk *c, struct diag *d, bool again)
{
	bool report = !again;
	uint64_t off = EVTX_FILE_HEADER_BLOCK + slot * EVTX_CHUNK_SIZE;
	size_t got = 0;
	if (!read_at(r->fd, c->data, EVTX_CHUNK_SIZE, off, &got)) {
		diag_report(d, DIAG_ERROR, off, "read error: %s", strerror(errno));
		return false;
	}
	c->all_zero = false;
	if (got < EVTX_CHUNK_HEADER_SIZE) {
		if (got && !all_zero(c->data, got) && report)
			diag_report(d, DIAG_ERROR, off, "truncated chunk of %zu bytes skipped", got);
		return false;
	}
	c->len = (uint32_t)got;
	c->slot = slot;
	c->file_offset = off;
	c->header_valid = evtx_chunk_header_read(c->data, &c->header);
	c->verify_crc = false;
	if (!c->header_valid) {
		if (all_zero(c->data, got)) {
			c->all_zero = true;
			return false;
		}
		if (report)
			diag_report(d, DIAG_ERROR, off, "chunk signature missing; carving records from it");
		c->records_end = EVTX_CHUNK_HEADER_SIZE;
	} else {
		c->verify_crc = report && !r->no_crc && !(c->header.flags & EVTX_FLAG_NO_CRC32);
		uint32_t end = c->header.free_space_off;
		if (end > c->len) { /* too large (dirty file) or a truncated chunk: walk what is there */
			if (report && end > EVTX_CHUNK_SIZE)
				diag_report(d, DIAG_WARNING, off + 48, "free space offset 0x%x beyond the chunk", end);
			end = c->len;
		}
		c->records_end = end < EVTX_CHUNK_HEADER_SIZE ? EVTX_CHUNK_HEADER_SIZE : end;
		if (report && got < EVTX_CHUNK_SIZE)
			diag_report(d, DIAG_ERROR, off, "truncated chunk (%zu of %d bytes): reading what is there", got,
				    EVTX_CHUNK_SIZE);
	}
	arena_reset(&c->arena);
	bx_chunk_reset(&c->bx, c->data, c->len, &c->arena, c->store);
	return true;
}

/* Sparse files (partial copies, VSS extracts) have holes where zero slots are: jump over them. */
static void skip_hole(struct evtx_reader *r)
{
#ifdef SEEK_DATA
	off_t off = (off_t)(EVTX_FILE_HEADER_BLOCK + r->next_slot * EVTX_CHUNK_SIZE);
	off_t data = lseek(r->fd, off, SEEK_DATA);
	if (data < 0 && errno == ENXIO)
		r->next_slot = r->nslots; /* nothing but a hole up to the end */
	else if (data > off)
		r->next_slot = ((uint64_t)data - EVTX_FILE_HEADER_BLOCK) / EVTX_CHUNK_SIZE;
#else
	(void)r;
#endif
}

bool evtx_reader_next_slot(struct evtx_reader *r, uint64_t *slot)
{
	if (r->growing) { /* wait for the whole next chunk, or for the end of the stream */
		uint64_t want = EVTX_FILE_HEADER_BLOCK + (r->next_slot + 1) * EVTX_CHUNK_SIZE;
		r->size = r->growing->wait_for(r->growing->ctx, want);
		r->nslots = slots_in(r->size);
	} else if (r->next_slot < r->nslots) {
		skip_hole(r);
	}
	if (r->next_slot >= r->nslots)
		return false;
	*slot = r->next_slot++;
	return true;
}

void evtx_reader_zero_slots(const struct evtx_reader *r, uint64_t from, uint64_t to, struct evtx_zero_slots *z)
{
	to = to < r->in_use ? to : r->in_use;
	if (from >= to)
		return;
	z->n += to - from;
	z->first = from < z->first ? from : z->first;
}

void evtx_reader_check_end(const struct evtx_reader *r, const struct evtx_zero_slots *z, struct diag *d)
{
	if (z->n == 1)
		diag_report(d, DIAG_ERROR, EVTX_FILE_HEADER_BLOCK + z->first * EVTX_CHUNK_SIZE, "chunk %llu is all zero, "
			    "though the file header counts %llu chunks in the log: its records are lost",
			    (unsigned long long)z->first, (unsigned long long)r->in_use);
	else if (z->n)
		diag_report(d, DIAG_ERROR, EVTX_FILE_HEADER_BLOCK + z->first * EVTX_CHUNK_SIZE, "%llu chunks are all zero "
			    "(the first, chunk %llu, at this offset), though the file header counts %llu chunks in the log: "
			    "their records are lost", (unsigned long long)z->n, (unsigned long long)z->first,
			    (unsigned long long)r->in_use);
	if (r->in_use > r->nslots)
		diag_report(d, DIAG_ERROR, r->size, "the file ends after %llu chunk%s, though its header counts %llu in "
			    "the log (a truncated copy?): the records of the missing chunks are lost",
			    (unsigned long long)r->nslots, r->nslots == 1 ? "" : "s", (unsigned long long)r->in_use);
}
