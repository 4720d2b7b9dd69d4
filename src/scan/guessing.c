/* guessing.c: password guessing outside AD FS (guessing.h). Each failure is a compact record in sorted runs (memory,
 * then a temporary file). guessing_each goes through them twice:
 *   1. by account, then time: the copies of one event (a log given twice) are left out, and so is the second
 *      record of one password: a DC's check of what a host logged itself (the host's 4625 names the client; the
 *      DC's 4771 or 4776 names the host, or the name the client gave), a PDC emulator's re-check of another DC's
 *      failure (it names that DC), and AD FS's own checks. A 4771 or 4776 and a 4625 of one account within PAIRED
 *      of each other are one password, on one computer too (a server or DC checks a local or its own account and
 *      logs the failed logon); two DCs' failures are when on two computers: each pairs once. AD FS's attempts are
 *      marks among the records (guessing_adfs_attempt): a DC's failure within ADFS_SKEW of one is the farm's check,
 *      so a failure is held for ADFS_SKEW before it goes on.
 *   2. what is left, by source, then time: each source's failures with two sliding windows, the failures of each
 *      account within the brute-force window and the accounts within the spray window.
 * Memory holds one account's failures of the last ADFS_SKEW, the failures inside pass 2's windows and one source's
 * accounts and hosts, not every failure.
 *
 * A record, 8-byte aligned (the machine's byte order: the file lives as long as the run):
 *   offset 0  u32 size         the whole record, a multiple of 8
 *          4  u32 event_id     4625, 4771, 4776 or 4648; 0 marks an AD FS attempt (time and key only)
 *          8  i64 time         FILETIME ticks
 *         16  u64 record_id    EventRecordID
 *         24  u8  kind         SOURCE_ADDRESS, SOURCE_WORKSTATION, SOURCE_HOST, SOURCE_UNNAMED or SOURCE_SENDER
 *         25  u8  outcome      enum outcome: bad password, unknown user, locked or disabled (none: a 4648)
 *         26  u8  way          enum guessing_way
 *         27  u8  0
 *         28  u32 source_len   then the lengths of the host, the account as the event names it, and its key
 *         32  u32 host_len     (account_key); a 4648's host is its target (add_explicit)
 *         36  u32 account_len
 *         40  u32 key_len
 *         44  u32 process_len  4625's ProcessName (0 for the others)
 *         48  the source's bytes, the host's, the account's, the key's, the process's, then zeros to the size */
#include "badcreds/guessing.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "badcreds/attempt.h"
#include "badcreds/filetime.h"
#include "badcreds/ip.h"
#include "badcreds/lockout.h"
#include "badcreds/outcome.h"
#include "badcreds/strmap.h"
#include "badcreds/text.h"
#include "scan/logon.h"
#include "scan/summary_record.h"
#include "util/sorted_runs.h"
#include "util/vec.h"

enum { HEAD = 48, MAX_TEXT = 512 }; /* a longer name (a hostile one) is cut at a character */
static const int64_t ADFS_SKEW = FILETIME_MINUTE;      /* the DC's clock against the AD FS server's: how long pass 1
							* holds a failure, waiting for an AD FS attempt */
static const int64_t PAIRED = 2 * FILETIME_SECOND;      /* a DC's check and the host's 4625, a DC's re-check */

struct guessing {
	struct sorted_runs runs;       /* by account (pass 1) */
	struct sorted_runs by_source;  /* what pass 1 leaves, by source (pass 2) */
	struct arena scratch;          /* an event read here (no `prepared`) */
	struct strbuf key;
	bool (*keep)(void *ctx, const char *account, const char *address, const char *host, int64_t time);
	void *keep_ctx;
	struct strbuf account, address, host; /* a failure's texts for keep */
	bool dc_failures;              /* a 4771 or 4776 was added: only those need AD FS's marks */
};

static int cmp_failures(const uint8_t *x, const uint8_t *y);
static size_t text_len(const char *s);
static void put_u32(uint8_t *p, uint32_t v);
static void put_u64(uint8_t *p, uint64_t v);
static int cmp_accounts(const uint8_t *x, const uint8_t *y);

