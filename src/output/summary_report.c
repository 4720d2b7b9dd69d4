/* summary_report.c: the summary as text for people (the verdict, the findings most severe first with their evidence
 * and next steps, the AD lockouts, the users and the IPs), and the choice of format (summary_rows.c writes CSV and
 * JSON lines). */
#include <stdio.h>
#include <string.h>

#include "badcreds/filetime.h"
#include "badcreds/output.h"
#include "badcreds/report.h"
#include "badcreds/summary.h"
#include "badcreds/strmap.h"
#include "badcreds/text.h"
#include "summary_writer.h"

static bool local_time; /* the summary's --tz, set by each writer before it writes (summary_zone_from) */

void summary_zone_from(const struct summary *s) { local_time = s->local_time; }

void summary_time(struct strbuf *out, int64_t t)
{
	filetime_format_ms(out, t, local_time);
}

const char *summary_zone(void) { return local_time ? "local time" : "UTC"; }

static void when(struct strbuf *sb, int64_t t) { summary_time(sb, t); }

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
	struct strbuf words = {0};
	for (size_t i = 0; i < s->nlockouts; i++) {
		const struct lockout *l = &s->lockouts[i];
		sb_adds(o, "  ");
		when(o, l->locked_at);
		sb_adds(o, "  ");
		text_cell(o, l->account, 24);
		sb_printf(o, " %-15s ", lockout_cause_name(l->cause));
		lockout_source_words(&words, l);
		text_visible_str(o, sb_cstr(&words));
		if (*l->via) {
			sb_adds(o, " via ");
			text_visible_str(o, l->via);
		}
		sb_printf(o, ", %u wrong password%s on the DCs\n    next step: ", l->failures, plural(l->failures, "", "s"));
		text_visible_str(o, l->next_step);
		sb_addc(o, '\n');
	}
	sb_free(&words);
}

void summary_verdict(struct strbuf *o, const struct summary *s)
{
	unsigned compromised = 0, attacks = 0, going = 0;
	for (size_t i = 0; i < s->nfindings; i++) {
		const struct finding *f = &s->findings[i];
		compromised += f->kind == FINDING_COMPROMISE;
		bool attack = f->kind == FINDING_SPRAY || f->kind == FINDING_LEGACY_SPRAY || f->kind == FINDING_BRUTE_FORCE ||
			      f->kind == FINDING_INTERNET_LOCKOUT || f->kind == FINDING_LOGON_SPRAY ||
			      f->kind == FINDING_LOGON_BRUTE_FORCE;
		attacks += attack;
		going += attack && f->ongoing;
	}
	struct arena arena = {0};
	struct strmap locked = {.arena = &arena};
	struct strbuf key = {0};
	unsigned nlocked = 0, ad_only = 0; /* ad_only: AD refused them as locked; no DC's 4740 among the inputs */
	for (size_t i = 0; i < s->nlockouts; i++)
		if (!strmap_get(&locked, account_key(&key, s->lockouts[i].account))) {
			strmap_put(&locked, sb_cstr(&key), &arena);
			nlocked++;
		}
	/* accounts AD FS saw locked, in AD or on the extranet */
	for (const struct user_row *u = summary_user_first(s); u; u = summary_user_next(s))
		if ((u->outcomes[OUTCOME_AD_LOCKED_OUT] || u->outcomes[OUTCOME_EXTRANET_LOCKED_OUT]) &&
		    !strmap_get(&locked, account_key(&key, u->user))) {
			strmap_put(&locked, sb_cstr(&key), &arena);
			nlocked++;
			ad_only += u->outcomes[OUTCOME_AD_LOCKED_OUT] > 0;
		}
	sb_printf(o, "%u compromised account%s", compromised, plural(compromised, "", "s"));
	for (size_t i = 0, n = 0; i < s->nfindings && n < 3; i++)
		if (s->findings[i].kind == FINDING_COMPROMISE) {
			sb_adds(o, n++ ? ", " : " (");
			text_visible_str(o, s->findings[i].subject);
		}
	sb_printf(o, "%s; %u attack%s (%u still going on); %u account%s locked out", compromised ? ")" : "", attacks,
		  plural(attacks, "", "s"), going, nlocked, plural(nlocked, "", "s"));
	if (ad_only)
		sb_printf(o, " (%u locked in AD without a 4740 among the inputs: the domain controllers' logs tell why)",
			  ad_only);
	if (s->outside_failures) /* RDP, SMB, Kerberos, NTLM: findings when they reach the thresholds */
		sb_printf(o, "; %zu failed logon%s outside AD FS from %zu source%s", s->outside_failures,
			  plural(s->outside_failures, "", "s"), s->outside_sources, plural(s->outside_sources, "", "s"));
	sb_free(&key);
	strmap_free(&locked);
	arena_free(&arena);
}

