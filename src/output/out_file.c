/* out_file.c: report files that are never half-written and never written where they should not be. A report is
 * written to a temporary file beside its name, made durable and renamed over it, so the old report stays until a
 * complete one replaces it (also when the run is interrupted: the temporary file is removed on SIGINT, SIGTERM and
 * SIGHUP). A symbolic link at the name is replaced, never followed. Character devices (/dev/null) and pipes with a
 * reader are written in place; block devices, directories, sockets and pipes nobody reads are refused. Names may
 * hold strftime patterns for scheduled tasks (not %n or %t); ".gz" names (any case) are compressed with zlib. */
#include "badcreds/report.h"
#include "badcreds/compat.h"
#include "badcreds/text.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#ifndef O_NOFOLLOW
#define O_NOFOLLOW 0
#endif
#ifndef O_NOCTTY
#define O_NOCTTY 0
#endif
#ifndef O_NONBLOCK
#define O_NONBLOCK 0
#endif

enum out_kind { OUT_FD, OUT_STREAM, OUT_REPLACE };

struct out_file {
	char path[4096];
	char tmp[4096 + 16];
	int fd;
	gzFile gz;
	enum out_kind kind;     /* an inherited descriptor (stdout), a device or pipe opened here, or a new file */
	bool terminal;
	int cleanup_slot;       /* OUT_REPLACE: where the temporary file is registered for removal on a signal */
};

/* Temporary files to remove if a signal ends the run (a few outputs at most are open at once); closed first, as
 * Windows removes no open file. A descriptor is forgotten here (-1) before the report closes it, so that a signal
 * arriving after that close cannot close it a second time. */
enum { MAX_TEMPS = 4 };
static char temps[MAX_TEMPS][4096 + 16];
static volatile sig_atomic_t temp_fds[MAX_TEMPS];
static volatile sig_atomic_t temp_used[MAX_TEMPS];

static void on_signal(int sig)
{
	for (int i = 0; i < MAX_TEMPS; i++)
		if (temp_used[i]) {
			if (temp_fds[i] >= 0)
				close(temp_fds[i]);
			bc_unlink(temps[i]);
		}
	signal(sig, SIG_DFL);
	raise(sig);
}

/* A signal that the run was told to ignore (nohup, a background job) stays ignored. */
static void catch_signal(int sig)
{
	if (signal(sig, on_signal) == SIG_IGN)
		signal(sig, SIG_IGN);
}

static int register_temp(const char *path, int fd)
{
	static bool handlers;
	if (!handlers) {
		handlers = true;
		catch_signal(SIGINT);
		catch_signal(SIGTERM);
#ifdef SIGHUP
		catch_signal(SIGHUP);
#endif
	}
	for (int i = 0; i < MAX_TEMPS; i++)
		if (!temp_used[i]) {
			snprintf(temps[i], sizeof temps[i], "%s", path);
			temp_fds[i] = fd;
			temp_used[i] = 1;
			return i;
		}
	return -1;
}

/* The report is about to close its descriptor: from now on a signal only removes the file. */
static void forget_temp_fd(int slot)
{
	if (slot >= 0)
		temp_fds[slot] = -1;
}

static void unregister_temp(int slot)
{
	if (slot >= 0)
		temp_used[slot] = 0;
}

/* Expands strftime patterns; %n and %t (line break, tab) and control characters are refused in file names. */
static bool expand_name(const char *pattern, time_t now, char *out, size_t outlen, char *err, size_t errlen)
{
	for (const char *p = pattern; *p; p++) {
		if (*p != '%')
			continue;
		const char *conv = p + 1;
		if (*conv == 'E' || *conv == 'O')
			conv++;
		if (*conv == 'n' || *conv == 't') {
			snprintf(err, errlen, "output name '%s': %%%c would put a %s in the file name", pattern, *conv,
				 *conv == 'n' ? "line break" : "tab");
			return false;
		}
		if (*conv)
			p = conv;
	}
	if (!strchr(pattern, '%')) {
		if (strlen(pattern) >= outlen) {
			snprintf(err, errlen, "output name too long");
			return false;
		}
		snprintf(out, outlen, "%s", pattern);
	} else {
		struct tm tm;
		bc_localtime(now, &tm);
		if (strftime(out, outlen, pattern, &tm) == 0) {
			snprintf(err, errlen, "output name '%s' expands to nothing", pattern);
			return false;
		}
	}
	for (const unsigned char *c = (const unsigned char *)out; *c; c++)
		if (*c < 0x20 || *c == 0x7f) {
			snprintf(err, errlen, "output name holds a control character");
			return false;
		}
	return true;
}

bool out_name_expand(const char *pattern, char *name, size_t namelen, char *err, size_t errlen)
{
	if (!*pattern) {
		snprintf(err, errlen, "an empty name (give a file, or - for standard output)");
		return false;
	}
	if (!strcmp(pattern, "-")) {
		snprintf(name, namelen, "-");
		return true;
	}
	return expand_name(pattern, time(NULL), name, namelen, err, errlen);
}

