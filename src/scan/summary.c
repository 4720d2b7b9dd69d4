/* summary.c: per-user and per-IP figures and the findings, computed from the attempts read back a user at a time
 * (summary_attempts.c's runs by user key) and an address at a time (its runs by address), the two side by side on
 * two threads: memory holds one user's and one address's attempts, the addresses' rows and the findings, not every
 * attempt. The user rows go to sorted runs of their own, read back most attempts first by the writers. Users and
 * IPs are numbered, so that distinct ones are counted by stamping their numbers; the DC events and successes are
 * grouped by account, each user row reading its account's: time linear in the attempts (but for sorting). */
#include "badcreds/summary.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "badcreds/compat.h"
#include "badcreds/filetime.h"
#include "badcreds/guessing.h"
#include "scan/findings.h"
#include "scan/summary_record.h"
#include "scan/summary_bins.h"
#include "scan/summary_users.h"
#include "badcreds/strbuf.h"
#include "badcreds/strmap.h"
#include "badcreds/text.h"
#include "util/sorted_runs.h"
#include "util/vec.h"

void summary_default_thresholds(struct summary_thresholds *t)
{
	*t = (struct summary_thresholds){
		.spray_users = 10, .spray_window = 30 * FILETIME_MINUTE, .brute_attempts = 5,
		.brute_window = 5 * FILETIME_MINUTE, .logon_attempts = 10, .stale_attempts = 4, .lockout_threshold = 0,
		.observation_window = 30 * FILETIME_MINUTE, .compromise_window = 24 * FILETIME_HOUR,
	};
}

/* The attempts of one user or one IP, as indexes into the batch (all of them, or a selection). */
struct group {
	const char *key;
	size_t *idx;
	size_t n, cap;
};

static void add(struct group *g, size_t i)
{
	g->idx = vec_grow(g->idx, &g->cap, g->n, sizeof *g->idx);
	g->idx[g->n++] = i;
}

enum { FEW = 4 }; /* a batch's nodes found by looking at each, before a map */

/* The attempts of one user (key) or one address, read back from their records: copies in time order, their users
 * as nodes of the batch (one per spelling, numbered per key in `nkeys`). */
struct batch {
	struct summary_attempt *a;
	size_t *idx;                 /* 0, 1, 2...: the group of all of them */
	size_t n, cap, capidx;
	struct arena arena;          /* the users' nodes and texts */
	struct strmap users;         /* a spelling -> its node, once there are more than FEW (batch_find) */
	struct summary_user *few[FEW]; /* the nodes made first */
	struct summary_user *last;   /* the node of the last attempt's spelling */
	size_t nnodes;
	size_t nkeys;
	uint32_t ip;                 /* the last attempt's address (its number in the records) */
};

static void batch_clear(struct batch *b)
{
	b->n = b->nkeys = b->nnodes = 0;
	b->last = NULL;
	strmap_free(&b->users);
	arena_reset(&b->arena);
	b->users.arena = &b->arena;
}

static void batch_free(struct batch *b)
{
	strmap_free(&b->users);
	arena_free(&b->arena);
	free(b->a);
	free(b->idx);
}

static bool same_text(const char *text, const char *bytes, size_t len)
{
	return !strncmp(text, bytes, len) && !text[len];
}

/* The node of a spelling (or of a key), NULL if the batch has none yet; the map only once there are more than FEW
 * (most batches of a user have one spelling and its key: no map to make and clear for each). */
static struct summary_user *batch_find(const struct batch *b, const char *text)
{
	if (b->nnodes > FEW)
		return strmap_get(&b->users, text);
	for (size_t i = 0; i < b->nnodes; i++)
		if (!strcmp(b->few[i]->user, text))
			return b->few[i];
	return NULL;
}

static void batch_index(struct batch *b, struct summary_user *u)
{
	if (b->nnodes < FEW) {
		b->few[b->nnodes++] = u;
		return;
	}
	if (b->nnodes++ == FEW)
		for (size_t i = 0; i < FEW; i++)
			strmap_put_borrowed(&b->users, b->few[i]->user, b->few[i]);
	strmap_put_borrowed(&b->users, u->user, u);
}

