/* each_record.c: the loop over the records of EVTX files and folders that the test checkers share (each_record.h). */
#include "each_record.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef void record_fn(const char *path, struct evtx_chunk *c, const struct evtx_record *rec, struct arena *a);

static void each_in_file(const char *path, record_fn *fn)
{
	int fd = open(path, O_RDONLY);
	struct diag d = {.stream = NULL};
	struct evtx_reader r;
	if (fd < 0 || !evtx_reader_open(&r, fd, path, NULL, &d)) {
		if (fd >= 0)
			close(fd);
		return;
	}
	struct evtx_chunk *c = calloc(1, sizeof *c);
	if (!c)
		abort();
	evtx_chunk_init(c);
	c->store = bx_store_new();
	struct arena a = {0};
	uint64_t slot;
	while (evtx_reader_next_slot(&r, &slot)) {
		if (!evtx_reader_load(&r, slot, c, &d, false))
			continue;
		struct evtx_record_iter it;
		struct evtx_record rec;
		evtx_record_iter_begin(c, &it);
		while (evtx_chunk_next_record(c, &it, &rec, &d))
			fn(path, c, &rec, &a);
		arena_reset(&a);
	}
	arena_free(&a);
	bx_store_free(c->store);
	evtx_chunk_free(c);
	free(c);
	close(fd);
}

void each_record(char **args, int n, record_fn *fn)
{
	for (int i = 0; i < n; i++) {
		struct stat st;
		if (stat(args[i], &st) != 0)
			continue;
		if (!S_ISDIR(st.st_mode)) {
			each_in_file(args[i], fn);
			continue;
		}
		struct dirent **names;
		int k = scandir(args[i], &names, NULL, alphasort);
		for (int j = 0; j < k; j++) {
			size_t len = strlen(names[j]->d_name);
			if (len > 5 && !strcmp(names[j]->d_name + len - 5, ".evtx")) {
				char path[4096];
				snprintf(path, sizeof path, "%s/%s", args[i], names[j]->d_name);
				each_in_file(path, fn);
			}
			free(names[j]);
		}
		free(k > 0 ? names : NULL);
	}
}