struct guessing *guessing_new(bool (*keep)(void *ctx, const char *account, const char *address, const char *host,
					   int64_t time), void *ctx)
{
	struct guessing *g = calloc(1, sizeof *g);
	if (!g)
		abort();
	sorted_runs_init(&g->runs, summary_run_bytes(), cmp_accounts);
	sorted_runs_init(&g->by_source, summary_run_bytes(), cmp_failures);
	g->keep = keep;
	g->keep_ctx = ctx;
	return g;
}

void guessing_adfs_attempt(struct guessing *g, const char *user, int64_t time)
{
	if (!g->dc_failures || !user || !*user) /* the failures are all added before the attempts come */
		return;
	const char *key = account_key(&g->key, user);
	size_t nk = text_len(key), size = (HEAD + nk + 7) & ~(size_t)7;
	uint8_t *r = sorted_runs_add(&g->runs, size); /* a mark: EventID 0, the account's key, nothing else */
	memset(r + 4, 0, size - 4);
	put_u64(r + 8, (uint64_t)time);
	put_u32(r + 40, (uint32_t)nk);
	memcpy(r + HEAD, key, nk);
}

/* What a failure tells of the account: a wrong password, an account that does not exist, or one that is locked or
 * disabled (a guesser learns from those too); OUTCOME_NONE for the other failures (an expired password is a right
 * one, a logon type not granted or a clock skew no guess). */
static enum outcome failure_of(const struct logon *l)
{
	enum outcome o;
	switch (l->event_id) {
	case 4771: /* Kerberos result codes */
		return l->status == KERB_BAD_PASSWORD ? OUTCOME_BAD_PASSWORD : l->status == KERB_UNKNOWN_CLIENT ? OUTCOME_UNKNOWN_USER
		       : l->status == KERB_REVOKED ? OUTCOME_AD_LOCKED_OUT : OUTCOME_NONE;
	case 4625: case 4776:
		o = outcome_from_status(l->status, l->substatus);
		return o == OUTCOME_BAD_PASSWORD || o == OUTCOME_UNKNOWN_USER || o == OUTCOME_AD_LOCKED_OUT ||
		       o == OUTCOME_DISABLED ? o : OUTCOME_NONE;
	default:
		return OUTCOME_NONE;
	}
}

static enum guessing_way way_of(const struct logon *l)
{
	switch (l->event_id) {
	case 4771: return WAY_KERBEROS;
	case 4776: return WAY_NTLM;
	default:
		switch (l->logon_type) {
		case 3: return WAY_NETWORK;
		case 10: return WAY_RDP;
		case 2: case 7: case 11: return WAY_CONSOLE;
		default: return WAY_OTHER_LOGON;
		}
	}
}

/* A text's length in a record: at most MAX_TEXT bytes, cut at a character. */
static size_t text_len(const char *s)
{
	size_t n = strlen(s);
	return n > MAX_TEXT ? utf8_cut(s, MAX_TEXT) : n;
}

/* Whether a workstation name is the host's own (WIN and WIN.contoso.local): a logon on the host itself. */
static bool same_host(const char *workstation, const char *computer)
{
	size_t a = strcspn(workstation, "."), b = strcspn(computer, ".");
	return a == b && !strncasecmp(workstation, computer, a);
}

/* Where a failure came from (guessing.h, struct guessing_source). */
static uint8_t source_kind(const struct logon *l)
{
	struct ip_addr a;
	if (*l->ip)
		return ip_parse(l->ip, strlen(l->ip), &a) && !strcmp(ip_class(&a), "loopback") ? SOURCE_HOST : SOURCE_ADDRESS;
	if (*l->workstation)
		return same_host(l->workstation, l->computer) ? SOURCE_HOST : SOURCE_WORKSTATION;
	return l->event_id == 4625 ? SOURCE_HOST : SOURCE_UNNAMED;
}

static void put_u32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put_u64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

