/* summary.c: per-user and per-IP figures and the findings, computed from attempts in time order (what
 * summary_attempts.c keeps of them). Users and IPs are numbered once, so that distinct ones are counted by stamping
 * their numbers; the DC events and successes are grouped by account, each user row reading its account's: time
 * linear in the attempts (but for sorting the rows). */
#include "badcreds/summary.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "badcreds/compat.h"
#include "badcreds/filetime.h"
#include "scan/findings.h"
#include "badcreds/strmap.h"
#include "badcreds/text.h"
#include "util/vec.h"

void summary_default_thresholds(struct summary_thresholds *t)
{
	*t = (struct summary_thresholds){
		.spray_users = 10, .spray_window = 30 * FILETIME_MINUTE, .brute_attempts = 5,
		.brute_window = 5 * FILETIME_MINUTE, .stale_attempts = 4, .lockout_threshold = 0,
		.observation_window = 30 * FILETIME_MINUTE, .compromise_window = 24 * FILETIME_HOUR,
	};
}

/* The attempts of one user or one IP, as indexes into the time-ordered array: a slice of groups.user_order or
 * groups.ip_order (slice, cap 0), or a vector of their own (add). */
struct group {
	const char *key;
	size_t *idx;
	size_t n, cap;
};

/* An address's group (index + 1), 0 for none: an address is its own group. */
static size_t ip_group_of(const struct summary_attempts *l, const char *ip)
{
	const struct summary_ip *p = strmap_get(&l->ips, ip);
	return p ? p->group : 0;
}

static void add(struct group *g, size_t i)
{
	g->idx = vec_grow(g->idx, &g->cap, g->n, sizeof *g->idx);
	g->idx[g->n++] = i;
}

/* The attempts by user (user_key) and by IP, and what counts distinct users or IPs among some of them in time
 * proportional to their number: each attempt's user and IP as the index (+1) of its group (user_id, ip_group), 0
 * for an empty key (never counted); mark[id] == stamp once the current count has seen id. A group is where its
 * attempts end in the order of its kind (8 bytes a user: a spray can bring a new user with every attempt). */
struct groups {
	size_t *user_end, *ip_end;     /* per group: the end of its attempts in user_order / ip_order */
	size_t nusers, nips;
	size_t *user_order, *ip_order; /* the attempts of each user, then of each IP, group after group */
	size_t *mark, stamp;     /* per user or IP id */
	unsigned *live;          /* per user id: its attempts in the spray window (ip_findings) */
	int64_t *earliest;       /* per IP id: its earliest attempt in a user's group (success_after) */
};

static size_t user_group(const struct summary_attempt *a) { return a->who->key->group; }
static size_t ip_group(const struct summary_attempt *a) { return a->from->group; }
static size_t user_id(const struct summary_attempt *a) { return *a->who->key->user ? a->who->key->group : 0; }

/* The attempts into `order` group after group, each group's in time order: end[k] holds group k's count and becomes
 * where its attempts end; group_of(a) is an attempt's group index + 1, 0 for none. One array for all the groups. */
static size_t *lay_out(size_t *end, size_t nall, size_t (*group_of)(const struct summary_attempt *),
		       const struct summary_attempt *a, size_t n)
{
	size_t total = 0;
	for (size_t k = 0; k < nall; k++) { /* each group's start, where its next attempt goes */
		size_t count = end[k];
		end[k] = total;
		total += count;
	}
	size_t *order = malloc((total ? total : 1) * sizeof *order);
	if (!order)
		abort();
	for (size_t i = 0; i < n; i++)
		if (group_of(&a[i]))
			order[end[group_of(&a[i]) - 1]++] = i;
	return order;
}

/* Group k of `end` and `order` (lay_out), its key left to the caller. */
static struct group slice(const size_t *end, size_t *order, size_t k)
{
	size_t start = k ? end[k - 1] : 0;
	return (struct group){.idx = order + start, .n = end[k] - start};
}

static struct group user_slice(const struct groups *x, const struct summary_attempt *a, size_t k)
{
	struct group g = slice(x->user_end, x->user_order, k);
	g.key = a[g.idx[0]].who->key->user;
	return g;
}

static struct group ip_slice(const struct groups *x, const struct summary_attempt *a, size_t k)
{
	struct group g = slice(x->ip_end, x->ip_order, k);
	g.key = a[g.idx[0]].from->ip;
	return g;
}

