/* compat.h: the few system calls that differ between POSIX and Windows (mingw-w64), each behind one name. */
#ifndef BADCREDS_COMPAT_H
#define BADCREDS_COMPAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <sys/stat.h>

#include <fcntl.h>
#ifndef O_BINARY
#define O_BINARY 0 /* Windows opens files in text mode unless told */
#endif

/* printf-style checking; mingw-w64 is built with its C99 printf (__USE_MINGW_ANSI_STDIO), which knows %zu. */
#ifdef _WIN32
#define BC_PRINTF(fmt, args) __attribute__((format(gnu_printf, fmt, args)))
#else
#define BC_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#endif

/* Reads n bytes at an offset without moving the file position (pread). */
long bc_pread(int fd, void *buf, size_t n, uint64_t off);
/* Writes at an offset. On Windows a positioned read moves the file position, so a file that is read and written at
 * once (the spool) is written only at explicit offsets. */
long bc_pwrite(int fd, const void *buf, size_t n, uint64_t off);
/* Processors this process may use. */
unsigned bc_ncpus(void);
/* Calendar time in the local zone / UTC, and the local zone's offset from UTC in seconds at that time. */
void bc_localtime(time_t t, struct tm *tm);
void bc_gmtime(time_t t, struct tm *tm);
long bc_gmtoff(time_t t, const struct tm *local);
/* Makes a file's data durable, then puts it in place of `to` (which may exist). */
int bc_sync(int fd);
int bc_replace(const char *from, const char *to);
/* Makes a rename in the directory of `path` durable (fsync of the directory; nothing to do on Windows). */
void bc_sync_dir(const char *path);
/* An unlinked temporary file opened for reading and writing, in bc_tempdir(); -1 on failure. */
int bc_tempfile(void);
/* Where temporary files go: $TMPDIR or /tmp (Windows: GetTempPath, from TMP or TEMP). */
const char *bc_tempdir(void);
/* Sets a file's size (extending it with a hole of zeros). */
int bc_truncate(int fd, uint64_t size);
/* Bytes free for this process on the disk of an open file (UINT64_MAX when it cannot be told). */
uint64_t bc_free_space(int fd);
/* What identifies a file or directory on this machine (device and file number; volume and file index on Windows),
 * from its path and stat; false if it cannot be told. */
bool bc_file_id(const char *path, const struct stat *s, uint64_t id[2]);
/* File names are UTF-8. On Windows the wide (UTF-16) calls are used, so that any name works whatever the code
 * page; elsewhere these are the POSIX calls. */
int bc_open(const char *path, int flags, int mode);
int bc_unlink(const char *path);
int bc_mkstemp(char *template);          /* template ends in XXXXXX */
/* stat that also accepts a directory named with a trailing separator; lstat (stat on Windows). */
int bc_stat(const char *path, struct stat *s);
int bc_lstat(const char *path, struct stat *s);
/* A directory's entries, names in UTF-8. */
struct bc_dir;
struct bc_dir *bc_opendir(const char *path); /* NULL with errno on failure */
const char *bc_readdir(struct bc_dir *d);    /* NULL at the end; valid until the next call */
void bc_closedir(struct bc_dir *d);
/* Windows: the command line again, in UTF-8 (Windows hands main the ANSI code page), and a UTF-8 console.
 * Elsewhere nothing. */
void bc_utf8_args(int *argc, char ***argv);
/* Standard input and output in binary mode: Windows would translate line ends, so reports written to standard
 * output have the same LF line ends as report files, and EVTX read from standard input is not altered. */
void bc_binary_stdio(void);
/* Gives the pages of freed memory back to the system (glibc keeps them, in the heap and in each thread's arena, until
 * told): called where a phase has freed much (the correlation's segments) before the next allocates. Elsewhere
 * nothing. */
void bc_release_free_memory(void);

#endif
