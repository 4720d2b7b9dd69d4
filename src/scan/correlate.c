/* correlate.c: groups AD FS audit facts into requests (activity ID; instance ID through 403/412; zero activity IDs
 * of EXO-proxied legacy auth by server + user + time), joins each AD FS 4625 to its request (same server, same user,
 * nearest time within JOIN_4625) and each 501 (by instance, else by time), and makes one attempt per request. The
 * facts come from sorted runs (fact_store.c) in time order and are grouped a segment of time at a time, so that
 * memory holds the attempts and one segment's events, not every event. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <pthread.h>

#include "badcreds/attempt.h"
#include "badcreds/event_order.h"
#include "badcreds/filetime.h"
#include "badcreds/ip.h"
#include "badcreds/strmap.h"
#include "badcreds/compat.h"
#include "scan/fact_store.h"
#include "util/handoff.h"
#include "util/vec.h"

static const int64_t JOIN_4625 = 5 * FILETIME_SECOND;         /* a 4625 is logged ms before its 411/1203 */
static const int64_t JOIN_501 = 2 * FILETIME_SECOND;          /* 501 without an instance link: nearest in time */
static const int64_t ZERO_GAP = 2 * FILETIME_SECOND;          /* zero activity ID: events of one request */
static const int64_t LOCKOUT_LINK = 30 * FILETIME_MINUTE;     /* a 4740 and the attempt before it that caused it */
static const int64_t LOCKOUT_CLOCK_SKEW = FILETIME_MINUTE;    /* ... or after it: AD FS and DC clocks may differ */

struct request {
	const char *server, *activity, *user_key;
	struct request *before;      /* the earlier request of the same activity ID (MAX_REQUEST_SPAN), NULL if none */
	struct fact **facts;
	size_t n, cap;
	int64_t first, last;
	bool has_4625, has_501;
};

/* How the facts are grouped a slice of time at a time (correlate): a segment ends at a cut once it holds
 * SEGMENT_FACTS new facts and spans its margin; it is grouped with the facts up to SEGMENT_MARGIN after the cut,
 * so that every choice about the requests that end by the cut sees all the events it looks at (none looks further
 * than JOIN_4625 + JOIN_501 away); requests that go on past the cut, and events not yet placed after it, are
 * grouped again with the next segment. Events of one request more than SEGMENT_MARGIN apart are not joined.
 * In a dense burst (DENSE_FACTS facts past the cut within DENSE_MARGIN) the margin is DENSE_MARGIN: a brute force
 * of 1,000 attempts a second held two minutes of events, 285 MB; there, events of one request more than DENSE_MARGIN
 * apart are not joined. (50,000 facts a segment made the correlation of a 1 GiB log 15% slower: each pass over them
 * missed the cache.) */
static const size_t SEGMENT_FACTS = 8192; /* few enough for a segment's facts to stay in a core's cache */
static const int64_t SEGMENT_MARGIN = 2 * FILETIME_MINUTE;
static const int64_t DENSE_MARGIN = 10 * FILETIME_SECOND; /* more than JOIN_4625 + JOIN_501 */
static const size_t DENSE_FACTS = 32768;
/* Events of one activity ID more than this after its request's first event start another request: no request stays
 * open for ever, and neither do the attempts handed out after it (correlator_each) wait for ever. */
static const int64_t MAX_REQUEST_SPAN = 30 * FILETIME_MINUTE;

enum { MARK_PLACED = 1, MARK_CARRIED = 2 };

static int64_t plus(int64_t t, int64_t d) { return t > INT64_MAX - d ? INT64_MAX : t + d; }
static int64_t minus(int64_t t, int64_t d) { return t < INT64_MIN + d ? INT64_MIN : t - d; }
enum { MAX_GROUPING_THREADS = 4 }; /* a segment's servers are grouped on up to this many threads */

/* What finishing requests makes, on one grouping thread: attempts and successes, and their texts (texts that many
 * repeat, such as addresses and event lists, once). */
struct made {
	struct arena arena;                 /* their own texts (handed out as they are made: one segment's) */
	struct arena shared;                /* the texts many of them repeat, in `strings` */
	struct arena kept;                  /* the events kept of the requests `wanted` takes (trace), to the end */
	struct strmap strings;
	struct attempt *attempts;
	size_t nattempts, capattempts;
	struct success *successes;
	size_t nsuccesses, capsuccesses;
};

/* correlator_each: the attempts of an account that a 4740 names, waiting until every 4740 that may join one of
 * them is decided. */
struct held {
	struct attempt **v;
	size_t n, cap;
};

struct correlator {
	struct arena arena;                 /* what outlives the grouping: attempts, successes, DC events, shared texts */
	struct arena scratch;               /* one event's fact while it is added */
	struct fact_store store;            /* every fact added, in sorted runs */
	struct strmap strings;              /* the one copy of each text that many facts repeat */
	const char *last_shared[11];        /* share(): the copy each shared field took last */
	size_t segment_facts;
	unsigned threads;                   /* grouping threads (correlator_threads) */
	struct made made[MAX_GROUPING_THREADS];
	const struct fact **dc;             /* domain controllers' events, in time order */
	size_t ndc, capdc;
	struct success *successes;
	size_t nsuccesses, capsuccesses;
	bool keep_successes;                /* correlator_each keeps the successes too (correlator_keep_successes) */
	struct strmap locked;               /* account_key of each account a 4740 names -> its struct held (below) */
	struct held **helds;                /* all of them, to free */
	size_t nhelds, caphelds;
	struct strbuf key;
	size_t next_lockout;                /* correlator_each: dc[] before it are decided (joined or not) */
	int64_t read_until;                 /* correlator_each: the time of the last event read back */
	void (*each)(void *ctx, const struct attempt *a); /* correlator_each: where finished attempts go, in order */
	void *each_ctx;
	struct handoff *handoff;            /* correlator_each on two threads: where hand_out puts the attempts */
	struct attempt **waiting;           /* correlator_each: attempts not yet final (a heap in report order) */
	size_t nwaiting, capwaiting;
	void (*render)(struct strbuf *out, const struct event *ev);
	bool (*wanted)(void *ctx, const struct attempt *a); /* whose events are kept (NULL: all) */
	void *wanted_ctx;
	const struct cidr *trusted;         /* --trusted-proxy */
	unsigned ntrusted;
};

void correlator_trust(struct correlator *c, const struct cidr *proxies, unsigned n)
{
	c->trusted = proxies;
	c->ntrusted = n;
}

size_t correlator_events(const struct correlator *c) { return c->store.distinct; }

void correlator_keep_events(struct correlator *c, void (*render)(struct strbuf *out, const struct event *ev),
			    bool (*wanted)(void *ctx, const struct attempt *a), void *ctx)
{
	c->render = render;
	c->wanted = wanted;
	c->wanted_ctx = ctx;
}

struct correlator *correlator_new(void)
{
	struct correlator *c = calloc(1, sizeof *c);
	if (!c)
		abort();
	c->strings.arena = c->locked.arena = &c->arena;
	c->threads = 1;
	for (unsigned i = 0; i < MAX_GROUPING_THREADS; i++)
		c->made[i].strings.arena = &c->made[i].shared;
	fact_store_init(&c->store, 0);
	const char *env = getenv("BADCREDS_SEGMENT_FACTS"); /* for the tests: segments of a few facts */
	c->segment_facts = env && *env ? (size_t)strtoull(env, NULL, 10) : SEGMENT_FACTS;
	return c;
}

