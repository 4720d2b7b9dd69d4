/* summary_report.c: the summary as text for people, or as CSV / JSON lines (one row per finding, user and IP). */
#include <stdio.h>
#include <string.h>

#include "badcreds/filetime.h"
#include "badcreds/output.h"
#include "badcreds/report.h"
#include "badcreds/summary.h"
#include "badcreds/text.h"

static bool local_time; /* the summary's --tz, for the time being written (summary_write) */

static void when(struct strbuf *sb, int64_t t)
{
	filetime_format_ms(sb, t, local_time);
}

static const char *plural(size_t n, const char *one, const char *many) { return n == 1 ? one : many; }

/* The lockouts' causes counted, "2 rdp, 1 service". */
static void cause_counts(struct strbuf *o, const struct summary *s)
{
	unsigned n[CAUSE_COUNT] = {0};
	for (size_t i = 0; i < s->nlockouts; i++)
		n[s->lockouts[i].cause]++;
	for (int c = 0, first = 1; c < CAUSE_COUNT; c++)
		if (n[c]) {
			sb_printf(o, "%s%u %s", first ? "" : ", ", n[c], lockout_cause_name((enum lockout_cause)c));
			first = 0;
		}
}

/* One line per AD account lockout (badcreds lockouts has the whole row), then its next step. */
static void lockouts_text(struct strbuf *o, const struct summary *s)
{
	if (!s->nlockouts)
		return;
	sb_printf(o, "\nAccount lockouts (%zu: ", s->nlockouts);
	cause_counts(o, s);
	sb_adds(o, "; badcreds lockouts shows each in full)\n");
	for (size_t i = 0; i < s->nlockouts; i++) {
		const struct lockout *l = &s->lockouts[i];
		sb_adds(o, "  ");
		when(o, l->locked_at);
		sb_adds(o, "  ");
		text_pad(o, l->account, 24);
		sb_printf(o, " %-15s ", lockout_cause_name(l->cause));
		text_visible_str(o, *l->source_host || *l->source_ip ? l->source_host : "-");
		if (*l->source_host && *l->source_ip)
			sb_addc(o, ' ');
		text_visible_str(o, l->source_ip);
		if (*l->via) {
			sb_adds(o, " via ");
			text_visible_str(o, l->via);
		}
		sb_printf(o, ", %u wrong password%s on the DCs\n    next step: ", l->failures, plural(l->failures, "", "s"));
		text_visible_str(o, l->next_step);
		sb_addc(o, '\n');
	}
}

/* Log text (user names, servers, details) is made visible and aligned by display width. */
static void text(struct strbuf *o, const struct summary *s, size_t nattempts)
{
	sb_printf(o, "%zu %s by %zu %s from %zu %s\n\nFindings\n", nattempts, plural(nattempts, "attempt", "attempts"),
		  s->nusers, plural(s->nusers, "user", "users"), s->nips, plural(s->nips, "IP", "IPs"));
	if (!s->nfindings)
		sb_adds(o, "  none above the thresholds\n");
	for (size_t i = 0; i < s->nfindings; i++) {
		const struct finding *f = &s->findings[i];
		sb_adds(o, "  ");
		text_pad(o, finding_name(f->kind), 17);
		sb_addc(o, ' ');
		text_visible_str(o, f->subject);
		sb_adds(o, ": ");
		text_visible_str(o, f->detail);
		sb_adds(o, "\n    from ");
		when(o, f->first);
		sb_adds(o, " to ");
		when(o, f->last);
		sb_printf(o, "\n    next step: %s\n", finding_next_step(f));
	}
	lockouts_text(o, s);
	sb_adds(o, "\nUsers (most attempts first)\n  ");
	text_pad(o, "user", 40);
	sb_printf(o, " %8s %8s %8s %8s %8s %5s %9s %9s  %-29s  %-29s  %s\n", "attempts", "bad_pw", "locked", "unknown",
		  "other", "ips", "dc_lock", "dc_fail", "first", "last", "then success from");
	for (size_t i = 0; i < s->nusers; i++) {
		const struct user_row *u = &s->users[i];
		unsigned other = u->attempts - u->outcomes[OUTCOME_BAD_PASSWORD] - u->outcomes[OUTCOME_LOCKED_OUT] -
				 u->outcomes[OUTCOME_UNKNOWN_USER];
		sb_adds(o, "  ");
		text_pad(o, u->user, 40);
		sb_printf(o, " %8u %8u %8u %8u %8u %5u %9u %9u  ", u->attempts, u->outcomes[OUTCOME_BAD_PASSWORD],
			  u->outcomes[OUTCOME_LOCKED_OUT], u->outcomes[OUTCOME_UNKNOWN_USER], other, u->ips, u->dc_lockouts,
			  u->dc_failures);
		when(o, u->first);
		sb_adds(o, "  ");
		when(o, u->last);
		sb_adds(o, "  ");
		text_visible_str(o, u->success_ip ? u->success_ip : "-");
		sb_addc(o, '\n');
	}
	sb_adds(o, "\nIPs (most attempts first)\n  ");
	text_pad(o, "ip", 39);
	sb_printf(o, " %-10s %8s %6s %8s %7s %9s %8s  %-29s  %s\n", "class", "attempts", "users", "bad_pw", "locked",
		  "max/hour", "max/day", "first", "last");
	for (size_t i = 0; i < s->nips; i++) {
		const struct ip_row *r = &s->ips[i];
		sb_adds(o, "  ");
		text_pad(o, r->ip, 39);
		sb_addc(o, ' ');
		text_pad(o, r->ip_class, 10);
		sb_printf(o, " %8u %6u %8u %7u %9u %8u  ", r->attempts, r->users, r->bad_password, r->locked_out,
			  r->max_per_hour, r->max_per_day);
		when(o, r->first);
		sb_adds(o, "  ");
		when(o, r->last);
		sb_addc(o, '\n');
	}
}

