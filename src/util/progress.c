/* progress.c: the progress line: "badcreds: NAME  45%  120 MB of 267 MB  312 MB/s  ETA 0:03" (or "12345 events  2300
 * events/s" for a live channel), redrawn in place. */
#include "badcreds/progress.h"
#include "badcreds/text.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

static struct {
	bool on, shown;
	const char *name;
	const char *unit;      /* counting items of this name instead of bytes */
	uint64_t total;
	double start, last;
} p;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void progress_enable(bool on) { p.on = on && isatty(STDERR_FILENO); }

void progress_file(const char *name, uint64_t total)
{
	p.name = name;
	p.unit = NULL;
	p.total = total;
	p.start = p.last = now();
}

void progress_update(uint64_t done)
{
	if (!p.on)
		return;
	double t = now();
	if (t - p.last < 0.1)
		return;
	p.last = t;
	double rate = done / (t - p.start > 1e-3 ? t - p.start : 1e-3) / 1e6;
	struct strbuf name = {0};
	text_visible_str(&name, p.name);
	fprintf(stderr, "\rbadcreds: %s  ", sb_cstr(&name));
	sb_free(&name);
	if (p.unit) {
		fprintf(stderr, "%llu %s  %.0f %s/s", (unsigned long long)done, p.unit, rate * 1e6, p.unit);
	} else if (p.total) {
		double left = rate > 0 ? (double)(p.total - (done < p.total ? done : p.total)) / 1e6 / rate : 0;
		fprintf(stderr, "%3d%%  %.0f MB of %.0f MB  %.0f MB/s  ETA %d:%02d", (int)(100.0 * done / p.total),
			done / 1e6, p.total / 1e6, rate, (int)left / 60, (int)left % 60);
	} else {
		fprintf(stderr, "%.0f MB  %.0f MB/s", done / 1e6, rate);
	}
	fputs("\033[K", stderr);
	p.shown = true;
}

void progress_count_items(const char *unit) { p.unit = unit; }

void progress_clear(void)
{
	if (p.shown)
		fputs("\r\033[K", stderr);
	p.shown = false;
}
