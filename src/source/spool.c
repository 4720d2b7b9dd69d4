/* spool.c: copies a stream (standard input, or a gzip file through gunzip) into an unlinked temporary file on a
 * thread of its own. EVTX is read while the copy goes on (the reader waits for each chunk), so decompressing and
 * decoding overlap; the file stays seekable for chunks revisited later. The copy pauses after its first block until
 * the reader has probed it, and stops for good when the content is not a log. Blocks of zeros are skipped (a hole
 * in the file), so a stream of zeros costs no disk. After gzip damage, EVTX that follows is placed so that each chunk
 * signature found lands on a chunk boundary again. A decompressed stream whose log gives way to junk is stopped (see
 * the gzip bombs comment). Memory stays at one buffer. */
#include "badcreds/compat.h"
#include "evtx/evtx_file.h"
#include "source/gunzip.h"
#include "source/input.h"
#include "source/spool.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
	SPOOL_BUFFER = 1 << 20,
	ZERO_BLOCK = 64 * 1024,          /* all-zero blocks of this size (aligned) are not written */
	REALIGN_SPAN = 256 * 1024,       /* bytes searched at a time for a chunk signature (7 are kept for the next) */
};
static const uint64_t MIN_FREE = 1ULL << 30; /* the copy stops rather than fill the disk */
static const uint64_t JUNK_BOUND = 64ULL << 20; /* decompressed bytes without a sign of the log (gzip bombs) */

enum verdict { VERDICT_PENDING, VERDICT_READ, VERDICT_STOP };

struct spool {
	int fd, in_fd;
	bool own_fd;
	uint64_t limit;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t more;
	uint64_t written;               /* bytes of the stream in the file (holes included) */
	uint64_t readable;              /* how many of them the reader is given (gzip bombs) */
	bool done;
	enum verdict verdict;
	bool evtx;                      /* the content is EVTX (set by the reader once it has probed it) */
	bool gzip;                      /* decompressed: chunks are realigned after damage (copying thread only) */
	struct strbuf pending;          /* EVTX bytes not yet placed */
	bool realigning;                /* looking for the next chunk signature */
	size_t realign_from;            /* where in the pending bytes the search goes on (1 right at the boundary) */
	bool realign_note;              /* the damage has been reported */
	struct diag tdiag;              /* messages of the copying thread, as it makes them */
	struct strbuf tmessages;
	struct diag diag;               /* ... handed over under the lock, printed by the reader */
	struct strbuf messages;
	struct diag *out;               /* where the reader prints them */
	struct evtx_growing growing;
	/* the junk watch of a decompressed stream (written by the copying thread only) */
	enum { WATCH_NONE, WATCH_EVTX, WATCH_XML } watching; /* what the reader has probed the stream as */
	uint64_t evtx_sign_end;         /* where the last chunk or record signature in the file ends */
	uint64_t xml_sign_end;          /* where the last event's end tag ends */
	bool junk;                      /* the copy stopped at junk */
};

/* Hands the copying thread's new messages to the reader's side; the caller holds the lock. */
static void hand_over(struct spool *s)
{
	if (!s->tmessages.len && !s->tdiag.errors && !s->tdiag.warnings)
		return;
	sb_add(&s->messages, s->tmessages.data, s->tmessages.len);
	s->diag.errors += s->tdiag.errors;
	s->diag.warnings += s->tdiag.warnings;
	s->tmessages.len = 0;
	s->tdiag.errors = s->tdiag.warnings = 0; /* `printed` goes on counting: no more than max_messages are kept */
}

/* The first chunk slot boundary at or after `at`. */
static uint64_t slot_boundary(uint64_t at)
{
	if (at <= EVTX_FILE_HEADER_BLOCK)
		return EVTX_FILE_HEADER_BLOCK;
	return EVTX_FILE_HEADER_BLOCK + (at - EVTX_FILE_HEADER_BLOCK + EVTX_CHUNK_SIZE - 1) / EVTX_CHUNK_SIZE *
					 EVTX_CHUNK_SIZE;
}

