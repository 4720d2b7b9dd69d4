/* summary_html.c: the summary as one self-contained HTML page for people who decide: at the top the verdict
 * (compromised accounts, attacks and those still going on, accounts locked out), the time the data covers, the
 * servers read and what each server's logs cover (when the summary has it); then the findings most severe first, the chart of attempts over time (summary_chart.c), the AD
 * lockouts, the top users and IPs. No script, no external resource (the page forbids them itself); every text from
 * the logs is escaped, since user names come from a login page. The layout narrows to a phone's width. */
#include <stdio.h>
#include <string.h>

#include "badcreds/output.h"
#include "badcreds/report.h"
#include "badcreds/strmap.h"
#include "badcreds/text.h"
#include "summary_writer.h"

enum { TOP_ROWS = 25, MAX_SERVERS = 12 };

static const char STYLE[] =
	"body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1200px;padding:0 12px;color:#222}"
	"h1{font-size:22px;margin-bottom:4px}h2{font-size:17px;margin-top:30px}.meta{color:#555;margin:2px 0}"
	".verdict{font-size:17px;font-weight:600;padding:10px 14px;margin:14px 0;border-radius:4px;background:#eef5fb}"
	".verdict.bad{background:#f9d6d5;color:#7b0000}table{border-collapse:collapse}.wrap{overflow-x:auto}"
	"td,th{border-bottom:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}td.n{text-align:right}"
	"td.t{white-space:nowrap}.finding{border-left:5px solid #c0392b;padding:6px 12px;margin:10px 0;"
	"background:#fdf2f0;overflow-wrap:anywhere}.finding.critical{border-color:#7b0000;background:#f9d6d5}"
	".finding.medium{border-color:#b9770e;background:#fdf5e6}.finding.low{border-color:#2471a3;background:#eef5fb}"
	".sev{font-weight:700;margin-right:6px}.when{color:#444}svg{width:100%;height:auto;max-width:960px}"
	".axis{font-size:12px;fill:#444}.value{font-size:11px;fill:#222}.grid{stroke:#e3e3e3;stroke-width:1}"
	".legend span{display:inline-block;width:10px;height:10px;margin:0 4px 0 12px}table.bins{margin-top:8px}"
	".cleared{color:#c0392b}@media (max-width:600px){body{margin:8px auto;font-size:13px}td,th{padding:2px 4px}}";

void html_text(struct strbuf *o, const char *s)
{
	struct strbuf shown = {0};
	text_visible_str(&shown, s);
	xml_escape(o, shown.data ? shown.data : "", shown.len, true);
	sb_free(&shown);
}

static void when(struct strbuf *o, int64_t t)
{
	struct strbuf sb = {0};
	summary_time(&sb, t);
	html_text(o, sb_cstr(&sb));
	sb_free(&sb);
}

/* The verdict, the data's time range and the servers that logged the attempts. */
static void header(struct strbuf *o, const struct summary *s)
{
	bool bad = s->nfindings && s->findings[0].severity <= SEVERITY_HIGH;
	sb_printf(o, "<h1>badcreds summary</h1>\n<p class=\"verdict%s\">", bad ? " bad" : "");
	struct strbuf verdict = {0};
	summary_verdict(&verdict, s);
	html_text(o, sb_cstr(&verdict));
	sb_free(&verdict);
	sb_printf(o, ".</p>\n<p class=\"meta\">%zu attempts by %zu users from %zu IPs", s->nattempts, s->nnamed_users,
		  s->nips);
	if (s->nattempts) {
		sb_adds(o, ", from ");
		when(o, s->first);
		sb_adds(o, " to ");
		when(o, s->last);
	}
	sb_printf(o, " (times in %s).</p>\n<p class=\"meta\">Servers: ", summary_zone());
	size_t servers = s->nservers;
	for (size_t i = 0; i < servers && i < MAX_SERVERS; i++) {
		sb_adds(o, i ? ", " : "");
		html_text(o, s->servers[i]);
	}
	if (servers > MAX_SERVERS)
		sb_printf(o, " and %zu more", servers - MAX_SERVERS);
	sb_adds(o, servers ? ".</p>\n" : "none.</p>\n");
}

