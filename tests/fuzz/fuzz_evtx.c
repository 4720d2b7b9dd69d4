/* fuzz_evtx.c: libFuzzer target: the input is an EVTX file; every record is walked, turned into an event and
 * written as XML and JSON, as `badcreds dump` does. Build with -Dfuzz=true (clang). */
#include <sys/mman.h>
#include <unistd.h>

#include "badcreds/evtx_file.h"
#include "badcreds/output.h"

struct state {
	struct arena arena;
	struct strbuf out;
};

static void on_record(void *ctx, struct evtx_chunk *c, const struct evtx_record *rec)
{
	struct state *s = ctx;
	struct bx_fragment frag;
	const char *err;
	uint32_t err_off;
	struct event ev;
	struct evtx_peek peek;
	arena_reset(&s->arena);
	evtx_record_peek(c, rec, &s->arena, &peek);
	if (!evtx_record_compile(c, rec, &s->arena, &frag, &err, &err_off) ||
	    !event_from_fragment(&ev, &c->bx, &frag, &s->arena, &err))
		return;
	struct output_record r = {.event = &ev, .chunk = &c->bx, .fragment = &frag, .arena = &s->arena};
	s->out.len = 0;
	output_xml.write(&s->out, &r, &err);
	output_jsonl.write(&s->out, &r, &err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct evtx_chunk chunk;
	static struct state s;
	int fd = memfd_create("fuzz.evtx", 0);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) == (ssize_t)size) {
		struct diag d = {0};
		struct evtx_file_stats st = {0};
		evtx_file_records(fd, "fuzz.evtx", &chunk, &d, on_record, &s, &st);
	}
	close(fd);
	return 0;
}
