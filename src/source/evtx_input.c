/* evtx_input.c: EVTX files through badcreds' own reader. On the reader's worker threads each record is offered to
 * the sink by its peek (EventID, provider, channel, time) before it is decoded, then decoded and either kept as an
 * event or written by the sink's output format; in file order, on the calling thread, the events go to the sink's
 * event() and the text to its write(). */
#include "evtx/evtx_file.h"
#include "badcreds/compat.h"
#include "badcreds/output.h"
#include "source/input.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

struct evtx_input {
	const struct event_sink *sink;
	const char *name;
	struct source_stats *stats;
};

/* On a worker: the record written by the sink's format into the job's text. A carved record that cannot be written
 * is a remnant; another is an error. */
static void format_record(const struct event_sink *sink, struct evtx_job *job, struct evtx_chunk *c,
			  const struct evtx_record *rec, struct event *ev, const struct bx_fragment *frag)
{
	struct output_record r = {.event = ev, .chunk = &c->bx, .fragment = frag, .arena = &job->arena};
	size_t mark = job->text.len;
	unsigned long cuts = c->bx.cuts;
	const char *err;
	if (!sink->format->write(&job->text, &r, &err)) {
		job->text.len = mark;
		job->records--; /* counted as read by on_record */
		if (rec->recovered && !rec->damaged) {
			job->carved_unreadable++;
			return;
		}
		diag_report(&job->diag, DIAG_ERROR, ev->file_offset, "record %" PRIu64 " skipped: %s", rec->id,
			    err ? err : "damaged");
		job->diag.skipped_records++;
		return;
	}
	if (ev->cut || c->bx.cuts != cuts)
		evtx_job_cut(job, rec, ev->file_offset);
	job->written++;
	job->written_recovered += rec->recovered;
}

/* On a worker: decode the records the sink wants. A carved record is always decoded: whether it counts as a record
 * depends on what it holds. */
static void on_record(void *ctx, struct evtx_job *job, struct evtx_chunk *c, const struct evtx_record *rec)
{
	struct evtx_input *in = ctx;
	const struct event_sink *sink = in->sink;
	struct arena *a = &job->arena;
	bool carved = rec->recovered && !rec->damaged;
	struct event_peek peek;
	bool peeked = !carved && sink->wants && evtx_record_peek(c, rec, a, &peek);
	if (!carved)
		job->records++;
	if (peeked && !sink->wants(sink->ctx, &peek))
		return;
	evtx_chunk_verify(c, &job->diag);
	struct bx_fragment frag;
	const char *err;
	uint64_t err_off;
	struct event *ev = arena_alloc(a, sizeof *ev);
	bool model = !sink->format || sink->format->needs_event || (sink->wants && !peeked);
	enum evtx_decoded how = evtx_record_decode(c, rec, a, peeked ? &peek : NULL, &frag, ev, model, &err, &err_off);
	if (!evtx_job_decoded(job, rec, how, err, err_off)) {
		job->records -= how == EVTX_UNREADABLE && !carved; /* skipped, with an error: not read */
		return;
	}
	job->records += carved;
	if (sink->wants && !peeked) {
		event_peek_from(ev, &peek);
		peek.size = rec->size;
		if (!sink->wants(sink->ctx, &peek))
			return;
	}
	ev->source = in->name;
	if (sink->format) {
		format_record(sink, job, c, rec, ev, &frag);
		return;
	}
	if (ev->cut)
		evtx_job_cut(job, rec, ev->file_offset);
	if (sink->prepare)
		ev->prepared = sink->prepare(sink->ctx, ev, a);
	evtx_job_push(job, ev);
}

/* In file order: the job's events or text to the sink. */
static void on_commit(void *ctx, struct evtx_job *job)
{
	struct evtx_input *in = ctx;
	in->stats->records += job->records;
	in->stats->remnants += job->carved_unreadable;
	if (in->sink->format)
		in->sink->write(in->sink->ctx, job->text.data, job->text.len, job->written, job->written_recovered);
	else
		for (size_t i = 0; i < job->nitems; i++)
			in->sink->event(in->sink->ctx, job->items[i]);
}

static bool probe_evtx(const uint8_t *head, size_t n)
{
	return (n >= 8 && memcmp(head, EVTX_FILE_SIGNATURE, 8) == 0) ||
	       (n >= EVTX_FILE_HEADER_BLOCK + 8 && memcmp(head + EVTX_FILE_HEADER_BLOCK, EVTX_CHUNK_SIGNATURE, 8) == 0);
}

/* The sink's log_begin with what the file header says (read again here: the reader checks it on its own). */
static void begin_file(int fd, const struct source_options *opt, const struct event_sink *sink)
{
	uint8_t head[128]; /* the file header (evtx_format.h) */
	struct evtx_file_header h;
	if (opt->growing)
		opt->growing->wait_for(opt->growing->ctx, sizeof head);
	if (bc_pread(fd, head, sizeof head, 0) != (long)sizeof head || !evtx_file_header_read(head, &h)) {
		sink->log_begin(sink->ctx, NULL);
		return;
	}
	sink->log_begin(sink->ctx, &(struct source_log_header){.flags = h.flags,
								  .wrapped = h.first_chunk > h.last_chunk});
}

static bool read_evtx(int fd, const char *name, const struct source_options *opt, const struct event_sink *sink,
		      struct diag *d, struct source_stats *st)
{
	struct evtx_input in = {.sink = sink, .name = name, .stats = st};
	struct evtx_file_ops ops = {.record = on_record, .commit = on_commit, .verify_when_used = !opt->verify_every_chunk};
	struct evtx_file_stats fs = {0};
	if (sink->log_begin)
		begin_file(fd, opt, sink);
	bool ok = evtx_file_read(fd, name, opt->growing, opt->threads, d, &ops, &in, &fs);
	if (sink->log_end)
		sink->log_end(sink->ctx);
	if (fs.first_written) {
		source_stats_time(st, (int64_t)fs.first_written);
		source_stats_time(st, (int64_t)fs.last_written);
	}
	return ok;
}

const struct input_format input_evtx = {.name = "evtx", .probe = probe_evtx, .read = read_evtx};
