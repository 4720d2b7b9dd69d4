/* findings.c: a finding's evidence and verdict. Each finding is filled from its attempts (how many, which users and
 * addresses most, the endpoint and client application most used, the Exchange Online addresses that relayed them,
 * whether its last attempt falls in the last 30 minutes of the data), then rated: critical for a compromise, high
 * for an attack from the internet or one still going on, medium for what an old password or AD lockouts explain,
 * low for an internet address below the thresholds; and given next steps that name what was attacked. Some kinds
 * come from other facts: a compromise (a success of an account after failures from the same address, or from an
 * address that sprayed), an AD lockout cadence (one account locked again and again), internet lockouts (per address)
 * and cleared logs (per computer). badcreds(1) "summary". */
#include "scan/findings.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "badcreds/filetime.h"
#include "badcreds/guessing.h"
#include "badcreds/strmap.h"
#include "badcreds/text.h"
#include "util/vec.h"

static const int64_t ONGOING = 30 * FILETIME_MINUTE;

struct finding *finding_new(struct summary *s, size_t *cap, enum finding_kind k, const char *subject)
{
	s->findings = vec_grow(s->findings, cap, s->nfindings, sizeof *s->findings);
	struct finding *f = &s->findings[s->nfindings++];
	memset(f, 0, sizeof *f);
	f->kind = k;
	f->subject = arena_copy(&s->arena, subject, strlen(subject) + 1); /* a user's text lives as long as its batch */
	f->endpoint = f->client_app = f->relays = f->server = f->activity = f->instance = "";
	f->top_user = f->top_ip = f->prt_device = "";
	return f;
}

/* AD FS's zero activity ID says so; the client application (x-ms-client-application, Microsoft.Exchange...) is a
 * header any client sends, so it counts only where AD FS logs no activity ID at all (AD FS 2.0): an attacker who
 * names Microsoft.Exchange must not pass for Exchange Online. */
bool attempt_relayed(const struct attempt *a)
{
	if (a->activity)
		return !*a->activity;
	return a->client_app && !strncasecmp(a->client_app, "Microsoft.Exchange", 18);
}

/* Values counted by name; the most frequent come out as "name (n), ...". The names are borrowed: they outlive the
 * tally (add_relays copies its own into the tally's arena). */
struct tally {
	struct arena arena;
	struct strmap index;     /* name -> its number + 1 in seen */
	struct tallied {
		const char *name;
		size_t count;
	} *seen;                 /* in the order first seen */
	size_t n, cap;
};

/* Counts `name` under `key` (names of one key count together, shown as the first seen). */
static void tally_add_as(struct tally *t, const char *key, const char *name)
{
	if (!name || !*name)
		return;
	uintptr_t k = (uintptr_t)strmap_get(&t->index, key);
	if (!k) {
		t->seen = vec_grow(t->seen, &t->cap, t->n, sizeof *t->seen);
		t->seen[t->n] = (struct tallied){name, 0};
		k = ++t->n;
		if (key == name)
			strmap_put_borrowed(&t->index, name, (void *)k);
		else
			strmap_put(&t->index, key, (void *)k);
	}
	t->seen[k - 1].count++;
}

static void tally_add(struct tally *t, const char *name) { tally_add_as(t, name, name); }

/* A name as an item of a list "a (3), b (2)", in at most `room` bytes: in double quotes (inner ones doubled) when it
 * holds a comma, a parenthesis or a quote, so that a name typed as 'x (999), ceo@contoso.com' reads as one item,
 * not two; a longer name is cut at a character and ends in "..." inside its quotes, which are never cut off. */
static void list_item(struct strbuf *list, const char *name, size_t room)
{
	bool quoted = name[strcspn(name, ",()\"")] != 0;
	struct strbuf item = {0};
	for (const char *p = name; *p; p++) {
		if (*p == '"')
			sb_addc(&item, '"');
		sb_addc(&item, *p);
	}
	size_t marks = quoted ? 2 : 0, keep = item.len;
	if (keep + marks > room) { /* cut: whole characters, never half of a doubled quote */
		keep = room > marks + 3 ? utf8_cut(sb_cstr(&item), room - marks - 3) : 0;
		for (size_t q = 0; q < keep; q++) /* a doubled quote is two bytes: keep both or neither */
			if (item.data[q] == '"' && ++q == keep)
				keep--;
	}
	if (quoted)
		sb_addc(list, '"');
	sb_add(list, item.data, keep);
	if (keep < item.len)
		sb_adds(list, "...");
	if (quoted)
		sb_addc(list, '"');
	sb_free(&item);
}

/* The most frequent name (NULL if none; of equally frequent ones the first seen); with `out`, the top three with
 * their counts, each in a third of `size` (a long name cut by list_item, its count kept). The counts of those are
 * zeroed. */
/* One item of a top list: ", " unless it is the first, the name (list_item) and " (n)", the name cut so that all
 * of it fits in `share` bytes; nothing when not even the count does. */
static void top_item(struct strbuf *list, bool first, const char *name, unsigned long count, size_t share)
{
	char text[32];
	size_t around = (first ? 0 : 2) + (size_t)snprintf(text, sizeof text, " (%lu)", count);
	if (share <= around)
		return;
	sb_adds(list, first ? "" : ", ");
	list_item(list, name, share - around);
	sb_adds(list, text);
}