unsigned long correlator_duplicates(const struct correlator *c) { return c->store.duplicates; }

const char *correlator_spill_error(const struct correlator *c) { return c->store.runs.spill_error; }

uint64_t correlator_lost_bytes(const struct correlator *c) { return c->store.runs.lost_bytes; }

void correlator_threads(struct correlator *c, unsigned n)
{
	c->threads = n < 1 ? 1 : n > MAX_GROUPING_THREADS ? MAX_GROUPING_THREADS : n;
}

static const char *intern(struct correlator *c, const char *s) { return strmap_intern(&c->strings, s); }

/* The texts that a farm repeats in every request (server, proxy, endpoint, user agent, file...) point to one copy
 * that lives as long as the correlator. */
static void share(struct correlator *c, struct fact *f)
{
	const char **shared[] = {&f->server, &f->token_type, &f->proxy, &f->endpoint, &f->user_agent, &f->client_app,
				 &f->relying_party, &f->failure_type, &f->failure_reason, &f->caller, &f->source};
	_Static_assert(sizeof shared / sizeof shared[0] == sizeof c->last_shared / sizeof c->last_shared[0], "");
	for (size_t i = 0; i < sizeof shared / sizeof shared[0]; i++)
		if (*shared[i]) /* most often the same text as this field's last: no hashing then */
			*shared[i] = c->last_shared[i] && !strcmp(c->last_shared[i], *shared[i])
				   ? c->last_shared[i] : (c->last_shared[i] = intern(c, *shared[i]));
}

/* A fact and its own texts copied into `a` (the shared ones are the correlator's already). */
static struct fact *copy_fact(struct arena *a, const struct fact *f)
{
	struct fact *k = arena_copy(a, f, sizeof *f);
	const char **own[] = {&k->activity, &k->instance, &k->user, &k->user_guess, &k->ips, &k->forwarded,
			      &k->client_ip, &k->rendered};
	for (size_t i = 0; i < sizeof own / sizeof own[0]; i++)
		if (*own[i])
			*own[i] = arena_copy(a, *own[i], strlen(*own[i]) + 1);
	k->mark = 0;
	return k;
}

/* What correlator_prepare makes of an event that is a fact: its record for the store, and the account a 4740
 * names. */
struct prepared_fact {
	const uint8_t *record;
	size_t size;
	const char *locked;          /* a 4740's account, NULL for other facts */
};

/* correlator_prepare's answer for an event that is no fact. */
static const struct prepared_fact no_fact;

const void *correlator_prepare(const struct correlator *c, const struct event *ev, struct arena *a)
{
	if (!(ev->has & EV_HAS_EVENT_ID) || !fact_relevant(ev->event_id, &ev->provider_name))
		return &no_fact; /* most events a command reads (lockouts, coverage) are no fact */
	struct fact f;
	if (!fact_from_event(ev, a, &f))
		return &no_fact;
	if (c->render) { /* trace: the event as text too */
		struct strbuf text = {0};
		c->render(&text, ev);
		f.rendered = arena_copy(a, sb_cstr(&text), text.len + 1);
		sb_free(&text);
	}
	struct prepared_fact *p = arena_alloc(a, sizeof *p);
	p->size = fact_store_encode(&f, a, &p->record);
	p->locked = f.dc && f.event_id == 4740 ? f.user : NULL;
	return p;
}

bool correlator_add(struct correlator *c, const struct event *ev, const void *prepared)
{
	if (!prepared) { /* read here, into the scratch arena: events that do not matter leave nothing behind */
		arena_reset(&c->scratch);
		prepared = correlator_prepare(c, ev, &c->scratch);
	}
	const struct prepared_fact *p = prepared;
	if (p == &no_fact)
		return false;
	if (p->locked && !strmap_get(&c->locked, account_key(&c->key, p->locked))) {
		struct held *h = arena_alloc(&c->arena, sizeof *h);
		memset(h, 0, sizeof *h);
		strmap_put(&c->locked, sb_cstr(&c->key), h);
		c->helds = vec_grow(c->helds, &c->caphelds, c->nhelds, sizeof *c->helds);
		c->helds[c->nhelds++] = h;
	}
	fact_store_add(&c->store, p->record, p->size);
	return true;
}

/* A user's key for grouping: lower case, line breaks as LF (see same_account). */
static char *lower(struct arena *a, const char *s)
{
	size_t n = strlen(s), k = 0;
	char *out = arena_alloc(a, n + 1);
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '\r' && s[i + 1] == '\n')
			continue;
		out[k++] = c == '\r' ? '\n' : (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	out[k] = 0;
	return out;
}

/* One segment's facts (time order) and the requests grouped from them; everything in its arena. */
struct segment {
	struct arena arena;
	struct fact **facts;
	size_t n, cap;
	struct request **requests;
	size_t nreq, capreq;
};

static struct request *new_request(struct segment *g, const char *server, const char *activity)
{
	struct request *r = arena_alloc(&g->arena, sizeof *r);
	memset(r, 0, sizeof *r);
	r->server = server;
	r->activity = activity;
	g->requests = vec_grow(g->requests, &g->capreq, g->nreq, sizeof *g->requests);
	g->requests[g->nreq++] = r;
	return r;
}

static void request_add(struct segment *g, struct request *r, struct fact *f)
{
	r->facts = vec_grow(r->facts, &r->cap, r->n, sizeof *r->facts);
	r->facts[r->n++] = f;
	if (r->n == 1 || f->time < r->first)
		r->first = f->time;
	if (r->n == 1 || f->time > r->last)
		r->last = f->time;
	if (!r->user_key && f->user)
		r->user_key = lower(&g->arena, f->user);
	r->has_4625 |= f->event_id == 4625;
	r->has_501 |= f->event_id == 501;
}

static bool is_attempt(const struct request *r)
{
	for (size_t i = 0; i < r->n; i++) {
		const struct fact *f = r->facts[i];
		switch (f->event_id) {
		case 411: /* only password (UserName token) validations are bad-credential attempts */
			if (!f->token_type || strstr(f->token_type, "UserName") || strstr(f->token_type, "username"))
				return true;
			break;
		case 1203: case 1210: case 516: case 4625:
			return true;
		default:
			break;
		}
	}
	return false;
}

/* Facts in time order; of facts at the same time, by server, EventID and EventRecordID: an order that does not
 * depend on the order of the inputs (two kept facts never agree on all four: they would be the same event). */
static int cmp_facts(const struct fact *x, const struct fact *y)
{
	return event_key_cmp((struct event_key){x->time, x->server, x->event_id, x->record_id},
			     (struct event_key){y->time, y->server, y->event_id, y->record_id});
}

static int cmp_fact_time(const void *a, const void *b)
{
	return cmp_facts(*(struct fact *const *)a, *(struct fact *const *)b);
}

/* Requests by first time, then by the fact that made them (whatever the order of the inputs). */
static int cmp_request_time(const void *a, const void *b)
{
	const struct request *x = *(struct request *const *)a, *y = *(struct request *const *)b;
	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	return cmp_facts(x->facts[0], y->facts[0]);
}

