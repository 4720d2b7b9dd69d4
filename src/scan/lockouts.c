/* lockouts.c: the lockout finder. It keeps what the lockout-related events say (logon.c), then, per account
 * lockout: the 4740s of the DCs that logged it, the account's wrong passwords on the DCs in the reset window before
 * it, the host whose 4625s received them (the caller computer, else the server that names the caller as the
 * client's workstation, else the host with the most failures), AD FS attempts when that host is an AD FS server,
 * and what kept failing afterwards; lockout_cause.c turns that into a cause, a source and a next step. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "badcreds/event_order.h"
#include "badcreds/filetime.h"
#include "badcreds/lockout.h"
#include "badcreds/strmap.h"
#include "scan/lockout_cause.h"
#include "scan/logon_spill.h"
#include "util/vec.h"

static const int64_t SAME_LOCKOUT = 2 * FILETIME_MINUTE; /* one lockout logged by the locking DC and the PDC */
static const int64_t HOST_SKEW = FILETIME_MINUTE;         /* a host's clock against the DC's */
static const int64_t PDC_RECHECK = 2 * FILETIME_SECOND;   /* a DC's failure logged again by the PDC emulator */
static const size_t LOGON_RUN = 65536; /* events other than 4740s held before they go to the temporary file (~12 MB) */

struct lockout_finder {
	struct lockout_settings settings;
	struct arena arena;
	struct arena scratch;        /* one event's texts until it is known to be kept */
	struct arena scratch_host;   /* note_host's */
	struct strmap texts;         /* the one copy of the texts that many events repeat (computers, processes...) */
	struct strmap rdp_hosts;     /* short names of hosts that log RemoteInteractive logons */
	struct strmap hosts;         /* short names (lower case) of the hosts of the events read -> enum lockout_caller_log */
	struct strbuf last_host;     /* the computer of the last event read and whether it had failed logons: a log's
					* events come in runs of one computer */
	enum lockout_caller_log last_log;
	struct logon *logons;        /* kept events; in time order, each once, when `ordered` */
	bool ordered;
	size_t n, cap;
	struct lockout *rows;
	size_t nrows, caprows;
	struct strbuf key;
	struct keyed_logon { const char *key; size_t i; } *by_account; /* logons by account_key, in time order */
	struct strmap spans;         /* account_key -> its struct span of by_account */
	struct strmap locked;        /* account_key of each account a 4740 names (lockout_finder_prune) */
	struct arena pending;        /* the accounts of the kept events other than 4740s, until written out */
	size_t added;                /* events kept so far: each one's order */
	size_t held, spill_at;       /* events other than 4740s in memory; written out once this many */
	struct logon_spill spill;    /* ... to this temporary file */
	struct attempt *attempts;    /* scan's attempts of those accounts, in time order (lockout_finder_attempt) */
	size_t nattempts, capattempts;
	uint8_t *recheck;            /* per kept event: a DC event's place in find_rechecks' pairs, 0 for others */
};

struct span {
	size_t start, end;
};

struct lockout_finder *lockout_finder_new(const struct lockout_settings *s)
{
	struct lockout_finder *f = calloc(1, sizeof *f);
	if (!f)
		abort();
	f->settings = *s;
	f->texts.arena = f->rdp_hosts.arena = f->hosts.arena = f->spans.arena = f->locked.arena = &f->arena;
	logon_spill_init(&f->spill);
	const char *env = getenv("BADCREDS_LOGON_RUN"); /* for the tests: written out every few events */
	f->spill_at = env && *env ? (size_t)strtoull(env, NULL, 10) : LOGON_RUN;
	if (!f->spill_at)
		f->spill_at = 1;
	return f;
}

bool lockout_relevant(uint32_t event_id, const struct evtx_value *provider)
{
	return logon_relevant(event_id, provider);
}

bool lockout_needless(const struct event_peek *p)
{
	uint32_t type;
	return p->event_id == 4624 && p->logon_type && p->logon_type(p, &type) && type != 10; /* see worth_keeping */
}

