/* evtx_input.c: EVTX files through badcreds' own reader: each record is offered to the sink by EventID, provider,
 * channel and time before it is decoded on a worker thread, then handed to the sink in file order. */
#include "badcreds/evtx_file.h"
#include "badcreds/source.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

struct evtx_input {
	const struct event_sink *sink;
	const char *name;
	struct source_stats *stats;
};

/* On a worker: decode the records the sink wants; the events wait in the job until their chunk is committed. */
static void on_record(void *ctx, struct evtx_job *job, struct evtx_chunk *c, const struct evtx_record *rec)
{
	struct evtx_input *in = ctx;
	const struct event_sink *sink = in->sink;
	struct arena *a = &job->arena;
	job->emitted++; /* records seen */
	struct evtx_peek peek;
	bool peeked = sink->wants && evtx_record_peek(c, rec, a, &peek);
	if (peeked && !sink->wants(sink->ctx, &peek))
		return;
	evtx_chunk_verify(c, &job->diag);
	struct bx_fragment frag;
	const char *err = NULL;
	uint32_t err_off = 0;
	struct event *ev = arena_alloc(a, sizeof *ev);
	if (!evtx_record_compile(c, rec, a, &frag, &err, &err_off) || !event_from_fragment(ev, &c->bx, &frag, a, &err)) {
		if (rec->recovered && !rec->damaged) {
			job->carved_unreadable++;
			return;
		}
		diag_report(&job->diag, DIAG_ERROR, c->file_offset + (err_off ? err_off : rec->offset),
			    "record %" PRIu64 " skipped: %s", rec->id, err ? err : "damaged");
		job->diag.skipped_records++;
		return;
	}
	if (sink->wants && !peeked) {
		event_peek(ev, &peek);
		if (!sink->wants(sink->ctx, &peek))
			return;
	}
	ev->header_record_id = rec->id;
	ev->written_time = (int64_t)rec->written_time;
	ev->recovered = rec->recovered;
	ev->damaged = rec->damaged;
	ev->source = in->name;
	ev->file_offset = c->file_offset + rec->offset;
	evtx_job_push(job, ev);
}

/* In file order: hand the chunk's events to the sink. */
static void on_commit(void *ctx, struct evtx_job *job)
{
	struct evtx_input *in = ctx;
	in->stats->records += job->emitted;
	for (size_t i = 0; i < job->nitems; i++)
		in->sink->event(in->sink->ctx, job->items[i]);
}

static const struct evtx_file_ops input_ops = {.record = on_record, .commit = on_commit, .verify_when_used = true};

static bool probe_evtx(const uint8_t *head, size_t n)
{
	return (n >= 8 && memcmp(head, EVTX_FILE_SIGNATURE, 8) == 0) ||
	       (n >= EVTX_FILE_HEADER_BLOCK + 8 && memcmp(head + EVTX_FILE_HEADER_BLOCK, EVTX_CHUNK_SIGNATURE, 8) == 0);
}

static void read_evtx(int fd, const char *name, const struct source_options *opt, const struct event_sink *sink,
		      struct diag *d, struct source_stats *st)
{
	struct evtx_input in = {.sink = sink, .name = name, .stats = st};
	struct evtx_file_stats fs = {0};
	if (sink->evtx_ops)
		evtx_file_read(fd, name, opt->growing, opt->threads, d, sink->evtx_ops, sink->evtx_ctx, &fs);
	else
		evtx_file_read(fd, name, opt->growing, opt->threads, d, &input_ops, &in, &fs);
}

const struct input_format input_evtx = {.name = "evtx", .probe = probe_evtx, .read = read_evtx};