/* The node of a spelling (len bytes) whose key is `key` (key_len bytes). */
static struct summary_user *batch_user(struct batch *b, const char *user, size_t len, const char *key, size_t key_len)
{
	if (b->last && same_text(b->last->user, user, len))
		return b->last;
	char *text = arena_alloc(&b->arena, len + 1);
	memcpy(text, user, len);
	text[len] = 0;
	struct summary_user *u = batch_find(b, text);
	if (!u) {
		u = arena_alloc(&b->arena, sizeof *u);
		u->user = text;
		batch_index(b, u);
		bool own = key_len == len && !memcmp(key, user, len);
		struct summary_user *last = b->last;
		u->key = own ? u : batch_user(b, key, key_len, key, key_len);
		b->last = last;
		u->group = own ? ++b->nkeys : 0;
	}
	return b->last = u;
}

static void batch_add(struct batch *b, const struct summary_attempts *l, const struct summary_record *r)
{
	b->a = vec_grow(b->a, &b->cap, b->n, sizeof *b->a);
	b->idx = vec_grow(b->idx, &b->capidx, b->n, sizeof *b->idx);
	b->a[b->n] = (struct summary_attempt){r->time, batch_user(b, r->user, r->user_len, r->key, r->key_len),
					      l->ip_list[r->ip], l->via_list[r->via]};
	b->idx[b->n] = b->n;
	b->n++;
}

/* What counts distinct users or IPs among some attempts in time proportional to their number: each attempt's user
 * (in a batch) and IP as its number, 0 for an empty key (never counted); mark[id] == stamp once the current count
 * has seen id. */
struct groups {
	size_t *mark, stamp;     /* per user or IP number */
	size_t nmark;
	unsigned *live;          /* per user number: its attempts in the spray window (ip_findings) */
	int64_t *earliest;       /* per IP number: its earliest attempt in a user's group (success_after) */
	struct strbuf key;       /* a success's user key (success_after) */
};

static size_t ip_group(const struct summary_attempt *a) { return a->from->group; }
static size_t user_id(const struct summary_attempt *a) { return *a->who->key->user ? a->who->key->group : 0; }

/* Room for numbers up to n in mark and live (new ones never seen). */
static void groups_fit(struct groups *x, size_t n)
{
	if (n < x->nmark)
		return;
	size_t cap = x->nmark ? x->nmark : 64;
	while (cap <= n)
		cap *= 2;
	x->mark = realloc(x->mark, cap * sizeof *x->mark);
	x->live = realloc(x->live, cap * sizeof *x->live);
	if (!x->mark || !x->live)
		abort();
	memset(x->mark + x->nmark, 0, (cap - x->nmark) * sizeof *x->mark);
	memset(x->live + x->nmark, 0, (cap - x->nmark) * sizeof *x->live);
	x->nmark = cap;
}

