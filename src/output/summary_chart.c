/* summary_chart.c: the HTML page's chart: attempts per hour (per day when the attempts span more than two weeks,
 * per few days when they span more than 336)
 * as stacked bars by top address, in an inline SVG that scales to the page; a y axis with round steps and grid
 * lines, hour (or day) labels under the bars, each bar's total written above it when there is room, and the same
 * figures as a table under the chart, so nothing needs hovering. */
#include <stdio.h>
#include <string.h>

#include "badcreds/filetime.h"
#include "summary_writer.h"

enum { TOP_IPS = CHART_TOP_IPS, CHART_W = 960, CHART_H = 260, LEFT = 44, TOP = 16, BOTTOM = 40 };
static const char *const COLORS[TOP_IPS + 1] = {"#c0392b", "#2471a3", "#d68910", "#1e8449", "#7d3c98", "#95a5a6"};

/* A round step for at most five grid steps up to `highest`: 1, 2, 5, 10, 20, 50... */
static unsigned step_for(unsigned highest)
{
	static const unsigned m[] = {1, 2, 5};
	for (unsigned scale = 1;; scale *= 10)
		for (int i = 0; i < 3; i++)
			if (highest / (m[i] * scale) <= 5)
				return m[i] * scale;
}

/* "08:00", or "11-20" at midnight and for day bars. */
static void label(struct strbuf *o, int64_t t, bool day)
{
	struct strbuf sb = {0};
	summary_time(&sb, t);
	const char *iso = sb_cstr(&sb); /* 2026-11-20T08:00:00.000+00:00 */
	if (day || !strncmp(iso + 11, "00:00", 5))
		sb_add(o, iso + 5, 5);
	else
		sb_add(o, iso + 11, 5);
	sb_free(&sb);
}

/* What a bar covers: "hour", "day" or "N days". */
static void unit(struct strbuf *o, const struct summary_bins *b)
{
	if (b->width <= FILETIME_DAY)
		sb_adds(o, b->width == FILETIME_HOUR ? "hour" : "day");
	else
		sb_printf(o, "%lld days", (long long)(b->width / FILETIME_DAY));
}

static void axes(struct strbuf *o, const struct summary_bins *b, unsigned top_value, double bar)
{
	unsigned step = step_for(top_value);
	for (unsigned v = 0; v <= top_value; v += step) {
		double y = TOP + (CHART_H - TOP) * (1.0 - (double)v / top_value);
		sb_printf(o, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" class=\"grid\"/><text x=\"%d\" y=\"%.1f\" "
			  "class=\"axis\" text-anchor=\"end\">%u</text>\n", LEFT, y, CHART_W, y, LEFT - 6, y + 4, v);
	}
	size_t every = 1; /* a label every few bars, so that they do not overlap (about 40 px each) */
	while (bar * (double)every < 40)
		every = every < 6 ? every + 1 : every < 12 ? 12 : every * 2;
	for (size_t i = 0; i < b->n; i += every) {
		sb_printf(o, "<text x=\"%.1f\" y=\"%d\" class=\"axis tick\" text-anchor=\"middle\">", LEFT + bar * (i + 0.5),
			  CHART_H + 16);
		label(o, b->start + (int64_t)i * b->width, b->width >= FILETIME_DAY);
		sb_adds(o, "</text>\n");
	}
}

/* The figures of the chart as a table: one row per non-empty bar. */
static void table(struct strbuf *o, const struct summary_bins *b, const struct summary *s)
{
	sb_adds(o, "<div class=\"wrap\"><table class=\"bins\"><tr><th>");
	unit(o, b);
	sb_printf(o, " (%s)</th><th>attempts</th>", summary_zone());
	for (size_t k = 0; k < b->top; k++) {
		sb_adds(o, "<th>");
		html_text(o, s->ips[k].ip);
		sb_adds(o, "</th>");
	}
	sb_adds(o, s->nips > b->top ? "<th>other addresses</th></tr>\n" : "</tr>\n");
	for (size_t i = 0; i < b->n; i++) {
		if (!b->total[i])
			continue;
		sb_adds(o, "<tr><td class=\"t\">");
		struct strbuf t = {0};
		summary_time(&t, b->start + (int64_t)i * b->width);
		sb_add(o, t.data, b->width >= FILETIME_DAY ? 10 : 16);
		sb_free(&t);
		sb_printf(o, "</td><td class=\"n\">%u</td>", b->total[i]);
		for (size_t k = 0; k < b->top + (s->nips > b->top); k++)
			sb_printf(o, "<td class=\"n\">%u</td>", b->count[i][k == b->top ? TOP_IPS : k]);
		sb_adds(o, "</tr>\n");
	}
	sb_adds(o, "</table></div>\n");
}

void summary_chart(struct strbuf *o, const struct summary *s)
{
	if (s->nattempts == 0) {
		sb_adds(o, "<p>No attempts.</p>\n");
		return;
	}
	const struct summary_bins *b = &s->bins;
	unsigned step = step_for(b->highest), top_value = (b->highest + step - 1) / step * step;
	double bar = (double)(CHART_W - LEFT) / (double)b->n;
	sb_printf(o, "<svg viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"attempts per ", CHART_W, CHART_H + BOTTOM);
	unit(o, b);
	sb_adds(o, "\">\n");
	axes(o, b, top_value, bar);
	for (size_t i = 0; i < b->n; i++) {
		double y = CHART_H;
		for (size_t k = 0; k <= TOP_IPS; k++) {
			if (!b->count[i][k])
				continue;
			double h = (double)b->count[i][k] * (CHART_H - TOP) / top_value;
			y -= h;
			sb_printf(o, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%u</title>"
				  "</rect>\n", LEFT + i * bar, y, bar > 2 ? bar - 1 : bar, h, COLORS[k], b->count[i][k]);
		}
		if (b->total[i] && bar >= 14) /* the total above the bar, where it fits */
			sb_printf(o, "<text x=\"%.1f\" y=\"%.1f\" class=\"value\" text-anchor=\"middle\">%u</text>\n",
				  LEFT + bar * (i + 0.5), y - 3, b->total[i]);
	}
	sb_printf(o, "<text x=\"%d\" y=\"%d\" class=\"axis\" text-anchor=\"end\">per ", CHART_W, CHART_H + 34);
	unit(o, b);
	sb_printf(o, ", %s</text>\n</svg>\n", summary_zone());
	sb_adds(o, "<p class=\"legend\">");
	for (size_t k = 0; k < b->top; k++) {
		sb_printf(o, "<span style=\"background:%s\"></span>", COLORS[k]);
		html_text(o, s->ips[k].ip);
		sb_adds(o, " ");
	}
	if (s->nips > b->top)
		sb_printf(o, "<span style=\"background:%s\"></span>other addresses", COLORS[TOP_IPS]);
	sb_adds(o, "</p>\n");
	table(o, b, s);
}
