/* summary.c: per-user and per-IP figures and the findings, computed from attempts in time order. */
#include "badcreds/summary.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "badcreds/filetime.h"
#include "badcreds/strmap.h"
#include "badcreds/text.h"
#include "util/vec.h"

void summary_default_thresholds(struct summary_thresholds *t)
{
	*t = (struct summary_thresholds){
		.spray_users = 10, .spray_window = 30 * FILETIME_MINUTE, .brute_attempts = 5,
		.brute_window = 5 * FILETIME_MINUTE, .stale_attempts = 4, .lockout_threshold = 0,
		.observation_window = 30 * FILETIME_MINUTE,
	};
}

/* The attempts of one user or one IP, as indexes into the time-ordered array. */
struct group {
	const char *key;
	size_t *idx;
	size_t n, cap;
};

static struct group *group_of(struct strmap *m, struct group **all, size_t *nall, size_t *cap, const char *key)
{
	uintptr_t k = (uintptr_t)strmap_get(m, key); /* an index (+1) into *all, which moves as it grows */
	if (k)
		return &(*all)[k - 1];
	*all = vec_grow(*all, cap, *nall, sizeof **all);
	(*all)[*nall] = (struct group){.key = key};
	strmap_put(m, key, (void *)(uintptr_t)(*nall + 1));
	return &(*all)[(*nall)++];
}

static struct group *lookup_group(struct strmap *m, struct group *all, const char *key)
{
	return &all[(uintptr_t)strmap_get(m, key) - 1];
}

static void add(struct group *g, size_t i)
{
	g->idx = vec_grow(g->idx, &g->cap, g->n, sizeof *g->idx);
	g->idx[g->n++] = i;
}

/* Distinct values of a field among some attempts (small sets: a linear list). */
static unsigned distinct(const struct attempt *a, const size_t *idx, size_t from, size_t to, bool users)
{
	unsigned n = 0;
	for (size_t i = from; i < to; i++) {
		const char *v = users ? a[idx[i]].user_key : a[idx[i]].ip;
		bool seen = false;
		for (size_t j = from; j < i && !seen; j++)
			seen = !strcmp(v, users ? a[idx[j]].user_key : a[idx[j]].ip);
		n += !seen && *v;
	}
	return n;
}

/* The most attempts of a group inside any window of the given length. */
static unsigned busiest(const struct attempt *a, const struct group *g, int64_t window, size_t *end)
{
	unsigned best = 0;
	for (size_t lo = 0, hi = 0; hi < g->n; hi++) {
		while (a[g->idx[hi]].time - a[g->idx[lo]].time >= window)
			lo++;
		if (hi - lo + 1 > best) {
			best = (unsigned)(hi - lo + 1);
			if (end)
				*end = hi;
		}
	}
	return best;
}

static struct finding *new_finding(struct summary *s, size_t *cap, enum finding_kind k, const char *subject)
{
	s->findings = vec_grow(s->findings, cap, s->nfindings, sizeof *s->findings);
	struct finding *f = &s->findings[s->nfindings++];
	memset(f, 0, sizeof *f);
	f->kind = k;
	f->subject = subject;
	return f;
}

static bool private_only(const struct attempt *a, const struct group *g)
{
	for (size_t i = 0; i < g->n; i++) {
		const char *c = a[g->idx[i]].ip_class;
		if (strcmp(c, "private") && strcmp(c, "loopback") && strcmp(c, "link-local"))
			return false;
	}
	return g->n > 0;
}