/* What the logs cover, per server and log: time range, records, AD FS audit level, cleared, wrapped, gaps. */
static void coverage_table(struct strbuf *o, const struct summary *s)
{
	sb_adds(o, "<h2>Coverage</h2>\n<div class=\"wrap\"><table><tr><th>server</th><th>log</th><th>first "
		   "record</th><th>last record</th><th>records</th><th>AD FS audit</th><th>cleared</th><th>wrapped</th>"
		   "<th>gaps</th></tr>\n");
	for (size_t i = 0; i < s->ncoverage; i++) {
		const struct coverage_row *r = &s->coverage[i];
		sb_adds(o, "<tr><td>");
		html_text(o, r->computer);
		sb_adds(o, "</td><td>");
		html_text(o, r->log);
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
			html_text(o, r->clears[k].log);
			sb_adds(o, " by ");
			html_text(o, *r->clears[k].who ? r->clears[k].who : "(unknown)");
		}
		sb_adds(o, r->nclears ? "</b></td><td>" : "</td><td>");
		html_text(o, r->wrap_reason);
		sb_printf(o, "</td><td class=\"n\">%zu</td></tr>\n", r->ngaps);
	}
	sb_adds(o, "</table></div>\n<p>Next steps per log: <code>badcreds coverage</code> on the same files.</p>\n");
}

/* One finding: severity, kind, subject and detail, time range, the users and addresses involved, next step. */
static void finding_html(struct strbuf *o, const struct finding *f)
{
	static const char *const labels[] = {"CRITICAL", "HIGH", "MEDIUM", "LOW"};
	sb_printf(o, "<div class=\"finding %s\"><span class=\"sev\">%s</span><b>%s</b> ", severity_name(f->severity),
		  labels[f->severity], finding_name(f->kind));
	html_text(o, f->subject);
	sb_adds(o, ": ");
	html_text(o, f->detail);
	sb_adds(o, f->first == f->last ? "<br><span class=\"when\">at " : "<br><span class=\"when\">");
	when(o, f->first);
	if (f->last != f->first) {
		sb_adds(o, " to ");
		when(o, f->last);
	}
	sb_adds(o, f->ongoing ? "</span> <b>still going on</b>" : "</span>");
	if (f->attempts) {
		sb_printf(o, "<br>%u attempt%s; users: ", f->attempts, f->attempts == 1 ? "" : "s");
		html_text(o, f->top_users);
		sb_adds(o, "; IPs: ");
		html_text(o, f->top_ips);
	}
	if (*f->instance) {
		sb_adds(o, "<br>Request on ");
		html_text(o, f->server);
		sb_adds(o, ", instance ");
		html_text(o, f->instance);
	}
	sb_adds(o, "<br><b>Next step:</b> ");
	html_text(o, f->next_step);
	sb_adds(o, "</div>\n");
}

/* The AD account lockouts, one row each, with the cause and what to change. */
static void lockouts_table(struct strbuf *o, const struct summary *s)
{
	if (!s->nlockouts)
		return;
	sb_adds(o, "<h2>Account lockouts</h2>\n<div class=\"wrap\"><table><tr><th>locked at</th><th>account</th><th>cause"
		   "</th><th>source</th><th>via</th><th>wrong passwords</th><th>next step</th></tr>\n");
	struct strbuf words = {0};
	for (size_t i = 0; i < s->nlockouts; i++) {
		const struct lockout *l = &s->lockouts[i];
		sb_adds(o, "<tr><td class=\"t\">");
		when(o, l->locked_at);
		sb_adds(o, "</td><td>");
		html_text(o, l->account);
		sb_printf(o, "</td><td>%s</td><td>", lockout_cause_name(l->cause));
		lockout_source_words(&words, l);
		html_text(o, *l->source_host || *l->source_ip ? sb_cstr(&words) : "");
		sb_adds(o, "</td><td>");
		html_text(o, l->via);
		sb_printf(o, "</td><td class=\"n\">%u</td><td>", l->failures);
		html_text(o, l->next_step);
		sb_adds(o, "</td></tr>\n");
	}
	sb_free(&words);
	sb_adds(o, "</table></div>\n");
}

/* The devices' PRT acquisitions: when, device, user, category, what failed, the AD FS attempts it may explain. */
static void prt_table(struct strbuf *o, const struct summary *s)
{
	if (!s->nprt)
		return;
	sb_adds(o, "<h2>Device PRT acquisitions</h2>\n<div class=\"wrap\"><table><tr><th>start</th><th>device</th>"
		   "<th>user</th><th>category</th><th>failed with</th><th>AD FS bad passwords</th><th>fix</th></tr>\n");
	for (size_t i = 0; i < s->nprt; i++) {
		const struct prt_row *r = &s->prt[i];
		struct strbuf reason = {0};
		summary_prt_reason(&reason, r);
		sb_adds(o, "<tr><td class=\"t\">");
		when(o, r->start);
		sb_adds(o, "</td><td>");
		html_text(o, r->device);
		sb_adds(o, "</td><td>");
		html_text(o, r->user ? r->user : "");
		sb_printf(o, "</td><td>%s</td><td>", prt_category_name(r->category));
		html_text(o, sb_cstr(&reason));
		sb_printf(o, "</td><td class=\"n\">%u</td><td>", r->adfs_attempts);
		html_text(o, r->why ? r->why->fix : "");
		sb_adds(o, "</td></tr>\n");
		sb_free(&reason);
	}
	sb_adds(o, "</table></div>\n");
}