/* A failure's (or a 4648's) record in pass 1's runs: the texts cut to MAX_TEXT, the account's key made here. */
static void put_record(struct guessing *g, uint32_t event_id, int64_t time, uint64_t record_id, uint8_t kind,
		       enum outcome o, enum guessing_way way, const char *source, const char *host, const char *account,
		       const char *process)
{
	const char *key = account_key(&g->key, account);
	size_t ns = text_len(source), nh = text_len(host), na = text_len(account), nk = text_len(key);
	size_t np = text_len(process);
	size_t size = (HEAD + ns + nh + na + nk + np + 7) & ~(size_t)7;
	uint8_t *r = sorted_runs_add(&g->runs, size);
	memset(r + 4, 0, size - 4);
	put_u32(r + 4, event_id);
	put_u64(r + 8, (uint64_t)time);
	put_u64(r + 16, record_id);
	r[24] = kind;
	r[25] = (uint8_t)o;
	r[26] = (uint8_t)way;
	put_u32(r + 28, (uint32_t)ns);
	put_u32(r + 32, (uint32_t)nh);
	put_u32(r + 36, (uint32_t)na);
	put_u32(r + 40, (uint32_t)nk);
	put_u32(r + 44, (uint32_t)np);
	uint8_t *p = r + HEAD;
	memcpy(p, source, ns);
	memcpy(p += ns, host, nh);
	memcpy(p += nh, account, na);
	memcpy(p += na, key, nk);
	memcpy(p += nk, process, np);
}

bool guessing_relevant(uint32_t event_id, const struct evtx_value *provider)
{
	return event_id == 4648 && evtx_value_equals_nocase(provider, "Microsoft-Windows-Security-Auditing");
}

/* A field's text ("" when absent or "-"), in sb. */
static const char *text_field(struct strbuf *sb, const struct event *ev, const char *name)
{
	const struct evtx_value *v = event_data_get(ev, name);
	sb->len = 0;
	if (v)
		evtx_value_render(sb, v);
	return strcmp(sb_cstr(sb), "-") ? sb_cstr(sb) : "";
}

/* A 4648: the computer that logged it sent the credentials of TargetUserName, as the subject account, from
 * ProcessName, to IpAddress (the target's address; else TargetServerName, the name it was asked by). The source
 * is the computer and the subject ("WKS01 as CORP\\jo"). */
static void add_explicit(struct guessing *g, const struct event *ev)
{
	struct strbuf computer = {0}, source = {0};
	evtx_value_render(&computer, &ev->computer);
	const char *subject = text_field(&g->account, ev, "SubjectUserName"), *domain;
	sb_printf(&source, "%s as ", sb_cstr(&computer));
	domain = text_field(&g->host, ev, "SubjectDomainName");
	if (*domain)
		sb_printf(&source, "%s\\", domain);
	sb_adds(&source, *subject ? subject : "-");
	const char *target = text_field(&g->host, ev, "IpAddress");
	struct ip_addr a;
	if (!*target || (ip_parse(target, strlen(target), &a) && !strcmp(ip_class(&a), "loopback")))
		target = text_field(&g->host, ev, "TargetServerName");
	struct strbuf account = {0};
	sb_adds(&account, text_field(&g->account, ev, "TargetUserName"));
	const char *process = text_field(&g->address, ev, "ProcessName");
	put_record(g, 4648, (ev->has & EV_HAS_TIME) ? ev->time_created : 0, ev->record_id, SOURCE_SENDER, OUTCOME_NONE,
		   WAY_EXPLICIT, sb_cstr(&source), target, sb_cstr(&account), process);
	sb_free(&computer);
	sb_free(&source);
	sb_free(&account);
}

void guessing_add(struct guessing *g, const struct event *ev, const void *prepared, bool through_adfs)
{
	if (!(ev->has & EV_HAS_EVENT_ID))
		return;
	if (guessing_relevant(ev->event_id, &ev->provider_name)) {
		add_explicit(g, ev);
		return;
	}
	if ((ev->event_id != 4625 && ev->event_id != 4771 && ev->event_id != 4776) ||
	    (ev->event_id == 4625 && through_adfs) || !logon_relevant(ev->event_id, &ev->provider_name))
		return; /* then lockout_finder_prepare made a struct logon of it */
	if (!prepared) {
		arena_reset(&g->scratch);
		prepared = lockout_finder_prepare(ev, &g->scratch);
	}
	const struct logon *l = prepared;
	enum outcome o = failure_of(l);
	if (o == OUTCOME_NONE)
		return;
	g->dc_failures |= l->event_id != 4625;
	uint8_t kind = source_kind(l);
	const char *source = kind == SOURCE_ADDRESS ? l->ip : kind == SOURCE_WORKSTATION ? l->workstation : l->computer;
	put_record(g, l->event_id, l->time, l->record_id, kind, o, way_of(l), source, l->computer, l->account,
		   l->event_id == 4625 ? l->process : "");
}

