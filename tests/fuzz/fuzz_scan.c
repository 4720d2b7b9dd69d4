/* fuzz_scan.c: libFuzzer target: the input is any file scan may be given (EVTX, gzip or event XML); it goes
 * through probing, the input format (gzip through the spool), fact extraction (including the 1200-1210 audit
 * documents) and correlation; the summary is built and every report written to /dev/null. Build with -Dfuzz=true
 * (clang). */
#include <sys/mman.h>
#include <unistd.h>

#include "badcreds/attempt.h"
#include "badcreds/filetime.h"
#include "badcreds/report.h"
#include "badcreds/source.h"
#include "badcreds/summary.h"
#include "source/input.h"

static void on_event(void *ctx, const struct event *ev) { correlator_add(ctx, ev, NULL); }

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
			filetime_format_ms(&sb, a[i].time, false);
		}
		sb_free(&sb);
		const struct fact *const *dc;
		const struct success *ok;
		size_t ndc = correlator_dc_events(c, &dc), nok = correlator_successes(c, &ok);
		struct summary_thresholds t;
		summary_default_thresholds(&t);
		t.spray_users = t.brute_attempts = t.stale_attempts = t.lockout_threshold = 1;
		struct summary_attempts kept = {0};
		for (size_t i = 0; i < n; i++)
			summary_attempts_add(&kept, &a[i]);
		struct summary s;
		summary_build(&s, &kept, dc, ndc, ok, nok, &t);
		char err[256];
		struct out_file *o = out_open("/dev/null", 0, err, sizeof err); /* the writers, their escaping */
		if (o) {
			for (int format = 0; format < 2; format++) {
				struct report_options ro = {.format = format ? REPORT_JSONL : REPORT_CSV};
				struct report_writer w;
				report_begin(&w, o, &ro);
				for (size_t i = 0; i < n; i++)
					report_row(&w, &a[i]);
				report_end(&w);
			}
			summary_write(o, &s, n, "text");
			summary_write(o, &s, n, "csv");
			summary_write_html(o, &s, &kept);
			out_abort(o);
		}
		summary_free(&s);
		summary_attempts_free(&kept);
		correlator_free(c);
	}
	close(fd);
	return 0;
}