/* Requests sorted by first time: the first index whose time is >= t. */
static size_t lower_bound(struct request **r, size_t n, int64_t t)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (r[mid]->first < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool takes(const struct request *r, const struct fact *f,
		  bool (*accept)(const struct request *, const struct fact *))
{
	return strcmp(r->server, f->server) == 0 && accept(r, f);
}

/* The request nearest in time on the same server that `accept` takes, within window; NULL if none. Of requests
 * equally near, the first in time order. Looked for outwards from f's time, nearest first, so that a dense burst
 * costs the requests passed over, not the whole window. */
static struct request *nearest(struct request **r, size_t n, const struct fact *f, int64_t window,
			       bool (*accept)(const struct request *, const struct fact *))
{
	size_t right = lower_bound(r, n, f->time), left = right; /* r[left - 1] and r[right] are next */
	for (;;) {
		int64_t dl = left ? f->time - r[left - 1]->first : INT64_MAX;
		int64_t dr = right < n ? r[right]->first - f->time : INT64_MAX;
		int64_t dt = dl < dr ? dl : dr;
		if (dt > window)
			return NULL;
		struct request *found = NULL;
		while (dl == dt && left && f->time - r[left - 1]->first == dt) { /* the earliest of these that takes f */
			left--;
			if (takes(r[left], f, accept))
				found = r[left];
		}
		if (found)
			return found;
		for (; dr == dt && right < n && r[right]->first - f->time == dt; right++)
			if (takes(r[right], f, accept))
				return r[right];
	}
}

static bool takes_4625(const struct request *r, const struct fact *f)
{
	return !r->has_4625 && is_attempt(r) && same_account(r->user_key, f->user);
}

static bool takes_orphan_501(const struct request *r, const struct fact *f)
{
	(void)f;
	return !r->has_501;
}

static const char *pair_key(struct strbuf *sb, const char *a, const char *b)
{
	sb->len = 0;
	sb_adds(sb, a);
	sb_addc(sb, '\x1f');
	sb_adds(sb, b);
	return sb_cstr(sb);
}

/* What group() keeps while it places the facts into requests; maps are keyed by "server\x1fid". */
struct grouping {
	struct strmap by_activity;       /* activity ID -> its request */
	struct strmap instance_activity; /* instance ID -> activity ID, from 403 and 412 */
	struct strmap zero_403;          /* instance ID -> 403 of a zero-activity-ID request, placed with its 501 */
	struct strmap zero_latest;       /* account_key of the user -> the latest request with a zero activity ID */
	struct strmap placed_501;        /* instance ID -> the request its first 501 joined */
	struct strmap waiting_501;       /* instance ID -> its first 501, when that waits for a 4625 */
	struct fact **orphans;           /* 501 events without a request yet, in time order; NULL once a 4625 took
					  * them */
	size_t norphans, caporphans;
	size_t first_orphan;             /* orphans before it are taken or too old for the 4625s still to come */
	size_t naudited;                 /* the requests made of AD FS audits (not of a 4625 alone), by first time */
	struct strbuf key, account;      /* the key being looked up, whatever its length */
};

/* 403 and 412 name both IDs of a request: the instance ID that 501 events carry, and the activity ID. */
static void link_instances(struct segment *sg, struct grouping *g)
{
	for (size_t i = 0; i < sg->n; i++) {
		const struct fact *f = sg->facts[i];
		if (f->instance && f->activity) {
			const char *key = pair_key(&g->key, f->server, f->instance);
			strmap_put(&g->instance_activity, key, (void *)f->activity);
		}
	}
}

/* The request of an activity ID on a server, made on its first event. */
static struct request *activity_request(struct segment *sg, struct grouping *g, const struct fact *f)
{
	const char *key = pair_key(&g->key, f->server, f->activity);
	struct request *r = strmap_get(&g->by_activity, key);
	if (!r || f->time - r->first > MAX_REQUEST_SPAN) { /* a request lasts seconds: an activity ID still in use
							    * this much later (a forged log) starts another */
		struct request *earlier = r;
		r = new_request(sg, f->server, f->activity);
		r->before = earlier;
		strmap_put(&g->by_activity, key, r);
	}
	return r;
}

/* A zero activity ID (legacy authentication that Exchange Online proxied): the request of the same server and
 * account whose last event is at most ZERO_GAP before, else a new one. Facts come in time order, so only the
 * account's latest request can still take one: an older one ended more than ZERO_GAP before the latest began. */
static struct request *zero_activity_request(struct segment *sg, struct grouping *g, const struct fact *f)
{
	const char *key = pair_key(&g->key, f->server, account_key(&g->account, f->user));
	struct request *r = strmap_get(&g->zero_latest, key);
	if (r && f->time - r->last <= ZERO_GAP)
		return r;
	r = new_request(sg, f->server, f->activity);
	strmap_put(&g->zero_latest, key, r);
	return r;
}

/* The AD FS audits (all but 501 and 4625) into requests per server by activity ID. Requests with a zero activity ID
 * are grouped by user: their 403 waits for the 501 of its instance (place_501s), their other events without a user
 * are left out. */
static void group_by_activity(struct segment *sg, struct grouping *g)
{
	for (size_t i = 0; i < sg->n; i++) {
		struct fact *f = sg->facts[i];
		if (f->dc || f->event_id == 4625 || f->event_id == 501 || !f->activity)
			continue;
		if (f->activity[0]) {
			request_add(sg, activity_request(sg, g, f), f);
		} else if (f->event_id == 403 && f->instance) {
			strmap_put(&g->zero_403, pair_key(&g->key, f->server, f->instance), f);
		} else if (f->user) {
			request_add(sg, zero_activity_request(sg, g, f), f);
		}
	}
}

/* The request a 501 belongs to through its instance ID (403 and 412 link it to an activity ID); NULL if none. Of the
 * requests of one activity ID (MAX_REQUEST_SPAN), the latest that began by the 501's time. */
static struct request *instance_request(struct grouping *g, const struct fact *f)
{
	if (!f->instance)
		return NULL;
	const char *activity = strmap_get(&g->instance_activity, pair_key(&g->key, f->server, f->instance));
	if (!activity || !activity[0])
		return NULL;
	struct request *r = strmap_get(&g->by_activity, pair_key(&g->key, f->server, activity));
	while (r && r->before && f->time < r->first)
		r = r->before;
	return r;
}

/* Claims that do not fit one 501 (ten pairs) go on in further 501 events of the same instance ID: they go where
 * the first of them went. The request that took it, NULL if none did; *waits when it waits for a 4625. */
static struct request *continued_501(struct grouping *g, const struct fact *f, bool *waits)
{
	*waits = false;
	if (!f->instance)
		return NULL;
	const char *key = pair_key(&g->key, f->server, f->instance);
	*waits = strmap_get(&g->waiting_501, key) != NULL;
	return strmap_get(&g->placed_501, key);
}

/* Each 501 joins the request of its instance ID, else that of an earlier 501 of its instance, else the request
 * without a 501 nearest in time on the same server within JOIN_501, with the 403 of its instance when that request
 * has a zero activity ID; else it waits for a 4625. */
static void place_501s(struct segment *sg, struct grouping *g)
{
	for (size_t i = 0; i < sg->n; i++) {
		struct fact *f = sg->facts[i];
		if (f->event_id != 501)
			continue;
		bool waits;
		struct request *r = instance_request(g, f), *before = continued_501(g, f, &waits);
		if (!r && !waits)
			r = before ? before : nearest(sg->requests, g->naudited, f, JOIN_501, takes_orphan_501);
		if (!r) {
			g->orphans = vec_grow(g->orphans, &g->caporphans, g->norphans, sizeof *g->orphans);
			g->orphans[g->norphans++] = f;
			if (f->instance)
				strmap_put(&g->waiting_501, pair_key(&g->key, f->server, f->instance), f);
			continue;
		}
		request_add(sg, r, f);
		if (!f->instance || before)
			continue;
		strmap_put(&g->placed_501, pair_key(&g->key, f->server, f->instance), r);
		if (!r->activity || r->activity[0])
			continue;
		struct fact *http = strmap_get(&g->zero_403, pair_key(&g->key, f->server, f->instance));
		if (http)
			request_add(sg, r, http);
	}
}

static bool same_instance(const struct fact *x, const struct fact *y)
{
	return x->instance && y->instance && !strcmp(x->instance, y->instance) && !strcmp(x->server, y->server);
}

/* A 4625 without an AD FS audit (AD FS 2.0, 411 auditing off) is a request of its own; it takes the first waiting
 * 501 on the same server within JOIN_501, and the further 501s of its instance. The 4625s come in time order: a 501
 * too old for one is too old for all that follow. */
static struct request *lone_4625_request(struct segment *sg, struct grouping *g, const struct fact *f)
{
	struct request *r = new_request(sg, f->server, NULL);
	while (g->first_orphan < g->norphans && (!g->orphans[g->first_orphan] ||
						 g->orphans[g->first_orphan]->time < f->time - JOIN_501))
		g->first_orphan++;
	const struct fact *taken = NULL;
	for (size_t k = g->first_orphan; k < g->norphans; k++) {
		struct fact *o = g->orphans[k];
		if (o && o->time > f->time + JOIN_501)
			break;
		if (o && (taken ? same_instance(o, taken) : !strcmp(o->server, f->server))) {
			request_add(sg, r, o);
			g->orphans[k] = NULL;
			if (!taken && !o->instance)
				break;
			taken = o;
		}
	}
	return r;
}

/* Each 4625 that AD FS logged joins the request of the same server and user nearest in time within JOIN_4625. */
static void join_4625s(struct segment *sg, struct grouping *g)
{
	for (size_t i = 0; i < sg->n; i++) {
		struct fact *f = sg->facts[i];
		if (f->event_id != 4625 || f->dc)
			continue;
		struct request *r = nearest(sg->requests, g->naudited, f, JOIN_4625, takes_4625);
		request_add(sg, r ? r : lone_4625_request(sg, g, f), f);
	}
}

/* The segment's facts (in time order) into requests, by the rules of badcreds(1), "Correlation": audits by activity
 * ID (zero IDs by user and time), then 501 events, then 4625 events, each step seeing the requests of the steps
 * before. */
static void group(struct segment *sg)
{
	struct grouping g = {.by_activity = {.arena = &sg->arena}, .instance_activity = {.arena = &sg->arena},
			     .zero_403 = {.arena = &sg->arena}, .zero_latest = {.arena = &sg->arena},
			     .placed_501 = {.arena = &sg->arena}, .waiting_501 = {.arena = &sg->arena}};
	link_instances(sg, &g);
	group_by_activity(sg, &g);
	if (sg->nreq > 1)
		qsort(sg->requests, sg->nreq, sizeof *sg->requests, cmp_request_time);
	g.naudited = sg->nreq;
	place_501s(sg, &g);
	join_4625s(sg, &g);
	free(g.orphans);
	strmap_free(&g.by_activity);
	strmap_free(&g.instance_activity);
	strmap_free(&g.zero_403);
	strmap_free(&g.zero_latest);
	strmap_free(&g.placed_501);
	strmap_free(&g.waiting_501);
	sb_free(&g.key);
	sb_free(&g.account);
}

static const struct fact *find(const struct request *r, uint32_t id)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->facts[i]->event_id == id)
			return r->facts[i];
	return NULL;
}