static void finding_text(struct strbuf *o, const struct finding *f)
{
	static const char *const labels[] = {"CRITICAL", "HIGH", "MEDIUM", "LOW"};
	sb_printf(o, "  %-8s  %s  ", labels[f->severity], finding_name(f->kind));
	text_visible_str(o, f->subject);
	sb_adds(o, ": ");
	text_visible_str(o, f->detail);
	sb_adds(o, f->first == f->last ? "\n            at " : "\n            ");
	when(o, f->first);
	if (f->last != f->first) {
		sb_adds(o, " to ");
		when(o, f->last);
	}
	sb_adds(o, f->ongoing ? ", still going on\n" : "\n");
	if (f->attempts) {
		sb_printf(o, "            %u attempt%s; users: ", f->attempts, plural(f->attempts, "", "s"));
		text_visible_str(o, f->top_users);
		sb_adds(o, "; IPs: ");
		text_visible_str(o, f->top_ips);
		if (*f->endpoint) {
			sb_adds(o, "; endpoint ");
			text_visible_str(o, f->endpoint);
		}
		sb_addc(o, '\n');
	}
	if (*f->activity || *f->instance) {
		sb_adds(o, "            request on ");
		text_visible_str(o, f->server);
		sb_adds(o, ": activity ");
		text_visible_str(o, *f->activity ? f->activity : "(zero)");
		sb_adds(o, ", instance ");
		text_visible_str(o, *f->instance ? f->instance : "-");
		sb_addc(o, '\n');
	}
	if (*finding_technique(f->kind))
		sb_printf(o, "            ATT&CK %s\n", finding_technique(f->kind));
	sb_adds(o, "            next step: ");
	text_visible_str(o, f->next_step);
	sb_addc(o, '\n');
}

/* What a PRT row failed with, in a few words: the server code, else the status's name, else the number. */
void summary_prt_reason(struct strbuf *o, const struct prt_row *r)
{
	if (r->aadsts)
		sb_printf(o, "AADSTS%u", r->aadsts);
	else if (r->server_error && *r->server_error)
		sb_adds(o, r->server_error);
	else if (r->why && r->why->name)
		sb_adds(o, r->why->name);
	else if (r->has_status)
		prt_code_text(o, r->status);
	else
		sb_adds(o, "-");
}

/* One line per device PRT acquisition that failed (badcreds prt has the whole row). */
static void prt_text(struct strbuf *o, const struct summary *s)
{
	if (!s->nprt)
		return;
	sb_printf(o, "\nDevice PRT acquisitions (%zu; badcreds prt explains each)\n", s->nprt);
	for (size_t i = 0; i < s->nprt; i++) {
		const struct prt_row *r = &s->prt[i];
		struct strbuf reason = {0};
		summary_prt_reason(&reason, r);
		sb_adds(o, "  ");
		when(o, r->start);
		sb_adds(o, "  ");
		text_cell(o, r->device, 24);
		sb_addc(o, ' ');
		text_cell(o, r->user && *r->user ? r->user : "-", 32);
		sb_printf(o, " %-20s ", *prt_category_name(r->category) ? prt_category_name(r->category) : "-");
		text_visible_str(o, sb_cstr(&reason));
		if (r->adfs_attempts)
			sb_printf(o, "; %u AD FS bad password%s in the window", r->adfs_attempts, plural(r->adfs_attempts, "",
				  "s"));
		sb_addc(o, '\n');
		sb_free(&reason);
	}
}

/* A table row's counts, each after a space and right-aligned in its width, then two spaces (as printf's
 * " %8u %8u ...  ", which was most of the cost of writing a row for every user). */
static void numbers(struct strbuf *o, const unsigned *v, const unsigned char *width, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		sb_addc(o, ' ');
		sb_add_u64_right(o, v[i], width[i]);
	}
	sb_adds(o, "  ");
}