/* A record read back (texts point into it, not NUL-terminated). */
struct failure {
	uint32_t event_id;
	int64_t time;
	uint64_t record_id;
	uint8_t kind, outcome, way;
	const char *source, *host, *account, *key, *process;
	size_t source_len, host_len, account_len, key_len, process_len;
};

static void read_failure(const uint8_t *r, struct failure *f)
{
	f->event_id = sorted_runs_u32(r + 4);
	f->time = (int64_t)sorted_runs_u64(r + 8);
	f->record_id = sorted_runs_u64(r + 16);
	f->kind = r[24];
	f->outcome = r[25];
	f->way = r[26];
	f->source_len = sorted_runs_u32(r + 28);
	f->host_len = sorted_runs_u32(r + 32);
	f->account_len = sorted_runs_u32(r + 36);
	f->key_len = sorted_runs_u32(r + 40);
	f->process_len = sorted_runs_u32(r + 44);
	f->source = (const char *)r + HEAD;
	f->host = f->source + f->source_len;
	f->account = f->host + f->host_len;
	f->key = f->account + f->account_len;
	f->process = f->key + f->key_len;
}

static int cmp_u64(uint64_t a, uint64_t b) { return (a > b) - (a < b); }

/* By source: its kind, then its text. */
static int cmp_source(const struct failure *a, const struct failure *b)
{
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	return sorted_runs_cmp_bytes(a->source, a->source_len, b->source, b->source_len);
}

/* By time, host, EventID and EventRecordID: one event's copies compare equal. */
static int cmp_event(const struct failure *a, const struct failure *b)
{
	int c;
	if (a->time != b->time)
		return a->time < b->time ? -1 : 1;
	if ((c = sorted_runs_cmp_bytes(a->host, a->host_len, b->host, b->host_len)))
		return c;
	return (c = cmp_u64(a->event_id, b->event_id)) ? c : cmp_u64(a->record_id, b->record_id);
}

/* By source, then event, then account: pass 2's order, which does not depend on the order of the inputs. */
static int cmp_failures(const uint8_t *x, const uint8_t *y)
{
	struct failure a, b;
	read_failure(x, &a);
	read_failure(y, &b);
	int c;
	if ((c = cmp_source(&a, &b)) || (c = cmp_event(&a, &b)))
		return c;
	return sorted_runs_cmp_bytes(a.account, a.account_len, b.account, b.account_len);
}

/* By account key, event, source, then account: 0 for the copies of one event. */
static int cmp_same_event(const uint8_t *x, const uint8_t *y)
{
	struct failure a, b;
	read_failure(x, &a);
	read_failure(y, &b);
	int c;
	if ((c = sorted_runs_cmp_bytes(a.key, a.key_len, b.key, b.key_len)) || (c = cmp_event(&a, &b)) ||
	    (c = cmp_source(&a, &b)))
		return c;
	return sorted_runs_cmp_bytes(a.account, a.account_len, b.account, b.account_len);
}

/* Pass 1's order (the copies of one event are neighbours), then the whole record: of copies that differ (another
 * logon type, status or process under one EventRecordID: a damaged or forged log), the one kept is the same
 * whatever the order of the inputs. */
static int cmp_accounts(const uint8_t *x, const uint8_t *y)
{
	int c = cmp_same_event(x, y);
	return c ? c : sorted_runs_cmp_bytes(x, sorted_runs_u32(x), y, sorted_runs_u32(y));
}

/* Pass 1: one account's failures of the last ADFS_SKEW, each a copy of its record. */
struct held {
	uint8_t *record;
	int64_t time;
	const char *host;              /* in record */
	size_t host_len;
	bool dc, dropped;
	bool adfs;                     /* a DC's failure within ADFS_SKEW of an AD FS attempt: the farm's own check */
	bool host_paired;              /* a DC's check paired with the host's 4625, or that 4625 */
	bool rechecked;                /* a DC's failure another DC re-checked */
	bool recheck;                  /* the re-check of another DC's failure */
};

enum { PAIR_LOOK = 256 }; /* at most this many held failures of a kind are looked at for a partner */

/* The held failures of one kind that may still pair, by their number (time order); the front ones no longer able to
 * are let go of as they are met. */
struct queue {
	size_t *v;
	size_t head, n, cap;
};

