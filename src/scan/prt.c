/* prt.c: the PRT acquisition finder. It keeps the CloudAP events (aad_event.c), then per device in time order cuts
 * them into acquisitions: an Analytic 1006 ... 1007 window with every event in between, or, outside such windows
 * (most fleets leave the Analytic log off), a burst of Operational errors within 60 s of its first; each is
 * explained from its codes by the table of prt_codes.c and joined to AD FS (prt_join.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "badcreds/filetime.h"
#include "badcreds/prt.h"
#include "badcreds/strbuf.h"
#include "badcreds/strmap.h"
#include "scan/aad_event.h"
#include "util/vec.h"

static const int64_t BURST = 60 * FILETIME_SECOND;

struct prt_finder {
	struct arena arena;
	bool device_analytic;        /* while cutting: the device has Analytic events */
	struct strmap seen;          /* events already kept (the same log given twice, EVTX and its XML export) */
	struct aad_event *events;
	size_t n, cap;
	struct prt_row *rows;
	size_t nrows, caprows;
	bool analytic;
	struct strmap by_account;    /* account_key -> its struct linked: rows of federated credential failures */
	struct linked { size_t *row; size_t n, cap; } **linked; /* all of them, to free */
	size_t nlinked, caplinked;
	struct strbuf key;
};

struct prt_finder *prt_finder_new(void)
{
	struct prt_finder *f = calloc(1, sizeof *f);
	if (!f)
		abort();
	f->seen.arena = f->by_account.arena = &f->arena;
	return f;
}

static bool analytic_id(uint32_t id) { return id == 1006 || id == 1007 || id == 1018 || id == 1022 || id == 1144; }

void prt_finder_add(struct prt_finder *f, const struct event *ev)
{
	if (!(ev->has & EV_HAS_EVENT_ID) || !prt_relevant(ev->event_id, &ev->provider_name))
		return;
	struct aad_event e;
	aad_event_read(ev, &f->arena, &e);
	struct strbuf key = {0};
	sb_printf(&key, "%s\x1f%u\x1f%llu\x1f%lld", e.device, e.event_id, (unsigned long long)e.record_id,
		  (long long)e.time);
	bool seen = strmap_get(&f->seen, sb_cstr(&key)) != NULL;
	if (!seen)
		strmap_put(&f->seen, sb_cstr(&key), f);
	sb_free(&key);
	if (seen)
		return;
	f->analytic |= analytic_id(e.event_id);
	f->events = vec_grow(f->events, &f->cap, f->n, sizeof *f->events);
	f->events[f->n++] = e;
}

bool prt_finder_has_analytic(const struct prt_finder *f) { return f->analytic; }

/* Device, then time; at one instant a 1006 opens before and a 1007 closes after everything else. */
static int phase(uint32_t id) { return id == 1006 ? 0 : id == 1007 ? 2 : 1; }

static int cmp_event(const void *a, const void *b)
{
	const struct aad_event *x = a, *y = b;
	int c = strcasecmp(x->device, y->device); /* one device, whatever case each log gives its name in */
	if (c)
		return c;
	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	if (phase(x->event_id) != phase(y->event_id))
		return phase(x->event_id) - phase(y->event_id);
	return x->record_id < y->record_id ? -1 : x->record_id > y->record_id;
}

