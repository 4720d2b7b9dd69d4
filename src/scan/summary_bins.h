/* summary_bins.h: the chart's figures made as the summary reads the attempts (summary_bins.c). Internal to the
 * summary. */
#ifndef BADCREDS_SUMMARY_BINS_H
#define BADCREDS_SUMMARY_BINS_H

#include "badcreds/summary.h"

/* The bars: their width and number from the first and last attempt. */
void bins_init(struct summary_bins *b, int64_t first, int64_t last);
/* The bar of a time (later ones fall in the last). */
size_t bins_bar(const struct summary_bins *b, int64_t t);

/* The top addresses of the chart so far (the best IP rows in `order`), each with its attempts per bar. */
struct chart_top;
struct chart_top *chart_top_new(int (*order)(const void *x, const void *y));
/* An address's row and its attempts a[0..n) (time order): kept if it ranks among the top. */
void chart_offer(struct chart_top *c, const struct summary_bins *b, const struct ip_row *r,
		 const struct summary_attempt *a, size_t n);
/* Each bar's counts by top address and the rest, from its total; frees c. */
void bins_finish(struct summary_bins *b, struct chart_top *c);

#endif