/* Gzip bombs: a small .gz can decompress to terabytes, and a real log in front of the junk takes it past the probe,
 * so the copy would fill the disk (or, for zeros, which take none, spend hours) before anything is reported. While a
 * gzip stream is copied, the signs of a log are watched for: for EVTX a chunk signature where a chunk starts (4096 +
 * k * 65536, as place() puts them) or a record signature anywhere; for XML an event's end tag (UTF-8 and UTF-16).
 * Once JUNK_BOUND bytes have been decompressed past the last sign, the rest of the gzip data is not decompressed: an
 * error names the offset in the decompressed data where the junk starts (the end of the chunk that holds the last
 * EVTX sign, or the byte after the last event) and the log before it is read as usual. The EVTX reader is not given
 * the bytes past the last sign's chunk until another sign or the end of the stream shows they belong to the log, so
 * it never reads the junk (its chunks would be errors that bury the one that matters); the XML reader starts once
 * the copy has ended and passes over the junk copied as text between events.
 * 64 MiB is 1024 chunk slots: Windows writes a log chunk by chunk (a cleared log is one chunk again), each with its
 * signature, and an XML event is a few KiB, so only a copy damaged by more than 1024 all-zero slots in a row gets
 * there (decompressed first, it is read whole as a file); and junk costs at most that much disk, and a fraction of a
 * second, before the stop (an XML event over 16 MiB is skipped anyway). Junk made to hold the signs (a record
 * signature or an end tag every few MiB) is not noticed: --spool-limit and the free space check bound it. Streams that
 * are not gzip (plain standard input) are not watched: their bytes cost whoever sends them. */

/* The end of the last EVTX record signature in p[0, n), or 0. Looked for from the end: in a log one is a few hundred
 * bytes away. */
static size_t last_record_signature_end(const uint8_t *p, size_t n)
{
	for (size_t end = n; end >= 4; end--)
		if (p[end - 4] == '*' && !memcmp(p + end - 4, EVTX_RECORD_SIGNATURE, 4))
			return end;
	return 0;
}

/* The end of the last end tag of an event ("Event>" of </Event> or </e:Event>, in UTF-8, UTF-16LE or UTF-16BE) in
 * p[0, n), or 0. */
static size_t last_event_end(const uint8_t *p, size_t n)
{
	static const struct { const char *tag; size_t len; } ends[] = {
		{"Event>", 6}, {"E\0v\0e\0n\0t\0>\0", 12}, {"\0E\0v\0e\0n\0t\0>", 12}};
	for (size_t end = n; end >= 6; end--)
		for (size_t k = 0; k < sizeof ends / sizeof ends[0]; k++)
			if (end >= ends[k].len && p[end - 1] == (uint8_t)ends[k].tag[ends[k].len - 1] &&
			    !memcmp(p + end - ends[k].len, ends[k].tag, ends[k].len))
				return end;
	return 0;
}

static void sign_ends_at(uint64_t *sign_end, uint64_t at)
{
	if (at > *sign_end)
		*sign_end = at;
}

/* Notes the signs of a log in the n bytes put at `off` (of both formats until the reader has probed them). Records
 * are looked for only past the chunk of the last sign: a chunk signature vouches for its whole chunk. */
static void note_signs(struct spool *s, const uint8_t *p, size_t n, uint64_t off)
{
	if (s->watching != WATCH_XML) {
		for (uint64_t chunk = slot_boundary(off); chunk + 8 <= off + n; chunk += EVTX_CHUNK_SIZE)
			if (!memcmp(p + (chunk - off), EVTX_CHUNK_SIGNATURE, 8))
				sign_ends_at(&s->evtx_sign_end, chunk + 8);
		uint64_t from = slot_boundary(s->evtx_sign_end);
		if (from < off + n) {
			size_t skip = from > off ? (size_t)(from - off) : 0;
			size_t record = last_record_signature_end(p + skip, n - skip);
			if (record)
				sign_ends_at(&s->evtx_sign_end, off + skip + record);
		}
	}
	if (s->watching != WATCH_EVTX) {
		size_t event = last_event_end(p, n);
		if (event)
			sign_ends_at(&s->xml_sign_end, off + event);
	}
}

