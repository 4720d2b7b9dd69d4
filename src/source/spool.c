/* spool.c: copies a stream (stdin, or a gzip member through zlib) into an unlinked temporary file, so that the
 * EVTX reader can seek and revisit chunks; memory stays at one buffer. */
#include "badcreds/source.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

enum { SPOOL_BUFFER = 1 << 20 };

int spool_to_tempfile(int in_fd, void *gz, const char *name, struct diag *d)
{
	(void)name;
	FILE *tmp = tmpfile();
	if (!tmp) {
		diag_report(d, DIAG_ERROR, DIAG_NO_OFFSET, "cannot create a temporary file: %s", strerror(errno));
		return -1;
	}
	int fd = dup(fileno(tmp));
	fclose(tmp);
	if (fd < 0)
		return -1;
	char *buf = malloc(SPOOL_BUFFER);
	if (!buf)
		abort();
	uint64_t total = 0;
	for (;;) {
		ssize_t n;
		if (gz) {
			n = gzread(gz, buf, SPOOL_BUFFER);
			if (n < 0) {
				int zerr;
				const char *msg = gzerror(gz, &zerr);
				diag_report(d, DIAG_ERROR, total, "gzip data damaged after %llu bytes: %s; reading what came "
					    "before", (unsigned long long)total, msg);
				break;
			}
		} else {
			n = read(in_fd, buf, SPOOL_BUFFER);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				diag_report(d, DIAG_ERROR, total, "read error: %s", strerror(errno));
				break;
			}
		}
		if (n == 0)
			break;
		for (ssize_t done = 0; done < n;) {
			ssize_t w = write(fd, buf + done, (size_t)(n - done));
			if (w < 0) {
				diag_report(d, DIAG_ERROR, DIAG_NO_OFFSET, "cannot write the temporary file: %s",
					    strerror(errno));
				free(buf);
				close(fd);
				return -1;
			}
			done += w;
		}
		total += (uint64_t)n;
	}
	free(buf);
	return fd;
}
