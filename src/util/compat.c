/* compat.c: POSIX and Windows versions of the calls in compat.h. */
#include "badcreds/compat.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#ifdef _WIN32
#include <io.h>
#include <sys/stat.h>
#include <windows.h>
#include <shellapi.h> /* after windows.h, which it needs */

/* File names are UTF-8 inside badcreds; Windows' wide (UTF-16) calls take any name, whatever the code page. */
static wchar_t *wide(const char *s)
{
	int n = MultiByteToWideChar(CP_UTF8, 0, s, -1, NULL, 0);
	wchar_t *w = n > 0 ? malloc((size_t)n * sizeof *w) : NULL;
	if (w && MultiByteToWideChar(CP_UTF8, 0, s, -1, w, n) <= 0) {
		free(w);
		w = NULL;
	}
	if (!w)
		errno = EINVAL;
	return w;
}

static char *narrow(const wchar_t *w)
{
	int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, NULL, 0, NULL, NULL);
	char *s = n > 0 ? malloc((size_t)n) : NULL;
	if (s && WideCharToMultiByte(CP_UTF8, 0, w, -1, s, n, NULL, NULL) <= 0) {
		free(s);
		s = NULL;
	}
	return s;
}

void bc_utf8_args(int *argc, char ***argv)
{
	SetConsoleOutputCP(CP_UTF8); /* messages and reports on the console are UTF-8 */
	int n;
	wchar_t **w = CommandLineToArgvW(GetCommandLineW(), &n);
	if (!w)
		return;
	char **args = calloc((size_t)n + 1, sizeof *args);
	for (int i = 0; args && i < n; i++)
		if (!(args[i] = narrow(w[i]))) {
			free(args);
			args = NULL;
		}
	LocalFree(w);
	if (args) { /* kept for the whole run */
		*argc = n;
		*argv = args;
	}
}

int bc_open(const char *path, int flags, int mode)
{
	wchar_t *w = wide(path);
	int fd = w ? _wopen(w, flags, mode) : -1;
	free(w);
	return fd;
}

int bc_unlink(const char *path)
{
	wchar_t *w = wide(path);
	int r = w ? _wunlink(w) : -1;
	free(w);
	return r;
}