/* Counts one attempt of group `*id` (numbering a new group from its first attempt) into end[]. */
static void count(size_t **end, size_t *cap, size_t *n, size_t *id)
{
	if (!*id) {
		*end = vec_grow(*end, cap, *n, sizeof **end);
		(*end)[(*n)++] = 0;
		*id = *n;
	}
	(*end)[*id - 1]++;
}

static void group_attempts(struct groups *x, struct summary_attempts *l)
{
	*x = (struct groups){0};
	size_t capu = 0, capi = 0;
	const struct summary_attempt *a = l->v;
	for (size_t i = 0; i < l->n; i++) { /* the groups and their sizes; each user (in any spelling) and address its
					     * group from its first attempt */
		count(&x->user_end, &capu, &x->nusers, &a[i].who->key->group);
		if (*a[i].from->ip)
			count(&x->ip_end, &capi, &x->nips, &a[i].from->group);
	}
	size_t *fit = x->nusers ? realloc(x->user_end, x->nusers * sizeof *x->user_end) : NULL;
	if (fit)
		x->user_end = fit;
	x->user_order = lay_out(x->user_end, x->nusers, user_group, a, l->n);
	x->ip_order = lay_out(x->ip_end, x->nips, ip_group, a, l->n);
	x->mark = calloc((x->nusers > x->nips ? x->nusers : x->nips) + 1, sizeof *x->mark);
	x->live = calloc(x->nusers + 1, sizeof *x->live);
	x->earliest = calloc(x->nips + 1, sizeof *x->earliest);
	if (!x->mark || !x->live || !x->earliest)
		abort();
}

static void groups_free_users(struct groups *x)
{
	free(x->user_order);
	free(x->user_end);
	x->user_order = x->user_end = NULL;
}

static void groups_free(struct groups *x)
{
	groups_free_users(x);
	free(x->ip_order);
	free(x->ip_end);
	free(x->mark);
	free(x->live);
	free(x->earliest);
}

/* Distinct users (or IPs) among the attempts [from, to) of a group. */
static unsigned distinct(struct groups *x, const struct summary_attempt *a, const struct group *g, size_t from,
			 size_t to, bool users)
{
	size_t (*id)(const struct summary_attempt *) = users ? user_id : ip_group; /* an address's group is its id */
	unsigned n = 0;
	x->stamp++;
	for (size_t i = from; i < to; i++) {
		size_t v = id(&a[g->idx[i]]);
		if (v && x->mark[v] != x->stamp) {
			x->mark[v] = x->stamp;
			n++;
		}
	}
	return n;
}

/* What the domain controllers and the successes say of one account. */
struct account {
	unsigned dc_failures;            /* failed Kerberos (4771) and NTLM (4776) validations */
	struct ok_ref {
		size_t k, ip;            /* a success, ok[k], and the id of its IP (one an attempt came from) */
	} *ok;                           /* in the order of ok */
	size_t nok, cap;
};

/* The accounts, by account_key: two names are the same account exactly when same_account says so. */
struct accounts {
	struct arena arena;
	struct strmap by_key;            /* account_key -> index + 1 into all */
	struct account *all;
	size_t n, cap;
	struct strbuf key;
};

/* The account a name names; NULL if there is none yet and `create` is false. */
static struct account *account_of(struct accounts *m, const char *name, bool create)
{
	uintptr_t k = (uintptr_t)strmap_get(&m->by_key, account_key(&m->key, name));
	if (k || !create)
		return k ? &m->all[k - 1] : NULL;
	m->all = vec_grow(m->all, &m->cap, m->n, sizeof *m->all);
	m->all[m->n] = (struct account){0};
	strmap_put(&m->by_key, sb_cstr(&m->key), (void *)(uintptr_t)(m->n + 1));
	return &m->all[m->n++];
}

static void accounts_build(struct accounts *m, const struct summary_attempts *l, const struct fact *const *dc,
			   size_t ndc, const struct success *ok, size_t nok)
{
	*m = (struct accounts){0};
	m->by_key.arena = &m->arena;
	for (size_t i = 0; i < ndc; i++) /* the DC knows the account name, AD FS what was typed */
		if (dc[i]->event_id != 4740 && dc[i]->has_status && dc[i]->status && dc[i]->user)
			account_of(m, dc[i]->user, true)->dc_failures++;
	for (size_t k = 0; k < nok; k++) { /* a success from where no attempt came (nor from "") cannot answer */
		size_t ip = ip_group_of(l, ok[k].ip);
		if (!ip || !ok[k].user)
			continue;
		struct account *c = account_of(m, ok[k].user, true);
		c->ok = vec_grow(c->ok, &c->cap, c->nok, sizeof *c->ok);
		c->ok[c->nok++] = (struct ok_ref){k, ip};
	}
}

