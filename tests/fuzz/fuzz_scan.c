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

/* What is done with each attempt: its time formatted, a row of each report, the summary's copy. */
struct each_job {
	struct out_file *o;
	struct report_options ro[2];     /* CSV, JSON lines */
	struct report_writer w[2];
	struct strbuf sb;
	struct summary_attempts kept;
};

static void each(void *ctx, const struct attempt *a)
{
	struct each_job *j = ctx;
	j->sb.len = 0;
	filetime_format_ms(&j->sb, a->time, false);
	for (int format = 0; j->o && format < 2; format++)
		report_row(&j->w[format], a);
	summary_attempts_add(&j->kept, a);
}

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
		char err[256];
		struct out_file *o = out_open("/dev/null", 0, err, sizeof err); /* the writers, their escaping */
		struct each_job j = {.o = o, .ro = {{.format = REPORT_CSV}, {.format = REPORT_JSONL}}};
		for (int format = 0; o && format < 2; format++)
			report_begin(&j.w[format], o, &j.ro[format]);
		correlator_keep_successes(c);
		correlator_each(c, each, &j);
		const struct fact *const *dc;
		const struct success *ok;
		size_t ndc = correlator_dc_events(c, &dc), nok = correlator_successes(c, &ok);
		struct summary_thresholds t;
		summary_default_thresholds(&t);
		t.spray_users = t.brute_attempts = t.stale_attempts = t.lockout_threshold = 1;
		struct summary s;
		summary_build(&s, &j.kept, dc, ndc, ok, nok, &t, 2);
		if (o) {
			for (int format = 0; format < 2; format++)
				report_end(&j.w[format]);
			summary_write(o, &s, "text");
			summary_write(o, &s, "csv");
			summary_write_html(o, &s);
			out_abort(o);
		}
		sb_free(&j.sb);
		summary_free(&s);
		summary_attempts_free(&j.kept);
		correlator_free(c);
	}
	close(fd);
	return 0;
}
