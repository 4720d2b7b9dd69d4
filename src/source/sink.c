/* sink.c: what an input does with an event it decoded by itself (XML exports, live channels): the sink's filter on
 * the event's peek, then the sink's event() callback, or its output format and write() (source.h). EVTX records take
 * the same steps on the reader's workers (evtx_input.c). */
#include "badcreds/output.h"
#include "source/input.h"

void sink_offer(const struct event_sink *sink, const struct event *ev)
{
	struct event_peek peek;
	event_peek_from(ev, &peek);
	if (sink->wants && !sink->wants(sink->ctx, &peek))
		return;
	if (!sink->format) {
		sink->event(sink->ctx, ev);
		return;
	}
	struct strbuf text = {0};
	struct output_record r = {.event = ev};
	const char *err;
	if (sink->format->write(&text, &r, &err))
		sink->write(sink->ctx, text.data, text.len, 1, ev->recovered);
	sb_free(&text);
}
