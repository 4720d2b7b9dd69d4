/* attempt.h: AD FS audit facts taken from events, and the bad-credential attempts correlated from them. */
#ifndef BADCREDS_ATTEMPT_H
#define BADCREDS_ATTEMPT_H

#include <stdbool.h>
#include <stdint.h>

#include "badcreds/arena.h"
#include "badcreds/event.h"
#include "badcreds/outcome.h"
#include "badcreds/strbuf.h"

/* What one relevant event says; strings are UTF-8 in the correlator's arena, NULL when absent. */
struct fact {
	uint32_t event_id;
	bool security;               /* Security-Auditing (4625, 4740, 4771, 4776), else AD FS Auditing */
	bool dc;                     /* a domain controller's event: 4740 lockout, 4771 Kerberos, 4776 NTLM */
	int64_t time;                /* FILETIME ticks */
	const char *server;          /* Computer */
	const char *activity;        /* lower-case GUID without braces; "" = the zero GUID (EXO-proxied) */
	const char *instance;
	const char *user;            /* as typed */
	const char *user_guess;      /* 411: Data[2] with its message cut off, when Data[3] names no user */
	const char *token_type;      /* 411 */
	enum outcome said;           /* 411: what its message text (Data[2], Data[3]) says, in any known language; read
				      * when the event arrives so that the text itself need not be kept */
	const char *ips;             /* address list: 411 Data[4], 1203 IpAddress, 516 Data[2], 403 Data[3], 4625 */
	const char *forwarded;       /* 1203 ForwardedIpAddress, 501 x-ms-forwarded-client-ip */
	const char *client_ip;       /* 501 x-ms-client-ip */
	const char *proxy, *endpoint, *user_agent, *client_app;
	const char *relying_party;   /* 412 Data[3], 1200-1210 RelyingParty, 403's wtrealm/loginToRp/resource, 501's
				      * relyingpartytrustid claim */
	const char *failure_type;    /* 1203/1210 FailureType */
	bool success;                /* 412, or a 1200-1210 audit whose AuditResult is Success */
	const char *failure_reason;  /* 4625 FailureReason token */
	const char *caller;          /* 4740: the caller computer (the lockout source); 4776: the workstation */
	bool has_status;
	uint32_t status, substatus;  /* 4625 */
	const char *source;
	uint64_t record_id;
	const char *rendered;        /* the whole event as text, when the correlator was asked to keep it (trace) */
	uint8_t mark;                /* correlate.c's own, while it groups */
};

struct attempt {
	int64_t time;                /* the request's first event */
	const char *server;
	const char *user;            /* as typed */
	const char *user_key;        /* as typed, in lower case (the report's User Key); summary counts by
				      * user_account_key */
	const char *ip;              /* the submitter's address (the one the farm saw), "" if unknown */
	const char *ip_class;
	const char *client_ips;      /* addresses the client supplied itself (X-Forwarded-For): unverified */
	const char *all_ips;         /* every address seen, space separated */
	const char *proxy, *endpoint, *user_agent, *client_app;
	const char *relying_party;   /* the application the user signed in to; NULL when no event names it */
	const char *activity, *instance;
	enum outcome outcome;
	bool has_status;
	uint32_t status, substatus;
	const char *events;          /* evidence event IDs in time order, "4625 1203 411 501" */
	const char *record_ids;      /* their EventRecordIDs, same order */
	const char *sources;         /* input files, "; " separated */
	const struct fact *const *facts; /* the request's events in time order (and the DC lockout it caused), when the
					  * correlator keeps events (trace); else only the DC lockout */
	size_t nfacts;
	uint32_t first_event_id;         /* the request's first event: what orders attempts of one time and server */
	uint64_t first_record_id;
	const struct fact *dc_lockout;   /* the 4740 this attempt led to: same user, this server as the caller */
	const char *prt_device;          /* a device whose federated PRT credential failure of the same user is this
					  * close (prt.h, prt_annotate): a hypothesis, NULL when none */
};

/* "jean-luc", "CONTOSO\\jean-luc" and "jean-luc@contoso.com" name one account (compared without case). */
bool same_account(const char *a, const char *b);
/* The account a name names, as a key: two names are the same account exactly when their keys are equal (replaces
 * out's contents). */
