/* lockout.h: account lockouts and where their bad passwords came from. Each lockout (a domain controller's 4740;
 * the same lockout logged by the locking DC and by the PDC emulator is one) is joined to the account's failures
 * on the DCs (4771, 4776) in the reset window before it, to the failed logons (4625) of the host that received the
 * password, and, when that host is an AD FS server, to the attempts scan finds there; the host's logon type and
 * process decide the cause, badcreds(1) "lockouts" lists the rules. */
#ifndef BADCREDS_LOCKOUT_H
#define BADCREDS_LOCKOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "badcreds/attempt.h"
#include "badcreds/event.h"
#include "badcreds/ip.h"

enum lockout_cause {
	CAUSE_ADFS, CAUSE_EXCHANGE, CAUSE_RDP, CAUSE_SERVICE, CAUSE_SCHEDULED_TASK, CAUSE_NETWORK_SHARE,
	CAUSE_INTERACTIVE, CAUSE_APPLICATION, CAUSE_OTHER, CAUSE_UNKNOWN, CAUSE_COUNT,
};

const char *lockout_cause_name(enum lockout_cause c);
struct lockout;
struct strbuf;
/* The source in a few words for summary's lockout table (unescaped: the writers make it safe): host and address; a
 * workstation name the client supplied (a share, RDP) marked as such ("45.141.84.11 (calls itself KALI)"); "-". */
void lockout_source_words(struct strbuf *out, const struct lockout *l);

/* An event a lockout rests on. */
struct lockout_evidence {
	const char *file;
	uint32_t event_id;
	uint64_t record_id;
	int64_t time;               /* FILETIME ticks */
	const char *computer;       /* the computer that logged it */
	const char *detail;         /* what it says, in one line (for trace) */
};

/* What the inputs hold of a lockout's caller computer's Security log: none of the events the lockouts read from it
 * (its log is not among them, or it logs no failed logon), some (4740, 4771, 4776: a DC) but no failed logon (4625)
 * at all (logon-failure auditing is off there), failed logons (of other accounts, or of this one for other reasons
 * or at other times). */
enum lockout_caller_log { CALLER_LOG_MISSING, CALLER_LOG_NO_FAILURES, CALLER_LOG_FAILURES };

struct lockout {
	const char *account, *domain;    /* as the 4740 names them (TargetUserName, the DC's domain) */
	int64_t locked_at;               /* the first 4740's time, FILETIME ticks */
	const char *dcs;                 /* the DCs that logged it, "; " separated */
	const char *caller;              /* the 4740's caller computer ("" when it has none) */
	enum lockout_caller_log caller_log; /* what the inputs hold of the caller computer's Security log */
	enum lockout_cause cause;
	const char *source_host;         /* where the password comes from ("" when unknown) */
	const char *source_ip;
	const char *via;                 /* the server that received it, when the source is behind one */
	const char *process;             /* the host's ProcessName of the failures */
	int logon_type;                  /* the failures' LogonType, -1 when no host evidence */
	unsigned failures;               /* wrong passwords on the DCs in the reset window before the lockout */
	int64_t first_failure;           /* the first of them (0: none) */
	unsigned still_failing;          /* the same account refused as locked after it, until the next lockout */
	const char *user_agent;          /* AD FS: what the client sent */
	const char *attempt_user;        /* AD FS: the user name the attempt typed (a UPN, often), "" otherwise */
	bool from_outside;               /* Source IP is outside the organisation's networks (private, --internal) */
	const char *basis;               /* the evidence that decided the cause, in words */
	const char *next_step;
	const struct lockout_evidence *evidence;
	size_t nevidence;
};

struct lockout_settings {
	int64_t reset_window;            /* the domain's lockout counter reset time (FILETIME ticks) */
	const struct cidr *internal;     /* the organisation's networks besides the private ranges */
	unsigned ninternal;
};

/* Whether a record can matter to the lockouts, from its EventID and provider alone. */
bool lockout_relevant(uint32_t event_id, const struct evtx_value *provider);
/* Whether a record lockout_relevant takes is of no use after all, from what its peek tells without decoding it: a
 * successful logon (4624) of another type than 10 (only RDP sessions mark a host). */
bool lockout_needless(const struct event_peek *p);

struct lockout_finder;
struct lockout_finder *lockout_finder_new(const struct lockout_settings *s);
/* Keeps what an event says when it is one lockout_relevant takes; `prepared`: what lockout_finder_prepare returned
 * for it, or NULL (then it is read here). */
void lockout_finder_add(struct lockout_finder *f, const struct event *ev, const void *prepared);
/* What lockout_finder_add reads of an event, read in advance on any thread (in `a`, living as long as the event). */
const void *lockout_finder_prepare(const struct event *ev, struct arena *a);
/* Once every event is added: lets go of the events of accounts that no 4740 names, which no lockout looks at (on
 * an AD FS server under attack, every failed logon), so that they do not add to what the correlation needs next.
 * lockout_finder_run gives the same rows either way. While the logs are read, the events other than 4740s go to a
 * temporary file every 65536 (BADCREDS_LOGON_RUN for the tests); here those of locked accounts come back. */
void lockout_finder_prune(struct lockout_finder *f);
/* Why the finder kept its events in memory (no temporary file could be made or written in TMPDIR), NULL when it did
 * not; whether events written to that file could not be read back (after lockout_finder_prune). */
const char *lockout_finder_spill_error(const struct lockout_finder *f);
bool lockout_finder_lost(const struct lockout_finder *f);
/* After lockout_finder_prune: one of scan's attempts, each in time order; only those of accounts a 4740 names are
 * kept (their time, user, server, address and user agent), to be joined to the lockouts. */
void lockout_finder_attempt(struct lockout_finder *f, const struct attempt *a);
/* The lockouts in time order, joined to their evidence and to the attempts given. The rows live as long as the
 * finder. */
size_t lockout_finder_run(struct lockout_finder *f, const struct lockout **out);
void lockout_finder_free(struct lockout_finder *f);

#endif