static void accounts_free(struct accounts *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->all[i].ok);
	free(m->all);
	sb_free(&m->key);
	strmap_free(&m->by_key);
	arena_free(&m->arena);
}

/* The most attempts of a group inside any window of the given length. */
static unsigned busiest(const struct summary_attempt *a, const struct group *g, int64_t window, size_t *end)
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

static bool private_only(const struct summary_attempt *a, const struct group *g)
{
	for (size_t i = 0; i < g->n; i++) {
		const char *c = a[g->idx[i]].from->ip_class;
		if (strcmp(c, "private") && strcmp(c, "loopback") && strcmp(c, "link-local"))
			return false;
	}
	return g->n > 0;
}

/* Lockouts through AD FS, or bad passwords near the extranet threshold: counts[] = extranet lockouts, AD lockouts,
 * the most bad passwords within the observation window; dc: an attempt that led to a DC's 4740. */
static void lockout_pressure(struct summary *s, size_t *cap, const struct summary_attempt *a, const struct group *g,
			     const struct summary_thresholds *t, const unsigned counts[3], const struct summary_attempt *dc)
{
	struct finding *f = finding_new(s, cap, FINDING_LOCKOUT_PRESSURE, a[g->idx[0]].who->user);
	finding_fill(s, f, a, g->idx, g->n);
	f->internal = private_only(a, g);
	int len = snprintf(f->detail, sizeof f->detail, "%u extranet lockout%s (AD FS refused without asking a DC), %u "
			   "AD lockout%s", counts[0], counts[0] == 1 ? "" : "s", counts[1], counts[1] == 1 ? "" : "s");
	if (t->lockout_threshold && len > 0 && (size_t)len < sizeof f->detail)
		len += snprintf(f->detail + len, sizeof f->detail - (size_t)len, "; up to %u bad password%s within the "
				"%lld min observation window (threshold %u)", counts[2], counts[2] == 1 ? "" : "s",
				(long long)(t->observation_window / FILETIME_MINUTE), t->lockout_threshold);
	if (dc && len > 0 && (size_t)len < sizeof f->detail) /* the DC lockout AD FS caused */
		snprintf(f->detail + len, sizeof f->detail - (size_t)len, "; in AD by %s (4740 on %s)", dc->via->server,
			 dc->via->dc_lockout);
}

static void user_findings(struct summary *s, size_t *cap, const struct summary_attempt *a, const struct group *g,
			  const struct summary_thresholds *t)
{
	const char *user = a[g->idx[0]].who->user;
	bool internal = private_only(a, g);
	size_t end = 0;
	unsigned burst = busiest(a, g, t->brute_window, &end);
	if (burst >= t->brute_attempts && !internal) {
		struct finding *f = finding_new(s, cap, FINDING_BRUTE_FORCE, user);
		finding_fill(s, f, a, g->idx, g->n);
		snprintf(f->detail, sizeof f->detail, "%u attempts within %lld min, %u in all", burst,
			 (long long)(t->brute_window / FILETIME_MINUTE), (unsigned)g->n);
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
			struct finding *f = finding_new(s, cap, FINDING_STALE_CREDENTIAL, user);
			finding_fill(s, f, a, g->idx, g->n);
			snprintf(f->detail, sizeof f->detail, "%zu failures from %s, one every %.0f min over %.0f min",
				 g->n, a[g->idx[0]].from->ip, mean, span);
			f->internal = true;
		}
	}
	unsigned extranet = 0, ad = 0;
	const struct summary_attempt *dc = NULL;
	for (size_t i = 0; i < g->n; i++) {
		extranet += a[g->idx[i]].via->outcome == OUTCOME_EXTRANET_LOCKED_OUT;
		ad += a[g->idx[i]].via->outcome == OUTCOME_AD_LOCKED_OUT;
		if (a[g->idx[i]].via->dc_lockout)
			dc = &a[g->idx[i]];
	}
	unsigned in_window = 0;
	if (t->lockout_threshold) {
		struct group bad = {0};
		for (size_t i = 0; i < g->n; i++)
			if (a[g->idx[i]].via->outcome == OUTCOME_BAD_PASSWORD)
				add(&bad, g->idx[i]);
		in_window = busiest(a, &bad, t->observation_window, NULL);
		free(bad.idx);
	}
	if (extranet || ad || dc || (t->lockout_threshold && in_window >= t->lockout_threshold))
		lockout_pressure(s, cap, a, g, t, (unsigned[]){extranet, ad, in_window}, dc);
}