static void groups_free(struct groups *x)
{
	free(x->mark);
	free(x->live);
	free(x->earliest);
	sb_free(&x->key);
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

/* An address's group (index + 1), 0 for none: an address is its own group. */
static size_t ip_group_of(const struct summary_attempts *l, const char *ip)
{
	uintptr_t k = (uintptr_t)strmap_get(&l->ips, ip);
	return k ? l->ip_list[k - 1]->group : 0;
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

/* Lockouts through AD FS, or bad passwords near the extranet threshold: counts[] = attempts refused by the extranet
 * lockout, attempts refused because AD had locked the account, the most bad passwords within the observation window;
 * dc: an attempt that led to a DC's 4740. Only what happened is said: "0 AD lockouts" beside a DC's 4740 read as a
 * contradiction (the 4740 is the lockout; the count is of attempts refused after it). */
static void lockout_pressure(struct summary *s, size_t *cap, const struct summary_attempt *a, const struct group *g,
			     const struct summary_thresholds *t, const unsigned counts[3], const struct summary_attempt *dc)
{
	struct finding *f = finding_new(s, cap, FINDING_LOCKOUT_PRESSURE, a[g->idx[0]].who->user);
	finding_fill(s, f, a, g->idx, g->n);
	f->internal = private_only(a, g);
	struct strbuf d = {0};
	if (dc) /* the DC lockout AD FS caused */
		sb_printf(&d, "locked in AD through %s (4740 on %s)", dc->via->server, dc->via->dc_lockout);
	if (counts[0])
		sb_printf(&d, "%s%u attempt%s refused by the extranet lockout (AD FS refused without asking a DC)",
			  d.len ? "; " : "", counts[0], counts[0] == 1 ? "" : "s");
	if (counts[1])
		sb_printf(&d, "%s%u attempt%s refused because the account was locked in AD", d.len ? "; " : "",
			  counts[1], counts[1] == 1 ? "" : "s");
	char window[32];
	if (t->lockout_threshold)
		sb_printf(&d, "%sup to %u bad password%s within the %s observation window (threshold %u)",
			  d.len ? "; " : "", counts[2], counts[2] == 1 ? "" : "s",
			  finding_window(window, t->observation_window), t->lockout_threshold);
	snprintf(f->detail, sizeof f->detail, "%s", sb_cstr(&d));
	sb_free(&d);
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
		char window[32];
		snprintf(f->detail, sizeof f->detail, "%u attempts within %s, %u in all", burst,
			 finding_window(window, t->brute_window), (unsigned)g->n);
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
	char window[32];
	snprintf(f->detail, sizeof f->detail, "%u users within %s, %u users and %zu attempts in all%s", best,
		 finding_window(window, t->spray_window), distinct(x, a, g, 0, g->n, true), g->n,
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
	for (size_t j = 0; j < c->nok; j++) { /* the account's successes typed as this user (not another domain's) */
		const struct success *o = &ok[c->ok[j].k];
		size_t ip = c->ok[j].ip;
		if (o->time > a[g->idx[0]].time && x->mark[ip] == x->stamp && x->earliest[ip] < o->time &&
		    !strcmp(user_account_key(&x->key, o->user), g->key))
			return o->ip;
	}
	return NULL;
}

static void user_row(struct user_row *r, struct groups *x, struct accounts *m, const struct summary_attempt *a,
		     const struct group *g, const struct success *ok)
{
	*r = (struct user_row){.user = a[g->idx[0]].who->user, .user_key = g->key, .attempts = (unsigned)g->n};
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

static void ip_row(struct ip_row *r, struct groups *x, const struct summary_attempt *a, const struct group *g)
{
	*r = (struct ip_row){.ip = g->key, .ip_class = a[g->idx[0]].from->ip_class, .attempts = (unsigned)g->n};
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

/* Reads the next batch of records that `same` says belong together (records of one user key, or one address). */
static bool next_batch(struct batch *b, const struct summary_attempts *l, struct sorted_runs *runs,
		       bool (*same)(const struct batch *b, const struct summary_record *r))
{
	batch_clear(b);
	const uint8_t *rec;
	struct summary_record r;
	while ((rec = sorted_runs_peek(runs))) {
		summary_record_read(rec, &r);
		if (b->n && !same(b, &r))
			break;
		batch_add(b, l, &r);
		b->ip = r.ip;
		sorted_runs_pop(runs);
	}
	return b->n > 0;
}

static bool same_key(const struct batch *b, const struct summary_record *r)
{
	return same_text(b->a[0].who->key->user, r->key, r->key_len);
}

static bool same_ip(const struct batch *b, const struct summary_record *r)
{
	return r->ip == b->ip;
}

/* What a released run store did: into the summary's spill_error and lost_bytes. */
static void runs_state(struct summary *s, const struct sorted_runs *r)
{
	s->spill_error = s->spill_error ? s->spill_error : r->spill_error;
	s->lost_bytes += r->lost_bytes;
}

const char *summary_kept_in_memory(const struct summary *s)
{
	return s->spill_error ? s->spill_error : user_rows_spill_error(s->user_rows);
}

uint64_t summary_lost_bytes(const struct summary *s) { return s->lost_bytes + user_rows_lost_bytes(s->user_rows); }

/* Each user's row and findings; every attempt into the chart's totals. */
static void users_pass(struct summary *s, struct summary_attempts *l, struct groups *x, struct accounts *m,
		       const struct success *ok, const struct summary_thresholds *t)
{
	struct batch b = {0};
	sorted_runs_finish(l->by_user);
	s->user_rows = user_rows_new();
	while (next_batch(&b, l, l->by_user, same_key)) {
		struct group g = {.key = b.a[0].who->key->user, .idx = b.idx, .n = b.n};
		struct user_row r;
		user_row(&r, x, m, b.a, &g, ok);
		user_rows_add(s->user_rows, &r);
		s->nnamed_users += *g.key != 0;
		user_findings(s, &s->capfindings, b.a, &g, t);
		for (size_t i = 0; i < b.n; i++)
			s->bins.total[bins_bar(&s->bins, b.a[i].time)]++;
	}
	s->nusers = user_rows_count(s->user_rows);
	sorted_runs_release(l->by_user);
	runs_state(s, l->by_user);
	batch_free(&b);
}

/* Each address's row, findings and windows (the windows in the order of the sorted rows); the chart's top
 * addresses; the attempts a success may follow. */
static void ips_pass(struct summary *s, struct summary_attempts *l, struct groups *x, const struct summary_thresholds *t,
		     struct chart_top *top, struct compromise_pairs *pairs)
{
	struct batch b = {0};
	struct sorted_runs *by_ip = l->by_ip; /* NULL without attempts */
	struct range {
		size_t start, end;
	} *windows = calloc(l->nip_groups + 1, sizeof *windows); /* per IP group: its windows (none if not read) */
	size_t capw = 0;
	s->ips = calloc(l->nip_groups + 1, sizeof *s->ips);
	if (!windows || !s->ips)
		abort();
	if (by_ip)
		sorted_runs_finish(by_ip);
	while (by_ip && next_batch(&b, l, by_ip, same_ip)) {
		struct group g = {.key = b.a[0].from->ip, .idx = b.idx, .n = b.n};
		groups_fit(x, b.nkeys);
		struct ip_row *r = &s->ips[s->nips++];
		ip_row(r, x, b.a, &g);
		ip_findings(s, &s->capfindings, x, b.a, &g, t);
		windows[b.a[0].from->group].start = s->nwindows;
		ip_windows(s, &capw, x, b.a, &g);
		windows[b.a[0].from->group].end = s->nwindows;
		if (s->nattempts)
			chart_offer(top, &s->bins, r, b.a, b.n);
		for (size_t i = 0; i < b.n; i++)
			compromise_pairs_add(pairs, &b.a[i]);
	}
	if (by_ip) {
		sorted_runs_release(by_ip);
		runs_state(s, by_ip);
	}
	batch_free(&b);
	qsort(s->ips, s->nips, sizeof *s->ips, cmp_ips);
	struct ip_window *sorted = malloc((s->nwindows + 1) * sizeof *sorted); /* each IP's windows in row order */
	if (!sorted)
		abort();
	size_t n = 0;
	for (size_t k = 0; k < s->nips; k++) {
		size_t group = ip_group_of(l, s->ips[k].ip);
		for (size_t i = windows[group].start; i < windows[group].end; i++)
			sorted[n++] = s->windows[i];
	}
	free(s->windows);
	s->windows = sorted;
	free(windows);
}

/* The addresses' pass, beside the users' (they read runs of their own): into a summary of its own (findings, rows,
 * windows, their texts), joined to the whole one afterwards (ips_join). */
struct ips_job {
	struct summary part;
	struct summary_attempts *l;
	const struct summary_thresholds *t;
	struct chart_top *top;
	struct compromise_pairs *pairs;
};

static void *ips_apart(void *arg)
{
	struct ips_job *j = arg;
	struct groups x = {0};
	groups_fit(&x, j->l->nip_groups);
	ips_pass(&j->part, j->l, &x, j->t, j->top, j->pairs);
	groups_free(&x);
	return NULL;
}

/* The addresses' findings after the users' (the order they had when the passes ran one after the other), their
 * rows, windows and texts. */
static void ips_join(struct summary *s, struct summary *part)
{
	for (size_t i = 0; i < part->nfindings; i++) {
		s->findings = vec_grow(s->findings, &s->capfindings, s->nfindings, sizeof *s->findings);
		s->findings[s->nfindings++] = part->findings[i];
	}
	free(part->findings);
	arena_adopt(&s->arena, &part->arena);
	s->ips = part->ips;
	s->nips = part->nips;
	s->windows = part->windows;
	s->nwindows = part->nwindows;
	s->spill_error = s->spill_error ? s->spill_error : part->spill_error;
	s->lost_bytes += part->lost_bytes;
}

void summary_build(struct summary *s, struct summary_attempts *l, const struct fact *const *dc, size_t ndc,
		   const struct success *ok, size_t nok, const struct summary_thresholds *t, unsigned threads)
{
	memset(s, 0, sizeof *s);
	s->nattempts = l->n;
	s->first = l->first;
	s->last = l->last;
	s->servers = l->server_list;
	s->nservers = l->nservers;
	s->data_end = l->n ? l->last : 0;
	if (nok && ok[nok - 1].time > s->data_end)
		s->data_end = ok[nok - 1].time;
	if (l->n)
		bins_init(&s->bins, l->first, l->last);
	struct groups x = {0};
	groups_fit(&x, l->nip_groups);
	x.earliest = calloc(l->nip_groups + 1, sizeof *x.earliest);
	if (!x.earliest)
		abort();
	struct accounts m;
	accounts_build(&m, l, dc, ndc, ok, nok);
	struct compromise_pairs pairs;
	compromise_pairs_init(&pairs, ok, nok);
	struct ips_job ips = {.part = {.nattempts = s->nattempts, .bins = s->bins, .data_end = s->data_end}, .l = l,
			      .t = t, .top = chart_top_new(cmp_ips), .pairs = &pairs};
	pthread_t thread;
	bool apart = threads > 1 && pthread_create(&thread, NULL, ips_apart, &ips) == 0;
	if (l->n)
		users_pass(s, l, &x, &m, ok, t);
	if (apart)
		pthread_join(thread, NULL);
	else
		ips_apart(&ips);
	ips_join(s, &ips.part);
	bins_finish(&s->bins, ips.top);
	bc_release_free_memory(); /* the runs and the batches: given back, not left as holes */
	findings_compromise(s, &s->capfindings, &pairs, ok, nok, t->compromise_window);
	findings_finish(s);
	compromise_pairs_free(&pairs);
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
	findings_internet_lockouts(s, &s->capfindings, l, n);
	findings_finish(s);
}

struct guessing_job {
	struct summary *s;
	const struct summary_thresholds *t;
	int64_t last;                /* the last failure of any source */
};

static void guessing_source(void *ctx, const struct guessing_source *g)
{
	struct guessing_job *j = ctx;
	findings_guessing(j->s, &j->s->capfindings, g, j->t);
	j->s->outside_sources += g->kind != SOURCE_SENDER; /* a 4648's sender tried; the failures are the targets' */
	if (g->last > j->last)
		j->last = g->last;
}

size_t summary_add_guessing(struct summary *s, struct guessing *g, const struct summary_thresholds *t)
{
	size_t from = s->nfindings;
	struct guessing_job job = {s, t, INT64_MIN};
	size_t failures = guessing_each(g, t->brute_window, t->spray_window, guessing_source, &job);
	s->outside_failures = failures;
	if (job.last > s->data_end)
		s->data_end = job.last;
	if (s->nfindings > from || job.last > INT64_MIN)
		findings_finish(s); /* the new ones rated, and whether each goes on measured against the new end */
	return failures;
}

void summary_add_cleared(struct summary *s, const struct log_clear *c, size_t n)
{
	findings_cleared(s, &s->capfindings, c, n);
	if (n)
		findings_finish(s);
}

void summary_free(struct summary *s)
{
	arena_free(&s->arena);
	user_rows_free(s->user_rows);
	free(s->ips);
	free(s->findings);
	free(s->windows);
	memset(s, 0, sizeof *s);
}