struct pairing {
	struct held *v;
	size_t head, n, cap;           /* v[head..n) are in the window */
	int64_t adfs_last;             /* the account's last AD FS attempt so far, INT64_MIN if none */
	size_t first;                  /* the number of v[0] (numbers go on across compactions) */
	struct queue rechecks;         /* DCs' failures another DC may re-check */
	struct queue dc_checks;        /* DCs' failures a host's 4625 may pair with */
	struct queue host_failures;    /* hosts' 4625s a DC's failure may pair with */
	struct strbuf key;             /* the account they are of */
};

static struct held *held_at(struct pairing *p, size_t number) { return &p->v[number - p->first]; }

/* The front of q let go of while it is before now's window (paired or not: nothing later can pair with it). */
static void queue_trim(struct pairing *p, struct queue *q, int64_t now)
{
	while (q->head < q->n && (q->v[q->head] < p->first + p->head || held_at(p, q->v[q->head])->time < now - PAIRED))
		q->head++;
}

static void queue_push(struct pairing *p, struct queue *q, size_t number)
{
	queue_trim(p, q, held_at(p, number)->time);
	vec_compact(q->v, &q->head, &q->n, sizeof *q->v);
	q->v = vec_grow(q->v, &q->cap, q->n, sizeof *q->v);
	q->v[q->n++] = number;
}

static const char *text_of(struct strbuf *sb, const char *bytes, size_t len)
{
	sb->len = 0;
	sb_add(sb, len ? bytes : "", len);
	return sb_cstr(sb);
}

/* Whether the command's options keep a failure (guessing_new). */
static bool kept(struct guessing *g, const uint8_t *r)
{
	if (!g->keep)
		return true;
	struct failure f;
	read_failure(r, &f);
	return g->keep(g->keep_ctx, text_of(&g->account, f.account, f.account_len),
		       text_of(&g->address, f.source, f.kind == SOURCE_ADDRESS ? f.source_len : 0),
		       text_of(&g->host, f.host, f.host_len), f.time);
}

/* The held failures before `until` go on to pass 2, but those dropped and those the options leave out. */
static void pairing_flush(struct guessing *g, struct pairing *p, int64_t until)
{
	for (; p->head < p->n && p->v[p->head].time < until; p->head++) {
		struct held *h = &p->v[p->head];
		if (!h->dropped && kept(g, h->record)) {
			uint32_t size = sorted_runs_u32(h->record);
			memcpy(sorted_runs_add(&g->by_source, size), h->record, size);
		}
		free(h->record);
	}
	p->first += vec_compact(p->v, &p->head, &p->n, sizeof *p->v); /* their slots again; numbers go on */
	if (!p->n)
		p->rechecks.head = p->rechecks.n = p->dc_checks.head = p->dc_checks.n = p->host_failures.head =
			p->host_failures.n = 0;
}

static bool rechecks(const struct held *h) { return !h->rechecked; }
static bool unpaired(const struct held *h) { return !h->host_paired; } /* a host's 4625 or a DC's check */

/* The first held failure in q that `fits`, of another computer than now's when other_host (at most PAIR_LOOK looked
 * at). */
static struct held *partner(struct pairing *p, struct queue *q, const struct held *now,
			    bool (*fits)(const struct held *h), bool other_host)
{
	queue_trim(p, q, now->time);
	while (q->head < q->n && !fits(held_at(p, q->v[q->head])))
		q->head++; /* paired since */
	for (size_t i = q->head, looked = 0; i < q->n && looked < PAIR_LOOK; i++, looked++) {
		struct held *h = held_at(p, q->v[i]);
		if (fits(h) && (!other_host || h->host_len != now->host_len ||
				strncasecmp(h->host, now->host, now->host_len)))
			return h;
	}
	return NULL;
}

/* Before a record of f's account: the held failures of another account all go on, and those of this one from
 * before its window. */
static void pairing_account(struct guessing *g, struct pairing *p, const struct failure *f)
{
	if (!p->key.data || p->key.len != f->key_len || memcmp(p->key.data, f->key, f->key_len)) {
		pairing_flush(g, p, INT64_MAX);
		p->key.len = 0;
		sb_add(&p->key, f->key_len ? f->key : "", f->key_len);
		p->adfs_last = INT64_MIN;
	}
	pairing_flush(g, p, f->time - ADFS_SKEW);
}