static const char *first_field(const struct request *r, size_t offset)
{
	for (size_t i = 0; i < r->n; i++) {
		const char *v = *(const char *const *)((const char *)r->facts[i] + offset);
		if (v)
			return v;
	}
	return NULL;
}
#define FIRST(r, field) first_field(r, offsetof(struct fact, field))

static const char *user_of(const struct request *r)
{
	const struct fact *f;
	for (uint32_t id = 1200; id <= 1210; id++)
		if ((f = find(r, id)) && f->user) {
			/* the audit document went through an XML parser, which turns a typed CR into LF: the 411 or the
			 * 4625 holds the name as typed then */
			const struct fact *g = find(r, 411), *h = find(r, 4625);
			if (strchr(f->user, '\n') && g && g->user && strchr(g->user, '\r') && same_account(g->user, f->user))
				return g->user;
			if (strchr(f->user, '\n') && h && h->user && strchr(h->user, '\r') && same_account(h->user, f->user))
				return h->user;
			return f->user;
		}
	if ((f = find(r, 411)) && f->user)
		return f->user;
	if ((f = find(r, 4625)) && f->user)
		return f->user;
	if ((f = find(r, 411)) && f->user_guess)
		return f->user_guess;
	if ((f = find(r, 516)) && f->user)
		return f->user;
	return "";
}

static enum outcome outcome_of(const struct request *r)
{
	if (find(r, 1210) || find(r, 516))
		return OUTCOME_EXTRANET_LOCKED_OUT; /* AD FS answered without asking a DC */
	const struct fact *f = find(r, 4625);
	if (f) {
		enum outcome o = f->has_status ? outcome_from_status(f->status, f->substatus) : OUTCOME_OTHER;
		enum outcome by_reason = outcome_from_reason(f->failure_reason);
		return o == OUTCOME_OTHER && by_reason ? by_reason : o;
	}
	const struct fact *m = find(r, 411);
	enum outcome text = m ? m->said : OUTCOME_NONE;
	if (text == OUTCOME_AD_LOCKED_OUT || text == OUTCOME_DISABLED || text == OUTCOME_EXPIRED)
		return text;
	const struct fact *audit = find(r, 1203);
	if (audit && audit->failure_type && strstr(audit->failure_type, "Credential"))
		return OUTCOME_BAD_PASSWORD;
	return text ? text : OUTCOME_OTHER;
}

/* The addresses of one list, in order (a few; a longer list keeps its last ones, which the proxies appended). */
struct ip_list {
	struct ip_addr a[16];
	unsigned n;
};

static void list_add(void *ctx, const struct ip_addr *a)
{
	struct ip_list *l = ctx;
	if (l->n == 16)
		memmove(l->a, l->a + 1, 15 * sizeof *l->a), l->n--;
	l->a[l->n++] = *a;
}

/* A hop of the farm's own network: a --trusted-proxy, or, when none is given, any private, loopback or link-local
 * address (a load balancer in front of the proxies; an internal client that sends X-Forwarded-For itself can then
 * name any address, which --trusted-proxy rules out). */
static bool configured_proxy(const struct correlator *c, const struct ip_addr *a)
{
	for (unsigned i = 0; i < c->ntrusted; i++)
		if (cidr_contains(&c->trusted[i], a))
			return true;
	return false;
}

static bool own_hop(const struct correlator *c, const struct ip_addr *a)
{
	return c->ntrusted ? configured_proxy(c, a) : strcmp(ip_class(a), "public") != 0;
}