int bc_mkstemp(char *template)
{
	size_t n = strlen(template);
	static const char letters[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	for (int attempt = 0; attempt < 100 && n >= 6; attempt++) {
		unsigned r = (unsigned)GetTickCount() ^ (unsigned)GetCurrentProcessId() * 2654435761u ^ (unsigned)attempt * 40503u;
		for (size_t i = n - 6; i < n; i++, r /= 36)
			template[i] = letters[r % 36];
		int fd = bc_open(template, _O_RDWR | _O_CREAT | _O_EXCL | _O_BINARY, _S_IREAD | _S_IWRITE);
		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
	errno = EEXIST;
	return -1;
}

/* FindFirstFileW lists a directory by pattern; its first entry comes with the handle, so it is kept for the first
 * bc_readdir call. */
struct bc_dir {
	HANDLE find;
	WIN32_FIND_DATAW entry;
	int have_entry;
	char *name;
};

struct bc_dir *bc_opendir(const char *path)
{
	size_t n = strlen(path);
	char *pattern = malloc(n + 3);
	if (!pattern)
		abort();
	memcpy(pattern, path, n);
	strcpy(pattern + n, n && (path[n - 1] == '\\' || path[n - 1] == '/') ? "*" : "\\*");
	wchar_t *w = wide(pattern);
	free(pattern);
	struct bc_dir *d = calloc(1, sizeof *d);
	if (!d)
		abort();
	d->find = w ? FindFirstFileW(w, &d->entry) : INVALID_HANDLE_VALUE;
	free(w);
	if (d->find == INVALID_HANDLE_VALUE) {
		DWORD e = GetLastError();
		errno = e == ERROR_ACCESS_DENIED ? EACCES : e == ERROR_DIRECTORY ? ENOTDIR : ENOENT;
		free(d);
		return NULL;
	}
	d->have_entry = 1;
	return d;
}

const char *bc_readdir(struct bc_dir *d)
{
	free(d->name);
	d->name = NULL;
	while (!d->name) {
		if (!d->have_entry && !FindNextFileW(d->find, &d->entry))
			return NULL;
		d->have_entry = 0;
		d->name = narrow(d->entry.cFileName);
	}
	return d->name;
}

void bc_closedir(struct bc_dir *d)
{
	FindClose(d->find);
	free(d->name);
	free(d);
}

/* Worker threads read chunks of one file at once. Windows serialises the reads of a handle opened for synchronous
 * I/O (ours are) anyway; taking that turn here as well keeps the reads independent of how an emulation such as
 * wine handles several at once on such a handle. */
static SRWLOCK read_lock = SRWLOCK_INIT;

long bc_pread(int fd, void *buf, size_t n, uint64_t off)
{
	HANDLE h = (HANDLE)_get_osfhandle(fd);
	OVERLAPPED ov = {.Offset = (DWORD)off, .OffsetHigh = (DWORD)(off >> 32)};
	DWORD got = 0;
	AcquireSRWLockExclusive(&read_lock);
	BOOL ok = ReadFile(h, buf, (DWORD)n, &got, &ov);
	DWORD error = ok ? 0 : GetLastError();
	ReleaseSRWLockExclusive(&read_lock);
	if (!ok) {
		if (error == ERROR_HANDLE_EOF)
			return 0;
		errno = EIO; /* callers retry on a stale EINTR */
		return -1;
	}
	return (long)got;
}

long bc_pwrite(int fd, const void *buf, size_t n, uint64_t off)
{
	HANDLE h = (HANDLE)_get_osfhandle(fd);
	OVERLAPPED ov = {.Offset = (DWORD)off, .OffsetHigh = (DWORD)(off >> 32)};
	DWORD put = 0;
	AcquireSRWLockExclusive(&read_lock); /* the spool is read while it is written: the same turns */
	BOOL ok = WriteFile(h, buf, (DWORD)n, &put, &ov);
	ReleaseSRWLockExclusive(&read_lock);
	if (!ok) {
		errno = EIO;
		return -1;
	}
	return (long)put;
}

unsigned bc_ncpus(void)
{
	SYSTEM_INFO si;
	GetSystemInfo(&si);
	return si.dwNumberOfProcessors ? si.dwNumberOfProcessors : 1;
}

void bc_localtime(time_t t, struct tm *tm) { localtime_s(tm, &t); }
void bc_gmtime(time_t t, struct tm *tm) { gmtime_s(tm, &t); }

long bc_gmtoff(time_t t, const struct tm *local)
{
	struct tm g;
	gmtime_s(&g, &t);
	g.tm_isdst = 0;
	long off = (long)(t - mktime(&g)); /* the standard offset; daylight saving adds its hour */
	return off + (local->tm_isdst > 0 ? 3600 : 0);
}

int bc_sync(int fd) { return _commit(fd); }

int bc_replace(const char *from, const char *to)
{
	wchar_t *wf = wide(from), *wt = wide(to);
	bool ok = wf && wt && MoveFileExW(wf, wt, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH);
	free(wf);
	free(wt);
	return ok ? 0 : -1;
}

void bc_sync_dir(const char *path) { (void)path; /* MOVEFILE_WRITE_THROUGH did it */ }

const char *bc_tempdir(void)
{
	static char *dir;
	wchar_t w[MAX_PATH + 1];
	if (!dir)
		dir = GetTempPathW(MAX_PATH + 1, w) ? narrow(w) : NULL;
	return dir ? dir : ".";
}

int bc_tempfile(void)
{
	wchar_t dir[MAX_PATH + 1], path[MAX_PATH + 1];
	if (!GetTempPathW(MAX_PATH + 1, dir) || !GetTempFileNameW(dir, L"bcr", 0, path))
		return -1;
	return _wopen(path, _O_RDWR | _O_CREAT | _O_TRUNC | _O_BINARY | _O_TEMPORARY, _S_IREAD | _S_IWRITE);
}

int bc_truncate(int fd, uint64_t size) { return _chsize_s(fd, (__int64)size) == 0 ? 0 : -1; }

uint64_t bc_free_space(int fd)
{
	(void)fd;
	ULARGE_INTEGER avail;
	wchar_t *w = wide(bc_tempdir());
	bool ok = w && GetDiskFreeSpaceExW(w, &avail, NULL, NULL);
	free(w);
	return ok ? avail.QuadPart : UINT64_MAX;
}

bool bc_file_id(const char *path, const struct stat *s, uint64_t id[2])
{
	(void)s;
	wchar_t *w = wide(path);
	HANDLE h = w ? CreateFileW(w, 0, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL, OPEN_EXISTING,
				   FILE_FLAG_BACKUP_SEMANTICS, NULL) : INVALID_HANDLE_VALUE;
	free(w);
	if (h == INVALID_HANDLE_VALUE)
		return false;
	BY_HANDLE_FILE_INFORMATION info;
	bool ok = GetFileInformationByHandle(h, &info);
	CloseHandle(h);
	if (!ok)
		return false;
	id[0] = info.dwVolumeSerialNumber;
	id[1] = (uint64_t)info.nFileIndexHigh << 32 | info.nFileIndexLow;
	return true;
}

void bc_binary_stdio(void)
{
	_setmode(0, _O_BINARY);
	_setmode(1, _O_BINARY);
}

void bc_release_free_memory(void) {}

int bc_stat(const char *path, struct stat *s)
{
	/* the C runtime's stat fails on "dir/" and "dir\\"; "C:\\" and "\\" keep their separator */
	wchar_t *w = wide(path);
	if (!w)
		return -1;
	size_t n = wcslen(w);
	while (n > 1 && (w[n - 1] == L'/' || w[n - 1] == L'\\') && !(n == 3 && w[1] == L':'))
		w[--n] = 0;
	struct _stat64 st;
	int r = _wstat64(w, &st);
	free(w);
	if (r == 0) {
		memset(s, 0, sizeof *s);
		s->st_mode = st.st_mode;
		s->st_size = (off_t)st.st_size;
		s->st_mtime = (time_t)st.st_mtime;
	}
	return r;
}

int bc_lstat(const char *path, struct stat *s) { return bc_stat(path, s); }

#else
#include <dirent.h>
#include <fcntl.h>
#include <sys/statvfs.h>

long bc_pread(int fd, void *buf, size_t n, uint64_t off) { return (long)pread(fd, buf, n, (off_t)off); }

long bc_pwrite(int fd, const void *buf, size_t n, uint64_t off) { return (long)pwrite(fd, buf, n, (off_t)off); }

unsigned bc_ncpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : (unsigned)n;
}

void bc_localtime(time_t t, struct tm *tm) { localtime_r(&t, tm); }
void bc_gmtime(time_t t, struct tm *tm) { gmtime_r(&t, tm); }
long bc_gmtoff(time_t t, const struct tm *local) { (void)t; return local->tm_gmtoff; }
int bc_sync(int fd) { return fsync(fd); }
int bc_replace(const char *from, const char *to) { return rename(from, to); }

void bc_sync_dir(const char *path)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) + 1 : 1, slash ? path : ".");
	int fd = open(dir, O_RDONLY);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

