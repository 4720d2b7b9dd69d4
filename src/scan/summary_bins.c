/* summary_bins.c: the figures of the summary page's chart (struct summary_bins, summary.h), made while the summary
 * reads the attempts: the bars' width from the first and last attempt (within the plausible times of filetime.h),
 * each attempt into its bar's total, and each address's attempts per bar kept while it ranks among the top five IP
 * rows; the rest of a bar is "other". */
#include "scan/summary_bins.h"

#include <stdlib.h>
#include <string.h>

#include "badcreds/filetime.h"

void bins_init(struct summary_bins *b, int64_t first, int64_t last)
{
	if (first < FILETIME_PLAUSIBLE_FIRST && last >= FILETIME_PLAUSIBLE_FIRST) /* a 1601 or 9999 record: its bar is */
		first = FILETIME_PLAUSIBLE_FIRST;                                 /* the first or the last one */
	if (last >= FILETIME_PLAUSIBLE_END && first < FILETIME_PLAUSIBLE_END)
		last = FILETIME_PLAUSIBLE_END - 1;
	b->width = FILETIME_HOUR;
	b->start = first / FILETIME_HOUR * FILETIME_HOUR;
	if ((last - b->start) / b->width >= CHART_MAX_BARS) { /* days, as many a bar as it takes to fit them all */
		b->start = first / FILETIME_DAY * FILETIME_DAY;
		b->width = ((last - b->start) / FILETIME_DAY / CHART_MAX_BARS + 1) * FILETIME_DAY;
	}
	b->n = (size_t)((last - b->start) / b->width + 1);
}

size_t bins_bar(const struct summary_bins *b, int64_t t)
{
	if (t < b->start)
		return 0;
	size_t bar = (size_t)((t - b->start) / b->width);
	return bar >= b->n ? b->n - 1 : bar;
}

/* The top addresses of the chart so far (the best IP rows, in their order), each with its attempts per bar. */
struct chart_top {
	struct ip_row row[CHART_TOP_IPS];
	unsigned bars[CHART_TOP_IPS][CHART_MAX_BARS];
	size_t n;
	int (*order)(const void *x, const void *y); /* of the IP rows */
};

struct chart_top *chart_top_new(int (*order)(const void *x, const void *y))
{
	struct chart_top *c = calloc(1, sizeof *c);
	if (!c)
		abort();
	c->order = order;
	return c;
}

/* An address's row and its attempts a[0..n) (time order): among the top ones if it ranks so. */
void chart_offer(struct chart_top *c, const struct summary_bins *b, const struct ip_row *r,
			const struct summary_attempt *a, size_t n)
{
	size_t at = c->n;
	while (at && c->order(r, &c->row[at - 1]) < 0)
		at--;
	if (at == CHART_TOP_IPS)
		return;
	size_t move = (c->n < CHART_TOP_IPS ? c->n : CHART_TOP_IPS - 1) - at;
	memmove(&c->row[at + 1], &c->row[at], move * sizeof c->row[0]);
	memmove(&c->bars[at + 1], &c->bars[at], move * sizeof c->bars[0]);
	c->n += c->n < CHART_TOP_IPS;
	c->row[at] = *r;
	memset(c->bars[at], 0, sizeof c->bars[at]);
	for (size_t i = 0; i < n; i++)
		c->bars[at][bins_bar(b, a[i].time)]++;
}

void bins_finish(struct summary_bins *b, struct chart_top *c)
{
	b->top = c->n;
	for (size_t i = 0; i < b->n; i++) {
		unsigned others = b->total[i];
		for (size_t k = 0; k < c->n; k++) {
			b->count[i][k] = c->bars[k][i];
			others -= c->bars[k][i];
		}
		b->count[i][c->n] = others; /* right after the top addresses (grey once there are five) */
		b->highest = b->total[i] > b->highest ? b->total[i] : b->highest;
	}
	free(c);
}