static void ip_findings(struct summary *s, size_t *cap, struct groups *x, const struct summary_attempt *a,
			const struct group *g, const struct summary_thresholds *t)
{
	unsigned best = 0, users = 0; /* users: those with an attempt in the window [lo, hi] */
	size_t lo = 0;
	for (size_t hi = 0; hi < g->n; hi++) {
		size_t u = user_id(&a[g->idx[hi]]);
		users += u && !x->live[u]++;
		for (; lo <= hi && a[g->idx[hi]].time - a[g->idx[lo]].time >= t->spray_window; lo++) {
			u = user_id(&a[g->idx[lo]]);
			users -= u && !--x->live[u];
		}
		if (users > best)
			best = users;
	}
	for (; lo < g->n; lo++) /* the last window's counts, cleared for the next IP */
		x->live[user_id(&a[g->idx[lo]])] = 0;
	bool internal = private_only(a, g);
	if (best < t->spray_users && (internal || best < 3 || best * 2 < t->spray_users))
		return;
	bool relayed = true; /* every attempt through Exchange Online: a legacy authentication spray */
	for (size_t i = 0; i < g->n && relayed; i++)
		relayed = a[g->idx[i]].via->relayed;
	enum finding_kind k = best < t->spray_users ? FINDING_PROBE : relayed ? FINDING_LEGACY_SPRAY : FINDING_SPRAY;
	struct finding *f = finding_new(s, cap, k, g->key);
	finding_fill(s, f, a, g->idx, g->n);
	snprintf(f->detail, sizeof f->detail, "%u users within %lld min, %u users and %zu attempts in all%s", best,
		 (long long)(t->spray_window / FILETIME_MINUTE), distinct(x, a, g, 0, g->n, true), g->n,
		 k == FINDING_PROBE ? " (below the spray threshold)" : relayed ? ", relayed by Exchange Online" : "");
	f->internal = internal;
}

