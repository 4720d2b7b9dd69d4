/* input.h: the input formats behind one table, chosen by probing a file's first bytes (input.c), and what every
 * format does with an event it has decoded by itself (sink.c). Internal to src/source/. */
#ifndef BADCREDS_SOURCE_INPUT_H
#define BADCREDS_SOURCE_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "badcreds/source.h"

/* The bytes a probe gets: an EVTX file with a damaged header still has a chunk signature at 4096. */
enum { INPUT_PROBE_BYTES = 4096 + 8 };

struct input_format {
	const char *name;
	bool (*probe)(const uint8_t *head, size_t n);
	/* Reads an open, seekable file; `name` is used in messages and as the event's source. false if nothing could
	 * be read from it (not this format after all, or damaged beyond reading). */
	bool (*read)(int fd, const char *name, const struct source_options *opt, const struct event_sink *sink,
		     struct diag *d, struct source_stats *st);
};

extern const struct input_format input_evtx;
extern const struct input_format input_gzip;
extern const struct input_format input_xml;

/* The format whose probe accepts the first bytes of fd (read with pread at offset 0), or NULL. */
const struct input_format *input_probe(int fd);
/* The same, from the first bytes of the input already read (at most INPUT_PROBE_BYTES). */
const struct input_format *input_probe_head(const uint8_t *head, size_t n);

/* For first bytes no format accepts: what they are when a user may have given them for a log (a ZIP archive, a
 * legacy .evt log of Windows XP or Server 2003, an Event Viewer CSV or text export), said with what to do instead;
 * else NULL. */
const char *input_not_a_log(const uint8_t *head, size_t n);

/* An event decoded one at a time (XML exports, live channels) offered to the sink: its filter, then its event()
 * callback or its format and write(). */
void sink_offer(const struct event_sink *sink, const struct event *ev);

#endif
