/* coverage_advice.c: a coverage row's next steps, as commands where there is one: a log that does not reach over
 * the period asked for, AD FS auditing on (auditpol, the AD FS audit properties, the "Generate security audits"
 * right), verbose auditing, the 411 client IP update, a larger log sized from the records per day seen, the AAD
 * Analytic channel, and which logs to collect next (domain controllers, the caller computers of lockouts); what a
 * cleared log and a silence mean. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "badcreds/text.h"
#include "coverage_tally.h"
#include "util/vec.h"

enum { MAX_STEPS = 24, MAX_CALLERS = 8, RETENTION_DAYS = 30, DEFAULT_RECORD_SIZE = 1024 };

struct steps {
	const char *s[MAX_STEPS + 1];
	size_t n;
	struct arena *a;
};

static void step(struct steps *st, const char *fmt, ...) BC_PRINTF(2, 3);
static void step(struct steps *st, const char *fmt, ...)
{
	if (st->n == MAX_STEPS)
		return;
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	st->s[st->n++] = arena_copy(st->a, buf, strlen(buf) + 1);
}

/* Host names compared by their first label, without case (4740 names the caller computer without its domain). */
static bool same_host(const char *a, const char *b)
{
	size_t la = strcspn(a, "."), lb = strcspn(b, ".");
	return la == lb && !strncasecmp(a, b, la);
}

static bool any_row(const struct coverage_row *all, size_t n, unsigned seen, const char *computer, const char *log)
{
	for (size_t i = 0; i < n; i++)
		if ((!seen || (all[i].seen & seen)) && (!computer || same_host(all[i].computer, computer)) &&
		    (!log || !strcasecmp(all[i].log, log)))
			return true;
	return false;
}

static void adfs_steps(struct steps *st, const struct coverage_row *r, const struct coverage_row *all, size_t n)
{
	if (r->audit == COVERAGE_AUDIT_NONE && !(r->seen & SEEN_DC)) {
		step(st, "if %s is an AD FS server: auditpol /set /subcategory:\"Application Generated\" /success:enable "
		     "/failure:enable", r->computer);
		step(st, "and Set-AdfsProperties -LogLevel ((Get-AdfsProperties).LogLevel+'SuccessAudits','FailureAudits'); "
		     "Set-AdfsProperties -AuditLevel Verbose (AD FS 2016 and later)");
		step(st, "and give the AD FS service account the \"Generate security audits\" right (secpol.msc, Local "
		     "Policies, User Rights Assignment), then restart the AD FS service");
	}
	if (r->audit == COVERAGE_AUDIT_BASIC && !strcmp(r->shape, "2016+"))
		step(st, "Set-AdfsProperties -AuditLevel Verbose on every farm node: basic auditing writes 1200-1210 only, "
		     "without the 403/410/411/501 that name the client addresses");
	if (r->ip_less_411)
		step(st, "install the AD FS 2012 R2 update of KB 3134222 (MS16-020) on %s: %lu of its 411 events lack the "
		     "client IP field", r->computer, r->ip_less_411);
	if (r->audit != COVERAGE_AUDIT_NONE && !any_row(all, n, SEEN_DC, NULL, NULL))
		step(st, "collect the domain controllers' Security logs (4740, 4771, 4776): no input is a domain "
		     "controller's");
}

/* One step for the caller computers of the log's lockouts whose Security logs are not among the inputs: the first
 * MAX_CALLERS named, the others counted. Coverage does not join the lockouts: a caller may be a name a client
 * supplied (KALI), or a lockout explained from another host's log, which badcreds lockouts tells. */
static void dc_steps(struct steps *st, const struct coverage_row *r, const struct coverage_row *all, size_t n)
{
	struct strbuf names = {0};
	size_t k = 0;
	for (size_t i = 0; r->callers && r->callers[i]; i++)
		if (!any_row(all, n, 0, r->callers[i], "Security") && k++ < MAX_CALLERS)
			sb_printf(&names, "%s%s", k > 1 ? ", " : "", r->callers[i]);
	if (k > MAX_CALLERS)
		sb_printf(&names, " and %zu more", k - MAX_CALLERS);
	if (k)
		step(st, "collect the Security log%s of %s, the caller computer%s of lockouts (4740) in this log (badcreds "
		     "lockouts tells which lockouts need them: a caller may be a name a client supplied, or explained by "
		     "another host's log)", k == 1 ? "" : "s", sb_cstr(&names), k == 1 ? "" : "s");
	sb_free(&names);
}

/* wevtutil sl LOG /ms:BYTES: room for the longer of 30 days and the period asked for, at the rate seen, with a
 * quarter to spare, in whole MiB (the size must be a multiple of 64 KiB). A log name that no command should hold
 * (text_fits_command: a crafted log's) gets the same advice in words. */
