/* lockout_cause.h: what lockouts.c gathers for one lockout, and the rules that turn it into a cause, a source, the
 * evidence in words and the next step (lockout_cause.c). Internal to the lockouts. */
#ifndef BADCREDS_LOCKOUT_CAUSE_H
#define BADCREDS_LOCKOUT_CAUSE_H

#include "badcreds/lockout.h"
#include "badcreds/strbuf.h"
#include "scan/logon.h"

struct lockout_case {
	const char *account, *domain;
	int64_t locked_at;
	const char *caller, *caller_short;     /* the 4740's caller computer, and its name without domain */
	enum lockout_caller_log caller_log;    /* what the inputs hold of its Security log */
	struct strbuf dcs;                     /* the DCs that logged the 4740, "; " separated */
	unsigned failures;                     /* the account's wrong passwords on the DCs in the reset window */
	int64_t first_failure;
	const struct logon *dc_failure;        /* the last of them (4771: IpAddress; 4776: Workstation) */
	const char *host;                      /* the host that received the passwords (short name), or NULL */
	unsigned host_failures;                /* its 4625s of wrong passwords in the window */
	const struct logon *latest;            /* the last of them */
	bool rdp_host;                         /* the host logs RemoteInteractive logons */
	unsigned still_failing;
	const char *service;                   /* the service the host's System log names for the account */
	const struct attempt *attempt;         /* the last AD FS attempt of the account on the host in the window */
	struct lockout_evidence *evidence;
	size_t nevidence, capevidence;
};

/* Fills the row from the case; its strings go to the arena. */
void lockout_decide(const struct lockout_case *c, const struct lockout_settings *s, struct arena *a,
		    struct lockout *row);

#endif
