/* peek_logon_type.c: for every live record of the EVTX files given (or of the .evtx files in the folders given),
 * the LogonType that event_peek.logon_type reads before decoding, whenever it answers, against the LogonType item
 * of the decoded event (as src/scan/logon.c reads it); prints how many it answered and declined. Exit status 1 on
 * a difference, or with --all when it declined a record that has the item. Run by tests/peek_logon_type.py. */
#include "badcreds/event.h"
#include "event/event_builder.h"
#include "evtx/evtx_reader.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static long answered, declined, differ, records;

static void check_file(const char *path)
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
		while (evtx_chunk_next_record(c, &it, &rec, &d)) {
			if (rec.recovered)
				continue; /* carved records are never peeked */
			records++;
			struct event_peek p = {0};
			uint32_t peeked = 0;
			bool got = evtx_record_peek(c, &rec, &a, &p) && p.logon_type && p.logon_type(&p, &peeked);
			struct bx_fragment frag;
			struct event ev;
			const char *err;
			uint64_t err_off;
			if (evtx_record_decode(c, &rec, &a, &frag, &ev, true, &err, &err_off) != EVTX_DECODED)
				continue;
			const struct evtx_value *v = event_data_get(&ev, "LogonType");
			uint64_t x;
			long decoded = !v ? -1 : evtx_value_u64(v, &x) ? (long)(uint32_t)x : 0;
			if (got) {
				answered++;
				if ((long)peeked != decoded) {
					differ++;
					printf("%s: record %llu: peek %u, decoded %ld\n", path, (unsigned long long)rec.id, peeked,
					       decoded);
				}
			} else if (v) {
				declined++;
			}
		}
		arena_reset(&a);
	}
	arena_free(&a);
	bx_store_free(c->store);
	evtx_chunk_free(c);
	free(c);
	close(fd);
}

int main(int argc, char **argv)
{
	bool all = argc > 1 && !strcmp(argv[1], "--all");
	for (int i = 1 + all; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) != 0)
			continue;
		if (!S_ISDIR(st.st_mode)) {
			check_file(argv[i]);
			continue;
		}
		struct dirent **names;
		int n = scandir(argv[i], &names, NULL, alphasort);
		for (int k = 0; k < n; k++) {
			size_t len = strlen(names[k]->d_name);
			if (len > 5 && !strcmp(names[k]->d_name + len - 5, ".evtx")) {
				char path[4096];
				snprintf(path, sizeof path, "%s/%s", argv[i], names[k]->d_name);
				check_file(path);
			}
			free(names[k]);
		}
		free(n > 0 ? names : NULL);
	}
	printf("records %ld: LogonType read before decoding %ld, left to decoding %ld, different %ld\n", records,
	       answered, declined, differ);
	return differ || (all && declined) ? 1 : 0;
}