/* In a forwarded list (origin first, every proxy appending the address it saw connect), the address the farm itself
 * saw: from the right, past the farm's own hops (load balancers), the first address from outside; when every address
 * is one of them, the rightmost that is not a --trusted-proxy (the leftmost when all are). For a request that Exchange Online forwarded, the address
 * Exchange Online says it saw: the one before its own. Everything further left came from the client (an
 * X-Forwarded-For header anyone can send): *claimed is how many addresses that is. */
static bool observed(const struct correlator *c, const char *text, bool exo, struct ip_addr *out, unsigned *claimed)
{
	struct ip_list l = {.n = 0};
	ip_list_each(text, list_add, &l);
	if (!l.n)
		return false;
	int k = (int)l.n - 1;
	while (k > 0 && own_hop(c, &l.a[k]))
		k--;
	if (exo) { /* l.a[k] is Exchange Online's own address; the one before it the client EXO saw, on the internet */
		if (k == 0)
			return false;
		if (!strcmp(ip_class(&l.a[k - 1]), "public"))
			k--; /* else it is no address EXO can have seen: an X-Forwarded-For made up by the client */
	} else if (own_hop(c, &l.a[k])) { /* all internal */
		k = (int)l.n - 1;
		while (k > 0 && configured_proxy(c, &l.a[k]))
			k--;
	}
	*out = l.a[k];
	*claimed = (unsigned)k;
	return true;
}

/* The submitter: the address the farm saw (observed()) in 411's list, 1203's or 1210's IpAddress, 516's address,
 * then 501's x-ms-forwarded-client-ip, x-ms-client-ip, 403's client address, 4625's. For legacy auth that Exchange
 * Online proxied (zero activity ID: AD FS's own mark; AD FS 2.0 logs no activity ID, there a Microsoft.Exchange client
 * application; attempt_relayed), the address Exchange Online forwarded. Where AD FS logs an activity ID, the client
 * application (a header any client can send) decides nothing. *claimed_from
 * is the list the submitter came from, whose first *claimed addresses the client supplied. */
static bool submitter(const struct correlator *c, const struct request *r, struct ip_addr *ip, const char **claimed_from,
		      unsigned *claimed)
{
	const char *app = FIRST(r, client_app);
	bool exo = r->activity ? !r->activity[0] : app && !strncasecmp(app, "Microsoft.Exchange", 18);
	const struct fact *f;
	*claimed = 0;
	static const uint32_t order[] = {411, 1203, 1210, 516};
	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
		if ((f = find(r, order[i])) && observed(c, f->ips, exo, ip, claimed))
			return *claimed_from = f->ips, true;
	if ((f = find(r, 501)) && observed(c, f->forwarded, exo, ip, claimed))
		return *claimed_from = f->forwarded, true;
	*claimed = 0;
	struct ip_list l = {.n = 0};
	if (exo && FIRST(r, forwarded)) /* 1203's ForwardedIpAddress: what Exchange Online sent */
		ip_list_each(FIRST(r, forwarded), list_add, &l);
	if (!l.n && (f = find(r, 501)))
		ip_list_each(f->client_ip, list_add, &l);
	if (!l.n && (f = find(r, 403)))
		ip_list_each(f->ips, list_add, &l);
	if (!l.n && (f = find(r, 4625)))
		ip_list_each(f->ips, list_add, &l);
	if (!l.n)
		return false;
	*ip = l.a[l.n - 1];
	return true;
}

/* The first `n` addresses of a list, in their canonical form: what the client claimed. */
static const char *claimed_text(struct arena *a, const char *list, unsigned n)
{
	struct ip_list l = {.n = 0};
	ip_list_each(list, list_add, &l);
	struct strbuf sb = {0};
	for (unsigned i = 0; i < n && i < l.n; i++) {
		char t[64];
		ip_format(&l.a[i], t);
		if (i)
			sb_addc(&sb, ' ');
		sb_adds(&sb, t);
	}
	const char *s = arena_copy(a, sb.len ? sb.data : "", sb.len + 1);
	((char *)s)[sb.len] = 0;
	sb_free(&sb);
	return s;
}

struct ip_set {
	struct strbuf text;
	char seen[16][64];
	unsigned n;
};

static void add_ip(void *ctx, const struct ip_addr *a)
{
	struct ip_set *s = ctx;
	char t[64];
	ip_format(a, t);
	for (unsigned i = 0; i < s->n; i++)
		if (!strcmp(s->seen[i], t))
			return;
	if (s->n < 16)
		strcpy(s->seen[s->n++], t);
	if (s->text.len)
		sb_addc(&s->text, ' ');
	sb_adds(&s->text, t);
}

static const char *keep(struct arena *a, struct strbuf *sb)
{
	const char *s = arena_copy(a, sb->len ? sb->data : "", sb->len + 1);
	((char *)s)[sb->len] = 0;
	return s;
}

/* The submitter and its class, the addresses left of it that the client supplied, and every address the request's
 * events name. */
static void attempt_addresses(const struct correlator *c, struct made *m, const struct request *r,
			      struct attempt *at)
{
	struct arena *a = &m->arena;
	struct ip_addr ip;
	const char *from = NULL;
	unsigned claimed = 0;
	if (submitter(c, r, &ip, &from, &claimed)) {
		char t[64];
		ip_format(&ip, t);
		at->ip = strmap_intern(&m->strings, t); /* texts that many attempts repeat are stored once */
		at->ip_class = ip_class(&ip);
	} else {
		at->ip = at->ip_class = "";
	}
	at->client_ips = claimed ? claimed_text(a, from, claimed) : "";
	struct ip_set all = {0};
	for (size_t i = 0; i < r->n; i++) {
		ip_list_each(r->facts[i]->forwarded, add_ip, &all);
		ip_list_each(r->facts[i]->ips, add_ip, &all);
		ip_list_each(r->facts[i]->client_ip, add_ip, &all);
	}
	at->all_ips = strmap_intern(&m->strings, sb_cstr(&all.text));
	sb_free(&all.text);
}

/* The request's events in time order, as copies that outlive the segment (an array correlator_free frees); NULL
 * when the correlator does not keep events, or not those of this attempt or success (`a`, its fields set). */
static const struct fact *const *kept_facts(const struct correlator *c, struct made *m, struct fact *const *sorted,
					    size_t n, const struct attempt *a)
{
	if (!c->render || (c->wanted && !c->wanted(c->wanted_ctx, a)))
		return NULL;
	const struct fact **copies = arena_alloc(&m->kept, n * sizeof *copies);
	for (size_t i = 0; i < n; i++)
		copies[i] = copy_fact(&m->kept, sorted[i]);
	return copies;
}

