/* test_out_file.c: report files give back every descriptor they take, whatever fails: a sync that fails (the disk
 * is full, an NFS server went away), a gzip stream that cannot start, an aborted report, and a report written whole;
 * a failed report leaves the old one and no temporary file. The failures are made by the linker (--wrap of bc_sync
 * and gzdopen, see tests/meson.build) (cmocka). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "badcreds/report.h"

int __real_bc_sync(int fd);
gzFile __real_gzdopen(int fd, const char *mode);

static bool sync_fails, gzdopen_fails;

int __wrap_bc_sync(int fd)
{
	if (!sync_fails)
		return __real_bc_sync(fd);
	errno = EIO;
	return -1;
}

/* zlib's gzdopen leaves the descriptor open when it fails: so does this one */
gzFile __wrap_gzdopen(int fd, const char *mode) { return gzdopen_fails ? NULL : __real_gzdopen(fd, mode); }

static unsigned open_descriptors(void)
{
	unsigned n = 0;
	for (int fd = 0; fd < 1024; fd++)
		n += fcntl(fd, F_GETFD) != -1;
	return n;
}

static bool dot_entry(const char *name) { return !strcmp(name, ".") || !strcmp(name, ".."); }

/* A directory of its own, holding `report` with the text "old". */
struct place {
	char dir[64], report[128], gz[128];
};

static int setup(void **state)
{
	struct place *p = calloc(1, sizeof *p);
	snprintf(p->dir, sizeof p->dir, "/tmp/badcreds-out-XXXXXX");
	if (!mkdtemp(p->dir))
		return -1;
	snprintf(p->report, sizeof p->report, "%s/report.csv", p->dir);
	snprintf(p->gz, sizeof p->gz, "%s/report.csv.gz", p->dir);
	FILE *f = fopen(p->report, "w");
	if (!f)
		return -1;
	fputs("old", f);
	fclose(f);
	sync_fails = gzdopen_fails = false;
	*state = p;
	return 0;
}

static int teardown(void **state)
{
	struct place *p = *state;
	DIR *d = opendir(p->dir);
	for (struct dirent *e; d && (e = readdir(d));) {
		char path[512];
		snprintf(path, sizeof path, "%s/%s", p->dir, e->d_name);
		if (!dot_entry(e->d_name))
			unlink(path);
	}
	if (d)
		closedir(d);
	rmdir(p->dir);
	free(p);
	return 0;
}

static unsigned files_in(const char *dir)
{
	unsigned n = 0;
	DIR *d = opendir(dir);
	for (struct dirent *e; d && (e = readdir(d));)
		n += !dot_entry(e->d_name);
	if (d)
		closedir(d);
	return n;
}

static void assert_report(const char *path, const char *text)
{
	char buf[64] = "";
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = 0;
	assert_string_equal(buf, text);
}

static void sync_that_fails(void **state)
{
	struct place *p = *state;
	char err[512] = "";
	unsigned before = open_descriptors();
	struct out_file *o = out_open(p->report, 0, err, sizeof err);
	assert_non_null(o);
	assert_true(out_write(o, "new", 3));
	sync_fails = true;
	assert_false(out_commit(o, err, sizeof err));
	assert_non_null(strstr(err, strerror(EIO)));
	assert_int_equal(open_descriptors(), before);
	assert_report(p->report, "old");
	assert_int_equal(files_in(p->dir), 1); /* the temporary file is gone */
	/* the same with a gzip stream in front */
	o = out_open(p->gz, 0, err, sizeof err);
	assert_non_null(o);
	assert_true(out_write(o, "new", 3));
	assert_false(out_commit(o, err, sizeof err));
	assert_int_equal(open_descriptors(), before);
	assert_int_equal(files_in(p->dir), 1);
}

static void gzip_that_cannot_start(void **state)
{
	struct place *p = *state;
	char err[512] = "";
	unsigned before = open_descriptors();
	gzdopen_fails = true;
	assert_null(out_open(p->gz, 0, err, sizeof err));
	assert_string_equal(err, "cannot start gzip output");
	assert_int_equal(open_descriptors(), before);
	assert_int_equal(files_in(p->dir), 1);
}

static void written_and_aborted(void **state)
{
	struct place *p = *state;
	char err[512] = "";
	unsigned before = open_descriptors();
	struct out_file *o = out_open(p->report, 0, err, sizeof err);
	assert_non_null(o);
	assert_true(out_write(o, "half", 4));
	out_abort(o);
	assert_int_equal(open_descriptors(), before);
	assert_report(p->report, "old");
	assert_int_equal(files_in(p->dir), 1);
	const char *names[] = {p->report, p->gz};
	for (int i = 0; i < 2; i++) {
		o = out_open(names[i], 0, err, sizeof err);
		assert_non_null(o);
		assert_true(out_write(o, "new", 3));
		assert_true(out_commit(o, err, sizeof err));
		assert_int_equal(open_descriptors(), before);
	}
	assert_report(p->report, "new");
	assert_int_equal(files_in(p->dir), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(sync_that_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(gzip_that_cannot_start, setup, teardown),
		cmocka_unit_test_setup_teardown(written_and_aborted, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
