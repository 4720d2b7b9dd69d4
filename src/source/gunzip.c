/* gunzip.c: gzip decompression with zlib's inflate that keeps what it can. Members follow each other; data after
 * the last member is ignored with a note. A trailer whose CRC-32 or length does not match is a warning (the data was
 * already delivered). Damaged deflate data that zlib notices is an error; decompression resumes at the next point
 * where it can be exact again (a further member, or a full flush). Damage that zlib does not notice comes out as
 * wrong bytes; the trailer's CRC-32 then says so, and the reader of the content finds its way again by itself. */
#include "source/gunzip.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

bool gunzip_magic(const uint8_t *head, size_t n) { return n >= 2 && head[0] == 0x1f && head[1] == 0x8b; }

enum {
	READ_SIZE = 256 * 1024,
	TRIAL_OUTPUT = 64 * 1024,       /* a resumption point must decode this much cleanly */
	TRIAL_INPUT = 256 * 1024,       /* compressed bytes a trial may use */
};
static const uint64_t MAX_TRIAL_WORK = 256ULL << 20; /* a search for a resumption point ends there */

struct gunzip {
	int fd;
	bool eof, read_error;
	uint8_t *in;                    /* compressed bytes [pos, len) not yet given to zlib */
	size_t pos, len, cap;
	uint64_t base;                  /* file offset of in[0] */
	z_stream z;
	enum { AT_MEMBER, IN_MEMBER, IN_RAW, FINISHED } state; /* IN_RAW: after a full flush, up to the member's end */
	struct diag *d;
	z_stream trial;                 /* for trying resumption points */
	uint64_t trial_work;            /* compressed bytes the trials of one search went through */
	uint8_t *scratch;               /* its output */
};

/* Makes at least `want` unread bytes available, unless the input ends first. */
static void fill(struct gunzip *g, size_t want)
{
	while (g->len - g->pos < want && !g->eof) {
		if (g->pos > 0 && g->pos >= g->len / 2) { /* drop what zlib has consumed */
			memmove(g->in, g->in + g->pos, g->len - g->pos);
			g->base += g->pos;
			g->len -= g->pos;
			g->pos = 0;
		}
		if (g->cap - g->len < READ_SIZE) {
			g->cap = g->cap ? 2 * g->cap : 2 * READ_SIZE;
			g->in = realloc(g->in, g->cap);
			if (!g->in)
				abort();
		}
		ssize_t n = read(g->fd, g->in + g->len, g->cap - g->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			diag_report(g->d, DIAG_ERROR, g->base + g->len, "read error: %s", strerror(errno));
			g->read_error = true;
		}
		if (n <= 0)
			g->eof = true;
		else
			g->len += (size_t)n;
	}
}

struct gunzip *gunzip_new(int fd, const uint8_t *head, size_t nhead, struct diag *d)
{
	struct gunzip *g = calloc(1, sizeof *g);
	if (!g)
		abort();
	g->fd = fd;
	g->d = d;
	g->cap = nhead > 2 * READ_SIZE ? nhead : 2 * READ_SIZE;
	g->in = malloc(g->cap);
	g->scratch = malloc(TRIAL_OUTPUT);
	if (!g->in || !g->scratch || inflateInit2(&g->z, 15 + 16) != Z_OK || inflateInit2(&g->trial, -15) != Z_OK)
		abort();
	memcpy(g->in, head, nhead);
	g->len = nhead;
	return g;
}

void gunzip_free(struct gunzip *g)
{
	inflateEnd(&g->z);
	inflateEnd(&g->trial);
	free(g->in);
	free(g->scratch);
	free(g);
}

/* Whether inflate (gzip, or raw without history) starting at in[at] decodes TRIAL_OUTPUT bytes, or a whole stream,
 * without error. */
static bool decodes_from(struct gunzip *g, size_t at, bool gzip)
{
	inflateReset2(&g->trial, gzip ? 15 + 16 : -15);
	g->trial.next_in = g->in + at;
	g->trial.avail_in = (uInt)(g->len - at < TRIAL_INPUT ? g->len - at : TRIAL_INPUT);
	g->trial.next_out = g->scratch;
	g->trial.avail_out = TRIAL_OUTPUT;
	int ret = inflate(&g->trial, Z_SYNC_FLUSH);
	g->trial_work += (uint64_t)(g->trial.next_in - (g->in + at));
	/* clean so far: the output is full, the stream ended, or its input ran out without an error */
	return ret == Z_STREAM_END || ((ret == Z_OK || ret == Z_BUF_ERROR) &&
				       (g->trial.avail_out == 0 || g->trial.avail_in == 0));
}

/* After damage, or data that is not a gzip header where one belongs: the next point where the data can be
 * decompressed exactly again, i.e. where nothing refers back to what was lost: the header of a further gzip member
 * (bgzip, pigz --independent, concatenated files), or a full flush (an empty stored block, 00 00 FF FF, after which
 * the compressor kept no history). A single deflate stream has no such point: everything after damage refers back
 * into it. The search gives up after MAX_TRIAL_WORK bytes of trials. false if there is none. */