/* A failure (after the copies of the one before), with the held ones of its account: a DC's failure within
 * ADFS_SKEW after an AD FS attempt is the farm's check (dropped); one within PAIRED after another DC's failure not
 * yet re-checked is its re-check (dropped); else a DC's failure and a host's 4625 within PAIRED, both unpaired, are
 * one password (on one computer too: its 4776 of a local account): the DC's is dropped. Earliest partner first, each
 * pairs once. */
static void pairing_add(struct guessing *g, struct pairing *p, const uint8_t *r, const struct failure *f)
{
	pairing_account(g, p, f);
	p->v = vec_grow(p->v, &p->cap, p->n, sizeof *p->v);
	uint32_t size = sorted_runs_u32(r);
	struct held *now = &p->v[p->n];
	*now = (struct held){.record = malloc(size), .time = f->time, .host_len = f->host_len,
			     .dc = f->event_id == 4771 || f->event_id == 4776};
	if (!now->record)
		abort();
	memcpy(now->record, r, size);
	now->host = (const char *)now->record + (f->host - (const char *)r);
	size_t number = p->first + p->n++;
	struct held *h;
	if (now->dc && p->adfs_last != INT64_MIN && f->time - p->adfs_last <= ADFS_SKEW) {
		now->adfs = now->dropped = true; /* the farm asked the DC: the AD FS findings count it */
		return;
	}
	if (!f->key_len || f->event_id == 4648) /* no account to pair by; a 4648 is a try, no failure */
		return;
	if (now->dc && (h = partner(p, &p->rechecks, now, rechecks, true))) {
		h->rechecked = now->recheck = now->dropped = true;
		return;
	}
	if (now->dc && (h = partner(p, &p->host_failures, now, unpaired, false)))
		h->host_paired = now->host_paired = now->dropped = true;
	else if (!now->dc && (h = partner(p, &p->dc_checks, now, unpaired, false)))
		h->host_paired = now->host_paired = h->dropped = true;
	if (now->dc) {
		queue_push(p, &p->rechecks, number);
		if (!now->host_paired)
			queue_push(p, &p->dc_checks, number);
	} else if (!now->host_paired) {
		queue_push(p, &p->host_failures, number);
	}
}

/* An AD FS attempt of the account at t: the DCs' failures held from ADFS_SKEW before it are the farm's own checks
 * (back to the first one an earlier attempt marked already), and so are those until ADFS_SKEW after it. */
static void pairing_mark(struct guessing *g, struct pairing *p, const struct failure *f)
{
	pairing_account(g, p, f);
	p->adfs_last = f->time;
	for (size_t i = p->n; i > p->head && p->v[i - 1].time >= f->time - ADFS_SKEW && !p->v[i - 1].adfs; i--)
		if (p->v[i - 1].dc)
			p->v[i - 1].adfs = p->v[i - 1].dropped = true;
}

/* A name counted within one source: an account (by its key) or a host (without case). */
struct counted {
	const char *name;              /* as first seen (in the source's arena) */
	unsigned count;
	unsigned in_burst, in_spread;  /* accounts: failures in the brute-force window, in the spray window */
};

struct names {
	struct strmap index;           /* key -> number + 1 */
	struct counted *v;
	size_t n, cap;
};

/* One failure inside a window: its time and account number. */
struct inside {
	int64_t time;
	size_t account;
};

struct window {
	struct inside *v;
	size_t head, n, cap;
};

/* One source's failures, gone through in time order. */
struct pass {
	struct arena arena;
	struct names accounts, hosts, processes;
	struct window burst, spread;
	unsigned live;                 /* accounts with a failure in the spray window */
	struct guessing_source out;
	struct strbuf text, lower;
};

static size_t name_of(struct pass *p, struct names *m, const char *key, size_t key_len, const char *name,
		      size_t name_len)
{
	p->text.len = 0;
	if (key_len)
		sb_add(&p->text, key, key_len);
	uintptr_t k = (uintptr_t)strmap_get(&m->index, sb_cstr(&p->text));
	if (!k) {
		m->v = vec_grow(m->v, &m->cap, m->n, sizeof *m->v);
		char *copy = arena_alloc(&p->arena, name_len + 1);
		memcpy(copy, name, name_len);
		copy[name_len] = 0;
		m->v[m->n] = (struct counted){.name = copy};
		strmap_put(&m->index, sb_cstr(&p->text), (void *)(k = ++m->n));
	}
	m->v[k - 1].count++;
	return k - 1;
}

