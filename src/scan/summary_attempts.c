/* summary_attempts.c: the summary's copy of the attempts (summary.h, struct summary_attempts): a compact record per
 * attempt in sorted runs by user key, and each address and each way sent (server, endpoint, client application,
 * PRT device, Exchange Online relays, DC lockout, outcome) made once in memory and numbered.
 *
 * Attempts with an address are also written, the same record, into runs by address.
 *
 * A record, 8-byte aligned (the order of the fields is the machine's: the file lives as long as the run):
 *   offset 0  u32 size        the whole record, a multiple of 8
 *          4  u32 via         the way sent, index into via_list
 *          8  i64 time        FILETIME ticks
 *         16  u64 seq         the order in which attempts were added (time order)
 *         24  u32 ip          the address, index into ip_list (in the order of first attempts, "" too)
 *         28  u32 user_len    the user as typed ...
 *         32  u32 key_len     ... and its key's (user_account_key), KEY_IN_USER set when the key is the user's
 *                             first key_len bytes (ceo@contoso.com: ceo@contoso), as most are
 *         36  the user's bytes, then the key's (unless KEY_IN_USER), then zeros to the size */
#include "badcreds/summary.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scan/findings.h"
#include "scan/summary_record.h"
#include "util/sorted_runs.h"
#include "util/vec.h"

enum { HEAD = 36 };
static const uint32_t KEY_IN_USER = 0x80000000;
static const size_t DEFAULT_RUN_BYTES = (size_t)8 << 20;

size_t summary_run_bytes(void)
{
	const char *env = getenv("BADCREDS_SUMMARY_RUN_BYTES");
	size_t n = env && *env ? (size_t)strtoull(env, NULL, 10) : 0;
	return n ? n : DEFAULT_RUN_BYTES;
}

/* A record's key and its length. */
static const char *key_of(const uint8_t *r, size_t *len)
{
	uint32_t user_len = sorted_runs_u32(r + 28), key_len = sorted_runs_u32(r + 32);
	*len = key_len & ~KEY_IN_USER;
	return (const char *)r + HEAD + (key_len & KEY_IN_USER ? 0 : user_len);
}

void summary_record_read(const uint8_t *r, struct summary_record *out)
{
	out->via = sorted_runs_u32(r + 4);
	out->time = (int64_t)sorted_runs_u64(r + 8);
	out->seq = sorted_runs_u64(r + 16);
	out->ip = sorted_runs_u32(r + 24);
	out->user_len = sorted_runs_u32(r + 28);
	out->user = (const char *)r + HEAD;
	out->key = key_of(r, &out->key_len);
}

int summary_record_cmp_user(const uint8_t *x, const uint8_t *y)
{
	size_t nx, ny;
	const char *kx = key_of(x, &nx), *ky = key_of(y, &ny);
	int c = sorted_runs_cmp_bytes(kx, nx, ky, ny);
	if (c)
		return c;
	uint64_t p = sorted_runs_u64(x + 16), q = sorted_runs_u64(y + 16);
	return (p > q) - (p < q);
}

int summary_record_cmp_ip(const uint8_t *x, const uint8_t *y)
{
	uint32_t a = sorted_runs_u32(x + 24), b = sorted_runs_u32(y + 24);
	if (a != b)
		return a < b ? -1 : 1;
	uint64_t p = sorted_runs_u64(x + 16), q = sorted_runs_u64(y + 16);
	return (p > q) - (p < q);
}

static const char *copy(struct summary_attempts *l, const char *s)
{
	return s ? arena_copy(&l->arena, s, strlen(s) + 1) : NULL;
}

static uint32_t ip_of(struct summary_attempts *l, const struct attempt *a)
{
	uintptr_t k = (uintptr_t)strmap_get(&l->ips, a->ip);
	if (!k) {
		struct summary_ip *p = arena_alloc(&l->arena, sizeof *p);
		p->ip = strmap_put(&l->ips, a->ip, (void *)(uintptr_t)(l->nip_list + 1));
		p->ip_class = strmap_intern(&l->texts, a->ip_class); /* a few: "public", "private"... */
		p->group = *a->ip ? ++l->nip_groups : 0;
		l->ip_list = vec_grow(l->ip_list, &l->capip_list, l->nip_list, sizeof *l->ip_list);
		l->ip_list[l->nip_list++] = p;
		k = l->nip_list;
	}
	return (uint32_t)(k - 1);
}

/* The addresses of a relayed attempt that are neither the submitter nor supplied by the client: Exchange Online's
 * (as the findings count them), space separated. */
static void relays(struct strbuf *out, const struct attempt *a)
{
	char ip[64];
	for (const char *p = a->all_ips; p && *p;) {
		size_t len = strcspn(p, " ");
		if (len && len < sizeof ip) {
			memcpy(ip, p, len);
			ip[len] = 0;
			if (strcmp(ip, a->ip) && !(a->client_ips && strstr(a->client_ips, ip))) {
				sb_adds(out, out->len ? " " : "");
				sb_adds(out, ip);
			}
		}
		p += len + (p[len] == ' ');
	}
}