/* The request's events in time order, and their IDs, record IDs and files as text. */
static void attempt_events(const struct correlator *c, struct made *m, const struct request *r,
			   struct attempt *at)
{
	struct fact **sorted = r->facts; /* the request is complete: its own events can be put in time order */
	if (r->n > 1)
		qsort(sorted, r->n, sizeof *sorted, cmp_fact_time);
	at->facts = kept_facts(c, m, sorted, r->n, at);
	at->nfacts = at->facts ? r->n : 0;
	at->first_event_id = sorted[0]->event_id;
	at->first_record_id = sorted[0]->record_id;
	struct strbuf events = {0}, ids = {0}, sources = {0};
	const char **seen = NULL;
	size_t nseen = 0, capseen = 0;
	for (size_t i = 0; i < r->n; i++) {
		const struct fact *f = sorted[i];
		if (i) {
			sb_addc(&events, ' ');
			sb_addc(&ids, ' ');
		}
		sb_add_u64(&events, f->event_id);
		sb_add_u64(&ids, f->record_id);
		bool dup = false; /* sources are interned: one pointer per file, and a request has few files */
		for (size_t k = 0; k < nseen && !dup; k++)
			dup = seen[k] == f->source;
		if (!dup && f->source) {
			seen = vec_grow(seen, &capseen, nseen, sizeof *seen);
			seen[nseen++] = f->source;
			if (sources.len)
				sb_adds(&sources, "; ");
			sb_adds(&sources, f->source);
		}
	}
	free(seen);
	at->events = strmap_intern(&m->strings, sb_cstr(&events));
	at->record_ids = keep(&m->arena, &ids);
	at->sources = strmap_intern(&m->strings, sb_cstr(&sources));
	sb_free(&events);
	sb_free(&ids);
	sb_free(&sources);
}

/* A text of the segment's, copied to outlive it. */
static const char *own(struct made *m, const char *s)
{
	return s ? arena_copy(&m->arena, s, strlen(s) + 1) : NULL;
}

/* One attempt: the report's row of a request. */
static void build(const struct correlator *c, struct made *m, const struct request *r, struct attempt *at)
{
	memset(at, 0, sizeof *at);
	at->server = r->server;
	at->time = r->first; /* when the request arrived (403 when audited), not when it was judged */
	at->user = own(m, user_of(r));
	at->user_key = at->user[strcspn(at->user, "ABCDEFGHIJKLMNOPQRSTUVWXYZ\r")] ? lower(&m->arena, at->user)
										: at->user; /* already its key */
	at->outcome = outcome_of(r);
	const struct fact *s = find(r, 4625);
	if (s && s->has_status) {
		at->has_status = true;
		at->status = s->status;
		at->substatus = s->substatus;
	}
	attempt_addresses(c, m, r, at);
	at->proxy = FIRST(r, proxy);
	at->endpoint = FIRST(r, endpoint);
	at->user_agent = FIRST(r, user_agent);
	at->client_app = FIRST(r, client_app);
	at->relying_party = FIRST(r, relying_party);
	at->activity = own(m, r->activity ? r->activity : FIRST(r, activity));
	at->instance = own(m, FIRST(r, instance));
	attempt_events(c, m, r, at);
}

static int cmp_attempt(const void *a, const void *b)
{
	const struct attempt *x = a, *y = b; /* time, server, then each request's own first event */
	return event_key_cmp((struct event_key){x->time, x->server, x->first_event_id, x->first_record_id},
			     (struct event_key){y->time, y->server, y->first_event_id, y->first_record_id});
}

/* "ADFS02", "ADFS02.contoso.com" and "adfs02$" name the same computer. */
static bool same_host(const char *caller, const char *server)
{
	if (!caller || !server)
		return false;
	size_t a = strcspn(caller, ".$"), b = strcspn(server, ".");
	return a == b && strncasecmp(caller, server, a) == 0;
}

/* A 4740 joins the attempt before it that caused it: its DC lockout, and the last of its events. */
static void join_lockout(struct correlator *c, struct attempt *a, const struct fact *f)
{
	a->dc_lockout = f;
	const struct fact **facts = arena_alloc(&c->arena, (a->nfacts + 1) * sizeof *facts);
	if (a->nfacts)
		memcpy(facts, a->facts, a->nfacts * sizeof *facts);
	facts[a->nfacts++] = f;
	a->facts = facts;
}

/* Time order; of one time, as event_key_cmp orders their first events, then by user and address (two successes
 * with the same first event only in a forged log: their order then does not depend on how they were grouped). */
static int cmp_success(const void *a, const void *b)
{
	const struct success *x = a, *y = b;
	int c = event_key_cmp((struct event_key){x->time, x->server, x->first_event_id, x->first_record_id},
			      (struct event_key){y->time, y->server, y->first_event_id, y->first_record_id});
	if (!c)
		c = strcmp(x->user, y->user);
	return c ? c : strcmp(x->ip, y->ip);
}

static bool succeeded(const struct request *r)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->facts[i]->success)
			return true;
	return false;
}

size_t correlator_successes(const struct correlator *c, const struct success **out)
{
	*out = c->successes;
	return c->nsuccesses;
}

size_t correlator_dc_events(const struct correlator *c, const struct fact *const **out)
{
	*out = (const struct fact *const *)c->dc;
	return c->ndc;
}

/* A request that has ended: its attempt, or its success when it succeeded and names a user. */
static void finish(const struct correlator *c, struct made *m, struct request *r)
{
	if (is_attempt(r)) {
		m->attempts = vec_grow(m->attempts, &m->capattempts, m->nattempts, sizeof *m->attempts);
		build(c, m, r, &m->attempts[m->nattempts++]);
		return;
	}
	const char *user = FIRST(r, user);
	if (!c->keep_successes || !succeeded(r) || !user) /* scan keeps none: none is made */
		return;
	struct ip_addr ip;
	char t[64] = "";
	const char *from;
	unsigned claimed;
	if (submitter(c, r, &ip, &from, &claimed))
		ip_format(&ip, t);
	if (r->n > 1) /* the request is complete: its own events can be put in time order */
		qsort(r->facts, r->n, sizeof *r->facts, cmp_fact_time);
	struct success o = {.time = r->first, .server = r->server, .user = own(m, user),
			    .ip = arena_copy(&m->arena, t, strlen(t) + 1), .activity = own(m, FIRST(r, activity)),
			    .instance = own(m, FIRST(r, instance)), .first_event_id = r->facts[0]->event_id,
			    .first_record_id = r->facts[0]->record_id};
	struct attempt seen_as = {.time = o.time, .server = o.server, .user = o.user, .ip = o.ip, .all_ips = o.ip,
				  .outcome = OUTCOME_NONE, .activity = o.activity, .instance = o.instance};
	o.facts = kept_facts(c, m, r->facts, r->n, &seen_as);
	o.nfacts = o.facts ? r->n : 0;
	m->successes = vec_grow(m->successes, &m->capsuccesses, m->nsuccesses, sizeof *m->successes);
	m->successes[m->nsuccesses++] = o;
}

static void segment_push(struct segment *sg, struct fact *f)
{
	sg->facts = vec_grow(sg->facts, &sg->cap, sg->n, sizeof *sg->facts);
	sg->facts[sg->n++] = f;
}

/* Groups a segment's facts (of some of its servers) and finishes the requests whose last event is at or before
 * `cut`; marks the facts of the others to go on to the next segment. */
struct grouping_job {
	const struct correlator *c;
	struct made *made;
	struct segment *sg;
	int64_t cut;
	int64_t carried_first;       /* out: the earliest first event of the requests that go on (INT64_MAX: none) */
};

static void *group_and_finish(void *arg)
{
	struct grouping_job *j = arg;
	struct segment *sg = j->sg;
	group(sg);
	j->carried_first = INT64_MAX;
	for (size_t i = 0; i < sg->nreq; i++) {
		struct request *r = sg->requests[i];
		bool ended = r->last <= j->cut;
		if (!ended && r->first < j->carried_first)
			j->carried_first = r->first;
		for (size_t k = 0; k < r->n; k++)
			r->facts[k]->mark |= ended ? MARK_PLACED : MARK_PLACED | MARK_CARRIED;
		if (ended)
			finish(j->c, j->made, r);
	}
	return NULL;
}

