/* gzip_input.c: .evtx.gz (or gzipped XML): decompressed with zlib by a spool thread into a temporary file, and
 * read by the format the decompressed bytes probe as, while the decompression goes on. */
#include "badcreds/source.h"

#include <unistd.h>
#include <zlib.h>

static bool probe_gzip(const uint8_t *head, size_t n) { return n >= 2 && head[0] == 0x1f && head[1] == 0x8b; }

static void read_gzip(int fd, const char *name, const struct source_options *opt, const struct event_sink *sink,
		      struct diag *d, struct source_stats *st)
{
	int copy = dup(fd);
	if (copy >= 0) /* zlib reads from the file position, which a positioned read on Windows has moved */
		lseek(copy, 0, SEEK_SET);
	gzFile gz = copy >= 0 ? gzdopen(copy, "rb") : NULL;
	if (!gz) {
		if (copy >= 0)
			close(copy);
		diag_report(d, DIAG_ERROR, DIAG_NO_OFFSET, "cannot open the gzip stream");
		return;
	}
	gzbuffer(gz, 1 << 20);
	struct spool *s = spool_start(-1, gz, d);
	if (s)
		spool_read(s, name, opt, sink, d, st); /* the spool's thread is done with gz when this returns */
	gzclose(gz);
}

const struct input_format input_gzip = {.name = "gzip", .probe = probe_gzip, .read = read_gzip};
