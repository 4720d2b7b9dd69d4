/* summary_html.c: the summary as one self-contained HTML page: what the logs cover per server and log (when the
 * summary has it), attempts per hour as an inline SVG chart split by the top IPs, the findings with their next steps, the top users and IPs. No script, no external resource (the
 * page forbids them itself); every text from the logs is escaped, since user names come from a login page. */
#include <stdio.h>
#include <string.h>

#include "badcreds/filetime.h"
#include "badcreds/output.h"
#include "badcreds/report.h"
#include "badcreds/summary.h"
#include "badcreds/text.h"

enum { TOP_IPS = 5, TOP_ROWS = 25, CHART_W = 960, CHART_H = 260, MAX_BARS = 24 * 14 };
static const char *const COLORS[TOP_IPS + 1] = {"#c0392b", "#2471a3", "#d68910", "#1e8449", "#7d3c98", "#95a5a6"};

/* Text from the logs: made visible (text.h), then escaped. */
static void esc(struct strbuf *o, const char *s)
{
	struct strbuf shown = {0};
	text_visible_str(&shown, s);
	xml_escape(o, shown.data ? shown.data : "", shown.len, true);
	sb_free(&shown);
}

static void when(struct strbuf *o, int64_t t)
{
	struct strbuf sb = {0};
	filetime_format_ms(&sb, t, false);
	esc(o, sb_cstr(&sb));
	sb_free(&sb);
}

/* Stacked bars: attempts per hour (per day when the attempts span more than two weeks), by top IP. */
static void chart(struct strbuf *o, const struct summary *s, const struct attempt *a, size_t n)
{
	if (n == 0) {
		sb_adds(o, "<p>No attempts.</p>\n");
		return;
	}
	int64_t bin = FILETIME_HOUR, start = a[0].time / FILETIME_HOUR * FILETIME_HOUR;
	if ((a[n - 1].time - start) / bin >= MAX_BARS)
		bin = FILETIME_DAY, start = a[0].time / bin * bin;
	size_t bars = (size_t)((a[n - 1].time - start) / bin + 1);
	if (bars > MAX_BARS)
		bars = MAX_BARS; /* later attempts fall in the last bar */
	unsigned counts[MAX_BARS][TOP_IPS + 1];
	memset(counts, 0, sizeof counts);
	size_t top = s->nips < TOP_IPS ? s->nips : TOP_IPS;
	unsigned highest = 1;
	for (size_t i = 0; i < n; i++) {
		size_t b = (size_t)((a[i].time - start) / bin);
		if (b >= bars)
			b = bars - 1;
		size_t k = top;
		for (size_t j = 0; j < top; j++)
			if (!strcmp(a[i].ip, s->ips[j].ip))
				k = j;
		counts[b][k]++;
	}
	for (size_t b = 0; b < bars; b++) {
		unsigned sum = 0;
		for (size_t k = 0; k <= TOP_IPS; k++)
			sum += counts[b][k];
		highest = sum > highest ? sum : highest;
	}
	double w = (double)(CHART_W - 60) / (double)bars;
	sb_printf(o, "<svg width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"attempts per %s\">\n", CHART_W,
		  CHART_H + 40, bin == FILETIME_HOUR ? "hour" : "day");
	sb_printf(o, "<text x=\"0\" y=\"12\" class=\"axis\">%u</text><text x=\"0\" y=\"%d\" class=\"axis\">0</text>\n",
		  highest, CHART_H);
	for (size_t b = 0; b < bars; b++) {
		double y = CHART_H;
		for (size_t k = 0; k <= TOP_IPS; k++) {
			if (!counts[b][k])
				continue;
			double h = (double)counts[b][k] * (CHART_H - 20) / highest;
			y -= h;
			sb_printf(o, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%u</title>"
				  "</rect>\n", 40 + b * w, y, w > 2 ? w - 1 : w, h, COLORS[k], counts[b][k]);
		}
	}
	sb_printf(o, "<text x=\"40\" y=\"%d\" class=\"axis\">", CHART_H + 16);
	when(o, start);
	sb_printf(o, "</text><text x=\"%d\" y=\"%d\" class=\"axis\" text-anchor=\"end\">per %s</text>\n</svg>\n",
		  CHART_W, CHART_H + 16, bin == FILETIME_HOUR ? "hour" : "day");
	sb_adds(o, "<p class=\"legend\">");
	for (size_t k = 0; k < top; k++) {
		sb_printf(o, "<span style=\"background:%s\"></span>", COLORS[k]);
		esc(o, s->ips[k].ip);
		sb_adds(o, " ");
	}
	if (s->nips > top)
		sb_printf(o, "<span style=\"background:%s\"></span>other addresses", COLORS[TOP_IPS]);
	sb_adds(o, "</p>\n");
}