/* Adds a failure to a window of `length`, first letting go of those `length` or more before it. */
static void slide(struct window *w, int64_t t, size_t account, int64_t length, struct counted *accounts, bool spread,
		  unsigned *live)
{
	while (w->head < w->n && t - w->v[w->head].time >= length) {
		struct counted *c = &accounts[w->v[w->head++].account];
		if (!spread)
			c->in_burst--;
		else if (!--c->in_spread) /* the account's last failure in the spray window */
			--*live;
	}
	vec_compact(w->v, &w->head, &w->n, sizeof *w->v); /* the window's start moved on: its slots again */
	w->v = vec_grow(w->v, &w->cap, w->n, sizeof *w->v);
	w->v[w->n++] = (struct inside){t, account};
}

static void pass_add(struct pass *p, const struct failure *f, int64_t brute_window, int64_t spray_window)
{
	struct guessing_source *o = &p->out;
	if (!o->failures++)
		o->first = f->time;
	o->last = f->time;
	o->wrong_passwords += f->outcome == OUTCOME_BAD_PASSWORD;
	o->unknown_accounts += f->outcome == OUTCOME_UNKNOWN_USER;
	o->refused_locked += f->outcome == OUTCOME_AD_LOCKED_OUT || f->outcome == OUTCOME_DISABLED;
	o->ways |= f->way;
	p->lower.len = 0;
	for (size_t i = 0; i < f->host_len; i++)
		sb_addc(&p->lower, f->host[i] >= 'A' && f->host[i] <= 'Z' ? (char)(f->host[i] + 32) : f->host[i]);
	name_of(p, &p->hosts, p->lower.data, p->lower.len, f->host, f->host_len);
	if (f->process_len)
		name_of(p, &p->processes, f->process, f->process_len, f->process, f->process_len);
	if (!f->key_len) /* no account named: a failure, but of no account */
		return;
	size_t a = name_of(p, &p->accounts, f->key, f->key_len, f->account, f->account_len);
	slide(&p->burst, f->time, a, brute_window, p->accounts.v, false, &p->live);
	if (++p->accounts.v[a].in_burst > o->burst) {
		o->burst = p->accounts.v[a].in_burst;
		o->burst_account = p->accounts.v[a].name;
	}
	slide(&p->spread, f->time, a, spray_window, p->accounts.v, true, &p->live);
	p->live += !p->accounts.v[a].in_spread++;
	if (p->live > o->spread)
		o->spread = p->live;
}

/* The most counted of a list (of equal counts the first seen: the order of the records, which is the inputs'
 * whatever their order), GUESSING_TOP of them. */
static void top(const struct names *m, unsigned char *taken, struct guessing_count out[GUESSING_TOP])
{
	memset(taken, 0, m->n);
	for (size_t round = 0; round < GUESSING_TOP; round++) {
		size_t best = SIZE_MAX;
		for (size_t i = 0; i < m->n; i++)
			if (!taken[i] && (best == SIZE_MAX || m->v[i].count > m->v[best].count))
				best = i;
		out[round].name = best == SIZE_MAX ? NULL : m->v[best].name;
		out[round].count = best == SIZE_MAX ? 0 : m->v[best].count;
		if (best != SIZE_MAX)
			taken[best] = 1;
	}
}

static void pass_finish(struct pass *p, const char *source, size_t len, uint8_t kind,
			void (*fn)(void *ctx, const struct guessing_source *s), void *ctx)
{
	struct guessing_source *o = &p->out;
	char *name = arena_alloc(&p->arena, len + 1);
	memcpy(name, source, len);
	name[len] = 0;
	o->source = name;
	o->kind = kind;
	struct ip_addr a;
	o->ip_class = kind == SOURCE_ADDRESS && ip_parse(name, len, &a) ? ip_class(&a) : "";
	o->accounts = (unsigned)p->accounts.n;
	o->hosts = (unsigned)p->hosts.n;
	size_t most = p->accounts.n > p->hosts.n ? p->accounts.n : p->hosts.n;
	unsigned char *taken = malloc(most + 1);
	if (!taken)
		abort();
	top(&p->accounts, taken, o->top_accounts);
	top(&p->hosts, taken, o->top_hosts);
	free(taken);
	o->process = "";
	for (size_t i = 0, most = 0; i < p->processes.n; i++) /* the first of the most frequent */
		if (p->processes.v[i].count > most) {
			most = p->processes.v[i].count;
			o->process = p->processes.v[i].name;
		}
	if (!o->burst_account)
		o->burst_account = "";
	fn(ctx, o);
}

