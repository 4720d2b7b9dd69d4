/* source.c: one SOURCE argument: "-" and named pipes or devices are spooled to a temporary file, directories are
 * walked in name order (each directory once, however many links lead to it), and each file goes to the input format
 * whose probe accepts its first bytes. Inputs of which nothing could be read are counted and named, so that a run
 * that read nothing can keep the report it would otherwise replace; the message says what such an input looks like
 * when it can (a ZIP archive, a legacy .evt log, an Event Viewer CSV export, a Windows path, a time of day typed apart from its date). */
#include "badcreds/live.h"
#include "badcreds/compat.h"
#include "badcreds/source.h"
#include "evtx/evtx_file.h"
#include "source/input.h"
#include "source/spool.h"
#include "util/vec.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#ifndef O_NONBLOCK
#define O_NONBLOCK 0
#endif

/* A directory walk: the directories seen (by device and file number), so that links cannot make it loop. */
struct walk {
	uint64_t (*seen)[2];
	size_t nseen, cap;
	const struct source_options *opt;
	const struct event_sink *sink;
	struct diag *d;
	struct source_stats *st;
};

static bool read_file(int fd, const char *name, bool from_directory, struct walk *w)
{
	const struct input_format *f = input_probe(fd);
	if (!f) {
		uint8_t head[512];
		long n = bc_pread(fd, head, sizeof head, 0);
		const char *what = n > 0 ? input_not_a_log(head, (size_t)n) : NULL;
		if (from_directory) { /* in a directory, other files are simply not logs; a ZIP or .evt gets a note */
			if (what)
				diag_report(w->d, DIAG_NOTE, DIAG_NO_OFFSET, "%s", what);
			return false;
		}
		struct stat st;
		bool empty = fstat(fd, &st) == 0 && st.st_size == 0;
		diag_report(w->d, DIAG_ERROR, DIAG_NO_OFFSET, empty ? "empty input" : what ? what
				  : "unknown format (not EVTX, gzip or event XML)");
	} else if (f->read(fd, name, w->opt, w->sink, w->d, w->st)) {
		w->st->files++;
		return true;
	}
	source_stats_unreadable(w->st, name);
	return false;
}