/* One row: CSV cells (csv_cell: quoted, formula-guarded) or a JSON object. */
struct row {
	struct strbuf *out;
	bool csv, first, visible;
};

static void cell(struct row *r, const char *key, const char *value)
{
	if (!r->first)
		sb_addc(r->out, ',');
	r->first = false;
	if (r->csv) {
		csv_cell(r->out, value, strlen(value), r->visible);
	} else {
		json_escape(r->out, key, strlen(key));
		sb_addc(r->out, ':');
		json_escape(r->out, value, strlen(value));
	}
}

static void cell_t(struct row *r, const char *key, int64_t t)
{
	struct strbuf sb = {0};
	when(&sb, t);
	cell(r, key, sb_cstr(&sb));
	sb_free(&sb);
}

static const char *const columns[] = {
	"type", "subject", "attempts", "users", "ips", "bad_password", "locked_out", "unknown_user", "max_per_hour",
	"max_per_day", "class", "first", "last", "detail", "next_step", "dc_lockouts", "dc_failures",
	"success_after_failure_from", "window",
};

enum { N = sizeof columns / sizeof columns[0], DETAIL = 13, NEXT_STEP = 14, DC_FAILURES = 16 };

/* A row's values by column (NULL: empty), first and last as times. */
static void emit(struct row *r, const char *const *v, int64_t first, int64_t last)
{
	if (!r->csv)
		sb_addc(r->out, '{');
	for (size_t c = 0; c < N; c++) {
		if (c == 11)
			cell_t(r, columns[c], first);
		else if (c == 12)
			cell_t(r, columns[c], last);
		else if (v[c] || r->csv)
			cell(r, columns[c], v[c] ? v[c] : "");
	}
	sb_adds(r->out, r->csv ? "\r\n" : "}\n");
}

/* An AD account lockout: the account, when, the cause and source in detail, the DCs' wrong passwords. */
static void lockout_row(struct strbuf *o, const struct lockout *l, bool csv, bool visible)
{
	struct row r = {o, csv, true, visible};
	struct strbuf detail = {0};
	sb_printf(&detail, "cause %s", lockout_cause_name(l->cause));
	if (*l->source_host || *l->source_ip)
		sb_printf(&detail, "; source %s%s%s", l->source_host, *l->source_host && *l->source_ip ? " " : "",
			  l->source_ip);
	if (*l->via)
		sb_printf(&detail, "; via %s", l->via);
	sb_printf(&detail, "; caller computer %s; still failing %u", *l->caller ? l->caller : "-", l->still_failing);
	char failures[16];
	snprintf(failures, sizeof failures, "%u", l->failures);
	const char *v[N] = {0};
	v[0] = "lockout", v[1] = l->account, v[DETAIL] = sb_cstr(&detail), v[NEXT_STEP] = l->next_step;
	v[DC_FAILURES] = failures;
	emit(&r, v, l->locked_at, l->locked_at);
	sb_free(&detail);
}