static const char *tally_top(struct tally *t, char *out, size_t size)
{
	const char *best = NULL;
	struct strbuf list = {0};
	for (int round = 0; round < 3; round++) {
		struct tallied *top = NULL;
		for (size_t i = 0; i < t->n; i++)
			if (t->seen[i].count > (top ? top->count : 0))
				top = &t->seen[i];
		if (!top)
			break;
		best = best ? best : top->name;
		if (out)
			top_item(&list, !round, top->name, (unsigned long)top->count, (size - 1) / 3);
		top->count = 0; /* counted: out of the next rounds */
	}
	if (out)
		snprintf(out, size, "%s", list.len ? sb_cstr(&list) : "");
	sb_free(&list);
	return best;
}

static void tally_free(struct tally *t)
{
	free(t->seen);
	strmap_free(&t->index);
	arena_free(&t->arena);
}

/* The Exchange Online addresses that relayed an attempt (summary_via.relays), each counted. */
static void add_relays(struct tally *t, const char *relays)
{
	for (const char *p = relays; p && *p;) {
		size_t len = strcspn(p, " ");
		char *ip = arena_alloc(&t->arena, len + 1);
		memcpy(ip, p, len);
		ip[len] = 0;
		tally_add(t, ip);
		p += len + (p[len] == ' ');
	}
}

void finding_fill(struct summary *s, struct finding *f, const struct summary_attempt *a, const size_t *idx,
		  size_t n)
{
	struct tally users = {0}, accounts = {0}, ips = {0}, endpoints = {0}, apps = {0}, relays = {0}, devices = {0};
	struct tally *all[] = {&users, &accounts, &ips, &endpoints, &apps, &relays, &devices};
	for (size_t k = 0; k < sizeof all / sizeof all[0]; k++)
		all[k]->index.arena = &all[k]->arena;
	for (size_t i = 0; i < n; i++) {
		const struct summary_attempt *x = &a[idx[i]];
		tally_add(&users, x->who->user); /* each form typed, for the top users */
		if (*x->who->key->user)
			tally_add(&accounts, x->who->key->user); /* the users as the rows count them */
		tally_add(&ips, x->from->ip);
		tally_add(&endpoints, x->via->endpoint);
		tally_add(&apps, x->via->client_app);
		tally_add(&devices, x->via->prt_device);
		if (x->via->relayed)
			add_relays(&relays, x->via->relays);
	}
	f->attempts = (unsigned)n;
	f->users = (unsigned)accounts.n;
	f->ips = (unsigned)ips.n;
	if (n) {
		f->first = a[idx[0]].time;
		f->last = a[idx[n - 1]].time;
	}
	const char *u = tally_top(&users, f->top_users, sizeof f->top_users);
	const char *ip = tally_top(&ips, f->top_ips, sizeof f->top_ips);
	f->top_user = u ? arena_copy(&s->arena, u, strlen(u) + 1) : "";
	f->top_ip = ip ? ip : "";
	const char *e = tally_top(&endpoints, NULL, 0), *c = tally_top(&apps, NULL, 0);
	char r[160] = "";
	tally_top(&relays, r, sizeof r);
	f->endpoint = e ? e : "";
	f->client_app = c ? c : "";
	f->relays = arena_copy(&s->arena, r, strlen(r) + 1);
	const char *d = tally_top(&devices, NULL, 0);
	f->prt_device = d ? d : "";
	for (size_t k = 0; k < sizeof all / sizeof all[0]; k++)
		tally_free(all[k]);
}

struct pair {
	struct summary_attempt *a;   /* copies, in time order, their users in the pairs' arena */
	size_t *idx;                 /* 0, 1, 2...: finding_fill's indexes */
	size_t n, cap, capidx;
};

static const char *pair_key(struct strbuf *key, const char *user, const char *ip)
{
	struct strbuf account = {0};
	key->len = 0;
	sb_adds(key, user_account_key(&account, user)); /* as the user rows count them: another domain's stays apart */
	sb_addc(key, '\n');
	sb_adds(key, ip);
	sb_free(&account);
	return sb_cstr(key);
}

void compromise_pairs_init(struct compromise_pairs *c, const struct success *ok, size_t nok)
{
	memset(c, 0, sizeof *c);
	c->pairs.arena = c->done.arena = &c->arena;
	c->all = calloc(nok + 1, sizeof *c->all);
	if (!c->all)
		abort();
	for (size_t j = 0; j < nok; j++) /* the pairs a success may look at: only their attempts are kept */
		if (ok[j].user && ok[j].ip && *ok[j].ip && !strmap_get(&c->pairs, pair_key(&c->key, ok[j].user, ok[j].ip)))
			strmap_put(&c->pairs, sb_cstr(&c->key), (void *)(uintptr_t)++c->npairs);
}