/* The hour and day windows of one IP (its attempts are in time order). */
static void ip_windows(struct summary *s, size_t *cap, struct groups *x, const struct summary_attempt *a,
		       const struct group *g)
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
						.users = distinct(x, a, g, lo, hi, true)};
			for (size_t i = lo; i < hi; i++) {
				w->bad_password += a[g->idx[i]].via->outcome == OUTCOME_BAD_PASSWORD;
				w->ad_locked_out += a[g->idx[i]].via->outcome == OUTCOME_AD_LOCKED_OUT;
				w->extranet_locked_out += a[g->idx[i]].via->outcome == OUTCOME_EXTRANET_LOCKED_OUT;
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

/* A success of the account after its first failure, from an address one of its failures came from: the attacker
 * (or the stale device) got in. Of those, the first in the order of ok; c: the account's successes from the
 * attempts' addresses. */
static const char *success_after(struct groups *x, const struct summary_attempt *a, const struct group *g,
				 const struct account *c, const struct success *ok)
{
	x->stamp++;
	for (size_t i = 0; i < g->n; i++) { /* the group's earliest attempt from each address */
		size_t ip = ip_group(&a[g->idx[i]]);
		if (ip && (x->mark[ip] != x->stamp || a[g->idx[i]].time < x->earliest[ip])) {
			x->mark[ip] = x->stamp;
			x->earliest[ip] = a[g->idx[i]].time;
		}
	}
	for (size_t j = 0; j < c->nok; j++) {
		const struct success *o = &ok[c->ok[j].k];
		size_t ip = c->ok[j].ip;
		if (o->time > a[g->idx[0]].time && x->mark[ip] == x->stamp && x->earliest[ip] < o->time)
			return o->ip;
	}
	return NULL;
}

static void user_row(struct summary *s, struct groups *x, struct accounts *m, const struct summary_attempt *a,
		     const struct group *g, const struct success *ok)
{
	struct user_row *r = &s->users[s->nusers++];
	r->user = a[g->idx[0]].who->user;
	r->user_key = g->key;
	r->attempts = (unsigned)g->n;
	r->ips = distinct(x, a, g, 0, g->n, false);
	r->first = a[g->idx[0]].time;
	r->last = a[g->idx[g->n - 1]].time;
	for (size_t i = 0; i < g->n; i++) {
		r->outcomes[a[g->idx[i]].via->outcome]++;
		r->dc_lockouts += a[g->idx[i]].via->dc_lockout != NULL;
	}
	const struct account *c = account_of(m, r->user, false);
	if (c) {
		r->dc_failures = c->dc_failures;
		r->success_ip = success_after(x, a, g, c, ok);
	}
}

static void ip_row(struct summary *s, struct groups *x, const struct summary_attempt *a, const struct group *g)
{
	struct ip_row *r = &s->ips[s->nips++];
	r->ip = g->key;
	r->ip_class = a[g->idx[0]].from->ip_class;
	r->attempts = (unsigned)g->n;
	r->users = distinct(x, a, g, 0, g->n, true);
	for (size_t i = 0; i < g->n; i++) {
		r->bad_password += a[g->idx[i]].via->outcome == OUTCOME_BAD_PASSWORD;
		r->ad_locked_out += a[g->idx[i]].via->outcome == OUTCOME_AD_LOCKED_OUT;
		r->extranet_locked_out += a[g->idx[i]].via->outcome == OUTCOME_EXTRANET_LOCKED_OUT;
	}
	r->max_per_hour = busiest(a, g, FILETIME_HOUR, NULL);
	r->max_per_day = busiest(a, g, FILETIME_DAY, NULL);
	r->first = a[g->idx[0]].time;
	r->last = a[g->idx[g->n - 1]].time;
}

void summary_build(struct summary *s, struct summary_attempts *l, const struct fact *const *dc, size_t ndc,
		   const struct success *ok, size_t nok, const struct summary_thresholds *t)
{
	if (l->n && l->cap > l->n) { /* the vectors at their size: what they grew by would add to the peak */
		struct summary_attempt *fit = realloc(l->v, l->n * sizeof *l->v);
		if (fit)
			l->v = fit, l->cap = l->n;
	}
	strmap_free(&l->users); /* every attempt points to its user: the map of their texts is done */
	arena_free(&l->index);
	bc_release_free_memory(); /* its blocks lie between the nodes': given back, not left as holes */
	const struct summary_attempt *a = l->v;
	size_t n = l->n;
	memset(s, 0, sizeof *s);
	s->data_end = n ? a[n - 1].time : 0;
	if (nok && ok[nok - 1].time > s->data_end)
		s->data_end = ok[nok - 1].time;
	struct groups x;
	group_attempts(&x, l);
	struct accounts m;
	accounts_build(&m, l, dc, ndc, ok, nok);
	s->users = calloc(x.nusers + 1, sizeof *s->users);
	s->ips = calloc(x.nips + 1, sizeof *s->ips);
	if (!s->users || !s->ips)
		abort();
	size_t capw = 0;
	for (size_t u = 0; u < x.nusers; u++) {
		struct group g = user_slice(&x, a, u);
		user_row(s, &x, &m, a, &g, ok);
		user_findings(s, &s->capfindings, a, &g, t);
	}
	groups_free_users(&x); /* before the rows are sorted: the users' groups are done */
	for (size_t k = 0; k < x.nips; k++) {
		struct group g = ip_slice(&x, a, k);
		ip_row(s, &x, a, &g);
		ip_findings(s, &s->capfindings, &x, a, &g, t);
	}
	qsort(s->users, s->nusers, sizeof *s->users, cmp_users);
	qsort(s->ips, s->nips, sizeof *s->ips, cmp_ips);
	for (size_t k = 0; k < s->nips; k++) { /* in the order of the IP rows */
		struct group g = ip_slice(&x, a, ip_group_of(l, s->ips[k].ip) - 1);
		ip_windows(s, &capw, &x, a, &g);
	}
	findings_compromise(s, &s->capfindings, a, n, ok, nok, t->compromise_window);
	findings_finish(s);
	accounts_free(&m);
	groups_free(&x);
}

void summary_add_lockouts(struct summary *s, const struct lockout *l, size_t n)
{
	s->lockouts = l;
	s->nlockouts = n;
	if (n && l[n - 1].locked_at > s->data_end)
		s->data_end = l[n - 1].locked_at;
	findings_cadence(s, &s->capfindings, l, n);
	findings_finish(s);
}

void summary_free(struct summary *s)
{
	arena_free(&s->arena);
	free(s->users);
	free(s->ips);
	free(s->findings);
	free(s->windows);
	memset(s, 0, sizeof *s);
}