/* Log text (user names, servers, details) is made visible and aligned by display width. */
static bool text(struct out_file *out, struct strbuf *o, const struct summary *s)
{
	bool ok = true;
	sb_printf(o, "%zu %s by %zu %s from %zu %s\n", s->nattempts, plural(s->nattempts, "attempt", "attempts"),
		  s->nnamed_users, plural(s->nnamed_users, "user", "users"), s->nips, plural(s->nips, "IP", "IPs"));
	summary_verdict(o, s);
	sb_adds(o, "\n\nFindings (most severe first)\n");
	if (!s->nfindings)
		sb_adds(o, s->nattempts || s->outside_failures ? "  none above the thresholds\n" : "  none\n");
	for (size_t i = 0; i < s->nfindings; i++)
		finding_text(o, &s->findings[i]);
	lockouts_text(o, s);
	prt_text(o, s);
	sb_adds(o, "\nUsers (most attempts first)\n  ");
	if (!s->nusers) { /* no table of nothing: its header alone reads as a report cut short */
		sb_adds(o, "none\n");
	} else {
		text_pad(o, "user", 40);
		sb_printf(o, " %8s %8s %8s %8s %8s %8s %5s %9s %9s  %-29s  %-29s  %s\n", "attempts", "bad_pw", "ad_lock",
			  "x_lock", "unknown", "other", "ips", "dc_lock", "dc_fail", "first", "last",
			  "then success from");
	}
	for (const struct user_row *u = summary_user_first(s); u; u = summary_user_next(s)) {
		const unsigned *c = u->outcomes;
		unsigned other = u->attempts - c[OUTCOME_BAD_PASSWORD] - c[OUTCOME_AD_LOCKED_OUT] -
				 c[OUTCOME_EXTRANET_LOCKED_OUT] - c[OUTCOME_UNKNOWN_USER];
		sb_adds(o, "  ");
		text_cell(o, u->user, 40);
		const unsigned counts[] = {u->attempts, c[OUTCOME_BAD_PASSWORD], c[OUTCOME_AD_LOCKED_OUT],
					   c[OUTCOME_EXTRANET_LOCKED_OUT], c[OUTCOME_UNKNOWN_USER], other, u->ips,
					   u->dc_lockouts, u->dc_failures};
		static const unsigned char widths[] = {8, 8, 8, 8, 8, 8, 5, 9, 9};
		_Static_assert(sizeof counts / sizeof *counts == sizeof widths, "a width for each count");
		numbers(o, counts, widths, sizeof widths);
		when(o, u->first);
		sb_adds(o, "  ");
		when(o, u->last);
		sb_adds(o, "  ");
		text_visible_str(o, u->success_ip ? u->success_ip : "-");
		sb_addc(o, '\n');
		ok = ok && out_write_buffer(out, o, false); /* a line per user: written out every MiB, not held */
	}
	sb_adds(o, "\nIPs (most attempts first)\n  ");
	if (!s->nips) {
		sb_adds(o, "none\n");
	} else {
		text_pad(o, "ip", 39);
		sb_printf(o, " %-10s %8s %6s %8s %7s %7s %9s %8s  %-29s  %s\n", "class", "attempts", "users", "bad_pw",
			  "ad_lock", "x_lock", "max/hour", "max/day", "first", "last");
	}
	for (size_t i = 0; i < s->nips; i++) {
		const struct ip_row *r = &s->ips[i];
		sb_adds(o, "  ");
		text_cell(o, r->ip, 39);
		sb_addc(o, ' ');
		text_cell(o, r->ip_class, 10);
		const unsigned counts[] = {r->attempts,          r->users,        r->bad_password, r->ad_locked_out,
					   r->extranet_locked_out, r->max_per_hour, r->max_per_day};
		static const unsigned char widths[] = {8, 6, 8, 7, 7, 9, 8};
		_Static_assert(sizeof counts / sizeof *counts == sizeof widths, "a width for each count");
		numbers(o, counts, widths, sizeof widths);
		when(o, r->first);
		sb_adds(o, "  ");
		when(o, r->last);
		sb_addc(o, '\n');
		ok = ok && out_write_buffer(out, o, false);
	}
	return ok;
}

bool summary_write(struct out_file *o, const struct summary *s, const char *format)
{
	struct strbuf sb = {0};
	summary_zone_from(s);
	bool ok = !strcmp(format, "text") ? text(o, &sb, s)
					  : summary_rows(o, &sb, s, !strcmp(format, "csv"), out_is_terminal(o));
	ok = ok && out_write_buffer(o, &sb, true); /* nothing more after a failed write */
	sb_free(&sb);
	return ok;
}