/* A text in the key: its length first (so that no text can pass for two), "-" for none. */
static void key_add(struct strbuf *key, const char *s)
{
	if (!s) {
		sb_addc(key, '-');
		return;
	}
	size_t len = strlen(s);
	sb_add_u64(key, len);
	sb_addc(key, ':');
	sb_add(key, s, len);
}

static uint32_t via_of(struct summary_attempts *l, const struct attempt *a)
{
	struct summary_via v = {.server = a->server, .endpoint = a->endpoint, .client_app = a->client_app,
				.prt_device = a->prt_device, .relayed = attempt_relayed(a),
				.dc_lockout = a->dc_lockout ? a->dc_lockout->server : NULL, .outcome = a->outcome};
	struct strbuf relayed_by = {0};
	if (v.relayed) {
		relays(&relayed_by, a);
		v.relays = sb_cstr(&relayed_by);
	}
	l->key.len = 0;
	const char *texts[] = {v.server, v.endpoint, v.client_app, v.prt_device, v.relays, v.dc_lockout};
	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
		key_add(&l->key, texts[i]);
	sb_add_u64(&l->key, (uint64_t)v.outcome);
	uintptr_t k = (uintptr_t)strmap_get(&l->vias, sb_cstr(&l->key));
	if (!k) {
		struct summary_via *n = arena_alloc(&l->arena, sizeof *n);
		*n = (struct summary_via){copy(l, v.server), copy(l, v.endpoint), copy(l, v.client_app),
					  copy(l, v.prt_device), v.relayed, copy(l, v.relays), copy(l, v.dc_lockout),
					  v.outcome};
		l->via_list = vec_grow(l->via_list, &l->capvia_list, l->nvia_list, sizeof *l->via_list);
		l->via_list[l->nvia_list++] = n;
		strmap_put(&l->vias, sb_cstr(&l->key), (void *)(uintptr_t)l->nvia_list);
		k = l->nvia_list;
		if (!strmap_get(&l->servers, n->server)) { /* the servers in the order of their first attempt */
			strmap_put(&l->servers, n->server, &l->servers);
			l->server_list = vec_grow(l->server_list, &l->capservers, l->nservers, sizeof *l->server_list);
			l->server_list[l->nservers++] = n->server;
		}
	}
	sb_free(&relayed_by);
	return (uint32_t)(k - 1);
}

void summary_attempts_add(struct summary_attempts *l, const struct attempt *a)
{
	if (!l->by_user) {
		if (!(l->by_user = malloc(sizeof *l->by_user)) || !(l->by_ip = malloc(sizeof *l->by_ip)))
			abort();
		sorted_runs_init(l->by_user, summary_run_bytes(), summary_record_cmp_user);
		sorted_runs_init(l->by_ip, summary_run_bytes(), summary_record_cmp_ip);
	}
	l->ips.arena = l->vias.arena = l->texts.arena = l->servers.arena = &l->arena;
	uint32_t ip = ip_of(l, a), via = via_of(l, a);
	const char *key = user_account_key(&l->account, a->user);
	size_t user_len = strlen(a->user);
	bool within = l->account.len <= user_len && !memcmp(a->user, key, l->account.len);
	size_t key_len = within ? 0 : l->account.len;
	size_t size = (HEAD + user_len + key_len + 7) & ~(size_t)7;
	uint8_t *r = sorted_runs_add(l->by_user, size);
	uint64_t seq = l->n++;
	uint32_t u32s[] = {(uint32_t)user_len, within ? KEY_IN_USER | (uint32_t)l->account.len : (uint32_t)key_len};
	memcpy(r + 4, &via, 4);
	memcpy(r + 8, &a->time, 8);
	memcpy(r + 16, &seq, 8);
	memcpy(r + 24, &ip, 4);
	memcpy(r + 28, u32s, 8);
	memcpy(r + HEAD, a->user, user_len);
	memcpy(r + HEAD + user_len, key, key_len);
	memset(r + HEAD + user_len + key_len, 0, size - HEAD - user_len - key_len);
	if (l->ip_list[ip]->group) /* an attempt with an address: in the runs by address too */
		memcpy(sorted_runs_add(l->by_ip, size), r, size);
	if (seq == 0)
		l->first = a->time;
	l->last = a->time;
}

void summary_attempts_free(struct summary_attempts *l)
{
	if (l->by_user) { /* made by the first attempt */
		sorted_runs_release(l->by_user);
		sorted_runs_release(l->by_ip);
	}
	free(l->by_user);
	free(l->by_ip);
	strmap_free(&l->ips);
	strmap_free(&l->vias);
	strmap_free(&l->texts);
	strmap_free(&l->servers);
	free(l->ip_list);
	free(l->via_list);
	free(l->server_list);
	sb_free(&l->key);
	sb_free(&l->account);
	arena_free(&l->arena);
	memset(l, 0, sizeof *l);
}
