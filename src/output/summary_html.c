/* summary_html.c: the summary as one self-contained HTML page: attempts per hour as an inline SVG chart split by
 * the top IPs, the findings with their next steps, the top users and IPs. No script, no external resource (the
 * page forbids them itself); every text from the logs is escaped, since user names come from a login page. */
#include <stdio.h>
#include <string.h>

#include "badcreds/filetime.h"
#include "badcreds/output.h"
#include "badcreds/report.h"
#include "badcreds/summary.h"
#include "summary_writer.h"
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

/* One finding: severity, kind, subject and detail, time range, the users and addresses involved, next step. */
static void finding_html(struct strbuf *o, const struct finding *f)
{
	static const char *const labels[] = {"CRITICAL", "HIGH", "MEDIUM", "LOW"};
	sb_printf(o, "<div class=\"finding %s\"><b>%s</b> %s ", severity_name(f->severity), labels[f->severity],
		  finding_name(f->kind));
	esc(o, f->subject);
	sb_adds(o, ": ");
	esc(o, f->detail);
	sb_adds(o, "<br>");
	when(o, f->first);
	sb_adds(o, " to ");
	when(o, f->last);
	if (f->ongoing)
		sb_adds(o, " <b>(still going on)</b>");
	if (f->attempts) {
		sb_printf(o, "<br>%u attempt%s; users: ", f->attempts, f->attempts == 1 ? "" : "s");
		esc(o, f->top_users);
		sb_adds(o, "; IPs: ");
		esc(o, f->top_ips);
	}
	sb_adds(o, "<br>Next step: ");
	esc(o, f->next_step);
	sb_adds(o, "</div>\n");
}

/* The AD account lockouts, one row each, with the cause and what to change. */
static void lockouts_table(struct strbuf *o, const struct summary *s)
{
	if (!s->nlockouts)
		return;
	sb_adds(o, "<h2>Account lockouts</h2>\n<table><tr><th>locked at</th><th>account</th><th>cause</th><th>source</th>"
		   "<th>via</th><th>wrong passwords</th><th>next step</th></tr>\n");
	for (size_t i = 0; i < s->nlockouts; i++) {
		const struct lockout *l = &s->lockouts[i];
		sb_adds(o, "<tr><td class=\"t\">");
		when(o, l->locked_at);
		sb_adds(o, "</td><td>");
		esc(o, l->account);
		sb_printf(o, "</td><td>%s</td><td>", lockout_cause_name(l->cause));
		esc(o, *l->source_host ? l->source_host : l->source_ip);
		if (*l->source_host && *l->source_ip) {
			sb_adds(o, " ");
			esc(o, l->source_ip);
		}
		sb_adds(o, "</td><td>");
		esc(o, l->via);
		sb_printf(o, "</td><td class=\"n\">%u</td><td>", l->failures);
		esc(o, l->next_step);
		sb_adds(o, "</td></tr>\n");
	}
	sb_adds(o, "</table>\n");
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
		    ".finding.critical{border-color:#7b0000;background:#f9d6d5}.finding.medium{border-color:#b9770e;"
		    "background:#fdf5e6}.finding.low{border-color:#2471a3;background:#eef5fb}.verdict{font-weight:600}"
		    "margin:8px 0;background:#fdf2f0}.finding.internal{border-color:#2471a3;background:#eef5fb}"
		    ".axis{font-size:11px;fill:#555}.legend span{display:inline-block;width:10px;height:10px;"
		    "margin:0 4px 0 12px}\n</style></head><body>\n");
	sb_printf(&o, "<h1>badcreds summary</h1>\n<p>%zu attempts by %zu users from %zu IPs", n, s->nusers, s->nips);
	if (n) {
		sb_adds(&o, ", ");
		when(&o, a[0].time);
		sb_adds(&o, " to ");
		when(&o, a[n - 1].time);
	}
	sb_adds(&o, ".</p>\n<p class=\"verdict\">");
	struct strbuf verdict = {0};
	summary_verdict(&verdict, s);
	esc(&o, sb_cstr(&verdict));
	sb_free(&verdict);
	sb_adds(&o, ".</p>\n<h2>Attempts over time</h2>\n");
	chart(&o, s, a, n);
	sb_adds(&o, "<h2>Findings</h2>\n");
	if (!s->nfindings)
		sb_adds(&o, "<p>None above the thresholds.</p>\n");
	for (size_t i = 0; i < s->nfindings; i++)
		finding_html(&o, &s->findings[i]);
	lockouts_table(&o, s);
	sb_adds(&o, "<h2>Top users</h2>\n<table><tr><th>user</th><th>attempts</th><th>bad password</th><th>locked out"
		    "</th><th>IPs</th><th>AD lockouts</th><th>then success from</th><th>last</th></tr>\n");
	for (size_t i = 0; i < s->nusers && i < TOP_ROWS; i++) {
		const struct user_row *u = &s->users[i];
		sb_adds(&o, "<tr><td>");
		esc(&o, u->user);
		sb_printf(&o, "</td><td class=\"n\">%u</td><td class=\"n\">%u</td><td class=\"n\">%u</td><td class=\"n\">%u"
			  "</td><td class=\"n\">%u</td><td>", u->attempts, u->outcomes[OUTCOME_BAD_PASSWORD],
			  u->outcomes[OUTCOME_AD_LOCKED_OUT] + u->outcomes[OUTCOME_EXTRANET_LOCKED_OUT], u->ips,
			  u->dc_lockouts);
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
			  r->bad_password, r->ad_locked_out + r->extranet_locked_out, r->max_per_hour, r->max_per_day);
	}
	sb_adds(&o, "</table>\n</body></html>\n");
	bool ok = out_write(out, o.data, o.len);
	sb_free(&o);
	return ok;
}
