/* evtx_input.c: EVTX files through badcreds' own reader: each record is offered to the sink by EventID and
 * provider before it is decoded, then turned into the event model. */
#include "badcreds/evtx_file.h"
#include "badcreds/source.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

struct evtx_input {
	const struct event_sink *sink;
	struct diag *diag;
	const char *name;
	struct arena arena;
	struct source_stats *stats;
	unsigned long carved_unreadable;
};

static void on_record(void *ctx, struct evtx_chunk *c, const struct evtx_record *rec)
{
	struct evtx_input *in = ctx;
	const struct event_sink *sink = in->sink;
	struct arena *a = &in->arena;
	arena_reset(a);
	in->stats->records++;
	struct evtx_peek peek;
	bool peeked = sink->wants && evtx_record_peek(c, rec, a, &peek);
	if (peeked && !sink->wants(sink->ctx, &peek))
		return;
	struct bx_fragment frag;
	const char *err = NULL;
	uint32_t err_off = 0;
	struct event ev;
	if (!evtx_record_compile(c, rec, a, &frag, &err, &err_off) || !event_from_fragment(&ev, &c->bx, &frag, a, &err)) {
		if (rec->recovered && !rec->damaged) {
			in->carved_unreadable++;
			return;
		}
		diag_report(in->diag, DIAG_ERROR, c->file_offset + (err_off ? err_off : rec->offset),
			    "record %" PRIu64 " skipped: %s", rec->id, err ? err : "damaged");
		in->diag->skipped_records++;
		return;
	}
	if (sink->wants && !peeked) {
		event_peek(&ev, &peek);
		if (!sink->wants(sink->ctx, &peek))
			return;
	}
	ev.header_record_id = rec->id;
	ev.written_time = (int64_t)rec->written_time;
	ev.recovered = rec->recovered;
	ev.damaged = rec->damaged;
	ev.source = in->name;
	ev.file_offset = c->file_offset + rec->offset;
	sink->event(sink->ctx, &ev);
}

static bool probe_evtx(const uint8_t *head, size_t n)
{
	return (n >= 8 && memcmp(head, EVTX_FILE_SIGNATURE, 8) == 0) ||
	       (n >= EVTX_FILE_HEADER_BLOCK + 8 && memcmp(head + EVTX_FILE_HEADER_BLOCK, EVTX_CHUNK_SIGNATURE, 8) == 0);
}

static void read_evtx(int fd, const char *name, const struct event_sink *sink, struct diag *d,
		      struct source_stats *st)
{
	struct evtx_chunk *c = malloc(sizeof *c);
	if (!c)
		abort();
	evtx_chunk_init(c);
	struct evtx_input in = {.sink = sink, .diag = d, .name = name, .stats = st};
	struct evtx_file_stats fs = {0};
	evtx_file_records(fd, name, c, d, on_record, &in, &fs);
	if (in.carved_unreadable)
		diag_report(d, DIAG_NOTE, DIAG_NO_OFFSET, "%lu carved records could not be decoded (their templates are "
			    "gone)", in.carved_unreadable);
	evtx_chunk_free(c);
	free(c);
	arena_free(&in.arena);
}

const struct input_format input_evtx = {.name = "evtx", .probe = probe_evtx, .read = read_evtx};