static void users_table(struct strbuf *o, const struct summary *s)
{
	sb_adds(o, "<h2>Top users</h2>\n<div class=\"wrap\"><table><tr><th>user</th><th>attempts</th><th>bad password</th>"
		   "<th>AD locked out</th><th>extranet locked out</th><th>IPs</th><th>AD lockouts (4740)</th>"
		   "<th>then success from</th><th>last</th></tr>\n");
	size_t i = 0;
	for (const struct user_row *u = summary_user_first(s); u && i < TOP_ROWS; u = summary_user_next(s), i++) {
		sb_adds(o, "<tr><td>");
		html_text(o, u->user);
		sb_printf(o, "</td><td class=\"n\">%u</td><td class=\"n\">%u</td><td class=\"n\">%u</td><td class=\"n\">%u"
			  "</td><td class=\"n\">%u</td><td class=\"n\">%u</td><td>", u->attempts,
			  u->outcomes[OUTCOME_BAD_PASSWORD], u->outcomes[OUTCOME_AD_LOCKED_OUT],
			  u->outcomes[OUTCOME_EXTRANET_LOCKED_OUT], u->ips, u->dc_lockouts);
		html_text(o, u->success_ip ? u->success_ip : "");
		sb_adds(o, "</td><td class=\"t\">");
		when(o, u->last);
		sb_adds(o, "</td></tr>\n");
	}
	sb_adds(o, "</table></div>\n");
}

static void ips_table(struct strbuf *o, const struct summary *s)
{
	sb_adds(o, "<h2>Top IPs</h2>\n<div class=\"wrap\"><table><tr><th>IP</th><th>class</th><th>attempts</th>"
		   "<th>users</th><th>bad password</th><th>AD locked out</th><th>extranet locked out</th>"
		   "<th>busiest hour</th><th>busiest day</th></tr>\n");
	for (size_t i = 0; i < s->nips && i < TOP_ROWS; i++) {
		const struct ip_row *r = &s->ips[i];
		sb_adds(o, "<tr><td>");
		html_text(o, r->ip);
		sb_adds(o, "</td><td>");
		html_text(o, r->ip_class);
		sb_printf(o, "</td><td class=\"n\">%u</td><td class=\"n\">%u</td><td class=\"n\">%u</td><td class=\"n\">%u"
			  "</td><td class=\"n\">%u</td><td class=\"n\">%u</td><td class=\"n\">%u</td></tr>\n", r->attempts,
			  r->users, r->bad_password, r->ad_locked_out, r->extranet_locked_out, r->max_per_hour,
			  r->max_per_day);
	}
	sb_adds(o, "</table></div>\n");
}

bool summary_write_html(struct out_file *out, const struct summary *s)
{
	struct strbuf o = {0};
	summary_zone_from(s);
	sb_printf(&o, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<meta name=\"viewport\" "
		  "content=\"width=device-width, initial-scale=1\">\n<meta http-equiv=\"Content-Security-Policy\" "
		  "content=\"default-src 'none'; style-src 'unsafe-inline'\">\n<title>badcreds summary</title>\n"
		  "<style>%s</style></head><body>\n", STYLE);
	header(&o, s);
	if (s->ncoverage)
		coverage_table(&o, s);
	sb_adds(&o, "<h2>Findings, most severe first</h2>\n");
	if (!s->nfindings)
		sb_adds(&o, "<p>None above the thresholds.</p>\n");
	for (size_t i = 0; i < s->nfindings; i++)
		finding_html(&o, &s->findings[i]);
	sb_adds(&o, "<h2>Attempts over time</h2>\n");
	summary_chart(&o, s);
	lockouts_table(&o, s);
	prt_table(&o, s);
	users_table(&o, s);
	ips_table(&o, s);
	sb_adds(&o, "</body></html>\n");
	bool ok = out_write(out, o.data, o.len);
	sb_free(&o);
	return ok;
}
