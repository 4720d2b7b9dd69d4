/* spool.c: copies a stream (stdin, or a gzip member through zlib) into an unlinked temporary file on a thread of
 * its own. EVTX is read while the copy goes on (the reader waits for each chunk), so decompressing and decoding
 * overlap; the file stays seekable for chunks revisited later. Memory stays at one buffer. */
#include "badcreds/source.h"
#include "badcreds/compat.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

enum { SPOOL_BUFFER = 1 << 20 };

struct spool {
	int fd, in_fd;
	gzFile gz;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t more;
	uint64_t written;
	bool done;
	char error[300];                /* reported by spool_finish: the copying thread does not print */
	struct evtx_growing growing;
};

static void *copy(void *arg)
{
	struct spool *s = arg;
	char *buf = malloc(SPOOL_BUFFER);
	if (!buf)
		abort();
	for (;;) {
		ssize_t n;
		if (s->gz) {
			n = gzread(s->gz, buf, SPOOL_BUFFER);
			if (n < 0) {
				int zerr;
				snprintf(s->error, sizeof s->error, "gzip data damaged after %llu bytes: %s; read what came "
					 "before", (unsigned long long)s->written, gzerror(s->gz, &zerr));
				break;
			}
		} else {
			n = read(s->in_fd, buf, SPOOL_BUFFER);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				snprintf(s->error, sizeof s->error, "read error after %llu bytes: %s",
					 (unsigned long long)s->written, strerror(errno));
				break;
			}
		}
		if (n == 0)
			break;
		ssize_t done = 0;
		while (done < n) {
			ssize_t w = bc_pwrite(s->fd, buf + done, (size_t)(n - done), s->written + (uint64_t)done);
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0)
				break;
			done += w;
		}
		pthread_mutex_lock(&s->lock);
		s->written += (uint64_t)done;
		pthread_cond_broadcast(&s->more);
		pthread_mutex_unlock(&s->lock);
		if (done < n) {
			snprintf(s->error, sizeof s->error, "cannot write the temporary file: %s", strerror(errno));
			break;
		}
	}
	free(buf);
	pthread_mutex_lock(&s->lock);
	s->done = true;
	pthread_cond_broadcast(&s->more);
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

static uint64_t wait_for(void *ctx, uint64_t want)
{
	struct spool *s = ctx;
	pthread_mutex_lock(&s->lock);
	while (s->written < want && !s->done)
		pthread_cond_wait(&s->more, &s->lock);
	uint64_t have = s->written;
	pthread_mutex_unlock(&s->lock);
	return have;
}

struct spool *spool_start(int in_fd, void *gz, struct diag *d)
{
	int fd = bc_tempfile();
	if (fd < 0) {
		diag_report(d, DIAG_ERROR, DIAG_NO_OFFSET, "cannot create a temporary file: %s", strerror(errno));
		return NULL;
	}
	struct spool *s = calloc(1, sizeof *s);
	if (!s)
		abort();
	s->fd = fd;
	s->in_fd = in_fd;
	s->gz = gz;
	s->growing = (struct evtx_growing){.wait_for = wait_for, .ctx = s};
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->more, NULL);
	if (s->fd < 0 || pthread_create(&s->thread, NULL, copy, s) != 0) {
		diag_report(d, DIAG_ERROR, DIAG_NO_OFFSET, "cannot start copying the stream");
		if (s->fd >= 0)
			close(s->fd);
		free(s);
		return NULL;
	}
	return s;
}

int spool_fd(const struct spool *s) { return s->fd; }

const struct evtx_growing *spool_growing(struct spool *s) { return &s->growing; }

int spool_finish(struct spool *s, struct diag *d)
{
	pthread_join(s->thread, NULL);
	if (s->error[0])
		diag_report(d, DIAG_ERROR, DIAG_NO_OFFSET, "%s", s->error);
	int fd = s->fd;
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->more);
	free(s);
	return fd;
}

void spool_read(struct spool *s, const char *name, const struct source_options *opt, const struct event_sink *sink,
		struct diag *d, struct source_stats *st)
{
	enum { PROBE_BYTES = 4096 + 8 };
	wait_for(s, PROBE_BYTES);
	const struct input_format *f = input_probe(s->fd);
	if (f == &input_evtx) { /* read while the rest is still arriving */
		struct source_options growing = *opt;
		growing.growing = &s->growing;
		f->read(s->fd, name, &growing, sink, d, st);
		close(spool_finish(s, d));
		return;
	}
	int fd = spool_finish(s, d);
	if (!f || f == &input_gzip)
		diag_report(d, DIAG_ERROR, DIAG_NO_OFFSET, "content is neither EVTX nor event XML");
	else
		f->read(fd, name, opt, sink, d, st);
	close(fd);
}