void compromise_pairs_add(struct compromise_pairs *c, const struct summary_attempt *a)
{
	if (!c->npairs || !*a->from->ip)
		return;
	uintptr_t k = (uintptr_t)strmap_get(&c->pairs, pair_key(&c->key, a->who->user, a->from->ip));
	if (!k)
		return;
	struct pair *p = &c->all[k - 1];
	struct summary_user *who = p->n ? p->a[p->n - 1].who : NULL; /* a user typed as before: the same copy */
	if (!who || strcmp(who->user, a->who->user)) {
		who = arena_alloc(&c->arena, sizeof *who);
		*who = (struct summary_user){arena_copy(&c->arena, a->who->user, strlen(a->who->user) + 1), who, 0};
	}
	p->a = vec_grow(p->a, &p->cap, p->n, sizeof *p->a);
	p->idx = vec_grow(p->idx, &p->capidx, p->n, sizeof *p->idx);
	p->a[p->n] = (struct summary_attempt){a->time, who, a->from, a->via};
	p->idx[p->n] = p->n;
	p->n++;
}

void compromise_pairs_free(struct compromise_pairs *c)
{
	for (size_t i = 0; i < c->npairs; i++) {
		free(c->all[i].a);
		free(c->all[i].idx);
	}
	free(c->all);
	sb_free(&c->key);
	strmap_free(&c->pairs);
	strmap_free(&c->done);
	arena_free(&c->arena);
	memset(c, 0, sizeof *c);
}

/* The attack an address made, if a spray (legacy or not) among the first n findings names it. */
static const struct finding *attack_from(const struct summary *s, size_t n, const char *ip)
{
	for (size_t i = 0; i < n; i++)
		if ((s->findings[i].kind == FINDING_SPRAY || s->findings[i].kind == FINDING_LEGACY_SPRAY) &&
		    !strcmp(s->findings[i].subject, ip))
			return &s->findings[i];
	return NULL;
}

/* How many of a pair's attempts come before t. */
static size_t count_before(const struct pair *p, int64_t t)
{
	size_t n = 0;
	while (p && n < p->n && p->a[n].time < t)
		n++;
	return n;
}

/* failed: the account's failures from the success's address before it (the first `failed` of the pair). */
static void compromise(struct summary *s, size_t *cap, const struct pair *p, size_t failed,
		       const struct finding *attacker, const struct success *o)
{
	struct finding copy, *attack = attacker ? &copy : NULL; /* finding_new may move the findings */
	if (attacker)
		copy = *attacker;
	struct finding *f = finding_new(s, cap, FINDING_COMPROMISE, o->user);
	if (failed)
		finding_fill(s, f, p->a, p->idx, failed);
	f->last = o->time;
	f->first = failed ? f->first : o->time;
	f->server = o->server;
	f->activity = o->activity ? o->activity : "";
	f->instance = o->instance ? o->instance : "";
	int len = snprintf(f->detail, sizeof f->detail, "signed in from %s on %s", o->ip, o->server);
	if (failed && len > 0 && (size_t)len < sizeof f->detail)
		len += snprintf(f->detail + len, sizeof f->detail - (size_t)len, " after %zu failure%s from that address",
				failed, failed == 1 ? "" : "s");
	if (attack && len > 0 && (size_t)len < sizeof f->detail)
		snprintf(f->detail + len, sizeof f->detail - (size_t)len, "; %s sprayed %u users%s", attack->subject,
			 attack->users, attack->kind == FINDING_LEGACY_SPRAY ? " through Exchange Online" : "");
	if (!f->top_ips[0])
		snprintf(f->top_ips, sizeof f->top_ips, "%s (0)", o->ip);
	f->top_ip = o->ip;
}

void findings_compromise(struct summary *s, size_t *cap, struct compromise_pairs *c, const struct success *ok,
			 size_t nok, int64_t window)
{
	size_t nattacks = s->nfindings; /* the findings made so far: the attacks a success may follow */
	for (size_t j = 0; j < nok; j++) {
		const struct success *o = &ok[j];
		if (!o->user || !o->ip || !*o->ip || strmap_get(&c->done, pair_key(&c->key, o->user, o->ip)))
			continue;
		uintptr_t k = (uintptr_t)strmap_get(&c->pairs, sb_cstr(&c->key));
		const struct pair *p = k ? &c->all[k - 1] : NULL;
		size_t failed = count_before(p, o->time);
		const struct finding *attack = attack_from(s, nattacks, o->ip);
		bool after_failure = failed && o->time - p->a[failed - 1].time <= window;
		bool from_attacker = attack && o->time >= attack->first && o->time - attack->last <= window;
		if (!after_failure && !from_attacker)
			continue;
		strmap_put(&c->done, sb_cstr(&c->key), &c->done);
		compromise(s, cap, p, after_failure ? failed : 0, attack, o);
	}
}

/* The lockouts of one account, in time order (lockouts come in time order). */
struct locked {
	const struct lockout **l;
	size_t n, cap;
};