static void user_findings(struct summary *s, size_t *cap, const struct attempt *a, const struct group *g,
			  const struct summary_thresholds *t)
{
	const char *user = a[g->idx[0]].user;
	bool internal = private_only(a, g);
	size_t end = 0;
	unsigned burst = busiest(a, g, t->brute_window, &end);
	if (burst >= t->brute_attempts && !internal) {
		struct finding *f = new_finding(s, cap, FINDING_BRUTE_FORCE, user);
		snprintf(f->detail, sizeof f->detail, "%u attempts within %lld min, %u in all", burst,
			 (long long)(t->brute_window / FILETIME_MINUTE), (unsigned)g->n);
		f->first = a[g->idx[0]].time;
		f->last = a[g->idx[g->n - 1]].time;
	}
	if (internal && g->n >= t->stale_attempts) { /* a service or device retrying an old password at its own pace */
		double sum = 0, sq = 0;
		size_t k = g->n - 1;
		for (size_t i = 1; i < g->n; i++) {
			double d = (double)(a[g->idx[i]].time - a[g->idx[i - 1]].time) / (double)FILETIME_MINUTE;
			sum += d;
			sq += d * d;
		}
		double mean = sum / (double)k, var = sq / (double)k - mean * mean;
		double span = (double)(a[g->idx[g->n - 1]].time - a[g->idx[0]].time) / (double)FILETIME_MINUTE;
		if (mean > 0 && span >= 30 && sqrt(var > 0 ? var : 0) / mean < 0.25) {
			struct finding *f = new_finding(s, cap, FINDING_STALE_CREDENTIAL, user);
			snprintf(f->detail, sizeof f->detail, "%zu failures from %s, one every %.0f min over %.0f min",
				 g->n, a[g->idx[0]].ip, mean, span);
			f->internal = true;
			f->first = a[g->idx[0]].time;
			f->last = a[g->idx[g->n - 1]].time;
		}
	}
	unsigned locked = 0;
	const struct attempt *dc = NULL;
	for (size_t i = 0; i < g->n; i++) {
		locked += a[g->idx[i]].outcome == OUTCOME_LOCKED_OUT;
		if (a[g->idx[i]].dc_lockout)
			dc = &a[g->idx[i]];
	}
	unsigned in_window = 0;
	if (t->lockout_threshold) {
		struct group bad = {0};
		for (size_t i = 0; i < g->n; i++)
			if (a[g->idx[i]].outcome == OUTCOME_BAD_PASSWORD)
				add(&bad, g->idx[i]);
		in_window = busiest(a, &bad, t->observation_window, NULL);
		free(bad.idx);
	}
	if (locked || dc || (t->lockout_threshold && in_window >= t->lockout_threshold)) {
		struct finding *f = new_finding(s, cap, FINDING_LOCKOUT_PRESSURE, user);
		int len = 0;
		if (t->lockout_threshold && in_window)
			len = snprintf(f->detail, sizeof f->detail, "%u lockout%s; up to %u bad password%s within the "
				       "%lld min observation window (threshold %u)", locked, locked == 1 ? "" : "s",
				       in_window, in_window == 1 ? "" : "s",
				       (long long)(t->observation_window / FILETIME_MINUTE), t->lockout_threshold);
		else if (t->lockout_threshold)
			len = snprintf(f->detail, sizeof f->detail, "%u lockout%s; no bad password (threshold %u)", locked,
				       locked == 1 ? "" : "s", t->lockout_threshold);
		else
			len = snprintf(f->detail, sizeof f->detail, "%u lockout%s", locked, locked == 1 ? "" : "s");
		if (dc && len > 0 && (size_t)len < sizeof f->detail) /* the DC lockout AD FS caused */
			snprintf(f->detail + len, sizeof f->detail - (size_t)len, "; in AD by %s (4740 on %s)", dc->server,
				 dc->dc_lockout->server);
		f->internal = internal;
		f->first = a[g->idx[0]].time;
		f->last = a[g->idx[g->n - 1]].time;
	}
}

