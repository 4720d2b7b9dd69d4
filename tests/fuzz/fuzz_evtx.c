/* fuzz_evtx.c: libFuzzer target: the input is an EVTX file; every record is walked, turned into an event and
 * written as XML and JSON, as `badcreds dump` does. Build with -Dfuzz=true (clang). */
#include <sys/mman.h>
#include <unistd.h>

#include "event/event_builder.h"
#include "evtx/evtx_file.h"
#include "badcreds/output.h"

static void on_record(void *ctx, struct evtx_job *job, struct evtx_chunk *c, const struct evtx_record *rec)
{
	(void)ctx;
	struct bx_fragment frag;
	const char *err;
	uint32_t err_off;
	struct event ev;
	struct event_peek peek;
	evtx_record_peek(c, rec, &job->arena, &peek);
	if (!evtx_record_compile(c, rec, &job->arena, &frag, &err, &err_off) ||
	    !event_from_fragment(&ev, &c->bx, &frag, &job->arena, &err))
		return;
	struct output_record r = {.event = &ev, .chunk = &c->bx, .fragment = &frag, .arena = &job->arena};
	output_xml.write(&job->text, &r, &err);
	output_jsonl.write(&job->text, &r, &err);
}

static void on_commit(void *ctx, struct evtx_job *job) { (void)ctx, (void)job; }

static const struct evtx_file_ops ops = {.record = on_record, .commit = on_commit};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz.evtx", 0);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) == (ssize_t)size) {
		struct diag d = {0};
		struct evtx_file_stats st = {0};
		evtx_file_read(fd, "fuzz.evtx", NULL, 1, &d, &ops, NULL, &st);
	}
	close(fd);
	return 0;
}
