/* fuzz_scan.c: libFuzzer target: the input is any file scan may be given (EVTX, gzip or event XML); it goes
 * through probing, the input format, fact extraction (including the 1200-1210 audit documents) and correlation,
 * and the report is rendered. Build with -Dfuzz=true (clang). */
#include <sys/mman.h>
#include <unistd.h>

#include "badcreds/attempt.h"
#include "badcreds/report.h"
#include "badcreds/source.h"

static void on_event(void *ctx, const struct event *ev) { correlator_add(ctx, ev); }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz.input", 0);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) == (ssize_t)size) {
		struct correlator *c = correlator_new();
		struct event_sink sink = {.event = on_event, .ctx = c};
		struct diag d = {0};
		struct source_stats st = {0};
		struct source_options opt = {.threads = 1};
		const struct input_format *f = input_probe(fd);
		if (f)
			f->read(fd, "fuzz.input", &opt, &sink, &d, &st);
		struct attempt *a;
		size_t n = correlator_run(c, &a);
		struct strbuf sb = {0};
		for (size_t i = 0; i < n; i++) {
			sb.len = 0;
			format_time(&sb, a[i].time, false);
		}
		sb_free(&sb);
		correlator_free(c);
	}
	close(fd);
	return 0;
}