static void cadence(struct summary *s, size_t *cap, const struct locked *k)
{
	const struct lockout *latest = k->l[k->n - 1];
	struct finding *f = finding_new(s, cap, FINDING_AD_LOCKOUT_CADENCE, latest->account);
	f->first = k->l[0]->locked_at;
	f->last = latest->locked_at;
	long gap = (long)((f->last - f->first) / (int64_t)(k->n - 1) / FILETIME_MINUTE);
	const char *source = *latest->source_host ? latest->source_host : latest->source_ip;
	snprintf(f->detail, sizeof f->detail, "locked out %zu times, every %ld min on average; latest cause %s%s%s",
		 k->n, gap, lockout_cause_name(latest->cause), *source ? " from " : "", source);
	utf8_trim(f->detail);
	snprintf(f->next_step, sizeof f->next_step, "%s", latest->next_step);
	utf8_trim(f->next_step);
	f->server = latest->via;
}

void findings_cadence(struct summary *s, size_t *cap, const struct lockout *l, size_t n)
{
	struct arena arena = {0};
	struct strmap index = {.arena = &arena};
	struct strbuf key = {0};
	struct locked *accounts = calloc(n + 1, sizeof *accounts);
	size_t naccounts = 0;
	if (!accounts)
		abort();
	for (size_t i = 0; i < n; i++) {
		uintptr_t k = (uintptr_t)strmap_get(&index, account_key(&key, l[i].account));
		if (!k)
			strmap_put(&index, sb_cstr(&key), (void *)(uintptr_t)(k = ++naccounts));
		struct locked *c = &accounts[k - 1];
		c->l = vec_grow(c->l, &c->cap, c->n, sizeof *c->l);
		c->l[c->n++] = &l[i];
	}
	for (size_t k = 0; k < naccounts; k++) {
		if (accounts[k].n >= 2)
			cadence(s, cap, &accounts[k]);
		free(accounts[k].l);
	}
	free(accounts);
	sb_free(&key);
	strmap_free(&index);
	arena_free(&arena);
}

/* The lockouts that wrong passwords from one internet address caused through a server other than AD FS (whose
 * attempts make findings of their own): one finding per address, with the accounts, the DCs' wrong passwords, the
 * refusals after, and the latest lockout's next step. One pass over the lockouts (time order), a group per address. */
struct internet_group {
	size_t finding;                  /* its index in s->findings (which may move as it grows) */
	unsigned failures, refused;
	struct strbuf accounts;          /* the first three */
	const struct lockout *latest;
};

static void internet_add(struct finding *f, struct internet_group *g, const struct lockout *l)
{
	int64_t first = l->first_failure ? l->first_failure : l->locked_at;
	if (!g->latest || first < f->first)
		f->first = first;
	f->last = l->locked_at;
	g->failures += l->failures;
	g->refused += l->still_failing;
	if (f->users++ < 3) {
		sb_adds(&g->accounts, f->users > 1 ? ", " : "");
		list_item(&g->accounts, l->account, SIZE_MAX);
	}
	g->latest = l;
}

static void internet_finish(struct summary *s, struct finding *f, struct internet_group *g)
{
	const struct lockout *latest = g->latest;
	f->attempts = g->failures;
	f->ips = 1;
	f->top_ip = f->subject;
	f->top_user = arena_copy(&s->arena, latest->account, strlen(latest->account) + 1);
	snprintf(f->top_users, sizeof f->top_users, "%s%s", sb_cstr(&g->accounts), f->users > 3 ? ", ..." : "");
	snprintf(f->top_ips, sizeof f->top_ips, "%s", f->subject);
	utf8_trim(f->top_users);
	struct strbuf detail = {0};
	sb_printf(&detail, "%u account%s locked out (%s) by wrong passwords through %s on %s", f->users,
		  f->users == 1 ? "" : "s", f->top_users, lockout_cause_name(latest->cause), *latest->via ? latest->via :
		  "-");
	if (*latest->source_host) /* a workstation name the client supplied: an attacker picks it */
		sb_printf(&detail, " (the client named itself %s)", latest->source_host);
	sb_printf(&detail, "; %u wrong password%s on the DCs, %u refused after", g->failures,
		  g->failures == 1 ? "" : "s", g->refused);
	snprintf(f->detail, sizeof f->detail, "%s", sb_cstr(&detail));
	utf8_trim(f->detail);
	snprintf(f->next_step, sizeof f->next_step, "%s", latest->next_step);
	utf8_trim(f->next_step);
	f->server = latest->via;
	sb_free(&detail);
}

void findings_internet_lockouts(struct summary *s, size_t *cap, const struct lockout *l, size_t n)
{
	struct arena arena = {0};
	struct strmap index = {.arena = &arena}; /* address -> group number + 1 */
	struct internet_group *groups = NULL;
	size_t ngroups = 0, capgroups = 0;
	for (size_t i = 0; i < n; i++) {
		if (!l[i].from_outside || l[i].cause == CAUSE_ADFS)
			continue;
		uintptr_t k = (uintptr_t)strmap_get(&index, l[i].source_ip);
		if (!k) {
			finding_new(s, cap, FINDING_INTERNET_LOCKOUT, l[i].source_ip);
			groups = vec_grow(groups, &capgroups, ngroups, sizeof *groups);
			groups[ngroups] = (struct internet_group){.finding = s->nfindings - 1};
			strmap_put(&index, l[i].source_ip, (void *)(k = ++ngroups));
		}
		internet_add(&s->findings[groups[k - 1].finding], &groups[k - 1], &l[i]);
	}
	for (size_t k = 0; k < ngroups; k++) {
		internet_finish(s, &s->findings[groups[k].finding], &groups[k]);
		sb_free(&groups[k].accounts);
	}
	free(groups);
	strmap_free(&index);
	arena_free(&arena);
}

