/* summary_rows.c: the summary as rows for spreadsheets and SIEMs: CSV (every column, quoted and formula-guarded by
 * csv_cell) or JSON lines (counts as numbers, ongoing as a boolean, absent values left out); one row per finding
 * (most severe first), user, IP, IP window (the Connect Health risky-IP report), AD lockout and device PRT
 * acquisition. */
#include <stdio.h>
#include <string.h>

#include "badcreds/filetime.h"
#include "badcreds/output.h"
#include "badcreds/report.h"
#include "badcreds/summary.h"
#include "summary_writer.h"

enum column {
	TYPE, SEVERITY, SUBJECT, ATTEMPTS, USERS, IPS, BAD_PASSWORD, AD_LOCKED_OUT, EXTRANET_LOCKED_OUT, UNKNOWN_USER,
	MAX_PER_HOUR, MAX_PER_DAY, CLASS, FIRST, LAST, ONGOING, DETAIL, TOP_USERS, TOP_IPS, ENDPOINT, CLIENT_APP,
	RELAYS, SERVER, ACTIVITY, INSTANCE, TECHNIQUE, NEXT_STEP, DC_LOCKOUTS, DC_FAILURES, SUCCESS_FROM, WINDOW, NCOLUMNS
};

static const char *const names[NCOLUMNS] = {
	"type", "severity", "subject", "attempts", "users", "ips", "bad_password", "ad_locked_out", "extranet_locked_out",
	"unknown_user", "max_per_hour", "max_per_day", "class", "first", "last", "ongoing", "detail", "top_users",
	"top_ips", "endpoint", "client_application", "relays", "server", "activity_id", "instance_id", "technique",
	"next_step", "dc_lockouts", "dc_failures", "success_after_failure_from", "window",
};

/* One row's values: text (NULL: absent), or a number, a time or a boolean. */
struct row {
	enum { NONE, TEXT, NUMBER, TIME, BOOL } kind[NCOLUMNS];
	const char *text[NCOLUMNS];
	long long number[NCOLUMNS];
};

static void text(struct row *r, enum column c, const char *v)
{
	if (v && *v)
		r->kind[c] = TEXT, r->text[c] = v;
}

static void number(struct row *r, enum column c, long long v) { r->kind[c] = NUMBER, r->number[c] = v; }
static void time_(struct row *r, enum column c, int64_t v) { r->kind[c] = TIME, r->number[c] = v; }
static void boolean(struct row *r, enum column c, bool v) { r->kind[c] = BOOL, r->number[c] = v; }

static void emit(struct strbuf *o, const struct row *r, bool csv, bool visible)
{
	struct strbuf v = {0};
	bool first = true;
	if (!csv)
		sb_addc(o, '{');
	for (int c = 0; c < NCOLUMNS; c++) {
		if (!csv && r->kind[c] == NONE)
			continue;
		if (!first)
			sb_addc(o, ',');
		first = false;
		if (!csv) {
			json_escape(o, names[c], strlen(names[c]));
			sb_addc(o, ':');
		}
		v.len = 0;
		switch (r->kind[c]) {
		case NONE: break;
		case TEXT: sb_adds(&v, r->text[c]); break;
		case NUMBER: sb_add_i64(&v, r->number[c]); break;
		case TIME: summary_time(&v, r->number[c]); break;
		case BOOL: sb_adds(&v, r->number[c] ? "true" : "false"); break;
		}
		if (csv)
			csv_cell(o, v.data ? v.data : "", v.len, visible);
		else if (r->kind[c] == NUMBER || r->kind[c] == BOOL)
			sb_add(o, v.data, v.len);
		else
			json_escape(o, v.data ? v.data : "", v.len);
	}
	sb_adds(o, csv ? "\r\n" : "}\n");
	sb_free(&v);
}

static void finding_row(struct row *r, const struct finding *f)
{
	text(r, TYPE, finding_name(f->kind));
	text(r, SEVERITY, severity_name(f->severity));
	text(r, SUBJECT, f->subject);
	if (f->attempts) {
		number(r, ATTEMPTS, f->attempts);
		number(r, USERS, f->users);
		number(r, IPS, f->ips);
	}
	time_(r, FIRST, f->first);
	time_(r, LAST, f->last);
	boolean(r, ONGOING, f->ongoing);
	text(r, DETAIL, f->detail);
	text(r, TOP_USERS, f->top_users);
	text(r, TOP_IPS, f->top_ips);
	text(r, ENDPOINT, f->endpoint);
	text(r, CLIENT_APP, f->client_app);
	text(r, RELAYS, f->relays);
	text(r, SERVER, f->server);
	text(r, ACTIVITY, f->activity);
	text(r, INSTANCE, f->instance);
	text(r, TECHNIQUE, finding_technique(f->kind));
	text(r, NEXT_STEP, f->next_step);
}

static void user_row(struct row *r, const struct user_row *u)
{
	text(r, TYPE, "user");
	text(r, SUBJECT, u->user);
	number(r, ATTEMPTS, u->attempts);
	number(r, IPS, u->ips);
	number(r, BAD_PASSWORD, u->outcomes[OUTCOME_BAD_PASSWORD]);
	number(r, AD_LOCKED_OUT, u->outcomes[OUTCOME_AD_LOCKED_OUT]);
	number(r, EXTRANET_LOCKED_OUT, u->outcomes[OUTCOME_EXTRANET_LOCKED_OUT]);
	number(r, UNKNOWN_USER, u->outcomes[OUTCOME_UNKNOWN_USER]);
	time_(r, FIRST, u->first);
	time_(r, LAST, u->last);
	number(r, DC_LOCKOUTS, u->dc_lockouts);
	number(r, DC_FAILURES, u->dc_failures);
	text(r, SUCCESS_FROM, u->success_ip);
}