static void ip_findings(struct summary *s, size_t *cap, const struct attempt *a, const struct group *g,
			const struct summary_thresholds *t)
{
	unsigned best = 0;
	for (size_t lo = 0, hi = 0; hi < g->n; hi++) {
		while (a[g->idx[hi]].time - a[g->idx[lo]].time >= t->spray_window)
			lo++;
		unsigned users = distinct(a, g->idx, lo, hi + 1, true);
		if (users > best)
			best = users;
	}
	if (best < t->spray_users)
		return;
	struct finding *f = new_finding(s, cap, FINDING_SPRAY, g->key);
	snprintf(f->detail, sizeof f->detail, "%u users within %lld min, %u users and %zu attempts in all", best,
		 (long long)(t->spray_window / FILETIME_MINUTE), distinct(a, g->idx, 0, g->n, true), g->n);
	f->internal = private_only(a, g);
	f->first = a[g->idx[0]].time;
	f->last = a[g->idx[g->n - 1]].time;
}

/* The hour and day windows of one IP (its attempts are in time order). */
static void ip_windows(struct summary *s, size_t *cap, const struct attempt *a, const struct group *g)
{
	for (int day = 0; day < 2; day++) {
		int64_t len = day ? FILETIME_DAY : FILETIME_HOUR;
		for (size_t lo = 0; lo < g->n;) {
			int64_t start = a[g->idx[lo]].time / len * len;
			size_t hi = lo;
			while (hi < g->n && a[g->idx[hi]].time < start + len)
				hi++;
			s->windows = vec_grow(s->windows, cap, s->nwindows, sizeof *s->windows);
			struct ip_window *w = &s->windows[s->nwindows++];
			*w = (struct ip_window){.ip = g->key, .start = start, .day = day, .attempts = (unsigned)(hi - lo),
						.users = distinct(a, g->idx, lo, hi, true)};
			for (size_t i = lo; i < hi; i++) {
				w->bad_password += a[g->idx[i]].outcome == OUTCOME_BAD_PASSWORD;
				w->locked_out += a[g->idx[i]].outcome == OUTCOME_LOCKED_OUT;
			}
			lo = hi;
		}
	}
}

static int cmp_users(const void *x, const void *y)
{
	const struct user_row *a = x, *b = y;
	return a->attempts != b->attempts ? (a->attempts < b->attempts ? 1 : -1) : strcmp(a->user_key, b->user_key);
}

static int cmp_ips(const void *x, const void *y)
{
	const struct ip_row *a = x, *b = y;
	return a->attempts != b->attempts ? (a->attempts < b->attempts ? 1 : -1) : strcmp(a->ip, b->ip);
}

static int cmp_findings(const void *x, const void *y)
{
	const struct finding *a = x, *b = y;
	return a->kind != b->kind ? (a->kind < b->kind ? -1 : 1) : strcmp(a->subject, b->subject);
}

/* A success of the account after its first failure, from an address one of its failures came from: the attacker
 * (or the stale device) got in. */
static const char *success_after(const struct attempt *a, const struct group *g, const struct success *ok, size_t nok)
{
	for (size_t k = 0; k < nok; k++) {
		if (ok[k].time <= a[g->idx[0]].time || !same_account(ok[k].user, a[g->idx[0]].user) || !*ok[k].ip)
			continue;
		for (size_t i = 0; i < g->n; i++)
			if (a[g->idx[i]].time < ok[k].time && !strcmp(a[g->idx[i]].ip, ok[k].ip))
				return ok[k].ip;
	}
	return NULL;
}