/* The clears of one computer's logs: one finding, with how many, which logs, when and by whom. */
struct cleared_group {
	size_t finding;                  /* its index in s->findings (which may move as it grows) */
	unsigned clears;
	struct tally logs;               /* the logs cleared, counted without case */
	struct tally who;                /* the accounts that cleared them, counted by user_account_key */
};

/* A computer's or log's name as a key: ASCII letters in lower case (Windows compares them without case). */
static const char *ascii_lower(struct strbuf *out, const char *name)
{
	out->len = 0;
	for (const char *p = name; *p; p++)
		sb_addc(out, *p >= 'A' && *p <= 'Z' ? (char)(*p - 'A' + 'a') : *p);
	return sb_cstr(out);
}

/* The three most frequent of a tally as a list in `size` bytes, ", ..." after them when there are more. */
static const char *top_list(struct tally *t, char *out, size_t size)
{
	size_t n = t->n;
	const char *top = tally_top(t, out, size - 5);
	if (n > 3)
		strcat(out, ", ...");
	return top;
}

/* A name alone as list_item writes it (quoted when it holds a comma, a parenthesis or a quote; cut to fit) in `size`
 * bytes. */
static const char *one_item(char *out, size_t size, const char *name)
{
	struct strbuf item = {0};
	list_item(&item, name, size - 1);
	snprintf(out, size, "%s", sb_cstr(&item));
	sb_free(&item);
	return out;
}

static void cleared_finish(struct summary *s, struct finding *f, struct cleared_group *g)
{
	char logs[96], who[112];
	size_t nlogs = g->logs.n;
	const char *log = top_list(&g->logs, logs, sizeof logs);
	const char *top = top_list(&g->who, who, sizeof who); /* every clear counts in it, "an unknown account" too */
	f->users = (unsigned)g->who.n;
	f->top_user = arena_copy(&s->arena, top, strlen(top) + 1);
	snprintf(f->top_users, sizeof f->top_users, "%s", who);
	if (nlogs == 1) /* the log alone, in the room of the list: a long name would leave the accounts cut off */
		log = one_item(logs, sizeof logs, log);
	if (nlogs == 1 && g->clears == 1)
		snprintf(f->detail, sizeof f->detail, "the %s log was cleared by %s", log, one_item(who, sizeof who, top));
	else if (nlogs == 1)
		snprintf(f->detail, sizeof f->detail, "the %s log was cleared %u times by %s", log, g->clears, who);
	else
		snprintf(f->detail, sizeof f->detail, "%zu logs were cleared %u times (%s) by %s", nlogs, g->clears, logs,
			 who);
	snprintf(f->next_step, sizeof f->next_step, "the evidence before it is destroyed: find out why %s cleared %s "
		 "(%s logons, 4624 and 4672), collect copies forwarded or backed up elsewhere, and run badcreds "
		 "coverage%s", g->who.n > 1 ? "those accounts" : "that account", nlogs > 1 ? "those logs" : "the log",
		 g->who.n > 1 ? "their" : "its", g->clears > 1 ? " (it lists each clear)" : "");
}

void findings_cleared(struct summary *s, size_t *cap, const struct log_clear *c, size_t n)
{
	struct arena arena = {0};
	struct strmap index = {.arena = &arena}; /* computer name in lower case -> group number + 1 */
	struct strbuf key = {0};
	struct cleared_group **groups = NULL; /* each in `arena`: its tallies point into it */
	size_t ngroups = 0, capgroups = 0;
	for (size_t i = 0; i < n; i++) {
		uintptr_t k = (uintptr_t)strmap_get(&index, ascii_lower(&key, c[i].computer));
		if (!k) {
			struct finding *f = finding_new(s, cap, FINDING_LOG_CLEARED, c[i].computer);
			f->first = f->last = c[i].time;
			struct cleared_group *g = arena_alloc(&arena, sizeof *g);
			*g = (struct cleared_group){.finding = s->nfindings - 1};
			g->logs.index.arena = &g->logs.arena;
			g->who.index.arena = &g->who.arena;
			groups = vec_grow(groups, &capgroups, ngroups, sizeof *groups);
			groups[ngroups] = g;
			strmap_put(&index, sb_cstr(&key), (void *)(k = ++ngroups));
		}
		struct cleared_group *g = groups[k - 1];
		struct finding *f = &s->findings[g->finding];
		f->first = c[i].time < f->first ? c[i].time : f->first;
		f->last = c[i].time > f->last ? c[i].time : f->last;
		g->clears++;
		const char *log = *c[i].log ? c[i].log : "unnamed"; /* a 104 without its Channel: a log all the same */
		tally_add_as(&g->logs, ascii_lower(&key, log), log);
		if (*c[i].who)
			tally_add_as(&g->who, user_account_key(&key, c[i].who), c[i].who);
		else /* no Subject: counted too, under a key no account has */
			tally_add_as(&g->who, "\n", "an unknown account");
	}
	for (size_t k = 0; k < ngroups; k++) {
		cleared_finish(s, &s->findings[groups[k]->finding], groups[k]);
		tally_free(&groups[k]->logs);
		tally_free(&groups[k]->who);
	}
	free(groups);
	sb_free(&key);
	strmap_free(&index);
	arena_free(&arena);
}

