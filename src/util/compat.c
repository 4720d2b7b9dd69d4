/* compat.c: POSIX and Windows versions of the calls in compat.h. */
#include "badcreds/compat.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef _WIN32
#include <io.h>
#include <sys/stat.h>
#include <windows.h>

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
	return MoveFileExA(from, to, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH) ? 0 : -1;
}

void bc_sync_dir(const char *path) { (void)path; /* MOVEFILE_WRITE_THROUGH did it */ }

const char *bc_tempdir(void)
{
	static char dir[MAX_PATH];
	if (!GetTempPathA(sizeof dir, dir))
		snprintf(dir, sizeof dir, ".");
	return dir;
}

int bc_tempfile(void)
{
	char path[MAX_PATH];
	if (!GetTempFileNameA(bc_tempdir(), "bcr", 0, path))
		return -1;
	return _open(path, _O_RDWR | _O_CREAT | _O_TRUNC | _O_BINARY | _O_TEMPORARY, _S_IREAD | _S_IWRITE);
}

int bc_truncate(int fd, uint64_t size) { return _chsize_s(fd, (__int64)size) == 0 ? 0 : -1; }

uint64_t bc_free_space(int fd)
{
	(void)fd;
	ULARGE_INTEGER avail;
	return GetDiskFreeSpaceExA(bc_tempdir(), &avail, NULL, NULL) ? avail.QuadPart : UINT64_MAX;
}

bool bc_file_id(const char *path, const struct stat *s, uint64_t id[2])
{
	(void)s;
	HANDLE h = CreateFileA(path, 0, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL, OPEN_EXISTING,
			       FILE_FLAG_BACKUP_SEMANTICS, NULL);
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

int bc_stat(const char *path, struct stat *s)
{
	/* the C runtime's stat fails on "dir/" and "dir\\"; "C:\\" and "\\" keep their separator */
	char *trimmed = strdup(path);
	if (!trimmed)
		return -1;
	size_t n = strlen(trimmed);
	while (n > 1 && (trimmed[n - 1] == '/' || trimmed[n - 1] == '\\') && !(n == 3 && trimmed[1] == ':'))
		trimmed[--n] = 0;
	int r = stat(trimmed, s);
	free(trimmed);
	return r;
}

#else
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

int bc_stat(const char *path, struct stat *s) { return stat(path, s); }

#endif
