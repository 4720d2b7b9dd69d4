/* gzip_input.c: .evtx.gz (or gzipped XML): decompressed with zlib into a temporary file, then read by the format
 * that the decompressed bytes probe as. */
#include "badcreds/source.h"

#include <unistd.h>
#include <zlib.h>

static bool probe_gzip(const uint8_t *head, size_t n) { return n >= 2 && head[0] == 0x1f && head[1] == 0x8b; }

static void read_gzip(int fd, const char *name, const struct source_options *opt, const struct event_sink *sink,
		      struct diag *d, struct source_stats *st)
{
	int copy = dup(fd);
	gzFile gz = copy >= 0 ? gzdopen(copy, "rb") : NULL;
	if (!gz) {
		if (copy >= 0)
			close(copy);
		diag_report(d, DIAG_ERROR, DIAG_NO_OFFSET, "cannot open the gzip stream");
		return;
	}
	gzbuffer(gz, 1 << 20);
	int tmp = spool_to_tempfile(-1, gz, name, d);
	gzclose(gz);
	if (tmp < 0)
		return;
	const struct input_format *f = input_probe(tmp);
	if (!f || f == &input_gzip)
		diag_report(d, DIAG_ERROR, DIAG_NO_OFFSET, "gzip content is neither EVTX nor event XML");
	else
		f->read(tmp, name, opt, sink, d, st);
	close(tmp);
}

const struct input_format input_gzip = {.name = "gzip", .probe = probe_gzip, .read = read_gzip};