const char *finding_window(char out[32], int64_t ticks)
{
	if (ticks % FILETIME_MINUTE)
		snprintf(out, 32, "%lld s", (long long)(ticks / FILETIME_SECOND));
	else
		snprintf(out, 32, "%lld min", (long long)(ticks / FILETIME_MINUTE));
	return out;
}

/* "a (3), b (2), c (1)" of a guessing source's top list, each in a third of `size`, ", ..." when there are more. */
static void guessing_top(char *out, size_t size, const struct guessing_count *top, unsigned n)
{
	struct strbuf list = {0};
	for (size_t i = 0; i < GUESSING_TOP && top[i].name; i++)
		top_item(&list, !i, *top[i].name ? top[i].name : "-", top[i].count, (size - 6) / 3);
	if (n > GUESSING_TOP)
		sb_adds(&list, ", ...");
	snprintf(out, size, "%s", list.len ? sb_cstr(&list) : "");
	sb_free(&list);
}

/* How a source's failures came, in words: "network logon, RDP". */
static void guessing_ways(struct strbuf *sb, unsigned ways)
{
	static const char *const names[] = {"network logon", "RDP", "console logon", "other logon types",
					    "Kerberos (4771)", "NTLM (4776)", "explicit credentials (4648)"};
	size_t n = 0;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (ways & (1u << i)) {
			sb_adds(sb, n++ ? ", " : "");
			sb_adds(sb, names[i]);
		}
}

/* What the failures refused besides wrong passwords: "; 40 unknown accounts, 2 refused as locked or disabled". */
static void guessing_refusals(struct strbuf *sb, const struct guessing_source *g)
{
	sb_printf(sb, "; %u wrong password%s", g->wrong_passwords, g->wrong_passwords == 1 ? "" : "s");
	if (g->unknown_accounts)
		sb_printf(sb, ", %u unknown account%s", g->unknown_accounts, g->unknown_accounts == 1 ? "" : "s");
	if (g->refused_locked)
		sb_printf(sb, ", %u refused as locked or disabled", g->refused_locked);
}