static bool resume(struct gunzip *g, uint64_t damaged)
{
	g->trial_work = 0;
	for (;; g->pos++) { /* what is passed over is dropped: memory stays at the buffer */
		fill(g, TRIAL_INPUT);
		size_t i = g->pos;
		if (i + 4 > g->len || g->trial_work > MAX_TRIAL_WORK)
			break;
		const uint8_t *p = g->in + i;
		bool member = gunzip_magic(p, 3) && p[2] == 8; /* deflate */
		bool flush = p[0] == 0 && p[1] == 0 && p[2] == 0xff && p[3] == 0xff;
		if (!(member && decodes_from(g, i, true)) && !(flush && decodes_from(g, i + 4, false)))
			continue;
		inflateReset2(&g->z, member ? 15 + 16 : -15);
		g->pos = i + (member ? 0 : 4);
		g->state = member ? IN_MEMBER : IN_RAW;
		diag_report(g->d, DIAG_ERROR, g->base + g->pos, "decompression resumed here, at %s: the data between "
			    "offset 0x%" PRIx64 " and this point is lost", member ? "the next gzip member" : "a full flush",
			    damaged);
		return true;
	}
	g->state = FINISHED;
	return false;
}

/* Between members: another member, the end (zeros may pad it), or data that is not a gzip header: a damaged
 * header, after which the next member is looked for, or data appended to the file. */
static void next_member(struct gunzip *g)
{
	fill(g, 3);
	size_t left = g->len - g->pos;
	if (left == 0) {
		g->state = FINISHED;
		return;
	}
	const uint8_t *p = g->in + g->pos;
	if (gunzip_magic(p, left) && left >= 3 && p[2] == 8) {
		inflateReset2(&g->z, 15 + 16);
		g->state = IN_MEMBER;
		return;
	}
	uint64_t at = g->base + g->pos;
	for (;;) { /* zeros that pad the file are passed over */
		while (g->pos < g->len && g->in[g->pos] == 0)
			g->pos++;
		if (g->pos < g->len || g->eof)
			break;
		fill(g, 1);
	}
	if (g->pos == g->len) {
		g->state = FINISHED;
		return;
	}
	if (!resume(g, at))
		diag_report(g->d, DIAG_NOTE, at, "data after the gzip stream ignored (not gzip)");
}

size_t gunzip_read(struct gunzip *g, uint8_t *out, size_t n)
{
	size_t done = 0;
	while (done == 0 && g->state != FINISHED) {
		if (g->state == AT_MEMBER) {
			next_member(g);
			continue;
		}
		fill(g, READ_SIZE);
		g->z.next_in = g->in + g->pos;
		g->z.avail_in = (uInt)(g->len - g->pos);
		g->z.next_out = out;
		g->z.avail_out = (uInt)n;
		int ret = inflate(&g->z, Z_NO_FLUSH);
		uint64_t at = g->base + g->pos;
		g->pos = (size_t)(g->z.next_in - g->in);
		done = n - g->z.avail_out;
		if (ret == Z_STREAM_END) {
			if (g->state == IN_RAW) { /* the member's trailer (CRC-32, length) cannot be checked now */
				fill(g, 8);
				g->pos += g->len - g->pos < 8 ? g->len - g->pos : 8;
			}
			g->state = AT_MEMBER;
		} else if (ret == Z_DATA_ERROR) {
			const char *why = g->z.msg ? g->z.msg : "data error";
			if (!strcmp(why, "incorrect data check") || !strcmp(why, "incorrect length check")) {
				diag_report(g->d, DIAG_WARNING, g->base + g->pos, "gzip trailer: %s: this member is damaged "
					    "somewhere, or only its trailer (all of it was read, and is checked as it is read)",
					    !strcmp(why, "incorrect data check") ? "the CRC-32 does not match the data"
										 : "the length does not match the data");
				if (why[10] == 'd') { /* the length that follows the CRC-32 */
					fill(g, 4);
					g->pos += g->len - g->pos < 4 ? g->len - g->pos : 4;
				}
				g->state = AT_MEMBER;
			} else {
				bool header = g->state == IN_MEMBER && g->z.total_in < 10;
				uint64_t where = header ? at : g->base + g->pos;
				diag_report(g->d, DIAG_ERROR, where, header ? "damaged gzip header (%s)" : "gzip data damaged (%s)",
					    why);
				if (!resume(g, where))
					diag_report(g->d, DIAG_ERROR, where, "the rest of the gzip data cannot be decompressed (no "
						    "further gzip member or full flush follows the damage)");
			}
		} else if (ret == Z_MEM_ERROR) {
			abort();
		} else if (done == 0 && g->eof && g->pos == g->len) {
			if (!g->read_error)
				diag_report(g->d, DIAG_ERROR, g->base + g->pos, "gzip data ends early (the file is cut): "
					    "read what came before");
			g->state = FINISHED;
		}
	}
	return done;
}