/* What the logs cover, per server and log: time range, records, AD FS audit level, cleared, wrapped, gaps. */
static void coverage_table(struct strbuf *o, const struct summary *s)
{
	sb_adds(o, "<h2>Coverage</h2>\n<table><tr><th>server</th><th>log</th><th>first record</th><th>last record</th>"
		   "<th>records</th><th>AD FS audit</th><th>cleared</th><th>wrapped</th><th>gaps</th></tr>\n");
	for (size_t i = 0; i < s->ncoverage; i++) {
		const struct coverage_row *r = &s->coverage[i];
		sb_adds(o, "<tr><td>");
		esc(o, r->computer);
		sb_adds(o, "</td><td>");
		esc(o, r->log);
		sb_adds(o, "</td><td class=\"t\">");
		if (r->first)
			when(o, r->first);
		sb_adds(o, "</td><td class=\"t\">");
		if (r->first)
			when(o, r->last);
		sb_printf(o, "</td><td class=\"n\">%lu</td><td>%s</td><td>", r->records,
			  strcmp(r->log, "Security") ? "" : coverage_audit_name(r->audit));
		for (size_t k = 0; k < r->nclears; k++) {
			sb_adds(o, k ? "<br>" : "<b class=\"cleared\">");
			when(o, r->clears[k].time);
			sb_adds(o, " ");
			esc(o, r->clears[k].log);
			sb_adds(o, " by ");
			esc(o, *r->clears[k].who ? r->clears[k].who : "(unknown)");
		}
		sb_adds(o, r->nclears ? "</b></td><td>" : "</td><td>");
		esc(o, r->wrap_reason);
		sb_printf(o, "</td><td class=\"n\">%zu</td></tr>\n", r->ngaps);
	}
	sb_adds(o, "</table>\n<p>Next steps per log: <code>badcreds coverage</code> on the same files.</p>\n");
}

bool summary_write_html(struct out_file *out, const struct summary *s, const struct attempt *a, size_t n)
{
	struct strbuf o = {0};
	sb_adds(&o, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
		    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
		    "<title>badcreds summary</title>\n<style>\n"
		    "body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222}h1{font-size:20px}h2{font-size:16px;"
		    "margin-top:28px}table{border-collapse:collapse}td,th{border-bottom:1px solid #ddd;padding:3px 8px;"
		    "text-align:left}td.n{text-align:right}td.t{white-space:nowrap}.finding{border-left:4px solid #c0392b;padding:4px 10px;"
		    "margin:8px 0;background:#fdf2f0}.finding.internal{border-color:#2471a3;background:#eef5fb}"
		    ".cleared{color:#c0392b}"
		    ".axis{font-size:11px;fill:#555}.legend span{display:inline-block;width:10px;height:10px;"
		    "margin:0 4px 0 12px}\n</style></head><body>\n");
	sb_printf(&o, "<h1>badcreds summary</h1>\n<p>%zu attempts by %zu users from %zu IPs", n, s->nusers, s->nips);
	if (n) {
		sb_adds(&o, ", ");
		when(&o, a[0].time);
		sb_adds(&o, " to ");
		when(&o, a[n - 1].time);
	}
	sb_adds(&o, ".</p>\n");
	if (s->ncoverage)
		coverage_table(&o, s);
	sb_adds(&o, "<h2>Attempts over time</h2>\n");
	chart(&o, s, a, n);
	sb_adds(&o, "<h2>Findings</h2>\n");
	if (!s->nfindings)
		sb_adds(&o, "<p>None above the thresholds.</p>\n");
	for (size_t i = 0; i < s->nfindings; i++) {
		const struct finding *f = &s->findings[i];
		sb_printf(&o, "<div class=\"finding%s\"><b>%s</b> ", f->internal ? " internal" : "", finding_name(f->kind));
		esc(&o, f->subject);
		sb_adds(&o, ": ");
		esc(&o, f->detail);
		sb_adds(&o, "<br>Next step: ");
		esc(&o, finding_next_step(f));
		sb_adds(&o, "</div>\n");
	}
	sb_adds(&o, "<h2>Top users</h2>\n<table><tr><th>user</th><th>attempts</th><th>bad password</th><th>locked out"
		    "</th><th>IPs</th><th>AD lockouts</th><th>then success from</th><th>last</th></tr>\n");
	for (size_t i = 0; i < s->nusers && i < TOP_ROWS; i++) {
		const struct user_row *u = &s->users[i];
		sb_adds(&o, "<tr><td>");
		esc(&o, u->user);
		sb_printf(&o, "</td><td class=\"n\">%u</td><td class=\"n\">%u</td><td class=\"n\">%u</td><td class=\"n\">%u"
			  "</td><td class=\"n\">%u</td><td>", u->attempts, u->outcomes[OUTCOME_BAD_PASSWORD],
			  u->outcomes[OUTCOME_LOCKED_OUT], u->ips, u->dc_lockouts);
		esc(&o, u->success_ip ? u->success_ip : "");
		sb_adds(&o, "</td><td class=\"t\">");
		when(&o, u->last);
		sb_adds(&o, "</td></tr>\n");
	}
	sb_adds(&o, "</table>\n<h2>Top IPs</h2>\n<table><tr><th>IP</th><th>class</th><th>attempts</th><th>users</th>"
		    "<th>bad password</th><th>locked out</th><th>busiest hour</th><th>busiest day</th></tr>\n");
	for (size_t i = 0; i < s->nips && i < TOP_ROWS; i++) {
		const struct ip_row *r = &s->ips[i];
		sb_adds(&o, "<tr><td>");
		esc(&o, r->ip);
		sb_adds(&o, "</td><td>");
		esc(&o, r->ip_class);
		sb_printf(&o, "</td><td class=\"n\">%u</td><td class=\"n\">%u</td><td class=\"n\">%u</td><td class=\"n\">%u"
			  "</td><td class=\"n\">%u</td><td class=\"n\">%u</td></tr>\n", r->attempts, r->users,
			  r->bad_password, r->locked_out, r->max_per_hour, r->max_per_day);
	}
	sb_adds(&o, "</table>\n</body></html>\n");
	bool ok = out_write(out, o.data, o.len);
	sb_free(&o);
	return ok;
}