static void rows(struct strbuf *o, const struct summary *s, bool csv, bool visible)
{
	if (csv) {
		struct row h = {o, true, true, false};
		for (size_t i = 0; i < N; i++)
			cell(&h, columns[i], columns[i]);
		sb_adds(o, "\r\n");
	}
	for (size_t i = 0; i < s->nfindings + s->nusers + s->nips + s->nwindows; i++) {
		struct row r = {o, csv, true, visible};
		const char *v[N] = {0};
		char num[8][16];
		const int DC_LOCKOUTS = 15, SUCCESS_FROM = 17, WINDOW = 18;
		int64_t first, last;
		if (i < s->nfindings) {
			const struct finding *f = &s->findings[i];
			v[0] = finding_name(f->kind), v[1] = f->subject, v[13] = f->detail, v[14] = finding_next_step(f);
			first = f->first, last = f->last;
		} else if (i < s->nfindings + s->nusers) {
			const struct user_row *u = &s->users[i - s->nfindings];
			snprintf(num[0], 16, "%u", u->attempts), snprintf(num[1], 16, "%u", u->ips);
			snprintf(num[2], 16, "%u", u->outcomes[OUTCOME_BAD_PASSWORD]);
			snprintf(num[3], 16, "%u", u->outcomes[OUTCOME_LOCKED_OUT]);
			snprintf(num[4], 16, "%u", u->outcomes[OUTCOME_UNKNOWN_USER]);
			snprintf(num[5], 16, "%u", u->dc_lockouts), snprintf(num[6], 16, "%u", u->dc_failures);
			v[0] = "user", v[1] = u->user, v[2] = num[0], v[4] = num[1], v[5] = num[2], v[6] = num[3], v[7] = num[4];
			v[DC_LOCKOUTS] = num[5], v[DC_FAILURES] = num[6], v[SUCCESS_FROM] = u->success_ip;
			first = u->first, last = u->last;
		} else if (i >= s->nfindings + s->nusers + s->nips) { /* the risky-IP report's rows */
			const struct ip_window *w = &s->windows[i - s->nfindings - s->nusers - s->nips];
			snprintf(num[0], 16, "%u", w->attempts), snprintf(num[1], 16, "%u", w->users);
			snprintf(num[2], 16, "%u", w->bad_password), snprintf(num[3], 16, "%u", w->locked_out);
			v[0] = "ip_window", v[1] = w->ip, v[2] = num[0], v[3] = num[1], v[5] = num[2], v[6] = num[3];
			v[WINDOW] = w->day ? "day" : "hour";
			first = w->start, last = w->start + (w->day ? FILETIME_DAY : FILETIME_HOUR);
		} else {
			const struct ip_row *p = &s->ips[i - s->nfindings - s->nusers];
			snprintf(num[0], 16, "%u", p->attempts), snprintf(num[1], 16, "%u", p->users);
			snprintf(num[2], 16, "%u", p->bad_password), snprintf(num[3], 16, "%u", p->locked_out);
			snprintf(num[4], 16, "%u", p->max_per_hour), snprintf(num[5], 16, "%u", p->max_per_day);
			v[0] = "ip", v[1] = p->ip, v[2] = num[0], v[3] = num[1], v[5] = num[2], v[6] = num[3], v[8] = num[4];
			v[9] = num[5], v[10] = p->ip_class;
			first = p->first, last = p->last;
		}
		emit(&r, v, first, last);
	}
	for (size_t i = 0; i < s->nlockouts; i++)
		lockout_row(o, &s->lockouts[i], csv, visible);
}

bool summary_write(struct out_file *o, const struct summary *s, size_t nattempts, const char *format)
{
	struct strbuf sb = {0};
	local_time = s->local_time;
	if (!strcmp(format, "text"))
		text(&sb, s, nattempts);
	else
		rows(&sb, s, !strcmp(format, "csv"), out_is_terminal(o));
	bool ok = out_write(o, sb.data ? sb.data : "", sb.len);
	sb_free(&sb);
	return ok;
}