/* Where junk starts if no sign of the log follows; until the reader has probed the stream, the end of what it
 * probes. */
static uint64_t junk_start(const struct spool *s)
{
	if (s->watching == WATCH_EVTX)
		return slot_boundary(s->evtx_sign_end);
	return s->watching == WATCH_XML ? s->xml_sign_end : INPUT_PROBE_BYTES;
}

/* Whether the stream has gone on for JUNK_BOUND bytes past the last sign of the log when it reaches `end` (said). */
static bool junk_goes_on(struct spool *s, uint64_t end)
{
	uint64_t junk = junk_start(s);
	if (s->watching == WATCH_NONE || end <= junk + JUNK_BOUND)
		return false;
	diag_report(&s->tdiag, DIAG_ERROR, DIAG_NO_OFFSET, "the decompressed data holds no %s from offset 0x%" PRIx64
		    " on (%" PRIu64 " MiB of junk, a gzip bomb?): the rest is not decompressed, what came before is read",
		    s->watching == WATCH_EVTX ? "EVTX chunk or record" : "end of an XML event", junk, JUNK_BOUND >> 20);
	s->junk = true;
	return true;
}

static void publish(struct spool *s, uint64_t written)
{
	pthread_mutex_lock(&s->lock);
	s->written = written;
	uint64_t sound = s->gzip && written > junk_start(s) ? junk_start(s) : written; /* the rest waits for a sign */
	if (sound > s->readable)
		s->readable = sound;
	hand_over(s);
	pthread_cond_broadcast(&s->more);
	pthread_mutex_unlock(&s->lock);
}

static bool write_all(struct spool *s, const uint8_t *p, size_t n, uint64_t off)
{
	while (n) {
		long w = bc_pwrite(s->fd, p, n, off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			diag_report(&s->tdiag, DIAG_ERROR, DIAG_NO_OFFSET, "cannot write the temporary copy in %s (%s): set "
				    "TMPDIR to a folder with more room, or lower --spool-limit", bc_tempdir(),
				    w < 0 ? strerror(errno) : "nothing written");
			return false;
		}
		p += w, n -= (size_t)w, off += (uint64_t)w;
	}
	return true;
}

