/* summary_attempts.c: the summary's copy of the attempts (summary.h, struct summary_attempt): each attempt's time,
 * and pointers to its user, its address and the way it was sent and what came of it (server, endpoint, client
 * application, PRT device, Exchange Online relays, DC lockout, outcome), each of those made once and shared by every
 * attempt that has the same. */
#include "badcreds/summary.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scan/findings.h"
#include "util/vec.h"

static const char *copy(struct summary_attempts *l, const char *s)
{
	return s ? arena_copy(&l->arena, s, strlen(s) + 1) : NULL;
}

/* A user's text once; its key is the node of its key's text (itself when they agree: a key is its own key), so
 * that one map holds both. The node holds the text, the map points to it: the map goes before summary_build needs
 * memory. */
static struct summary_user *user_node(struct summary_attempts *l, const char *text, const char *key)
{
	struct summary_user *u = strmap_get(&l->users, text);
	if (!u) {
		u = arena_alloc(&l->arena, sizeof *u);
		u->user = copy(l, text);
		strmap_put_borrowed(&l->users, u->user, u);
		u->key = strcmp(key, text) ? user_node(l, key, key) : u;
		u->group = 0;
	}
	return u;
}

static struct summary_ip *ip_of(struct summary_attempts *l, const struct attempt *a)
{
	struct summary_ip *p = strmap_get(&l->ips, a->ip);
	if (!p) {
		p = arena_alloc(&l->arena, sizeof *p);
		p->ip = strmap_put(&l->ips, a->ip, p);
		p->ip_class = strmap_intern(&l->texts, a->ip_class); /* a few: "public", "private"... */
		p->group = 0;
	}
	return p;
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

static const struct summary_via *via_of(struct summary_attempts *l, const struct attempt *a)
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
	struct summary_via *k = strmap_get(&l->vias, sb_cstr(&l->key));
	if (!k) {
		k = arena_alloc(&l->arena, sizeof *k);
		*k = (struct summary_via){copy(l, v.server), copy(l, v.endpoint), copy(l, v.client_app),
					  copy(l, v.prt_device), v.relayed, copy(l, v.relays), copy(l, v.dc_lockout),
					  v.outcome};
		strmap_put(&l->vias, sb_cstr(&l->key), k);
	}
	sb_free(&relayed_by);
	return k;
}

void summary_attempts_add(struct summary_attempts *l, const struct attempt *a)
{
	l->ips.arena = l->vias.arena = l->texts.arena = &l->arena;
	l->users.arena = &l->index;
	l->v = vec_grow(l->v, &l->cap, l->n, sizeof *l->v);
	l->v[l->n++] = (struct summary_attempt){a->time, user_node(l, a->user, a->user_key), ip_of(l, a), via_of(l, a)};
}

void summary_attempts_free(struct summary_attempts *l)
{
	free(l->v);
	strmap_free(&l->users);
	strmap_free(&l->ips);
	strmap_free(&l->vias);
	strmap_free(&l->texts);
	sb_free(&l->key);
	arena_free(&l->index);
	arena_free(&l->arena);
	memset(l, 0, sizeof *l);
}
