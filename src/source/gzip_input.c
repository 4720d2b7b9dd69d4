/* gzip_input.c: .evtx.gz (or gzipped XML): decompressed by a spool thread (gunzip.c) into a temporary file and read
 * by the format the decompressed bytes probe as, while the decompression goes on. */
#include "source/gunzip.h"
#include "source/input.h"
#include "source/spool.h"

#include <unistd.h>

static bool read_gzip(int fd, const char *name, const struct source_options *opt, const struct event_sink *sink,
		      struct diag *d, struct source_stats *st)
{
	int copy = dup(fd);
	if (copy < 0 || lseek(copy, 0, SEEK_SET) != 0) { /* read from the start, whatever the position of fd */
		if (copy >= 0)
			close(copy);
		diag_report(d, DIAG_ERROR, DIAG_NO_OFFSET, "cannot reopen the gzip file");
		return false;
	}
	struct spool *s = spool_start(copy, true, opt->spool_limit, d);
	return s && spool_read(s, name, opt, sink, d, st);
}

const struct input_format input_gzip = {.name = "gzip", .probe = gunzip_magic, .read = read_gzip};
