/* peek_logon_type.c: for every live record of the EVTX files given (or of the .evtx files in the folders given),
 * the LogonType that event_peek.logon_type reads before decoding, whenever it answers, against the LogonType item
 * of the decoded event (as src/scan/logon.c reads it); prints how many it answered and declined. Exit status 1 on
 * a difference, or with --all when it declined a record that has the item. Run by tests/peek_logon_type.py. */
#include "badcreds/event.h"
#include "event/event_builder.h"
#include "each_record.h"

#include <stdio.h>
#include <string.h>

static long answered, declined, differ, records;

static void check_record(const char *path, struct evtx_chunk *c, const struct evtx_record *rec, struct arena *a)
{
	if (rec->recovered)
		return; /* carved records are never peeked */
	records++;
	struct event_peek p = {0};
	uint32_t peeked = 0;
	bool got = evtx_record_peek(c, rec, a, &p) && p.logon_type && p.logon_type(&p, &peeked);
	struct bx_fragment frag;
	struct event ev;
	const char *err;
	uint64_t err_off;
	if (evtx_record_decode(c, rec, a, NULL, &frag, &ev, true, &err, &err_off) != EVTX_DECODED)
		return;
	const struct evtx_value *v = event_data_get(&ev, "LogonType");
	uint64_t x;
	long decoded = !v ? -1 : evtx_value_u64(v, &x) ? (long)(uint32_t)x : 0;
	if (got) {
		answered++;
		if ((long)peeked != decoded) {
			differ++;
			printf("%s: record %llu: peek %u, decoded %ld\n", path, (unsigned long long)rec->id, peeked,
			       decoded);
		}
	} else if (v) {
		declined++;
	}
}

int main(int argc, char **argv)
{
	bool all = argc > 1 && !strcmp(argv[1], "--all");
	each_record(argv + 1 + all, argc - 1 - all, check_record);
	printf("records %ld: LogonType read before decoding %ld, left to decoding %ld, different %ld\n", records,
	       answered, declined, differ);
	return differ || (all && declined) ? 1 : 0;
}
