/* out_file.c: report files that are never half-written: a temporary file in the target directory, fsync, rename.
 * Devices and pipes (/dev/null, FIFOs) are written in place. Names may hold strftime patterns for scheduled
 * tasks; ".gz" names are compressed with zlib. */
#include "badcreds/report.h"
#include "badcreds/compat.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

struct out_file {
	char path[4096];
	char tmp[4096 + 16];
	int fd;
	gzFile gz;
	bool is_stdout;
	bool in_place;          /* not a regular file: no temporary file, no rename */
};

struct out_file *out_open(const char *pattern, time_t now, char *err, size_t errlen)
{
	struct out_file *o = calloc(1, sizeof *o);
	if (!o)
		abort();
	if (strcmp(pattern, "-") == 0) {
		o->is_stdout = true;
		o->fd = STDOUT_FILENO;
		snprintf(o->path, sizeof o->path, "(stdout)");
		return o;
	}
	struct tm tm;
	bc_localtime(now, &tm);
	if (!strchr(pattern, '%'))
		snprintf(o->path, sizeof o->path, "%s", pattern);
	else if (strftime(o->path, sizeof o->path, pattern, &tm) == 0) {
		snprintf(err, errlen, "output name '%s' expands to nothing", pattern);
		free(o);
		return NULL;
	}
	struct stat st;
	if (stat(o->path, &st) == 0 && !S_ISREG(st.st_mode)) {
		/* a device or pipe (/dev/null, a FIFO): written in place; renaming over it would replace it */
		o->fd = open(o->path, O_WRONLY);
		if (o->fd < 0) {
			snprintf(err, errlen, "cannot open %s: %s", o->path, strerror(errno));
			free(o);
			return NULL;
		}
		o->in_place = true;
		return o;
	}
	const char *slash = strrchr(o->path, '/');
	int dir = slash ? (int)(slash - o->path + 1) : 0;
	snprintf(o->tmp, sizeof o->tmp, "%.*s.%s.XXXXXX", dir, o->path, o->path + dir);
	o->fd = mkstemp(o->tmp);
	if (o->fd < 0) {
		snprintf(err, errlen, "cannot create %s: %s", o->path, strerror(errno));
		free(o);
		return NULL;
	}
#ifndef _WIN32
	fchmod(o->fd, 0644); /* mkstemp's 0600 would hide the report from the group */
#endif
	size_t n = strlen(o->path);
	if (n > 3 && strcmp(o->path + n - 3, ".gz") == 0) {
		o->gz = gzdopen(dup(o->fd), "wb");
		if (!o->gz) {
			snprintf(err, errlen, "cannot start gzip output");
			out_abort(o);
			return NULL;
		}
	}
	return o;
}

const char *out_name(const struct out_file *o) { return o->path; }

bool out_write(struct out_file *o, const void *data, size_t len)
{
	if (o->gz)
		return len == 0 || gzwrite(o->gz, data, (unsigned)len) == (int)len;
	const char *p = data;
	while (len) {
		ssize_t w = write(o->fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		len -= (size_t)w;
	}
	return true;
}

void out_abort(struct out_file *o)
{
	if (o->in_place) {
		close(o->fd);
	} else if (!o->is_stdout) {
		if (o->gz)
			gzclose(o->gz);
		close(o->fd);
		unlink(o->tmp);
	}
	free(o);
}

bool out_commit(struct out_file *o, char *err, size_t errlen)
{
	if (o->is_stdout) {
		free(o);
		return true;
	}
	if (o->in_place) {
		bool ok = close(o->fd) == 0;
		if (!ok)
			snprintf(err, errlen, "cannot write %s: %s", o->path, strerror(errno));
		free(o);
		return ok;
	}
	if (o->gz && gzclose(o->gz) != Z_OK) {
		o->gz = NULL;
		snprintf(err, errlen, "cannot finish the gzip stream of %s", o->path);
		out_abort(o);
		return false;
	}
	o->gz = NULL;
	if (bc_sync(o->fd) != 0 || close(o->fd) != 0 || bc_replace(o->tmp, o->path) != 0) {
		snprintf(err, errlen, "cannot write %s: %s", o->path, strerror(errno));
		unlink(o->tmp);
		free(o);
		return false;
	}
	free(o);
	return true;
}

bool out_produce(const char *pattern, bool (*write)(struct out_file *o, void *ctx), void *ctx, char *name,
		 size_t namelen)
{
	char err[512];
	struct out_file *o = out_open(pattern, time(NULL), err, sizeof err);
	if (!o) {
		fprintf(stderr, "badcreds: %s\n", err);
		return false;
	}
	snprintf(name, namelen, "%s", o->path);
	if (!write(o, ctx)) {
		fprintf(stderr, "badcreds: cannot write %s\n", o->path);
		out_abort(o);
		return false;
	}
	if (!out_commit(o, err, sizeof err)) {
		fprintf(stderr, "badcreds: %s\n", err);
		return false;
	}
	return true;
}