static void ip_row(struct row *r, const struct ip_row *p)
{
	text(r, TYPE, "ip");
	text(r, SUBJECT, p->ip);
	number(r, ATTEMPTS, p->attempts);
	number(r, USERS, p->users);
	number(r, BAD_PASSWORD, p->bad_password);
	number(r, AD_LOCKED_OUT, p->ad_locked_out);
	number(r, EXTRANET_LOCKED_OUT, p->extranet_locked_out);
	number(r, MAX_PER_HOUR, p->max_per_hour);
	number(r, MAX_PER_DAY, p->max_per_day);
	text(r, CLASS, p->ip_class);
	time_(r, FIRST, p->first);
	time_(r, LAST, p->last);
}

static void window_row(struct row *r, const struct ip_window *w)
{
	text(r, TYPE, "ip_window");
	text(r, SUBJECT, w->ip);
	number(r, ATTEMPTS, w->attempts);
	number(r, USERS, w->users);
	number(r, BAD_PASSWORD, w->bad_password);
	number(r, AD_LOCKED_OUT, w->ad_locked_out);
	number(r, EXTRANET_LOCKED_OUT, w->extranet_locked_out);
	time_(r, FIRST, w->start);
	time_(r, LAST, w->start + (w->day ? FILETIME_DAY : FILETIME_HOUR));
	text(r, WINDOW, w->day ? "day" : "hour");
}

/* An AD account lockout: the account, when, the cause and source in detail, the DCs' wrong passwords. */
static void lockout_row(struct row *r, const struct lockout *l, struct strbuf *detail)
{
	detail->len = 0;
	sb_printf(detail, "cause %s", lockout_cause_name(l->cause));
	if (*l->source_host || *l->source_ip) {
		struct strbuf words = {0};
		lockout_source_words(&words, l);
		sb_printf(detail, "; source %s", sb_cstr(&words));
		sb_free(&words);
	}
	if (*l->via)
		sb_printf(detail, "; via %s", l->via);
	sb_printf(detail, "; caller computer %s; still failing %u", *l->caller ? l->caller : "-", l->still_failing);
	text(r, TYPE, "lockout");
	text(r, SUBJECT, l->account);
	time_(r, FIRST, l->locked_at);
	time_(r, LAST, l->locked_at);
	text(r, DETAIL, sb_cstr(detail));
	text(r, SERVER, l->via);
	text(r, NEXT_STEP, l->next_step);
	number(r, DC_FAILURES, l->failures);
}

/* A device's PRT acquisition: device, user, category and reason, the AD FS bad passwords it may explain. */
static void prt_row(struct row *r, const struct prt_row *p, struct strbuf *detail)
{
	detail->len = 0;
	sb_printf(detail, "category %s; ", *prt_category_name(p->category) ? prt_category_name(p->category) : "none");
	summary_prt_reason(detail, p);
	if (p->user && *p->user)
		sb_printf(detail, "; user %s", p->user);
	text(r, TYPE, "prt");
	text(r, SUBJECT, p->device);
	time_(r, FIRST, p->start);
	time_(r, LAST, p->end ? p->end : p->start);
	text(r, DETAIL, sb_cstr(detail));
	text(r, NEXT_STEP, p->why ? p->why->fix : "");
	if (p->federated_credential)
		number(r, ATTEMPTS, p->adfs_attempts);
}

bool summary_rows(struct out_file *out, struct strbuf *o, const struct summary *s, bool csv, bool visible)
{
	bool ok = true;
	if (csv) {
		for (int c = 0; c < NCOLUMNS; c++) {
			if (c)
				sb_addc(o, ',');
			csv_cell(o, names[c], strlen(names[c]), false);
		}
		sb_adds(o, "\r\n");
	}
	struct strbuf detail = {0};
	size_t total = s->nfindings + s->nusers + s->nips + s->nwindows + s->nlockouts + s->nprt;
	for (size_t i = 0; i < total; i++) {
		struct row r = {0};
		size_t k = i;
		if (k < s->nfindings)
			finding_row(&r, &s->findings[k]);
		else if ((k -= s->nfindings) < s->nusers) {
			const struct user_row *u = k ? summary_user_next(s) : summary_user_first(s); /* in order */
			if (!u) /* the rest could not be read back (the summary says so) */
				continue;
			user_row(&r, u);
		}
		else if ((k -= s->nusers) < s->nips)
			ip_row(&r, &s->ips[k]);
		else if ((k -= s->nips) < s->nwindows)
			window_row(&r, &s->windows[k]);
		else if ((k -= s->nwindows) < s->nlockouts)
			lockout_row(&r, &s->lockouts[k], &detail);
		else
			prt_row(&r, &s->prt[k - s->nlockouts], &detail);
		emit(o, &r, csv, visible);
		ok = ok && out_write_buffer(out, o, false); /* rows (one per user...) written out every MiB, not held */
	}
	sb_free(&detail);
	return ok;
}