static void pass_reset(struct pass *p)
{
	free(p->accounts.v);
	free(p->hosts.v);
	free(p->processes.v);
	strmap_free(&p->accounts.index);
	strmap_free(&p->hosts.index);
	strmap_free(&p->processes.index);
	free(p->burst.v);
	free(p->spread.v);
	arena_reset(&p->arena);
	struct arena keep = p->arena;
	struct strbuf text = p->text, lower = p->lower;
	memset(p, 0, sizeof *p);
	p->arena = keep;
	p->text = text;
	p->lower = lower;
	p->accounts.index.arena = p->hosts.index.arena = p->processes.index.arena = &p->arena;
}

static bool same_source(const struct failure *a, const struct failure *b)
{
	return a->kind == b->kind && !sorted_runs_cmp_bytes(a->source, a->source_len, b->source, b->source_len);
}

size_t guessing_each(struct guessing *g, int64_t brute_window, int64_t spray_window,
		     void (*fn)(void *ctx, const struct guessing_source *s), void *ctx)
{
	sorted_runs_finish(&g->runs);
	struct pairing pairing = {0};
	struct strbuf prev = {0}; /* the record before, copied: a peeked one lives until the next pop */
	for (const uint8_t *r; (r = sorted_runs_peek(&g->runs)); sorted_runs_pop(&g->runs)) {
		if (prev.len && !cmp_same_event(r, (const uint8_t *)prev.data))
			continue; /* the same event again */
		struct failure f;
		read_failure(r, &f);
		if (f.event_id)
			pairing_add(g, &pairing, r, &f);
		else
			pairing_mark(g, &pairing, &f);
		prev.len = 0;
		sb_add(&prev, r, sorted_runs_u32(r));
	}
	pairing_flush(g, &pairing, INT64_MAX);
	free(pairing.v);
	free(pairing.rechecks.v);
	free(pairing.dc_checks.v);
	free(pairing.host_failures.v);
	sb_free(&pairing.key);
	sorted_runs_release(&g->runs);

	sorted_runs_finish(&g->by_source);
	struct pass p = {0};
	pass_reset(&p);
	size_t failures = 0;
	prev.len = 0;
	for (const uint8_t *r; (r = sorted_runs_peek(&g->by_source)); sorted_runs_pop(&g->by_source)) {
		struct failure f, b;
		read_failure(r, &f);
		if (prev.len) {
			read_failure((const uint8_t *)prev.data, &b);
			if (!same_source(&f, &b)) {
				pass_finish(&p, b.source, b.source_len, b.kind, fn, ctx);
				pass_reset(&p);
			}
		}
		pass_add(&p, &f, brute_window, spray_window);
		failures += f.event_id != 4648;
		prev.len = 0;
		sb_add(&prev, r, sorted_runs_u32(r));
	}
	if (prev.len) {
		struct failure b;
		read_failure((const uint8_t *)prev.data, &b);
		pass_finish(&p, b.source, b.source_len, b.kind, fn, ctx);
	}
	pass_reset(&p);
	arena_free(&p.arena);
	sb_free(&p.text);
	sb_free(&p.lower);
	sb_free(&prev);
	sorted_runs_release(&g->by_source);
	return failures;
}

const char *guessing_spill_error(const struct guessing *g)
{
	return g->runs.spill_error ? g->runs.spill_error : g->by_source.spill_error;
}

uint64_t guessing_lost_bytes(const struct guessing *g) { return g->runs.lost_bytes + g->by_source.lost_bytes; }

void guessing_free(struct guessing *g)
{
	if (!g)
		return;
	sorted_runs_release(&g->runs);
	sorted_runs_release(&g->by_source);
	arena_free(&g->scratch);
	sb_free(&g->key);
	sb_free(&g->account);
	sb_free(&g->address);
	sb_free(&g->host);
	free(g);
}