static void guessing_finding(struct summary *s, size_t *cap, const struct guessing_source *g, enum finding_kind k,
			     const struct summary_thresholds *t)
{
	struct strbuf sb = {0};
	sb_adds(&sb, g->source);
	static const char *const kinds[] = {"", " (workstation name)", " (on the host itself)", " (client not named)",
					    " (explicit credentials)"};
	sb_adds(&sb, kinds[g->kind]); /* an address, a name the client chose, the host itself, the DC, or a sender */
	struct finding *f = finding_new(s, cap, k, sb_cstr(&sb));
	f->internal = g->kind != SOURCE_ADDRESS || strcmp(g->ip_class, "public"); /* a name, the host: inside */
	f->first = g->first;
	f->last = g->last;
	f->attempts = g->failures;
	f->users = g->accounts;
	f->ips = 1;
	f->top_ip = f->subject;
	snprintf(f->top_ips, sizeof f->top_ips, "%s", f->subject);
	utf8_trim(f->top_ips);
	guessing_top(f->top_users, sizeof f->top_users, g->top_accounts, g->accounts);
	const char *top_user = k == FINDING_LOGON_BRUTE_FORCE ? g->burst_account : g->top_accounts[0].name;
	f->top_user = arena_copy(&s->arena, top_user ? top_user : "", strlen(top_user ? top_user : "") + 1);
	f->server = g->top_hosts[0].name ? arena_copy(&s->arena, g->top_hosts[0].name,
						      strlen(g->top_hosts[0].name) + 1) : "";
	char hosts[96];
	guessing_top(hosts, sizeof hosts, g->top_hosts, g->hosts);
	sb.len = 0;
	char window[32];
	bool sender = g->kind == SOURCE_SENDER; /* 4648s: tries sent from the source, failed or not */
	if (k == FINDING_LOGON_SPRAY)
		sb_printf(&sb, "%u accounts within %s, %u accounts and %u %s in all", g->spread,
			  finding_window(window, t->spray_window), g->accounts, g->failures, sender ? "tries" : "failures");
	else {
		sb_printf(&sb, "%u failures of ", g->burst);
		list_item(&sb, g->burst_account, 64);
		sb_printf(&sb, " within %s, %u in all", finding_window(window, t->brute_window), g->failures);
	}
	sb_adds(&sb, sender ? (g->hosts == 1 ? " to " : " to hosts ") : g->hosts == 1 ? " on " : " on hosts ");
	sb_adds(&sb, g->hosts == 1 ? (*f->server ? f->server : "an unnamed computer") : hosts);
	sb_adds(&sb, " by ");
	guessing_ways(&sb, g->ways);
	if (*g->process) {
		sb_adds(&sb, " (");
		list_item(&sb, g->process, 80);
		sb_addc(&sb, ')');
	}
	if (sender)
		sb_adds(&sb, "; whether they worked is in the targets' logs");
	else
		guessing_refusals(&sb, g);
	snprintf(f->detail, sizeof f->detail, "%s", sb_cstr(&sb));
	sb.len = 0;
	const char *who = k == FINDING_LOGON_SPRAY ? "those accounts" : f->top_user;
	bool inside = f->internal;
	bool tool = k == FINDING_LOGON_SPRAY || g->burst >= 5 * t->logon_attempts; /* no saved password does that */
	if (sender)
		sb_printf(&sb, "a program on that computer sent these passwords%s%s%s under that account: a spraying tool, "
			  "not a user; isolate the computer, find how the account came to run it (4624, 4688 there), and "
			  "look in the targets' logs for the failures and any success", *g->process ? " (" : "", g->process,
			  *g->process ? ")" : "");
	else if (g->kind == SOURCE_HOST)
		sb_printf(&sb, "a program on %s itself%s%s%s sent them: if it serves remote clients (sshd, a web server), "
			  "its own log names them; else find who ran it (4688, 4624 of that time); ", g->source,
			  *g->process ? " (" : "", g->process, *g->process ? ")" : "");
	else if (g->kind == SOURCE_WORKSTATION)
		sb_printf(&sb, "the events name no client address, only the name the client gave: find it in the logs "
			  "of %s (network traces, the firewall, 4624s of that time); ", *f->server ? f->server : "the host");
	else if (g->kind == SOURCE_UNNAMED)
		sb_printf(&sb, "the DC's events name no client: turn on Netlogon logging there (nltest /dbflag:0x2080ffff, "
			  "then netlogon.log) to see which machine sends them; ");
	if (!sender) { /* where the passwords came from, and what to do about it */
		if (!inside)
			sb_printf(&sb, "block %s at the firewall; do not expose RDP, SMB or WinRM to the internet (a VPN or an "
				  "RD Gateway with MFA); ", f->subject);
		else if (tool)
			sb_printf(&sb, "%s is a guessing tool, not an old saved password: isolate that machine and "
				  "investigate it; ", k == FINDING_LOGON_SPRAY ? "one machine trying that many accounts" :
				  "that many failures that fast");
		else
			sb_printf(&sb, "if it is a device, service or task with an old saved password of %s, update it "
				  "(badcreds lockouts shows what locked); otherwise isolate that machine and investigate it; ",
				  who);
		sb_printf(&sb, "look for a success of %s from that source after the failures (4624, 4768) and reset the "
			  "password of any that signed in", who);
	}
	if (g->kind == SOURCE_ADDRESS && !(g->ways & ~(unsigned)(WAY_KERBEROS | WAY_NTLM))) /* only DCs saw them */
		sb_printf(&sb, "; if %s is a DC (the PDC re-checks other DCs' failures) or a server that checks its "
			  "clients' passwords (Exchange, RADIUS), its own log names the clients", f->subject);
	snprintf(f->next_step, sizeof f->next_step, "%s", sb_cstr(&sb));
	utf8_trim(f->next_step);
	sb_free(&sb);
}

void findings_guessing(struct summary *s, size_t *cap, const struct guessing_source *g,
		       const struct summary_thresholds *t)
{
	if (g->spread >= t->spray_users)
		guessing_finding(s, cap, g, FINDING_LOGON_SPRAY, t);
	if (g->burst >= t->logon_attempts && g->kind != SOURCE_SENDER) /* one account's tries: runas, a mapped drive */
		guessing_finding(s, cap, g, FINDING_LOGON_BRUTE_FORCE, t);
}

const char *finding_name(enum finding_kind k)
{
	static const char *const names[FINDING_COUNT] = {
		"compromise", "log_cleared", "password_spray", "legacy_auth_spray", "brute_force", "stale_credential",
		"ad_lockout_cadence", "lockout_pressure", "internet_lockout", "logon_spray", "logon_brute_force", "probe",
	};
	return k < FINDING_COUNT ? names[k] : "";
}

const char *severity_name(enum severity s)
{
	static const char *const names[] = {"critical", "high", "medium", "low"};
	return names[s];
}

const char *finding_technique(enum finding_kind k)
{
	switch (k) {
	case FINDING_COMPROMISE: return "T1078";
	case FINDING_LOG_CLEARED: return "T1070.001";
	case FINDING_SPRAY: case FINDING_LEGACY_SPRAY: case FINDING_LOGON_SPRAY: return "T1110.003";
	case FINDING_BRUTE_FORCE: case FINDING_INTERNET_LOCKOUT: case FINDING_LOGON_BRUTE_FORCE: return "T1110.001";
	case FINDING_PROBE: return "T1110";
	default: return "";
	}
}

static enum severity severity_of(const struct finding *f)
{
	switch (f->kind) {
	case FINDING_COMPROMISE: return SEVERITY_CRITICAL;
	case FINDING_LOG_CLEARED: case FINDING_INTERNET_LOCKOUT: case FINDING_LOGON_SPRAY: return SEVERITY_HIGH;
	case FINDING_SPRAY: case FINDING_LEGACY_SPRAY: case FINDING_BRUTE_FORCE: case FINDING_LOGON_BRUTE_FORCE:
		return !f->internal || f->ongoing ? SEVERITY_HIGH : SEVERITY_MEDIUM;
	case FINDING_PROBE: return SEVERITY_LOW;
	default: return SEVERITY_MEDIUM;
	}
}