/* /dev/stdout, /dev/fd/N and /proc/self/fd/N name a descriptor badcreds already has: it is used, not reopened. */
static int inherited_fd(const char *path)
{
	if (!strcmp(path, "/dev/stdout"))
		return STDOUT_FILENO;
	if (!strcmp(path, "/dev/stderr"))
		return STDERR_FILENO;
	const char *n = !strncmp(path, "/dev/fd/", 8) ? path + 8 : !strncmp(path, "/proc/self/fd/", 14) ? path + 14 : NULL;
	if (!n || *n < '0' || *n > '9')
		return -1;
	char *end;
	long fd = strtol(n, &end, 10);
	return *end || fd > 1024 ? -1 : (int)fd;
}

/* Opens a device or a pipe in place. A pipe gets a reader a few seconds to appear (`cat pipe &` may start after
 * badcreds); without one it is refused rather than waited for forever. */
static bool open_stream(struct out_file *o, bool fifo, char *err, size_t errlen)
{
	enum { READER_WAIT_MS = 5000, STEP_MS = 50 };
	for (int waited = 0;; waited += STEP_MS) {
		o->fd = bc_open(o->path, O_WRONLY | O_NOCTTY | O_NOFOLLOW | O_BINARY | (fifo ? O_NONBLOCK : 0), 0);
		if (o->fd >= 0 || !fifo || errno != ENXIO || waited >= READER_WAIT_MS)
			break;
		struct timespec step = {0, STEP_MS * 1000000L};
		nanosleep(&step, NULL);
	}
	if (o->fd < 0) {
		if (fifo && errno == ENXIO)
			snprintf(err, errlen, "%s is a pipe that no program is reading: not waiting for one", o->path);
		else
			snprintf(err, errlen, "cannot open %s: %s", o->path, strerror(errno));
		return false;
	}
	struct stat st;
	if (fstat(o->fd, &st) != 0 || !(S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode))) {
		snprintf(err, errlen, "%s changed while it was being opened: not writing there", o->path);
		close(o->fd);
		return false;
	}
#ifndef _WIN32
	if (fifo)
		fcntl(o->fd, F_SETFL, fcntl(o->fd, F_GETFL) & ~O_NONBLOCK);
#endif
	o->kind = OUT_STREAM;
	o->terminal = isatty(o->fd);
	return true;
}

/* A new file beside the name, renamed over it at the end; it gets the old report's mode (and owner, when run as
 * root), or for a new report the mode the umask allows. */
static bool open_replacement(struct out_file *o, const struct stat *old, char *err, size_t errlen)
{
	const char *slash = strrchr(o->path, '/');
#ifdef _WIN32
	const char *bslash = strrchr(o->path, '\\');
	if (bslash && (!slash || bslash > slash))
		slash = bslash;
#endif
	int dir = slash ? (int)(slash - o->path + 1) : 0, base = (int)strlen(o->path + dir);
	if (base > 200) { /* a name near the 255 bytes a file name may hold leaves no room for ".name.XXXXXX" */
		base = (int)utf8_cut(o->path + dir, 200);
	}
	snprintf(o->tmp, sizeof o->tmp, "%.*s.%.*s.XXXXXX", dir, o->path, base, o->path + dir);
#ifndef _WIN32
	sigset_t stop, before; /* no signal between creating the file and registering it for removal */
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGHUP);
	sigprocmask(SIG_BLOCK, &stop, &before);
#endif
	o->fd = bc_mkstemp(o->tmp);
	int saved = errno;
	o->cleanup_slot = o->fd >= 0 ? register_temp(o->tmp, o->fd) : -1;
#ifndef _WIN32
	sigprocmask(SIG_SETMASK, &before, NULL);
#endif
	if (o->fd < 0) {
		snprintf(err, errlen, "cannot create %s: %s", o->path, strerror(saved));
		return false;
	}
	o->kind = OUT_REPLACE;
#ifndef _WIN32
	if (old) {
		if (geteuid() == 0 && fchown(o->fd, old->st_uid, old->st_gid) != 0) {
			/* the report stays root's; its mode is still the old one */
		}
		fchmod(o->fd, old->st_mode & 0777);
	} else {
		mode_t mask = umask(0);
		umask(mask);
		fchmod(o->fd, 0666 & ~mask);
	}
#else
	(void)old;
#endif
	return true;
}