void summary_build(struct summary *s, const struct attempt *a, size_t n, const struct fact *const *dc, size_t ndc,
		   const struct success *ok, size_t nok, const struct summary_thresholds *t)
{
	memset(s, 0, sizeof *s);
	struct arena arena = {0};
	struct strmap by_user = {.arena = &arena}, by_ip = {.arena = &arena};
	struct group *users = NULL, *ips = NULL;
	size_t nusers = 0, nips = 0, capu = 0, capi = 0, capf = 0, capw = 0;
	for (size_t i = 0; i < n; i++) {
		add(group_of(&by_user, &users, &nusers, &capu, a[i].user_key), i);
		if (*a[i].ip)
			add(group_of(&by_ip, &ips, &nips, &capi, a[i].ip), i);
	}
	s->users = calloc(nusers + 1, sizeof *s->users);
	s->ips = calloc(nips + 1, sizeof *s->ips);
	if (!s->users || !s->ips)
		abort();
	for (size_t u = 0; u < nusers; u++) {
		struct group *g = &users[u];
		struct user_row *r = &s->users[s->nusers++];
		r->user = a[g->idx[0]].user;
		r->user_key = g->key;
		r->attempts = (unsigned)g->n;
		r->ips = distinct(a, g->idx, 0, g->n, false);
		r->first = a[g->idx[0]].time;
		r->last = a[g->idx[g->n - 1]].time;
		for (size_t i = 0; i < g->n; i++) {
			r->outcomes[a[g->idx[i]].outcome]++;
			r->dc_lockouts += a[g->idx[i]].dc_lockout != NULL;
		}
		for (size_t i = 0; i < ndc; i++) /* the DC knows the account name, AD FS what was typed */
			r->dc_failures += dc[i]->event_id != 4740 && dc[i]->has_status && dc[i]->status &&
					  same_account(dc[i]->user, r->user);
		r->success_ip = success_after(a, g, ok, nok);
		user_findings(s, &capf, a, g, t);
	}
	for (size_t k = 0; k < nips; k++) {
		struct group *g = &ips[k];
		struct ip_row *r = &s->ips[s->nips++];
		r->ip = g->key;
		r->ip_class = a[g->idx[0]].ip_class;
		r->attempts = (unsigned)g->n;
		r->users = distinct(a, g->idx, 0, g->n, true);
		for (size_t i = 0; i < g->n; i++) {
			r->bad_password += a[g->idx[i]].outcome == OUTCOME_BAD_PASSWORD;
			r->locked_out += a[g->idx[i]].outcome == OUTCOME_LOCKED_OUT;
		}
		r->max_per_hour = busiest(a, g, FILETIME_HOUR, NULL);
		r->max_per_day = busiest(a, g, FILETIME_DAY, NULL);
		r->first = a[g->idx[0]].time;
		r->last = a[g->idx[g->n - 1]].time;
		ip_findings(s, &capf, a, g, t);
	}
	qsort(s->users, s->nusers, sizeof *s->users, cmp_users);
	qsort(s->ips, s->nips, sizeof *s->ips, cmp_ips);
	for (size_t k = 0; k < s->nips; k++) /* in the order of the IP rows */
		ip_windows(s, &capw, a, lookup_group(&by_ip, ips, s->ips[k].ip));
	for (size_t i = 0; i < s->nfindings; i++) /* a detail cut at its size may end inside a character */
		utf8_trim(s->findings[i].detail);
	if (s->nfindings > 1)
		qsort(s->findings, s->nfindings, sizeof *s->findings, cmp_findings);
	for (size_t u = 0; u < nusers; u++)
		free(users[u].idx);
	for (size_t k = 0; k < nips; k++)
		free(ips[k].idx);
	free(users);
	free(ips);
	strmap_free(&by_user);
	strmap_free(&by_ip);
	arena_free(&arena);
}

void summary_free(struct summary *s)
{
	free(s->users);
	free(s->ips);
	free(s->findings);
	free(s->windows);
	memset(s, 0, sizeof *s);
}

const char *finding_name(enum finding_kind k)
{
	static const char *const names[] = {"password_spray", "brute_force", "stale_credential", "lockout_pressure"};
	return names[k];
}

const char *finding_next_step(const struct finding *f)
{
	if (f->internal)
		return "attempts come from an internal address: update the password stored in the service, application or "
		       "device there (or clear its cached credentials), then watch the failures stop";
	return "attempts come from the internet: patch AD FS and the Web Application Proxy, enable extranet smart "
	       "lockout, move users to modern or certificate authentication, disable legacy endpoints such as "
	       "/adfs/services/trust/13/usernamemixed (KB 4471013)";
}