const char *account_key(struct strbuf *out, const char *name);
/* The key a summary counts a typed name under: its account_key and the first label of its domain, so that
 * "ceo@contoso.com", "CONTOSO\\ceo", "contoso.com\\CEO" and "CEO@Contoso.COM" are one user (a guesser cannot stay
 * under a threshold by changing the form) and "ceo@fabrikam.com" another; a name with no account part
 * ("CONTOSO\\", "@contoso.com") is its whole text, case folded. "" for "". */
const char *user_account_key(struct strbuf *out, const char *name);

/* Whether a record can matter, from its EventID and provider alone. */
bool fact_relevant(uint32_t event_id, const struct evtx_value *provider);
/* The fact of an event that fact_relevant accepts (the caller asks it first), or false if the event is not one the
 * correlation uses after all (a 4625 that did not come through AD FS, a DC event without an account). */
bool fact_from_event(const struct event *ev, struct arena *a, struct fact *f);

struct correlator;
struct correlator *correlator_new(void);
/* The farm's proxies and load balancers (--trusted-proxy): the address they forward is taken as the submitter's.
 * Without them, every private address is taken as one. The array must outlive the correlator. */
struct cidr;
void correlator_trust(struct correlator *c, const struct cidr *proxies, unsigned n);
/* Group the events of different servers on up to n threads (default 1; at most 4). */
void correlator_threads(struct correlator *c, unsigned n);
/* The AD FS and DC events the correlation used (each once), after correlator_each. */
size_t correlator_events(const struct correlator *c);
/* Keeps the events of the attempts and successes that `wanted` (when not NULL) takes, each with its whole text as
 * `render` writes it (trace shows every field of a request's events; render may run on several threads at once,
 * correlator_prepare); `wanted` sees the attempt with every field but its events and DC lockout set (a success as
 * an attempt of outcome OUTCOME_NONE). */
void correlator_keep_events(struct correlator *c, void (*render)(struct strbuf *out, const struct event *ev),
			    bool (*wanted)(void *ctx, const struct attempt *a), void *ctx);
/* Adds an event (copied into the correlator's sorted runs: memory stays bounded however many there are); the same
 * event seen twice (a log given twice, overlapping exports) counts once. False when the event is none the correlator
 * keeps (a 4625 that did not come through AD FS, any other event). */
bool correlator_add(struct correlator *c, const struct event *ev, const void *prepared);
/* What correlator_add reads of an event (and the text `render` makes of it, correlator_keep_events), read in advance
 * on any thread (in `a`, living as long as the event): given to correlator_add as `prepared` (NULL: it reads the
 * event itself), the event is only stored there. Reads nothing of c but its render function. */
const void *correlator_prepare(const struct correlator *c, const struct event *ev, struct arena *a);
/* Correlates everything added, handing each attempt to `each` in time order (of one time, by server and the
 * request's first event: event_key_cmp), as it becomes final
 * (the attempt and its texts are valid only during the call; the events kept of it, correlator_keep_events, as long
 * as the correlator): memory holds the attempts not yet final instead of all of them, and successes are not kept
 * unless correlator_keep_successes asked for them. */
void correlator_each(struct correlator *c, void (*each)(void *ctx, const struct attempt *a), void *ctx);
/* correlator_each keeps the successes too (correlator_successes after it). */
void correlator_keep_successes(struct correlator *c);
unsigned long correlator_duplicates(const struct correlator *c);
/* Why the correlation's sorted runs stayed in memory (no temporary file could be made or written in TMPDIR), NULL
 * when they did not: memory then grows with the events. */
const char *correlator_spill_error(const struct correlator *c);
/* Bytes of events that could not be read back from that temporary file (0 unless it failed under the run). */
uint64_t correlator_lost_bytes(const struct correlator *c);
/* A request that succeeded (412, or a successful 1200-1210 audit): who, from where, when. */
struct success {
	int64_t time;
	const char *server, *user, *ip;
	const char *activity, *instance; /* NULL when absent; "" activity = the zero GUID */
	const struct fact *const *facts; /* the request's events in time order, when the correlator keeps events */
	size_t nfacts;
	uint32_t first_event_id;         /* the request's first event (orders successes of the same time) */
	uint64_t first_record_id;
};
/* The successful requests that name a user, in time order, after correlator_each when it keeps them. */
size_t correlator_successes(const struct correlator *c, const struct success **out);

/* The domain controllers' events (4740, 4771, 4776) added, in time order, after correlator_each. */
size_t correlator_dc_events(const struct correlator *c, const struct fact *const **out);
void correlator_free(struct correlator *c);

#endif