struct out_file *out_open(const char *pattern, time_t now, char *err, size_t errlen)
{
	struct out_file *o = calloc(1, sizeof *o);
	if (!o)
		abort();
	o->cleanup_slot = -1;
	if (strcmp(pattern, "-") == 0) {
		o->kind = OUT_FD;
		o->fd = STDOUT_FILENO;
		o->terminal = isatty(o->fd);
		snprintf(o->path, sizeof o->path, "(stdout)");
		return o;
	}
	if (!expand_name(pattern, now, o->path, sizeof o->path, err, errlen)) {
		free(o);
		return NULL;
	}
	bool ok;
	struct stat st;
	int fd = inherited_fd(o->path);
	int found = bc_lstat(o->path, &st);
	if (fd >= 0) {
		o->kind = OUT_FD;
		o->fd = fd;
		o->terminal = isatty(fd);
		ok = true;
	} else if (found != 0) {
		ok = errno == ENOENT ? open_replacement(o, NULL, err, errlen)
				     : (snprintf(err, errlen, "cannot write %s: %s", o->path, strerror(errno)), false);
	} else if (S_ISREG(st.st_mode)) {
		ok = open_replacement(o, &st, err, errlen);
#ifdef S_ISLNK
	} else if (S_ISLNK(st.st_mode)) {
		ok = open_replacement(o, NULL, err, errlen); /* the link itself is replaced; its target is left alone */
#endif
	} else if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)) {
		ok = open_stream(o, S_ISFIFO(st.st_mode), err, errlen);
	} else {
		snprintf(err, errlen, "%s is %s: not writing a report there", o->path,
			 S_ISDIR(st.st_mode) ? "a directory" : S_ISBLK(st.st_mode) ? "a block device" : "not a regular file");
		ok = false;
	}
	if (!ok) {
		free(o);
		return NULL;
	}
	size_t n = strlen(o->path);
	if (n > 3 && strcasecmp(o->path + n - 3, ".gz") == 0 && o->kind == OUT_REPLACE) { /* .GZ too (Windows) */
		int gz_fd = dup(o->fd); /* zlib closes its own copy; gzdopen that fails leaves it open */
		o->gz = gz_fd >= 0 ? gzdopen(gz_fd, "wb") : NULL;
		if (!o->gz) {
			if (gz_fd >= 0)
				close(gz_fd);
			snprintf(err, errlen, "cannot start gzip output");
			out_abort(o);
			return NULL;
		}
	}
	return o;
}

const char *out_name(const struct out_file *o) { return o->path; }

bool out_is_terminal(const struct out_file *o) { return o->terminal; }

bool out_write_buffer(struct out_file *o, struct strbuf *buf, bool all)
{
	if (!buf->len || (!all && buf->len <= (1 << 20)))
		return true;
	bool ok = out_write(o, buf->data, buf->len);
	buf->len = 0;
	return ok;
}

bool out_write(struct out_file *o, const void *data, size_t len)
{
	const char *p = data;
	while (o->gz && len) { /* gzwrite takes an unsigned count */
		unsigned n = len > (1u << 30) ? 1u << 30 : (unsigned)len;
		if (gzwrite(o->gz, p, n) != (int)n)
			return false;
		p += n;
		len -= n;
	}
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
	if (o->kind == OUT_STREAM) {
		close(o->fd);
	} else if (o->kind == OUT_REPLACE) {
		if (o->gz)
			gzclose(o->gz);
		forget_temp_fd(o->cleanup_slot);
		close(o->fd);
		bc_unlink(o->tmp);
		unregister_temp(o->cleanup_slot);
	}
	free(o);
}

bool out_commit(struct out_file *o, char *err, size_t errlen)
{
	bool ok = true;
	if (o->kind == OUT_FD) {
		free(o);
		return true;
	}
	if (o->kind == OUT_STREAM) {
		if (close(o->fd) != 0) {
			snprintf(err, errlen, "cannot write %s: %s", o->path, strerror(errno));
			ok = false;
		}
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
	/* closed once whatever the sync says; the first error is the one reported */
	forget_temp_fd(o->cleanup_slot);
	int error = bc_sync(o->fd) != 0 ? errno : 0;
	if (close(o->fd) != 0 && !error)
		error = errno;
	if (!error && bc_replace(o->tmp, o->path) != 0)
		error = errno;
	if (error) {
		snprintf(err, errlen, "cannot write %s: %s", o->path, strerror(error));
		bc_unlink(o->tmp);
		ok = false;
	} else {
		bc_sync_dir(o->path); /* the rename itself made durable */
	}
	unregister_temp(o->cleanup_slot); /* until here a signal still removes the temporary file */
	free(o);
	return ok;
}

/* A message about the output, its name shown as text_visible shows it (a bidi override in a name is not obeyed). */
static void say(const char *what, const char *text)
{
	struct strbuf shown = {0};
	text_visible_str(&shown, text);
	fprintf(stderr, "badcreds: %s%s\n", what, sb_cstr(&shown));
	sb_free(&shown);
}

bool out_produce(const char *pattern, bool (*write)(struct out_file *o, void *ctx), void *ctx, char *name,
		 size_t namelen)
{
	char err[512];
	*name = 0; /* nothing to close with: the report was not even begun */
	struct out_file *o = out_open(pattern, time(NULL), err, sizeof err);
	if (!o) {
		say("", err);
		return false;
	}
	snprintf(name, namelen, "nothing"); /* for the closing line, until the report is in place */
	struct strbuf shown = {0};
	text_visible_str(&shown, o->path);
	bool ok = write(o, ctx);
	if (!ok) {
		say("cannot write ", o->path);
		out_abort(o);
	} else if (!(ok = out_commit(o, err, sizeof err)))
		say("", err);
	if (ok)
		snprintf(name, namelen, "%s", sb_cstr(&shown));
	sb_free(&shown);
	return ok;
}