/* A size in the largest unit that holds it whole: 64 GiB, 1536 MiB, 100 KiB, 1000 bytes. */
static void size_text(char *buf, size_t len, uint64_t bytes)
{
	static const char *const units[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
	size_t u = 0;
	while (u + 1 < sizeof units / sizeof units[0] && bytes && bytes % 1024 == 0)
		bytes /= 1024, u++;
	snprintf(buf, len, "%" PRIu64 " %s", bytes, units[u]);
}

static bool zero_block(const uint8_t *p) { return p[0] == 0 && memcmp(p, p + 1, ZERO_BLOCK - 1) == 0; }

/* Appends n bytes at `off`; aligned all-zero blocks stay holes. */
static bool put_at(struct spool *s, const uint8_t *p, size_t n, uint64_t off)
{
	if (s->limit && off + n > s->limit) {
		size_t keep = off < s->limit ? (size_t)(s->limit - off) : 0;
		if (keep && !put_at(s, p, keep, off))
			return false;
		char limit[32];
		size_text(limit, sizeof limit, s->limit);
		diag_report(&s->tdiag, DIAG_ERROR, DIAG_NO_OFFSET, "stopped after %s, the --spool-limit: the rest of this "
			    "input is not read", limit);
		return false;
	}
	if (s->gzip) {
		note_signs(s, p, n, off);
		if (junk_goes_on(s, off + n))
			return false;
	}
	if ((off + n) >> 26 != off >> 26 && bc_free_space(s->fd) < MIN_FREE) { /* looked at every 64 MiB */
		diag_report(&s->tdiag, DIAG_ERROR, DIAG_NO_OFFSET, "stopped after %" PRIu64 " MiB: less than 1 GiB is left "
			    "in %s (set TMPDIR to a folder with more room): the rest of this input is not read", off >> 20,
			    bc_tempdir());
		return false;
	}
	size_t run = 0, i = 0; /* [run, i): bytes to write in one go */
	while (i < n) {
		uint64_t at = off + i;
		size_t len = ZERO_BLOCK - (size_t)(at % ZERO_BLOCK);
		if (len > n - i)
			len = n - i;
		if (len == ZERO_BLOCK && zero_block(p + i)) {
			if (i > run && !write_all(s, p + run, i - run, off + run))
				return false;
			run = i + len;
		}
		i += len;
	}
	if (n > run && !write_all(s, p + run, n - run, off + run))
		return false;
	/* ends in a hole: the file must still be that long */
	if (run == n && n && bc_truncate(s->fd, off + n) != 0 && !write_all(s, (const uint8_t *)"", 1, off + n - 1))
		return false;
	publish(s, off + n);
	return true;
}

/* Where each chunk of decompressed EVTX goes. Chunks start at 4096 + k * 65536; after gzip damage the decompressed
 * bytes may be shifted (the decoder resynchronises with some bytes lost or made up) or resume after a gap. So when
 * a chunk boundary holds neither a chunk signature nor an empty slot, the next signature is looked for and placed on
 * a chunk boundary again (the bytes before it end the slot before, where a chunk's tail belongs); until one shows
 * up, the bytes follow as they come. A file that was damaged before it was compressed is not shifted: its next
 * signature lies a whole number of chunks further on. Streams that are not decompressed are copied as they are. */
static bool place(struct spool *s, bool end)
{
	size_t at = 0; /* pending bytes handled */
	bool ok = true;
	while (ok && at < s->pending.len) {
		const char *p = s->pending.data + at;
		size_t left = s->pending.len - at;
		if (s->realigning) {
			const char *sig = NULL;
			for (size_t i = s->realign_from; !sig && i + 8 <= left; i++)
				if (p[i] == 'E' && !memcmp(p + i, EVTX_CHUNK_SIGNATURE, 8))
					sig = p + i;
			if (sig) {
				size_t q = (size_t)(sig - p);
				uint64_t chunk = slot_boundary(s->written + q);
				diag_report(&s->tdiag, DIAG_NOTE, DIAG_NO_OFFSET, "the chunk found %zu bytes further on is read at "
					    "offset 0x%" PRIx64, q, chunk);
				ok = put_at(s, (const uint8_t *)p, q, chunk - q);
				at += q;
				s->realigning = false;
			} else if (left >= REALIGN_SPAN || end) { /* no chunk yet: what came follows as it is */
				size_t n = end ? left : left - 7;
				ok = put_at(s, (const uint8_t *)p, n, s->written);
				at += n;
				s->realign_from = 0; /* the 7 bytes kept may start a signature */
				if (end)
					s->realigning = false;
			} else {
				break;
			}
			continue;
		}
		uint64_t boundary = slot_boundary(s->written);
		if (boundary > s->written) { /* up to the next chunk boundary */
			size_t n = boundary - s->written < left ? (size_t)(boundary - s->written) : left;
			ok = put_at(s, (const uint8_t *)p, n, s->written);
			at += n;
			continue;
		}
		if (left < EVTX_CHUNK_HEADER_SIZE && !end)
			break;
		bool chunk = left >= 8 && !memcmp(p, EVTX_CHUNK_SIGNATURE, 8);
		bool zero = true; /* an empty slot: no chunk header at all */
		for (size_t i = 0; i < (left < EVTX_CHUNK_HEADER_SIZE ? left : EVTX_CHUNK_HEADER_SIZE); i++)
			zero &= p[i] == 0;
		if (!chunk && !zero && !s->realign_note) {
			diag_report(&s->tdiag, DIAG_ERROR, DIAG_NO_OFFSET, "the decompressed data has no chunk at offset 0x%"
				    PRIx64 " (damaged gzip data): looking for the next chunk", s->written);
			s->realign_note = true;
		}
		s->realigning = !chunk && !zero;
		s->realign_from = 1;
		if (!s->realigning) { /* a chunk (or zeros): the bytes up to the next boundary */
			size_t n = left < EVTX_CHUNK_SIZE ? left : EVTX_CHUNK_SIZE;
			ok = put_at(s, (const uint8_t *)p, n, s->written);
			at += n;
		}
	}
	if (at) {
		memmove(s->pending.data, s->pending.data + at, s->pending.len - at);
		s->pending.len -= at;
	}
	return ok;
}

static bool put(struct spool *s, const uint8_t *p, size_t n)
{
	if (!s->evtx || !s->gzip)
		return put_at(s, p, n, s->written);
	sb_add(&s->pending, p, n);
	return place(s, false);
}

static size_t read_raw(struct spool *s, uint8_t *buf, size_t n)
{
	for (;;) {
		ssize_t got = read(s->in_fd, buf, n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			diag_report(&s->tdiag, DIAG_ERROR, DIAG_NO_OFFSET, "read error after %" PRIu64 " bytes: %s", s->written,
				    strerror(errno));
		return got > 0 ? (size_t)got : 0;
	}
}

/* Waits until the reader has probed the first bytes; false if it does not want the rest. */
static bool probed(struct spool *s)
{
	pthread_mutex_lock(&s->lock);
	while (s->verdict == VERDICT_PENDING)
		pthread_cond_wait(&s->more, &s->lock);
	bool go = s->verdict == VERDICT_READ;
	pthread_mutex_unlock(&s->lock);
	return go;
}

static void *copy(void *arg)
{
	struct spool *s = arg;
	uint8_t *buf = malloc(SPOOL_BUFFER);
	if (!buf)
		abort();
	size_t n = 0, got; /* the first bytes say whether the stream is gzip */
	while (n < 2 && (got = read_raw(s, buf + n, SPOOL_BUFFER - n)) > 0)
		n += got;
	struct gunzip *gz = n >= 2 && buf[0] == 0x1f && buf[1] == 0x8b ? gunzip_new(s->in_fd, buf, n, &s->tdiag) : NULL;
	if (gz) /* the records' and chunks' offsets are in the decompressed data: gzip's are told apart */
		s->tdiag.offsets = "compressed offset";
	s->gzip = gz != NULL;
	bool first = true, checked = false, stopped = false;
	for (;;) {
		if (gz)
			n = gunzip_read(gz, buf, SPOOL_BUFFER);
		else if (!first)
			n = read_raw(s, buf, SPOOL_BUFFER);
		first = false;
		if (n == 0)
			break;
		if (!put(s, buf, n)) {
			stopped = true;
			break;
		}
		if (!checked && s->written >= INPUT_PROBE_BYTES) { /* nothing more until the reader knows what this is */
			checked = true;
			if (!probed(s))
				break;
			if (s->gzip) /* s->evtx was set with the verdict, under the lock */
				s->watching = s->evtx ? WATCH_EVTX : WATCH_XML;
		}
	}
	pthread_mutex_lock(&s->lock); /* the reader may be deciding what the stream is right now */
	bool evtx = s->evtx;
	pthread_mutex_unlock(&s->lock);
	if (evtx && s->gzip && !stopped)
		place(s, true);
	if (gz)
		gunzip_free(gz);
	free(buf);
	pthread_mutex_lock(&s->lock);
	s->done = true;
	if (!s->junk) /* what waited for a sign of the log is part of it */
		s->readable = s->written;
	hand_over(s);
	pthread_cond_broadcast(&s->more);
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

/* Called by the reader (on the calling thread): waits for `want` bytes or the end, and prints what the copy has
 * run into so far, so that its messages come in order with the reader's. */
static uint64_t wait_for(void *ctx, uint64_t want)
{
	struct spool *s = ctx;
	pthread_mutex_lock(&s->lock);
	while (s->readable < want && !s->done)
		pthread_cond_wait(&s->more, &s->lock);
	uint64_t have = s->readable;
	if (s->out && s->messages.len) {
		diag_merge(s->out, &s->diag);
		s->messages.len = 0;
		s->diag = (struct diag){.buffer = &s->messages};
	}
	pthread_mutex_unlock(&s->lock);
	return have;
}

struct spool *spool_start(int in_fd, bool own_fd, uint64_t limit, struct diag *d)
{
	int fd = bc_tempfile();
	if (fd < 0) {
		diag_report(d, DIAG_ERROR, DIAG_NO_OFFSET, "cannot create a temporary file in %s: %s", bc_tempdir(),
			    strerror(errno));
		if (own_fd)
			close(in_fd);
		return NULL;
	}
	struct spool *s = calloc(1, sizeof *s);
	if (!s)
		abort();
	*s = (struct spool){.fd = fd, .in_fd = in_fd, .own_fd = own_fd, .limit = limit};
	s->diag.buffer = &s->messages;
	s->tdiag = (struct diag){.buffer = &s->tmessages, .max_messages = 100, .quiet_notes = d->quiet_notes};
	s->growing = (struct evtx_growing){.wait_for = wait_for, .ctx = s};
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->more, NULL);
	if (pthread_create(&s->thread, NULL, copy, s) != 0) {
		diag_report(d, DIAG_ERROR, DIAG_NO_OFFSET, "cannot start copying the stream");
		close(fd);
		if (own_fd)
			close(in_fd);
		free(s);
		return NULL;
	}
	return s;
}

static void decide(struct spool *s, enum verdict v, bool evtx)
{
	pthread_mutex_lock(&s->lock);
	s->verdict = v;
	s->evtx = evtx;
	pthread_cond_broadcast(&s->more);
	pthread_mutex_unlock(&s->lock);
}

/* Waits for the copy to end and prints what it ran into; the file stays open. */
static void finish(struct spool *s, struct diag *d)
{
	pthread_join(s->thread, NULL);
	diag_merge(d, &s->diag);
	s->messages.len = 0;
	if (s->own_fd)
		close(s->in_fd);
}

bool spool_read(struct spool *s, const char *name, const struct source_options *opt, const struct event_sink *sink,
		struct diag *d, struct source_stats *st)
{
	s->out = d;
	wait_for(s, INPUT_PROBE_BYTES);
	uint8_t head[INPUT_PROBE_BYTES];
	long n = bc_pread(s->fd, head, sizeof head, 0);
	size_t got = n > 0 ? (size_t)n : 0;
	const struct input_format *f = NULL; /* of the formats a stream can hold */
	if (input_evtx.probe(head, got))
		f = &input_evtx;
	else if (input_xml.probe(head, got))
		f = &input_xml;
	bool ok = false;
	if (f == &input_evtx) { /* read while the rest is still arriving */
		decide(s, VERDICT_READ, true);
		struct source_options growing = *opt;
		growing.growing = &s->growing;
		ok = f->read(s->fd, name, &growing, sink, d, st);
		finish(s, d);
	} else if (f == &input_xml) {
		decide(s, VERDICT_READ, false);
		finish(s, d);
		ok = f->read(s->fd, name, opt, sink, d, st);
	} else {
		decide(s, VERDICT_STOP, false);
		finish(s, d);
		const char *what = input_not_a_log(head, got);
		diag_report(d, DIAG_ERROR, DIAG_NO_OFFSET, gunzip_magic(head, got) ? "gzip inside gzip is not read" :
			    !s->written ? "empty input" : what ? what : "content is neither EVTX nor event XML");
	}
	close(s->fd);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->more);
	sb_free(&s->pending);
	sb_free(&s->messages);
	sb_free(&s->tmessages);
	free(s);
	return ok;
}