const char *bc_tempdir(void)
{
	const char *dir = getenv("TMPDIR");
	return dir && *dir ? dir : "/tmp";
}

int bc_tempfile(void)
{
	char path[4096];
	if (snprintf(path, sizeof path, "%s/badcreds-spool.XXXXXX", bc_tempdir()) >= (int)sizeof path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	int fd = mkstemp(path);
	if (fd >= 0)
		unlink(path);
	return fd;
}

int bc_truncate(int fd, uint64_t size) { return ftruncate(fd, (off_t)size); }

uint64_t bc_free_space(int fd)
{
	struct statvfs v;
	return fstatvfs(fd, &v) == 0 ? (uint64_t)v.f_bavail * v.f_frsize : UINT64_MAX;
}

bool bc_file_id(const char *path, const struct stat *s, uint64_t id[2])
{
	(void)path;
	id[0] = (uint64_t)s->st_dev;
	id[1] = (uint64_t)s->st_ino;
	return true;
}

void bc_binary_stdio(void) {}

void bc_release_free_memory(void)
{
#ifdef __GLIBC__
	malloc_trim(0);
#endif
}

int bc_stat(const char *path, struct stat *s) { return stat(path, s); }
int bc_lstat(const char *path, struct stat *s) { return lstat(path, s); }
void bc_utf8_args(int *argc, char ***argv) { (void)argc, (void)argv; /* they are already */ }
int bc_open(const char *path, int flags, int mode) { return open(path, flags, mode); }
int bc_unlink(const char *path) { return unlink(path); }
int bc_mkstemp(char *template) { return mkstemp(template); }

struct bc_dir {
	DIR *dir;
};

struct bc_dir *bc_opendir(const char *path)
{
	DIR *dir = opendir(path);
	if (!dir)
		return NULL;
	struct bc_dir *d = malloc(sizeof *d);
	if (!d)
		abort();
	d->dir = dir;
	return d;
}

const char *bc_readdir(struct bc_dir *d)
{
	struct dirent *e = readdir(d->dir);
	return e ? e->d_name : NULL;
}

void bc_closedir(struct bc_dir *d)
{
	closedir(d->dir);
	free(d);
}

#endif