static void segment_free(struct segment *sg)
{
	for (size_t i = 0; i < sg->nreq; i++)
		free(sg->requests[i]->facts);
	free(sg->requests);
	free(sg->facts);
	arena_free(&sg->arena);
}

/* Every request joins events of one server only, so a segment's servers are grouped apart, on up to c->threads
 * threads (servers dealt out in the order they first appear); the attempts are put in order at the end. */
static int64_t group_segment(struct correlator *c, struct segment *sg, int64_t cut)
{
	struct segment part[MAX_GROUPING_THREADS];
	memset(part, 0, sizeof part);
	struct arena scratch = {0};
	struct strmap which = {.arena = &scratch}; /* server -> its part + 1 */
	unsigned nparts = 0;
	const char *last = NULL; /* the server of the fact before (shared texts: one pointer per server) */
	uintptr_t last_part = 0;  /* its part + 1 */
	for (size_t i = 0; i < sg->n && c->threads > 1; i++) {
		const char *server = sg->facts[i]->server ? sg->facts[i]->server : "";
		if (server != last && !(last_part = (uintptr_t)strmap_get(&which, server))) {
			last_part = nparts < c->threads ? ++nparts : (uintptr_t)(which.n % c->threads) + 1;
			strmap_put(&which, server, (void *)last_part);
		}
		last = server;
		segment_push(&part[last_part - 1], sg->facts[i]);
	}
	strmap_free(&which);
	arena_free(&scratch);
	if (nparts < 2) { /* one server (or one thread): on this thread */
		for (unsigned k = 0; k < nparts; k++)
			free(part[k].facts);
		struct grouping_job one = {c, &c->made[0], sg, cut, INT64_MAX};
		group_and_finish(&one);
		return one.carried_first;
	}
	pthread_t thread[MAX_GROUPING_THREADS];
	struct grouping_job job[MAX_GROUPING_THREADS];
	bool started[MAX_GROUPING_THREADS] = {false};
	for (unsigned k = 0; k < nparts; k++) {
		job[k] = (struct grouping_job){c, &c->made[k], &part[k], cut, INT64_MAX};
		started[k] = k > 0 && pthread_create(&thread[k], NULL, group_and_finish, &job[k]) == 0;
	}
	for (unsigned k = 0; k < nparts; k++)
		if (!started[k]) /* the first part, and any whose thread could not start, here */
			group_and_finish(&job[k]);
	int64_t carried_first = INT64_MAX;
	for (unsigned k = 0; k < nparts; k++) {
		if (started[k])
			pthread_join(thread[k], NULL);
		segment_free(&part[k]);
		if (job[k].carried_first < carried_first)
			carried_first = job[k].carried_first;
	}
	return carried_first;
}

/* An attempt and its own texts in one block (the shared ones outlive it), to wait in the heap. */
static struct attempt *packed(const struct attempt *a)
{
	bool own_key = a->user_key != a->user; /* else the key is the user (build) */
	const char *const *texts[] = {&a->user, &a->client_ips, &a->activity, &a->instance, &a->record_ids, &a->user_key};
	size_t ntexts = own_key ? 6 : 5, n = sizeof *a;
	for (size_t i = 0; i < ntexts; i++)
		n += *texts[i] ? strlen(*texts[i]) + 1 : 0;
	struct attempt *p = malloc(n);
	if (!p)
		abort();
	*p = *a;
	const char **to[] = {&p->user, &p->client_ips, &p->activity, &p->instance, &p->record_ids, &p->user_key};
	char *q = (char *)(p + 1);
	for (size_t i = 0; i < ntexts; i++)
		if (*to[i]) { /* still the attempt's own text: copied behind it */
			size_t len = strlen(*to[i]) + 1;
			*to[i] = memcpy(q, *to[i], len);
			q += len;
		}
	if (!own_key)
		p->user_key = p->user;
	return p;
}

static bool before(const struct attempt *x, const struct attempt *y) { return cmp_attempt(x, y) < 0; }

static void waiting_push(struct correlator *c, struct attempt *a)
{
	c->waiting = vec_grow(c->waiting, &c->capwaiting, c->nwaiting, sizeof *c->waiting);
	size_t i = c->nwaiting++;
	for (; i && before(a, c->waiting[(i - 1) / 2]); i = (i - 1) / 2)
		c->waiting[i] = c->waiting[(i - 1) / 2];
	c->waiting[i] = a;
}

static struct attempt *waiting_pop(struct correlator *c)
{
	struct attempt *top = c->waiting[0], *last = c->waiting[--c->nwaiting];
	size_t i = 0;
	for (;;) {
		size_t l = 2 * i + 1, m = l;
		if (l >= c->nwaiting)
			break;
		if (l + 1 < c->nwaiting && before(c->waiting[l + 1], c->waiting[l]))
			m = l + 1;
		if (!before(c->waiting[m], last))
			break;
		c->waiting[i] = c->waiting[m];
		i = m;
	}
	if (c->nwaiting)
		c->waiting[i] = last;
	return top;
}

/* The attempts waiting for the 4740s of their account, when a 4740 names it. */
static struct held *held_of(struct correlator *c, const struct attempt *a)
{
	return c->locked.n ? strmap_get(&c->locked, account_key(&c->key, a->user)) : NULL;
}

/* A 4740 joined to the attempt that caused it: the latest waiting attempt of its account on the caller computer within
 * LOCKOUT_LINK before it (LOCKOUT_CLOCK_SKEW after), of equally late ones the first in order, unless that one is
 * joined already. Every attempt it could take waits (held_releasable). */
static void decide_lockout(struct correlator *c, const struct fact *f)
{
	struct held *h = strmap_get(&c->locked, account_key(&c->key, f->user));
	struct attempt *best = NULL;
	for (size_t i = 0; h && i < h->n; i++) {
		struct attempt *a = h->v[i];
		if (a->time < minus(f->time, LOCKOUT_LINK) || a->time > plus(f->time, LOCKOUT_CLOCK_SKEW) ||
		    !same_host(f->caller, a->server))
			continue;
		if (!best || a->time > best->time || (a->time == best->time && cmp_attempt(a, best) < 0))
			best = a;
	}
	if (best && !best->dc_lockout)
		join_lockout(c, best, f);
}

/* Whether an attempt of an account a 4740 names may go: every 4740 up to LOCKOUT_LINK after it is read and
 * decided. */
static bool held_releasable(const struct correlator *c, const struct attempt *a, bool end)
{
	int64_t last = plus(a->time, LOCKOUT_LINK);
	if (!end && c->read_until <= last)
		return false;
	return c->next_lockout == c->ndc || c->dc[c->next_lockout]->time > last; /* hand_out stops at a 4740 */
}

static void held_remove(struct held *h, const struct attempt *a)
{
	for (size_t i = 0; i < h->n; i++)
		if (h->v[i] == a) {
			h->v[i] = h->v[--h->n];
			return;
		}
}