static void size_step(struct steps *st, const struct coverage_row *r, const struct coverage_settings *s)
{
	double days = RETENTION_DAYS;
	int64_t end = s->until != INT64_MAX ? s->until : filetime_now();
	if (s->since != INT64_MIN && (double)(end - s->since) / FILETIME_DAY > days)
		days = (double)(end - s->since) / FILETIME_DAY;
	unsigned long long bytes = 1073741824;
	if (r->per_day > 0) {
		double size = r->avg_record_size ? r->avg_record_size : DEFAULT_RECORD_SIZE;
		unsigned long long mib = (unsigned long long)(r->per_day * size * days * 1.25 / 1048576.0) + 1;
		bytes = (mib < 20 ? 20 : mib) * 1048576;
	}
	struct strbuf what = {0};
	if (text_fits_command(r->log))
		sb_printf(&what, "wevtutil sl \"%s\" /ms:%llu%s", r->log, bytes, r->per_day > 0 ? "" : " (1 GiB)");
	else /* in words: Event Viewer, the log's Properties */
		sb_printf(&what, "set the maximum size of the %s log to %llu bytes%s in Event Viewer (the log's Properties; "
			  "its name is not one to put in a command)", r->log, bytes, r->per_day > 0 ? "" : " (1 GiB)");
	if (r->per_day <= 0)
		step(st, "%s on %s: %s", sb_cstr(&what), r->computer, r->wrap_reason);
	else
		step(st, "%s on %s: %.0f days at the %.0f records a day seen (%s)", sb_cstr(&what), r->computer, days,
		     r->per_day, r->wrap_reason);
	sb_free(&what);
}

static void time_text(char *buf, size_t len, int64_t t)
{
	struct strbuf sb = {0};
	filetime_format_ms(&sb, t, false);
	snprintf(buf, len, "%s", sb_cstr(&sb));
	sb_free(&sb);
}

static void loss_steps(struct steps *st, const struct coverage_row *r)
{
	char from[64], to[64];
	for (size_t i = 0; i < r->nclears && i < MAX_CALLERS; i++) {
		time_text(from, sizeof from, r->clears[i].time);
		step(st, "%s cleared the %s log at %s: what it held before is gone; find out why (their logons, 4624 and "
		     "4672) and collect copies forwarded or backed up elsewhere", *r->clears[i].who ? r->clears[i].who :
		     "someone", *r->clears[i].log ? r->clears[i].log : r->log, from);
	}
	if (r->odd_times)
		step(st, "%lu record%s dated before 2000 or after 2099 (damaged, or written by a forged or broken clock): "
		     "left out of the first and last record and the gaps; badcreds dump shows them", r->odd_times,
		     r->odd_times == 1 ? "" : "s");
	if (r->ngaps) {
		time_text(from, sizeof from, r->gaps[0].from);
		time_text(to, sizeof to, r->gaps[0].to);
		step(st, "%zu silence%s longer than --gap (the first from %s to %s): look for shutdowns (System 6005, 6006, "
		     "6008) or a stopped Event Log service on %s", r->ngaps, r->ngaps == 1 ? "" : "s", from, to, r->computer);
	}
}

/* A log that lies wholly before or after the period asked for (--since/--until, --past-days) shows none of it. */
static void period_steps(struct steps *st, const struct coverage_row *r, const struct coverage_settings *s)
{
	char at[64], edge[64];
	if (!r->first)
		return;
	if (s->since != INT64_MIN && r->last < s->since) {
		time_text(at, sizeof at, r->last);
		time_text(edge, sizeof edge, s->since);
		step(st, "this log ends at %s, before the period asked for begins (%s): it shows nothing of that period; "
		     "collect a newer copy from %s", at, edge, r->computer);
	} else if (s->until != INT64_MAX && r->first >= s->until) {
		time_text(at, sizeof at, r->first);
		time_text(edge, sizeof edge, s->until);
		step(st, "this log begins at %s, after the period asked for ends (%s): it shows nothing of that period; "
		     "look for an older copy or an archived log (Archive-%s-*.evtx) on %s", at, edge, r->log, r->computer);
	} /* one that begins inside the period is wrapped: "oldest record after --since" (size_step) */
}

void coverage_advise(struct coverage_row *r, const struct coverage_row *all, size_t n,
		     const struct coverage_settings *s, struct arena *a)
{
	struct steps st = {.a = a};
	period_steps(&st, r, s);
	if (!strcasecmp(r->log, "Security"))
		adfs_steps(&st, r, all, n);
	if (r->seen & SEEN_DC)
		dc_steps(&st, r, all, n);
	if (r->wrapped)
		size_step(&st, r, s);
	loss_steps(&st, r);
	if ((r->seen & SEEN_AAD_OPERATIONAL) && !any_row(all, n, SEEN_AAD_ANALYTIC, r->computer, NULL))
		step(&st, "wevtutil sl Microsoft-Windows-AAD/Analytic /e:true on %s: the PRT acquisitions (1006, 1007 and "
		     "their status) are logged there", r->computer);
	st.s[st.n] = NULL;
	r->next_steps = arena_copy(a, st.s, (st.n + 1) * sizeof *st.s);
}
