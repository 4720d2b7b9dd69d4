/* evtx_input.c: EVTX files through badcreds' own reader: each record is offered to the sink by EventID, provider,
 * channel and time before it is decoded on a worker thread, then handed to the sink in file order. */
#include "badcreds/evtx_file.h"
#include "badcreds/source.h"

#include <stdlib.h>
#include <string.h>

struct evtx_input {
	const struct event_sink *sink;
	const char *name;
	struct source_stats *stats;
};

/* On a worker: decode the records the sink wants; the events wait in the job until their chunk is committed. A
 * carved record is always decoded: whether it counts as a record depends on what it holds. */
static void on_record(void *ctx, struct evtx_job *job, struct evtx_chunk *c, const struct evtx_record *rec)
{
	struct evtx_input *in = ctx;
	const struct event_sink *sink = in->sink;
	struct arena *a = &job->arena;
	bool carved = rec->recovered && !rec->damaged;
	struct evtx_peek peek;
	bool peeked = !carved && sink->wants && evtx_record_peek(c, rec, a, &peek);
	if (!carved)
		job->emitted++; /* records read */
	if (peeked && !sink->wants(sink->ctx, &peek))
		return;
	evtx_chunk_verify(c, &job->diag);
	struct bx_fragment frag;
	const char *err;
	uint64_t err_off;
	struct event *ev = arena_alloc(a, sizeof *ev);
	enum evtx_decoded how = evtx_record_decode(c, rec, a, &frag, ev, true, &err, &err_off);
	if (!evtx_job_decoded(job, rec, how, err, err_off))
		return;
	job->emitted += carved;
	if (ev->cut)
		evtx_job_cut(job, rec, ev->file_offset);
	if (sink->wants && !peeked) {
		event_peek(ev, &peek);
		if (!sink->wants(sink->ctx, &peek))
			return;
	}
	ev->source = in->name;
	evtx_job_push(job, ev);
}

/* In file order: hand the chunk's events to the sink. */
static void on_commit(void *ctx, struct evtx_job *job)
{
	struct evtx_input *in = ctx;
	in->stats->records += job->emitted;
	in->stats->remnants += job->carved_unreadable;
	for (size_t i = 0; i < job->nitems; i++)
		in->sink->event(in->sink->ctx, job->items[i]);
}

static const struct evtx_file_ops input_ops = {.record = on_record, .commit = on_commit, .verify_when_used = true};

static bool probe_evtx(const uint8_t *head, size_t n)
{
	return (n >= 8 && memcmp(head, EVTX_FILE_SIGNATURE, 8) == 0) ||
	       (n >= EVTX_FILE_HEADER_BLOCK + 8 && memcmp(head + EVTX_FILE_HEADER_BLOCK, EVTX_CHUNK_SIGNATURE, 8) == 0);
}

static bool read_evtx(int fd, const char *name, const struct source_options *opt, const struct event_sink *sink,
		      struct diag *d, struct source_stats *st)
{
	struct evtx_input in = {.sink = sink, .name = name, .stats = st};
	struct evtx_file_stats fs = {0};
	bool ok = sink->evtx_ops ? evtx_file_read(fd, name, opt->growing, opt->threads, d, sink->evtx_ops, sink->evtx_ctx, &fs)
				 : evtx_file_read(fd, name, opt->growing, opt->threads, d, &input_ops, &in, &fs);
	if (fs.first_written) {
		source_stats_time(st, (int64_t)fs.first_written);
		source_stats_time(st, (int64_t)fs.last_written);
	}
	return ok;
}

const struct input_format input_evtx = {.name = "evtx", .probe = probe_evtx, .read = read_evtx};