/* What to do about an attack from the internet, naming the endpoint it hit. */
static void internet_steps(const struct finding *f, struct strbuf *sb)
{
	if (f->kind == FINDING_LEGACY_SPRAY || (f->relays && *f->relays)) {
		sb_printf(sb, "legacy authentication relayed by Exchange Online (%s%s%s) from %s: block basic "
			  "authentication in Exchange Online (New-AuthenticationPolicy -AllowBasicAuth...:$false, "
			  "Set-User -AuthenticationPolicy) and with Conditional Access", f->client_app[0] ? f->client_app
			  : "an Exchange client", f->relays[0] ? ", relays " : "", f->relays, f->top_ip);
		return;
	}
	sb_printf(sb, "block %s at the firewall or Web Application Proxy; enable extranet smart lockout below the AD "
		  "threshold (Set-AdfsProperties -EnableExtranetLockout $true -ExtranetLockoutMode "
		  "AdfsSmartLockoutEnforce); ", f->top_ip);
	if (strstr(f->endpoint, "usernamemixed") || strstr(f->endpoint, "windowstransport"))
		sb_printf(sb, "the attack used %s: disable it if nothing needs it (Disable-AdfsEndpoint -TargetAddressPath "
			  "%s) or require MFA on it; ", f->endpoint, f->endpoint);
	else if (*f->endpoint)
		sb_printf(sb, "the attack used %s: require MFA there; ", f->endpoint);
	sb_adds(sb, "patch AD FS and the proxies (KB 4471013)");
}

static void next_steps(const struct finding *f, struct strbuf *sb)
{
	switch (f->kind) {
	case FINDING_COMPROMISE:
		sb_printf(sb, "reset the password of %s and revoke its sessions and refresh tokens "
			  "(Revoke-MgUserSignInSession); check its MFA registrations and its sign-ins since the success (the "
			  "finding's last time); look for new inbox rules and forwarding on its mailbox; block %s",
			  f->subject, f->top_ip);
		return;
	case FINDING_AD_LOCKOUT_CADENCE: case FINDING_INTERNET_LOCKOUT: case FINDING_LOG_CLEARED:
	case FINDING_LOGON_SPRAY: case FINDING_LOGON_BRUTE_FORCE:
		return; /* set with the finding */
	case FINDING_LOCKOUT_PRESSURE:
		sb_printf(sb, "keep the AD FS extranet lockout threshold below the AD one so that attacks lock the "
			  "extranet, not the account; the attempts came from %s%s", f->top_ips, f->internal ?
			  ": update the password stored in the device or service there" : "");
		return;
	case FINDING_PROBE:
		sb_printf(sb, "below the thresholds: watch %s and block it if it goes on", f->top_ip);
		return;
	default:
		break;
	}
	if (f->internal)
		sb_printf(sb, "the device or service at %s sends an old password of %s%s%s: update the credential stored "
			  "there or clear its cached credentials", f->top_ip, f->top_user, *f->client_app ? " through " :
			  "", f->client_app);
	else
		internet_steps(f, sb);
}

static int cmp_findings(const void *x, const void *y)
{
	const struct finding *a = x, *b = y;
	if (a->severity != b->severity)
		return a->severity < b->severity ? -1 : 1;
	if (a->first != b->first)
		return a->first < b->first ? -1 : 1;
	return a->kind != b->kind ? (a->kind < b->kind ? -1 : 1) : strcmp(a->subject, b->subject);
}

void findings_finish(struct summary *s)
{
	struct strbuf sb = {0};
	for (size_t i = 0; i < s->nfindings; i++) {
		struct finding *f = &s->findings[i];
		/* against the data's end as it is now: the logs added since (lockouts, failures outside AD FS) may end later */
		f->ongoing = f->kind != FINDING_LOG_CLEARED && f->last >= s->data_end - ONGOING;
		f->severity = severity_of(f);
		utf8_trim(f->detail); /* a detail cut at its size may end inside a character */
		if (f->kind == FINDING_AD_LOCKOUT_CADENCE || f->kind == FINDING_INTERNET_LOCKOUT ||
		    f->kind == FINDING_LOG_CLEARED || f->kind == FINDING_LOGON_SPRAY || f->kind == FINDING_LOGON_BRUTE_FORCE)
			continue;
		sb.len = 0;
		if (*f->prt_device) /* the device's own log says so: first, but as the hypothesis it is */
			sb_printf(&sb, "possible device PRT refresh from %s (its Entra sign-in fails against AD FS with "
				  "this user's password at the same moments: a hypothesis, badcreds prt shows the evidence): "
				  "sign in on it with the new password or run dsregcmd /refreshprt; ", f->prt_device);
		next_steps(f, &sb);
		snprintf(f->next_step, sizeof f->next_step, "%s", sb_cstr(&sb));
		utf8_trim(f->next_step);
	}
	sb_free(&sb);
	if (s->nfindings > 1)
		qsort(s->findings, s->nfindings, sizeof *s->findings, cmp_findings);
}