/* Lower case, for keys. */
static const char *lower_copy(struct arena *a, const char *s)
{
	size_t n = strlen(s);
	char *out = arena_alloc(a, n + 1);
	for (size_t i = 0; i <= n; i++)
		out[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
	return out;
}

/* Whether the lockouts look at it: host failures, the DCs' wrong passwords and refusals, lockouts, unlocks, the
 * services that cannot log on; a successful logon only marks an RDP host. */
static bool worth_keeping(struct lockout_finder *f, const struct logon *l)
{
	switch (l->event_id) {
	case 4624:
		if (l->logon_type == 10)
			strmap_put(&f->rdp_hosts, lower_copy(&f->arena, host_short_name(&f->arena, l->computer)), f);
		return false;
	case 4771: return l->status == KERB_BAD_PASSWORD || l->status == KERB_REVOKED;
	case 4776: return l->status == NT_BAD_PASSWORD || l->status == NT_LOCKED;
	case 4625: return logon_bad_password(l) || logon_refused_locked(l);
	default: return true;
	}
}

static const char no_logon; /* lockout_finder_prepare's answer for an event it does not take */

const void *lockout_finder_prepare(const struct event *ev, struct arena *a)
{
	if (!(ev->has & EV_HAS_EVENT_ID) || !logon_relevant(ev->event_id, &ev->provider_name))
		return &no_logon;
	struct logon *l = arena_alloc(a, sizeof *l);
	return logon_from_event(ev, a, l) ? (const void *)l : &no_logon;
}

/* The events other than 4740s to the temporary file (the 4740s stay: they say which accounts matter); when that
 * cannot be, they stay in memory and no more are written out. The order in memory does not matter (order_logons
 * sorts): the others are moved to the front in their order and written from there, the 4740s then moved down. */
static void spill_out(struct lockout_finder *f)
{
	size_t n = 0;
	for (size_t i = 0; i < f->n; i++)
		if (f->logons[i].event_id != 4740) {
			struct logon t = f->logons[n];
			f->logons[n++] = f->logons[i];
			f->logons[i] = t;
		}
	if (!logon_spill_write(&f->spill, f->logons, n)) {
		f->spill_at = SIZE_MAX;
		return;
	}
	memmove(f->logons, f->logons + n, (f->n - n) * sizeof *f->logons);
	f->n -= n;
	f->held = 0;
	arena_reset(&f->pending);
}

/* An event kept: its account copied into `own`, the texts many events repeat shared. */
static void keep(struct lockout_finder *f, struct logon l, struct arena *own)
{
	l.account = l.account ? arena_copy(own, l.account, strlen(l.account) + 1) : NULL;
	const char **shared[] = {&l.computer, &l.domain, &l.caller, &l.process, &l.logon_process, &l.auth_package,
				 &l.workstation, &l.ip, &l.service, &l.file};
	for (size_t i = 0; i < sizeof shared / sizeof shared[0]; i++)
		if (*shared[i])
			*shared[i] = strmap_intern(&f->texts, *shared[i]);
	f->logons = vec_grow(f->logons, &f->cap, f->n, sizeof *f->logons);
	f->logons[f->n++] = l;
}

/* The host of a Security event read, and whether its log has failed logons (lockout_caller_log). Successful logons
 * (4624) do not count: most are left unread in EVTX files (lockout_needless), all read in XML exports, and the two
 * must answer alike; System log events (7000, 7038) say nothing of the Security log. */
static void note_host(struct lockout_finder *f, const struct logon *l)
{
	enum lockout_caller_log log = l->event_id == 4625 ? CALLER_LOG_FAILURES : CALLER_LOG_NO_FAILURES;
	if (l->event_id == 4624 || l->event_id == 7000 || l->event_id == 7038 || !l->computer || !*l->computer)
		return;
	if (log <= f->last_log && f->last_host.len && !strcmp(sb_cstr(&f->last_host), l->computer))
		return; /* noted already */
	f->last_host.len = 0;
	sb_adds(&f->last_host, l->computer);
	f->last_log = log;
	arena_reset(&f->scratch_host);
	const char *name = lower_copy(&f->scratch_host, host_short_name(&f->scratch_host, l->computer));
	uintptr_t had = (uintptr_t)strmap_get(&f->hosts, name);
	if (had < (uintptr_t)log + 1)
		strmap_put(&f->hosts, name, (void *)((uintptr_t)log + 1));
}

/* The event kept, if the lockouts look at it. An event read twice is dropped when they are put in order
 * (order_logons). */
void lockout_finder_add(struct lockout_finder *f, const struct event *ev, const void *prepared)
{
	if (!prepared) { /* read here, into the scratch arena */
		arena_reset(&f->scratch);
		prepared = lockout_finder_prepare(ev, &f->scratch);
	}
	if (prepared == &no_logon)
		return;
	struct logon l = *(const struct logon *)prepared;
	note_host(f, &l);
	if (!worth_keeping(f, &l))
		return;
	if (!l.file)
		l.file = "";
	l.order = f->added++;
	f->ordered = false;
	keep(f, l, l.event_id == 4740 ? &f->arena : &f->pending); /* the 4740s stay in memory */
	if (l.event_id != 4740 && ++f->held >= f->spill_at)
		spill_out(f);
}

/* Time order; events of the same time by computer, EventID and EventRecordID (whatever the order of the inputs),
 * then the order they were read in, so that of an event read twice the first copy comes first. */
static int cmp_time(const void *a, const void *b)
{
	const struct logon *x = a, *y = b;
	int c = event_key_cmp((struct event_key){x->time, x->computer, x->event_id, x->record_id},
			      (struct event_key){y->time, y->computer, y->event_id, y->record_id});
	return c ? c : (x->order > y->order) - (x->order < y->order);
}

/* The same event (the same log given twice, an EVTX and its XML export): neighbours once in order. */
static bool same_logon(const struct logon *x, const struct logon *y)
{
	return !event_key_cmp((struct event_key){x->time, x->computer, x->event_id, x->record_id},
			      (struct event_key){y->time, y->computer, y->event_id, y->record_id});
}

/* The kept events in time order, each once (lockout_finder_prune and lockout_finder_run). */
static void order_logons(struct lockout_finder *f)
{
	if (f->ordered)
		return;
	if (f->n > 1)
		qsort(f->logons, f->n, sizeof *f->logons, cmp_time);
	size_t kept = f->n ? 1 : 0;
	for (size_t i = 1; i < f->n; i++)
		if (!same_logon(&f->logons[i], &f->logons[kept - 1]))
			f->logons[kept++] = f->logons[i];
	f->n = kept;
	f->ordered = true;
}

/* The key of same_logon: two events are the same exactly when their keys are equal. */
static const char *same_key(struct strbuf *key, const struct logon *l)
{
	key->len = 0;
	sb_printf(key, "%lld %lu %llu %s", (long long)l->time, (unsigned long)l->event_id,
		  (unsigned long long)l->record_id, l->computer ? l->computer : "");
	return sb_cstr(key);
}

/* Reading the written-out events back (lockout_finder_prune): those of locked accounts first, then the other copies
 * of those same events, so that de-duplicating in time order keeps the copy it would have kept in memory. */
struct restore {
	struct lockout_finder *f;
	struct strmap *same;         /* same_key of each event of a locked account */
	struct strbuf key;
	bool second;
};

static bool account_locked(struct lockout_finder *f, const char *account)
{
	return account && strmap_get(&f->locked, account_key(&f->key, account));
}

static void restore_one(void *ctx, const struct logon *l)
{
	struct restore *r = ctx;
	struct lockout_finder *f = r->f;
	bool locked = account_locked(f, l->account);
	if (r->second ? locked || !strmap_get(r->same, same_key(&r->key, l)) : !locked)
		return;
	keep(f, *l, &f->arena);
	if (!r->second)
		strmap_put(r->same, same_key(&r->key, l), f);
}

/* The accounts the 4740s name (each 4740 once, as order_logons keeps it) in f->locked. */
static void lock_accounts(struct lockout_finder *f)
{
	order_logons(f); /* first: an event read twice goes as the copy of its neighbour, whatever account it names */
	for (size_t i = 0; i < f->n; i++)
		if (f->logons[i].event_id == 4740 && f->logons[i].account)
			strmap_put(&f->locked, account_key(&f->key, f->logons[i].account), f);
}

/* After lock_accounts: the written-out events of locked accounts back in memory, with the other copies of the same
 * events. */
static void restore(struct lockout_finder *f)
{
	struct strmap same = {.arena = &f->scratch};
	struct restore r = {f, &same, {0}, false};
	arena_reset(&f->scratch);
	for (size_t i = 0; i < f->n; i++) /* events not written out count as much */
		if (f->logons[i].event_id != 4740 && account_locked(f, f->logons[i].account))
			strmap_put(&same, same_key(&r.key, &f->logons[i]), f);
	if (f->locked.n) { /* else none written out can be kept: no account was locked */
		logon_spill_each(&f->spill, restore_one, &r);
		r.second = true;
		logon_spill_each(&f->spill, restore_one, &r);
	}
	f->ordered = false;
	sb_free(&r.key);
	strmap_free(&same);
	arena_reset(&f->scratch);
}

bool lockout_finder_lost(const struct lockout_finder *f) { return f->spill.lost; }

const char *lockout_finder_spill_error(const struct lockout_finder *f) { return f->spill.error; }

void lockout_finder_prune(struct lockout_finder *f)
{
	lock_accounts(f); /* the 4740s are all in memory */
	if (f->spill.size)
		restore(f);
	order_logons(f);
	size_t kept = 0;
	for (size_t i = 0; i < f->n; i++)
		if (f->logons[i].event_id == 4740 || account_locked(f, f->logons[i].account))
			f->logons[kept++] = f->logons[i];
	f->n = kept;
	struct logon *fit = realloc(f->logons, (kept ? kept : 1) * sizeof *f->logons);
	if (fit) {
		f->logons = fit;
		f->cap = kept ? kept : 1;
	}
}

/* An AD FS attempt of a locked account that can have counted towards a lockout: a wrong password, or one refused as
 * locked (adfs_attempts takes it only at the lockout's moment: the DC's answer to the password that locked it). One
 * AD FS refused itself (extranet lockout) never reached a DC; one refused for another reason (unknown user, disabled,
 * expired, restricted) was not a wrong password. */
void lockout_finder_attempt(struct lockout_finder *f, const struct attempt *a)
{
	bool counts = a->outcome == OUTCOME_BAD_PASSWORD || a->outcome == OUTCOME_AD_LOCKED_OUT ||
		      a->outcome == OUTCOME_OTHER || a->outcome == OUTCOME_NONE;
	if (!counts || !account_locked(f, a->user))
		return;
	f->attempts = vec_grow(f->attempts, &f->capattempts, f->nattempts, sizeof *f->attempts);
	f->attempts[f->nattempts++] = (struct attempt){
		.time = a->time, .outcome = a->outcome, .user = arena_copy(&f->arena, a->user, strlen(a->user) + 1),
		.server = a->server ? strmap_intern(&f->texts, a->server) : NULL, .ip = strmap_intern(&f->texts, a->ip),
		.user_agent = a->user_agent ? strmap_intern(&f->texts, a->user_agent) : NULL,
		.client_app = a->client_app ? strmap_intern(&f->texts, a->client_app) : NULL,
		.activity = !a->activity ? NULL : *a->activity ? "-" : "", /* what attempt_relayed reads: none, some
									     * (not the ID itself), the zero ID */
		.prt_device = a->prt_device ? strmap_intern(&f->texts, a->prt_device) : NULL};
}

/* What one lockout is joined from, for lockout_cause.c. */
static void evidence_add(struct lockout_finder *f, struct lockout_case *c, const struct logon *l)
{
	c->evidence = vec_grow(c->evidence, &c->capevidence, c->nevidence, sizeof *c->evidence);
	f->key.len = 0;
	logon_describe(l, &f->key);
	c->evidence[c->nevidence++] = (struct lockout_evidence){l->file, l->event_id, l->record_id, l->time, l->computer,
								arena_copy(&f->arena, sb_cstr(&f->key), f->key.len + 1)};
}

static int cmp_keyed(const void *x, const void *y)
{
	const struct keyed_logon *a = x, *b = y;
	int c = strcmp(a->key, b->key);
	return c ? c : (a->i > b->i) - (a->i < b->i);
}

/* The kept events of each account in time order (once they are in time order): every walk of a lockout's evidence
 * is over its account's events alone (two names are the same account exactly when same_account says so), not over
 * all the kept events for each lockout. */
static void index_accounts(struct lockout_finder *f)
{
	f->by_account = malloc((f->n ? f->n : 1) * sizeof *f->by_account);
	if (!f->by_account)
		abort();
	for (size_t i = 0; i < f->n; i++) {
		const char *key = account_key(&f->key, f->logons[i].account);
		f->by_account[i] = (struct keyed_logon){arena_copy(&f->arena, key, f->key.len + 1), i};
	}
	qsort(f->by_account, f->n, sizeof *f->by_account, cmp_keyed);
	for (size_t i = 0, start = 0; i < f->n; i++)
		if (i + 1 == f->n || strcmp(f->by_account[i + 1].key, f->by_account[i].key)) {
			struct span *s = arena_alloc(&f->arena, sizeof *s);
			*s = (struct span){start, i + 1};
			strmap_put(&f->spans, f->by_account[i].key, s);
			start = i + 1;
		}
}

/* The account's events: a span of by_account (empty for an account without any). */
static struct span account_span(struct lockout_finder *f, const char *account)
{
	const struct span *s = strmap_get(&f->spans, account_key(&f->key, account));
	return s ? *s : (struct span){0, 0};
}

/* The position in the span of the account's first event at or after `from`. */
static size_t span_from(const struct lockout_finder *f, struct span s, int64_t from)
{
	size_t lo = s.start, hi = s.end;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (f->logons[f->by_account[mid].i].time < from)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Whether the "; " separated list of DCs names this computer. */
static bool lists_dc(const char *dcs, const char *computer)
{
	size_t n = strlen(computer);
	for (const char *p = dcs; p && *p; p = strstr(p, "; ") ? strstr(p, "; ") + 2 : NULL)
		if (!strncasecmp(p, computer, n) && (p[n] == ';' || !p[n]))
			return true;
	return false;
}

static bool same_host(struct arena *a, const char *computer, const char *short_lower)
{
	return *short_lower && strcasecmp(host_short_name(a, computer), short_lower) == 0;
}

/* Which DC events repeat one another DC logged just before for the same account: a DC sends a wrong password on to
 * the PDC emulator, which checks it again and logs it too. Each event is the copy of at most one earlier event, and
 * each earlier event has at most one copy: a burst of failures a second apart, each copied 20 ms later, counts
 * every failure once (the copy of the first must not swallow the second). One pass in time order. */
enum { DC_ORIGINAL = 1, DC_COPIED, DC_RECHECK };

static void find_rechecks(struct lockout_finder *f)
{
	free(f->recheck);
	f->recheck = calloc(f->n ? f->n : 1, 1);
	if (!f->recheck)
		abort();
	for (size_t i = 0; i < f->n; i++) {
		const struct logon *l = &f->logons[i];
		if (l->event_id != 4771 && l->event_id != 4776)
			continue;
		f->recheck[i] = DC_ORIGINAL;
		for (size_t k = i; k-- > 0 && l->time - f->logons[k].time <= PDC_RECHECK;) {
			const struct logon *e = &f->logons[k];
			if (f->recheck[k] == DC_ORIGINAL && e->event_id == l->event_id && e->status == l->status &&
			    strcasecmp(e->computer, l->computer) && same_account(e->account, l->account)) {
				f->recheck[k] = DC_COPIED;
				f->recheck[i] = DC_RECHECK;
				break;
			}
		}
	}
}

static bool pdc_recheck(const struct lockout_finder *f, size_t i) { return f->recheck[i] == DC_RECHECK; }

/* The account's wrong passwords on the DCs in [from, to], each counted once. */
static void dc_failures(struct lockout_finder *f, struct lockout_case *c, struct span s, int64_t from, int64_t to)
{
	for (size_t p = span_from(f, s, from); p < s.end && f->logons[f->by_account[p].i].time <= to; p++) {
		size_t i = f->by_account[p].i;
		const struct logon *l = &f->logons[i];
		bool bad = (l->event_id == 4771 && l->status == KERB_BAD_PASSWORD) ||
			   (l->event_id == 4776 && l->status == NT_BAD_PASSWORD);
		if (!bad || !same_account(l->account, c->account) || pdc_recheck(f, i))
			continue;
		if (!c->failures++)
			c->first_failure = l->time;
		c->dc_failure = l;
		evidence_add(f, c, l);
	}
}

/* The host that received the passwords: the caller computer, else the server whose failures name the caller as
 * the client's workstation, else the host with the most failures; its failures go to the case. */
static void host_failures(struct lockout_finder *f, struct lockout_case *c, struct span s, int64_t from, int64_t to)
{
	const char *caller = c->caller_short, *host = NULL;
	size_t best = 0;
	for (int pass = 0; pass < 3 && !host; pass++) {
		struct strmap counts = {.arena = &f->arena};
		for (size_t p = span_from(f, s, from); p < s.end && f->logons[f->by_account[p].i].time <= to; p++) {
			const struct logon *l = &f->logons[f->by_account[p].i];
			if (!logon_bad_password(l) || !same_account(l->account, c->account))
				continue;
			bool take = pass == 0 ? same_host(&f->arena, l->computer, caller)
				  : pass == 1 ? same_host(&f->arena, l->workstation, caller) : true;
			if (!take)
				continue;
			const char *name = host_short_name(&f->arena, l->computer);
			size_t k = (size_t)(uintptr_t)strmap_get(&counts, name) + 1;
			strmap_put(&counts, name, (void *)(uintptr_t)k);
			if (k >= best) {
				best = k;
				host = name;
			}
		}
		strmap_free(&counts);
	}
	for (size_t p = span_from(f, s, from); host && p < s.end && f->logons[f->by_account[p].i].time <= to; p++) {
		const struct logon *l = &f->logons[f->by_account[p].i];
		if (!same_account(l->account, c->account) || !same_host(&f->arena, l->computer, host))
			continue;
		if (l->event_id == 7038) {
			c->service = l->service; /* the System log names the service that runs as the account */
			evidence_add(f, c, l);
		}
		if (!logon_bad_password(l))
			continue;
		c->host_failures++;
		c->latest = l;
		evidence_add(f, c, l);
	}
	c->host = host;
	c->rdp_host = host && strmap_get(&f->rdp_hosts, lower_copy(&f->arena, host));
}

/* The source refused because the account is locked, after the lockout until it is locked again or unlocked: the
 * host's 4625s when the host is known, else the DCs' refusals. */
static void after_lockout(struct lockout_finder *f, struct lockout_case *c, struct span s, int64_t from,
			  int64_t until)
{
	for (size_t p = span_from(f, s, from); p < s.end && f->logons[f->by_account[p].i].time < until; p++) {
		size_t i = f->by_account[p].i;
		const struct logon *l = &f->logons[i];
		if (l->time <= from || !same_account(l->account, c->account))
			continue;
		if (l->event_id == 4767) {
			evidence_add(f, c, l); /* unlocked */
			break;
		}
		if (!logon_refused_locked(l))
			continue;
		bool on_dc = l->event_id != 4625;
		if (c->host ? !on_dc && same_host(&f->arena, l->computer, c->host) : on_dc && !pdc_recheck(f, i)) {
			c->still_failing++;
			evidence_add(f, c, l);
		}
	}
}

/* The AD FS attempt of the account on the host (the caller) in [from, to] that locked it: the latest wrong password,
 * else one refused as locked within HOST_SKEW of the lockout (the DC's answer to the password that locked it; a
 * refusal before that the account was already locked, so it cannot have caused this lockout). */
static void adfs_attempts(struct lockout_case *c, struct arena *a, const struct attempt *at, size_t n, int64_t from,
			  int64_t to)
{
	const struct attempt *refused = NULL;
	const char *server = c->host ? c->host : c->caller_short;
	size_t lo = 0, hi = n; /* the first at or after `from` */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (at[mid].time < from)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < n && at[i].time <= to; i++) {
		if (!same_account(at[i].user, c->account) || !same_host(a, at[i].server, server))
			continue;
		if (at[i].outcome != OUTCOME_AD_LOCKED_OUT)
			c->attempt = &at[i];
		else if (at[i].time >= c->locked_at - HOST_SKEW)
			refused = &at[i];
	}
	if (!c->attempt)
		c->attempt = refused;
}

/* The 4740s in time order, one lockout per account and moment however many DCs logged it. */
static void group_lockouts(struct lockout_finder *f, struct lockout_case **cases, size_t *ncases, size_t *cap)
{
	for (size_t i = 0; i < f->n; i++) {
		const struct logon *l = &f->logons[i];
		if (l->event_id != 4740)
			continue;
		struct lockout_case *c = NULL;
		for (size_t k = *ncases; k-- > 0 && l->time - (*cases)[k].locked_at <= SAME_LOCKOUT;)
			if (same_account((*cases)[k].account, l->account) && !lists_dc((*cases)[k].dcs.data, l->computer))
				c = &(*cases)[k];
		if (!c) {
			*cases = vec_grow(*cases, cap, *ncases, sizeof **cases);
			c = &(*cases)[(*ncases)++];
			*c = (struct lockout_case){.account = l->account, .domain = l->domain, .locked_at = l->time,
						   .caller = l->caller,
						   .caller_short = host_short_name(&f->arena, l->caller)};
			uintptr_t log = (uintptr_t)strmap_get(&f->hosts, lower_copy(&f->arena, c->caller_short));
			c->caller_log = log ? (enum lockout_caller_log)(log - 1) : CALLER_LOG_MISSING;
		} else {
			sb_adds(&c->dcs, "; ");
		}
		sb_adds(&c->dcs, l->computer);
		sb_cstr(&c->dcs);
		evidence_add(f, c, l);
	}
}

/* For each lockout, when its account was locked before (else never, INT64_MIN) and is locked again (else never,
 * INT64_MAX): one walk each way. */
static void neighbour_lockouts(struct lockout_finder *f, const struct lockout_case *cases, size_t n, int64_t *prev,
			       int64_t *next)
{
	for (int forward = 0; forward < 2; forward++) {
		struct strmap seen = {.arena = &f->arena};
		for (size_t j = 0; j < n; j++) {
			size_t k = forward ? j : n - 1 - j;
			const char *key = account_key(&f->key, cases[k].account);
			const struct lockout_case *other = strmap_get(&seen, key);
			if (forward)
				prev[k] = other ? other->locked_at : INT64_MIN;
			else
				next[k] = other ? other->locked_at : INT64_MAX;
			strmap_put(&seen, key, (void *)&cases[k]);
		}
		strmap_free(&seen);
	}
}

/* Where the wrong passwords that led to a lockout at t can start: the reset window before it, but after the
 * account's previous lockout and after its last unlock (4767) before t. Those earlier passwords were counted
 * towards the earlier lockout, and an unlock sets the count back to zero (lockout-sources: each 4740 is a lockout
 * of its own). */
static int64_t window_start(struct lockout_finder *f, const struct lockout_case *c, struct span s, int64_t t,
			    int64_t reset, int64_t prev)
{
	int64_t from = t - reset;
	if (prev != INT64_MIN && prev >= from)
		from = prev + 1;
	for (size_t p = span_from(f, s, from); p < s.end && f->logons[f->by_account[p].i].time < t; p++) {
		const struct logon *l = &f->logons[f->by_account[p].i];
		if (l->event_id == 4767 && same_account(l->account, c->account))
			from = l->time + 1;
	}
	return from;
}

size_t lockout_finder_run(struct lockout_finder *f, const struct lockout **out)
{
	order_logons(f);
	struct lockout_case *cases = NULL;
	size_t ncases = 0, cap = 0;
	group_lockouts(f, &cases, &ncases, &cap);
	index_accounts(f);
	find_rechecks(f);
	int64_t reset = f->settings.reset_window;
	f->rows = calloc(ncases ? ncases : 1, sizeof *f->rows);
	if (!f->rows)
		abort();
	int64_t *prev = malloc((ncases ? ncases : 1) * sizeof *prev), *next = malloc((ncases ? ncases : 1) * sizeof *next);
	if (!prev || !next)
		abort();
	neighbour_lockouts(f, cases, ncases, prev, next);
	for (size_t k = 0; k < ncases; k++) {
		struct lockout_case *c = &cases[k];
		int64_t t = c->locked_at;
		struct span s = account_span(f, c->account);
		int64_t from = window_start(f, c, s, t, reset, prev[k]);
		dc_failures(f, c, s, from, t);
		host_failures(f, c, s, from, t + HOST_SKEW);
		after_lockout(f, c, s, t, next[k]);
		adfs_attempts(c, &f->arena, f->attempts, f->nattempts, from, t + HOST_SKEW);
		lockout_decide(c, &f->settings, &f->arena, &f->rows[f->nrows++]);
		sb_free(&c->dcs);
		free(c->evidence);
	}
	free(prev);
	free(next);
	free(cases);
	*out = f->rows;
	return f->nrows;
}

void lockout_finder_free(struct lockout_finder *f)
{
	if (!f)
		return;
	strmap_free(&f->texts);
	arena_free(&f->scratch);
	strmap_free(&f->rdp_hosts);
	strmap_free(&f->hosts);
	sb_free(&f->last_host);
	arena_free(&f->scratch_host);
	strmap_free(&f->spans);
	strmap_free(&f->locked);
	free(f->by_account);
	free(f->recheck);
	free(f->logons);
	free(f->attempts);
	logon_spill_free(&f->spill);
	arena_free(&f->pending);
	free(f->rows);
	sb_free(&f->key);
	arena_free(&f->arena);
	free(f);
}