/* A UPN-like word in a text (user@domain.tld), copied to the arena; "" when none. */
static const char *upn_in(struct arena *a, const char *s)
{
	static const char word[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+-'";
	for (const char *at = strchr(s, '@'); at; at = strchr(at + 1, '@')) {
		const char *b = at;
		while (b > s && b[-1] && strchr(word, b[-1]))
			b--;
		size_t dom = strspn(at + 1, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-");
		while (dom && at[dom] == '.')
			dom--;
		if (b < at && dom && memchr(at + 1, '.', dom)) {
			size_t n = (size_t)(at - b) + 1 + dom;
			char *out = arena_alloc(a, n + 1);
			memcpy(out, b, n);
			out[n] = 0;
			return out;
		}
	}
	return "";
}

/* The events of a row in one pass: what each kind says, first of each kind. */
struct gathered {
	const struct aad_event *status, *server, *network, *first_error, *op_status, *upn, *corr, *endpoint;
	const struct aad_event *url_before, *last_url;
	bool wstrust_url;
};

static void gather(const struct aad_event *e, size_t n, struct gathered *g)
{
	memset(g, 0, sizeof *g);
	for (size_t i = 0; i < n; i++) {
		const struct aad_event *x = &e[i];
		if (aad_is_error(x->event_id) && x->event_id != 1025 && !g->first_error)
			g->first_error = x;
		switch (x->event_id) {
		case 1007: if (x->has_code) g->status = x; break;
		case 1018: if (!g->corr && *x->text) g->corr = x; break;
		case 1022:
			g->last_url = x;
			if (!g->first_error)
				g->url_before = x;
			g->wstrust_url |= prt_wstrust_url(x->text);
			break;
		case 1025: if (!g->endpoint && *x->text) g->endpoint = x; break;
		case 1081: case 1088: if (!g->server) g->server = x; break;
		case 1084: if (!g->network && x->has_code) g->network = x; break;
		case 1086: case 1160: case 1104: if (!g->op_status && x->has_code) g->op_status = x; break;
		case 1144: if (!g->upn && *x->text) g->upn = x; break;
		default: break;
		}
	}
}

/* The user: 1144's UPN, else a UPN named in the errors' texts. */
static const char *row_user(struct prt_finder *f, const struct aad_event *e, size_t n, const struct gathered *g)
{
	if (g->upn)
		return g->upn->text;
	for (size_t i = 0; i < n; i++) {
		const char *u = upn_in(&f->arena, e[i].description);
		if (!*u)
			u = upn_in(&f->arena, e[i].text);
		if (*u)
			return u;
	}
	return "";
}

static bool credential_status(uint32_t s)
{
	return s == 0xC000006Au || s == 0xC000006Du || s == 0xC00484C1u || s == 0x800484C1u;
}

/* The entry that explains the row: a known server code (AADSTS, WS-Trust fault) refines everything; then the
 * status, unless a network sub-error says more about a network status; unknown codes leave it NULL. */
static void explain(struct prt_row *r)
{
	const struct prt_code *server = NULL, *status = r->has_status ? prt_code_find(r->status) : NULL;
	const struct prt_code *net = r->has_network ? prt_code_find(r->network_error) : NULL;
	if (r->aadsts) {
		char code[32];
		snprintf(code, sizeof code, "%u", r->aadsts);
		server = prt_server_code_find(code);
	} else if (r->wstrust_error) {
		server = prt_server_code_find(r->server_error);
	}
	r->why = server ? server : net && (!status || status->category == PRT_NETWORK) ? net : status;
	r->category = r->why ? r->why->category : PRT_UNKNOWN;
}

static void row_evidence(struct prt_finder *f, struct prt_row *r, const struct aad_event *e, size_t n)
{
	struct prt_evidence *ev = arena_alloc(&f->arena, (n ? n : 1) * sizeof *ev);
	for (size_t i = 0; i < n; i++)
		ev[i] = (struct prt_evidence){e[i].file, e[i].event_id, e[i].record_id};
	r->evidence = ev;
	r->nevidence = n;
}

/* A row from the events e[0..n) of one acquisition. */
static void add_row(struct prt_finder *f, const struct aad_event *e, size_t n, bool analytic, bool ended)
{
	struct gathered g;
	gather(e, n, &g);
	struct prt_row r = {.device = e[0].device, .start = e[0].time, .end = ended ? e[n - 1].time : 0,
			    .analytic = analytic, .device_analytic = f->device_analytic, .server_error = "",
			    .server_description = "", .url = "", .correlation = ""};
	r.user = row_user(f, e, n, &g);
	const struct aad_event *st = g.status ? g.status : g.op_status;
	if (st) {
		r.has_status = true;
		r.status = st->code;
	}
	if (g.server) {
		r.server_error = g.server->error;
		r.server_description = g.server->description;
		r.wstrust_error = g.server->event_id == 1088;
		r.aadsts = g.server->event_id == 1081 ? prt_aadsts(g.server->description) : 0;
		if (!g.corr && *g.server->correlation)
			g.corr = g.server;
	}
	if (!g.corr && g.op_status && *g.op_status->correlation)
		g.corr = g.op_status;
	const struct aad_event *url = g.url_before ? g.url_before : g.last_url ? g.last_url : g.endpoint;
	r.url = url ? url->text : g.network && strstr(g.network->text, "://") ? g.network->text : "";
	if (g.network) {
		r.has_network = true;
		r.network_error = g.network->code;
	}
	r.correlation = g.corr ? (g.corr->event_id == 1018 ? g.corr->text : g.corr->correlation) : "";
	explain(&r);
	bool credential = (r.has_status && credential_status(r.status)) ||
			  (r.wstrust_error && r.category == PRT_CREDENTIALS);
	r.federated_credential = credential && (r.wstrust_error || g.wstrust_url);
	row_evidence(f, &r, e, n);
	f->rows = vec_grow(f->rows, &f->caprows, f->nrows, sizeof *f->rows);
	f->rows[f->nrows++] = r;
}

/* A burst becomes a row when it holds an error (stray Analytic events alone do not make one). */
static void close_burst(struct prt_finder *f, const struct aad_event *e, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		if (aad_is_error(e[i].event_id)) {
			add_row(f, e + from, to - from, false, true);
			return;
		}
}

/* One device's events e[0..n), in order: windows and bursts. */
static void cut_device(struct prt_finder *f, const struct aad_event *e, size_t n)
{
	size_t open = SIZE_MAX, burst = SIZE_MAX; /* where the open window / burst began */
	f->device_analytic = false;
	for (size_t i = 0; i < n; i++)
		f->device_analytic |= analytic_id(e[i].event_id);
	for (size_t i = 0; i < n; i++) {
		uint32_t id = e[i].event_id;
		if (id == 1006 || (id == 1007 && open == SIZE_MAX)) {
			if (burst != SIZE_MAX)
				close_burst(f, e, burst, i);
			if (open != SIZE_MAX)
				add_row(f, e + open, i - open, true, false); /* no 1007: it did not end in the log */
			burst = SIZE_MAX;
			open = i;
		}
		if (id == 1007) {
			add_row(f, e + open, i + 1 - open, true, true);
			open = SIZE_MAX;
		} else if (open == SIZE_MAX && (burst == SIZE_MAX || e[i].time - e[burst].time > BURST)) {
			if (burst != SIZE_MAX)
				close_burst(f, e, burst, i);
			burst = i;
		}
	}
	if (open != SIZE_MAX)
		add_row(f, e + open, n - open, true, false);
	if (burst != SIZE_MAX)
		close_burst(f, e, burst, n);
}

/* The rows of federated credential failures by account, in row order (prt_finder_attempt). */
static void index_accounts(struct prt_finder *f)
{
	for (size_t i = 0; i < f->nrows; i++) {
		const struct prt_row *r = &f->rows[i];
		if (!r->federated_credential || !*r->user)
			continue;
		struct linked *l = strmap_get(&f->by_account, account_key(&f->key, r->user));
		if (!l) {
			l = calloc(1, sizeof *l);
			if (!l)
				abort();
			f->linked = vec_grow(f->linked, &f->caplinked, f->nlinked, sizeof *f->linked);
			f->linked[f->nlinked++] = l;
			strmap_put(&f->by_account, sb_cstr(&f->key), l);
		}
		l->row = vec_grow(l->row, &l->cap, l->n, sizeof *l->row);
		l->row[l->n++] = i;
	}
}

static int cmp_row(const void *a, const void *b)
{
	const struct prt_row *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return strcmp(x->device, y->device);
}

size_t prt_finder_run(struct prt_finder *f, const struct prt_row **out)
{
	if (f->n)
		qsort(f->events, f->n, sizeof *f->events, cmp_event);
	f->nrows = 0;
	for (size_t i = 0, j; i < f->n; i = j) {
		for (j = i + 1; j < f->n && !strcasecmp(f->events[j].device, f->events[i].device); j++)
			;
		cut_device(f, f->events + i, j - i);
	}
	if (f->nrows)
		qsort(f->rows, f->nrows, sizeof *f->rows, cmp_row);
	index_accounts(f);
	*out = f->rows;
	return f->nrows;
}

static const char *copy(struct prt_finder *f, const char *s) { return arena_copy(&f->arena, s, strlen(s) + 1); }

const char *prt_finder_attempt(struct prt_finder *f, const struct attempt *a, int64_t window)
{
	if (!f->nlinked || a->outcome != OUTCOME_BAD_PASSWORD || !a->user)
		return NULL;
	const struct linked *l = strmap_get(&f->by_account, account_key(&f->key, a->user));
	const char *device = NULL;
	for (size_t i = 0; l && i < l->n; i++) {
		struct prt_row *r = &f->rows[l->row[i]];
		if (!prt_links(r, a, window))
			continue;
		if (!r->adfs_attempts++) { /* what the report says of the first: when, where, from which address */
			struct attempt *first = arena_alloc(&f->arena, sizeof *first);
			*first = (struct attempt){.time = a->time, .user = "", .user_key = "", .ip_class = "",
						  .server = a->server ? copy(f, a->server) : NULL, .ip = copy(f, a->ip)};
			r->adfs_first = first;
		}
		if (!device)
			device = r->device;
	}
	return device;
}

void prt_finder_free(struct prt_finder *f)
{
	if (!f)
		return;
	free(f->events);
	free(f->rows);
	for (size_t i = 0; i < f->nlinked; i++) {
		free(f->linked[i]->row);
		free(f->linked[i]);
	}
	free(f->linked);
	strmap_free(&f->by_account);
	sb_free(&f->key);
	strmap_free(&f->seen);
	arena_free(&f->arena);
	free(f);
}
