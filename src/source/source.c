/* source.c: one SOURCE argument: "-" is spooled to a temporary file, directories are walked in name order, and
 * each file goes to the input format whose probe accepts its first bytes. */
#include "badcreds/live.h"
#include "badcreds/compat.h"
#include "badcreds/source.h"
#include "badcreds/vec.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { PROBE_BYTES = 4096 + 8 }; /* an EVTX file with a damaged header still has a chunk at 4096 */

static const struct input_format *const formats[] = {&input_evtx, &input_gzip, &input_xml};

const struct input_format *input_probe(int fd)
{
	uint8_t head[PROBE_BYTES];
	long n = bc_pread(fd, head, sizeof head, 0);
	if (n <= 0)
		return NULL;
	for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
		if (formats[i]->probe(head, (size_t)n))
			return formats[i];
	return NULL;
}

static void read_file(int fd, const char *name, bool from_directory, const struct source_options *opt,
		      const struct event_sink *sink, struct diag *d, struct source_stats *st)
{
	const struct input_format *f = input_probe(fd);
	if (!f) {
		if (!from_directory) /* in a directory, other files are simply not logs */
			diag_report(d, DIAG_ERROR, DIAG_NO_OFFSET, "unknown format (not EVTX, gzip or event XML)");
		return;
	}
	st->files++;
	f->read(fd, name, opt, sink, d, st);
}

static int cmp_names(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void read_path(const char *path, bool from_directory, unsigned depth, const struct source_options *opt,
		      const struct event_sink *sink, struct diag *d, struct source_stats *st);

static void read_directory(const char *path, unsigned depth, const struct source_options *opt,
			   const struct event_sink *sink, struct diag *d, struct source_stats *st)
{
	DIR *dir = opendir(path);
	if (!dir) {
		diag_begin_file(d, path);
		diag_report(d, DIAG_ERROR, DIAG_NO_OFFSET, "cannot read directory: %s", strerror(errno));
		return;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	for (struct dirent *e; (e = readdir(dir));) {
		if (e->d_name[0] == '.')
			continue;
		names = vec_grow(names, &cap, n, sizeof *names);
		size_t len = strlen(path) + strlen(e->d_name) + 2;
		names[n] = malloc(len);
		if (!names[n])
			abort();
		snprintf(names[n++], len, "%s/%s", path, e->d_name);
	}
	closedir(dir);
	if (n > 1)
		qsort(names, n, sizeof *names, cmp_names);
	for (size_t i = 0; i < n; i++) {
		read_path(names[i], true, depth + 1, opt, sink, d, st);
		free(names[i]);
	}
	free(names);
}

static void read_path(const char *path, bool from_directory, unsigned depth, const struct source_options *opt,
		      const struct event_sink *sink, struct diag *d, struct source_stats *st)
{
	enum { MAX_DEPTH = 32 };
	unsigned long errors = d->errors;
	struct stat s;
	if (bc_stat(path, &s) != 0) {
		diag_begin_file(d, path);
		diag_report(d, DIAG_ERROR, DIAG_NO_OFFSET, "cannot open: %s", strerror(errno));
		return;
	}
	if (S_ISDIR(s.st_mode)) {
		if (depth < MAX_DEPTH)
			read_directory(path, depth, opt, sink, d, st);
		return;
	}
	diag_begin_file(d, path);
	if (!S_ISREG(s.st_mode)) {
		if (!from_directory)
			diag_report(d, DIAG_ERROR, DIAG_NO_OFFSET, "not a regular file");
		return;
	}
	int fd = open(path, O_RDONLY | O_BINARY);
	if (fd < 0) {
		diag_report(d, DIAG_ERROR, DIAG_NO_OFFSET, "cannot open: %s", strerror(errno));
		return;
	}
	read_file(fd, path, from_directory, opt, sink, d, st);
	close(fd);
	if (d->errors > errors)
		st->damaged_files++;
	diag_end_file(d);
}

void event_peek(const struct event *ev, struct evtx_peek *p)
{
	p->event_id = ev->event_id;
	p->provider = ev->provider_name;
	p->channel = ev->channel;
	p->time = ev->time_created;
	p->has_time = ev->has & EV_HAS_TIME;
}

/* channel:NAME on this computer or on each --remote server; a server that fails does not stop the others. */
static void read_live(const char *channel, const struct source_options *opt, const struct event_sink *sink,
		      struct diag *d, struct source_stats *st)
{
	const struct evt_api *api = evt_api_windows();
	struct live_query q = {.event_ids = opt->live_ids, .nids = opt->nlive_ids, .since = opt->since,
			       .until = opt->until};
	static const char *const local[] = {NULL, NULL};
	const char *const *servers = opt->remotes && opt->remotes[0] ? opt->remotes : local;
	for (size_t i = 0; servers == local ? i < 1 : servers[i] != NULL; i++) {
		char name[300];
		snprintf(name, sizeof name, "%s:%s", servers[i] ? servers[i] : "localhost", channel);
		unsigned long errors = d->errors;
		diag_begin_file(d, name);
		if (!api)
			diag_report(d, DIAG_ERROR, DIAG_NO_OFFSET, "live channels are read through the Windows Event Log "
				    "API: this build has none (copy the .evtx files, or run badcreds.exe on Windows)");
		else if (live_read(api, servers[i], channel, &q, sink, d, st))
			st->files++;
		if (d->errors > errors)
			st->damaged_files++;
		diag_end_file(d);
	}
}

void source_read(const char *source, const struct source_options *opt, const struct event_sink *sink,
		 struct diag *d, struct source_stats *st)
{
	if (strncmp(source, "channel:", 8) == 0) {
		read_live(source + 8, opt, sink, d, st);
		return;
	}
	if (strcmp(source, "-") != 0) {
		read_path(source, false, 0, opt, sink, d, st);
		return;
	}
	unsigned long errors = d->errors;
	diag_begin_file(d, "(stdin)");
	struct spool *s = spool_start(STDIN_FILENO, NULL, d);
	if (s) {
		st->files++;
		spool_read(s, "(stdin)", opt, sink, d, st);
	}
	if (d->errors > errors)
		st->damaged_files++;
	diag_end_file(d);
}