static int cmp_names(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void read_path(const char *path, bool from_directory, struct walk *w);

/* "dir" + "name", with the platform's separator unless dir ends with one. */
static char *join(const char *dir, const char *name)
{
#ifdef _WIN32
	const char sep = '\\';
#else
	const char sep = '/';
#endif
	size_t n = strlen(dir), len = n + strlen(name) + 2;
	char *out = malloc(len);
	if (!out)
		abort();
	if (n && (dir[n - 1] == '/' || dir[n - 1] == sep))
		snprintf(out, len, "%s%s", dir, name);
	else
		snprintf(out, len, "%s%c%s", dir, sep, name);
	return out;
}

/* Whether the directory was walked already (another link to it); remembers it otherwise. */
static bool seen_before(struct walk *w, const char *path, const struct stat *s)
{
	uint64_t id[2];
	if (!bc_file_id(path, s, id))
		return false;
	for (size_t i = 0; i < w->nseen; i++)
		if (w->seen[i][0] == id[0] && w->seen[i][1] == id[1])
			return true;
	w->seen = vec_grow(w->seen, &w->cap, w->nseen, sizeof *w->seen);
	w->seen[w->nseen][0] = id[0];
	w->seen[w->nseen++][1] = id[1];
	return false;
}

static void read_directory(const char *path, struct walk *w)
{
	struct bc_dir *dir = bc_opendir(path);
	if (!dir) {
		diag_begin_file(w->d, path);
		diag_report(w->d, DIAG_ERROR, DIAG_NO_OFFSET, "cannot read directory: %s", strerror(errno));
		source_stats_unreadable(w->st, path);
		return;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	for (const char *e; (e = bc_readdir(dir));) {
		if (e[0] == '.')
			continue;
		names = vec_grow(names, &cap, n, sizeof *names);
		names[n++] = join(path, e);
	}
	bc_closedir(dir);
	if (n > 1)
		qsort(names, n, sizeof *names, cmp_names);
	for (size_t i = 0; i < n; i++) {
		read_path(names[i], true, w);
		free(names[i]);
	}
	free(names);
}

/* The end of one input: counted as damaged when it was read with errors (one it could not read at all is counted
 * as unreadable only). */
static void input_done(struct diag *d, struct source_stats *st, unsigned long errors, unsigned long unreadable)
{
	if (d->errors > errors && st->unreadable == unreadable)
		st->damaged_files++;
	diag_end_file(d);
}

/* A stream (standard input, a pipe, a device), spooled as it arrives; fd is closed here when owned (-1: open
 * failed). */
static void read_stream(int fd, bool own, const char *name, struct walk *w)
{
	if (fd < 0) {
		diag_report(w->d, DIAG_ERROR, DIAG_NO_OFFSET, "cannot open: %s", strerror(errno));
		source_stats_unreadable(w->st, name);
		return;
	}
	struct spool *sp = spool_start(fd, own, w->opt->spool_limit, w->d);
	if (sp && spool_read(sp, name, w->opt, w->sink, w->d, w->st))
		w->st->files++;
	else
		source_stats_unreadable(w->st, name);
}

/* Whether a path that names no file here was written for Windows: C:\Logs, C:/Logs or \\server\share. */
static bool windows_path(const char *path)
{
#ifdef _WIN32
	(void)path;
	return false;
#else
	bool drive = ((path[0] >= 'A' && path[0] <= 'Z') || (path[0] >= 'a' && path[0] <= 'z')) && path[1] == ':' &&
		     (path[2] == '\\' || path[2] == '/');
	return drive || (path[0] == '\\' && path[1] == '\\');
#endif
}

/* Whether a path that names no file is a time of day (08:00, 08:00:30.5Z, 08:00+01:00): the second half of an
 * option's date and time typed without quotes (--since 2026-11-20 08:00), taken for a SOURCE. */
static bool time_of_day(const char *p)
{
	size_t h = strspn(p, "0123456789");
	if (h < 1 || h > 2 || p[h] != ':' || strspn(p + h + 1, "0123456789") != 2)
		return false;
	p += h + 3;
	if (*p == ':' && strspn(p + 1, "0123456789") == 2)
		p += 3;
	if (*p == '.' && strspn(p + 1, "0123456789"))
		p += 1 + strspn(p + 1, "0123456789");
	if (*p == 'Z' || *p == 'z')
		p++;
	else if ((*p == '+' || *p == '-') && strspn(p + 1, "0123456789") == 2 && p[3] == ':' &&
		 strspn(p + 4, "0123456789") == 2)
		p += 6;
	return !*p;
}

static void read_path(const char *path, bool from_directory, struct walk *w)
{
	unsigned long errors = w->d->errors, unreadable = w->st->unreadable;
	struct stat s;
	if (bc_stat(path, &s) != 0) {
		int e = errno;
		diag_begin_file(w->d, path);
		if (e == ENOENT && !from_directory && windows_path(path))
			diag_report(w->d, DIAG_ERROR, DIAG_NO_OFFSET, "cannot open: %s (a Windows path: here, give the "
				    "path where it is mounted or copied, such as /mnt/c/Logs under WSL)", strerror(e));
		else if (e == ENOENT && !from_directory && time_of_day(path))
			diag_report(w->d, DIAG_ERROR, DIAG_NO_OFFSET, "cannot open: %s (a time of day? quote an option's "
				    "date and time as one argument: --since 'YYYY-MM-DD %s')", strerror(e), path);
		else
			diag_report(w->d, DIAG_ERROR, DIAG_NO_OFFSET, "cannot open: %s", strerror(e));
		source_stats_unreadable(w->st, path);
		return;
	}
	if (S_ISDIR(s.st_mode)) {
		if (seen_before(w, path, &s))
			return;
		unsigned long files = w->st->files, unreadable = w->st->unreadable;
		read_directory(path, w);
		if (!from_directory && w->st->files == files && w->st->unreadable == unreadable) {
			diag_begin_file(w->d, path);
			diag_report(w->d, DIAG_ERROR, DIAG_NO_OFFSET, "no event log in this directory (EVTX, .evtx.gz or "
				    "event XML)");
			source_stats_unreadable(w->st, path);
		}
		return;
	}
	if (from_directory && w->opt->skip_own && (uint64_t)s.st_dev == w->opt->own_dev &&
	    (uint64_t)s.st_ino == w->opt->own_ino)
		return; /* what this run writes */
	diag_begin_file(w->d, path);
	if (!S_ISREG(s.st_mode)) {
		if (from_directory) /* a pipe or device met in a walk could block or never end: passed over */
			return;
		if (S_ISFIFO(s.st_mode) || S_ISCHR(s.st_mode)) /* named on the command line: <(...), /dev/stdin */
			read_stream(bc_open(path, O_RDONLY | O_BINARY, 0), true, path, w);
		else {
			diag_report(w->d, DIAG_ERROR, DIAG_NO_OFFSET, "not a regular file, pipe or character device");
			source_stats_unreadable(w->st, path);
		}
		input_done(w->d, w->st, errors, unreadable);
		return;
	}
	/* without blocking: had a pipe taken the file's place since stat, opening it would wait for a writer */
	int fd = bc_open(path, O_RDONLY | O_BINARY | O_NONBLOCK, 0);
	struct stat opened;
	if (fd >= 0 && (fstat(fd, &opened) != 0 || !S_ISREG(opened.st_mode))) {
		close(fd);
		fd = -1;
		errno = EINVAL;
	}
	if (fd < 0) {
		diag_report(w->d, DIAG_ERROR, DIAG_NO_OFFSET, "cannot open: %s", strerror(errno));
		source_stats_unreadable(w->st, path);
		return;
	}
	read_file(fd, path, from_directory, w);
	close(fd);
	input_done(w->d, w->st, errors, unreadable);
}

/* Whether p[0, n) holds s[0, k) (Windows' C library has no memmem). */
static bool holds(const uint8_t *p, size_t n, const char *s, size_t k)
{
	for (const uint8_t *q = p; n >= k && (q = memchr(q, s[0], n - k + 1 - (size_t)(q - p))) != NULL; q++)
		if (!memcmp(q, s, k))
			return true;
	return false;
}

/* Whether bytes start an EVTX file or declare the event schema's namespace, xmlns="..." with either quote (UTF-8 or
 * UTF-16LE): an HTML report that shows the namespace typed as a user name escapes its quote. */
static bool events_in(const uint8_t *p, size_t n)
{
	if (n >= 8 && !memcmp(p, "ElfFile", 8))
		return true;
	for (int quote = 0; quote < 2; quote++) {
		char ns[80], wide[160];
		int k = snprintf(ns, sizeof ns, "xmlns=%chttp://schemas.microsoft.com/win/2004/08/events/event%c",
				 quote ? '\'' : '"', quote ? '\'' : '"');
		for (int i = 0; i < k; i++)
			wide[2 * i] = ns[i], wide[2 * i + 1] = 0;
		if (holds(p, n, ns, (size_t)k) || holds(p, n, wide, 2 * (size_t)k))
			return true;
	}
	return false;
}

bool source_is_event_log(const char *path)
{
	struct stat s;
	if (bc_lstat(path, &s) != 0 || !S_ISREG(s.st_mode))
		return false;
	int fd = bc_open(path, O_RDONLY | O_BINARY | O_NONBLOCK, 0);
	if (fd < 0)
		return false;
	uint8_t head[INPUT_PROBE_BYTES];
	long n = bc_pread(fd, head, sizeof head, 0);
	const struct input_format *f = n > 0 ? input_probe_head(head, (size_t)n) : NULL;
	bool log = f == &input_evtx || (f == &input_xml && events_in(head, (size_t)n));
	if (f == &input_gzip) { /* its first decompressed bytes, inflated here (zlib's gzdopen would take a file
				* descriptor of another C library on Windows) */
		enum { COMPRESSED = 64 * 1024 };
		uint8_t *in = malloc(COMPRESSED);
		long k = in ? bc_pread(fd, in, COMPRESSED, 0) : -1;
		z_stream z = {0};
		if (k > 0 && inflateInit2(&z, 16 + MAX_WBITS) == Z_OK) {
			z.next_in = in;
			z.avail_in = (uInt)k;
			z.next_out = head;
			z.avail_out = sizeof head;
			inflate(&z, Z_SYNC_FLUSH);
			log = events_in(head, sizeof head - z.avail_out);
			inflateEnd(&z);
		}
		free(in);
	}
	close(fd);
	return log;
}

unsigned source_default_threads(void)
{
	unsigned n = bc_ncpus();
	return n > 64 ? 64 : n;
}

/* channel:NAME on this computer or on each --remote server; a server that fails does not stop the others. */
static void read_live(const char *channel, const struct source_options *opt, const struct event_sink *sink,
		      struct diag *d, struct source_stats *st)
{
	const struct evt_api *api = evt_api();
	struct live_query q = {.ids = opt->live_ids, .since = opt->since, .until = opt->until};
	static const char *const local[] = {NULL, NULL};
	const char *const *servers = opt->remotes && opt->remotes[0] ? opt->remotes : local;
	for (size_t i = 0; servers == local ? i < 1 : servers[i] != NULL; i++) {
		char name[300];
		snprintf(name, sizeof name, "%s:%s", servers[i] ? servers[i] : "localhost", channel);
		unsigned long errors = d->errors, unreadable = st->unreadable;
		diag_begin_file(d, name);
		if (!api)
			diag_report(d, DIAG_ERROR, DIAG_NO_OFFSET, "live channels are read through the Windows Event Log "
				    "API: this build has none (copy the .evtx files, or run badcreds.exe on Windows)");
		if (api && live_read(api, servers[i], channel, &q, sink, d, st))
			st->files++;
		else
			source_stats_unreadable(st, name);
		input_done(d, st, errors, unreadable);
	}
}

void source_read_end(void)
{
	evtx_workers_end();
	bc_release_free_memory(); /* what the workers' arenas held */
}

void source_read(const char *source, const struct source_options *opt, const struct event_sink *sink,
		 struct diag *d, struct source_stats *st)
{
	if (strncmp(source, "channel:", 8) == 0) {
		read_live(source + 8, opt, sink, d, st);
		return;
	}
	if (strcmp(source, "-") != 0) {
		struct walk w = {.opt = opt, .sink = sink, .d = d, .st = st};
		read_path(source, false, &w);
		free(w.seen);
		return;
	}
	unsigned long errors = d->errors, unreadable = st->unreadable;
	diag_begin_file(d, "(stdin)");
	struct walk w = {.opt = opt, .sink = sink, .d = d, .st = st};
	read_stream(STDIN_FILENO, false, "(stdin)", &w);
	input_done(d, st, errors, unreadable);
}