/* correlator_each, when it keeps successes: a segment's success, its texts copied out of the segment's arena. */
static void keep_success(struct correlator *c, const struct success *o)
{
	struct success *k;
	c->successes = vec_grow(c->successes, &c->capsuccesses, c->nsuccesses, sizeof *c->successes);
	k = &c->successes[c->nsuccesses++];
	*k = *o;
	const char **texts[] = {&k->user, &k->ip, &k->activity, &k->instance};
	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
		if (*texts[i])
			*texts[i] = arena_copy(&c->arena, *texts[i], strlen(*texts[i]) + 1);
}

/* correlator_each: the attempts a segment finished wait with the others; those before `bound` (no request still
 * open or to come can start earlier) go out in order and are freed, with the segment's texts. */
static void hand_out(struct correlator *c, int64_t bound)
{
	for (unsigned k = 0; k < MAX_GROUPING_THREADS; k++) {
		struct made *m = &c->made[k];
		for (size_t i = 0; i < m->nattempts; i++) {
			struct attempt *a = packed(&m->attempts[i]);
			struct held *h = held_of(c, a);
			if (h) {
				h->v = vec_grow(h->v, &h->cap, h->n, sizeof *h->v);
				h->v[h->n++] = a;
			}
			waiting_push(c, a);
		}
		for (size_t i = 0; i < m->nsuccesses; i++)
			keep_success(c, &m->successes[i]);
		m->nattempts = m->nsuccesses = 0;
		arena_free(&m->arena);
	}
	bool end = bound == INT64_MAX;
	for (; c->next_lockout < c->ndc; c->next_lockout++) { /* every attempt up to LOCKOUT_CLOCK_SKEW after is made */
		const struct fact *f = c->dc[c->next_lockout];
		if (f->event_id != 4740 || !f->user)
			continue;
		if (!end && plus(f->time, LOCKOUT_CLOCK_SKEW) >= bound)
			break;
		decide_lockout(c, f);
	}
	while (c->nwaiting && c->waiting[0]->time < bound) {
		struct held *h = held_of(c, c->waiting[0]);
		if (h && !held_releasable(c, c->waiting[0], end))
			break; /* the report's order: everything after it waits too */
		struct attempt *a = waiting_pop(c);
		if (h)
			held_remove(h, a);
		if (c->handoff) {
			handoff_put(c->handoff, a); /* packed: its texts are its own or the correlator's */
		} else {
			c->each(c->each_ctx, a);
			free(a);
		}
	}
}

/* Groups the segment: the requests whose last event is at or before `cut` are finished; the next segment starts
 * with what goes on past the cut (the events of requests not ended, and events after the cut that no request
 * took), then `next` when given. */
static void segment_close(struct correlator *c, struct segment *sg, int64_t cut, const struct fact *next)
{
	int64_t carried_first = group_segment(c, sg, cut); /* what starts later: a request going on, or one of events
							     * after the cut */
	hand_out(c, cut == INT64_MAX ? INT64_MAX : carried_first < cut + 1 ? carried_first : cut + 1);
	struct segment after = {0};
	for (size_t i = 0; i < sg->n; i++) {
		const struct fact *f = sg->facts[i];
		if (f->mark & MARK_CARRIED || (!(f->mark & MARK_PLACED) && f->time > cut))
			segment_push(&after, copy_fact(&after.arena, f));
	}
	if (next)
		segment_push(&after, copy_fact(&after.arena, next));
	segment_free(sg);
	*sg = after;
}

/* Every fact in time order, a segment at a time, into attempts and successes, handed out as they become final. */
static void correlate(struct correlator *c)
{
	fact_store_finish(&c->store);
	struct segment sg = {0};
	struct fact f;
	size_t fresh = 0, past = 0;         /* facts since the last cut; facts read past the cut */
	int64_t cut = 0, last_cut = INT64_MIN, margin = SEGMENT_MARGIN; /* the last segment's margin */
	bool cutting = false;               /* a cut is chosen: reading on to its margin past it */
	for (;;) {
		if (!fact_store_next(&c->store, &sg.arena, &f)) /* its texts go straight into the segment's arena */
			break;
		c->read_until = f.time;
		share(c, &f);
		if (f.dc) { /* few, joined to the attempts at the end */
			c->dc = vec_grow(c->dc, &c->capdc, c->ndc, sizeof *c->dc);
			c->dc[c->ndc++] = copy_fact(&c->arena, &f);
			continue;
		}
		bool dense = cutting && past >= DENSE_FACTS && f.time > plus(cut, DENSE_MARGIN);
		if (cutting && (dense || f.time > plus(cut, SEGMENT_MARGIN))) {
			segment_close(c, &sg, cut, &f);
			last_cut = cut;
			margin = dense ? DENSE_MARGIN : SEGMENT_MARGIN;
			cutting = false;
			fresh = past = 0;
			continue;
		}
		segment_push(&sg, arena_copy(&sg.arena, &f, sizeof f));
		if (cutting) {
			past++;
		} else if (++fresh >= c->segment_facts && (last_cut == INT64_MIN || f.time >= plus(last_cut, margin))) {
			cut = f.time;
			cutting = true;
		}
	}
	segment_close(c, &sg, INT64_MAX, NULL);
}

void correlator_keep_successes(struct correlator *c) { c->keep_successes = true; }

static void sort_successes(struct correlator *c)
{
	if (c->nsuccesses > 1)
		qsort(c->successes, c->nsuccesses, sizeof *c->successes, cmp_success);
}

static void *correlate_apart(void *arg)
{
	struct correlator *c = arg;
	correlate(c);
	handoff_close(c->handoff);
	return NULL;
}

void correlator_each(struct correlator *c, void (*each)(void *ctx, const struct attempt *a), void *ctx)
{
	c->each = each;
	c->each_ctx = ctx;
	bool apart = false;
	if (c->threads > 1) { /* correlating on a thread of its own while this one hands the attempts on (the report) */
		pthread_t t;
		c->handoff = handoff_new();
		apart = pthread_create(&t, NULL, correlate_apart, c) == 0;
		for (struct attempt *a; apart && (a = handoff_take(c->handoff));) {
			each(ctx, a);
			free(a);
		}
		if (apart)
			pthread_join(t, NULL);
		handoff_free(c->handoff);
		c->handoff = NULL;
	}
	if (!apart)
		correlate(c);
	sort_successes(c);
	for (unsigned k = 0; k < MAX_GROUPING_THREADS; k++) { /* handed out: their vectors are done */
		struct made *m = &c->made[k];
		free(m->attempts);
		free(m->successes);
		m->attempts = NULL;
		m->successes = NULL;
		m->capattempts = m->capsuccesses = 0;
	}
	bc_release_free_memory(); /* the segments' and the runs' memory, before the reports build theirs */
}

void correlator_free(struct correlator *c)
{
	free(c->waiting);
	for (size_t i = 0; i < c->nhelds; i++)
		free(c->helds[i]->v);
	free(c->helds);
	strmap_free(&c->locked);
	sb_free(&c->key);
	free(c->dc);
	free(c->successes);
	strmap_free(&c->strings);
	for (unsigned k = 0; k < MAX_GROUPING_THREADS; k++) {
		free(c->made[k].attempts); /* when correlator_each did not run */
		free(c->made[k].successes);
		strmap_free(&c->made[k].strings);
		arena_free(&c->made[k].arena);
		arena_free(&c->made[k].shared);
		arena_free(&c->made[k].kept);
	}
	fact_store_free(&c->store);
	arena_free(&c->arena);
	arena_free(&c->scratch);
	free(c);
}
