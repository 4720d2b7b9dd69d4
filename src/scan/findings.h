/* findings.h: what a finding says beyond its trigger (findings.c): counts, top users and addresses, endpoint,
 * whether it goes on, severity, next steps; and the findings made from other facts: compromise (a success after an
 * attack) and AD lockout cadence. Internal to the summary (summary.c). */
#ifndef BADCREDS_FINDINGS_H
#define BADCREDS_FINDINGS_H

#include "badcreds/summary.h"

/* A finding at the end of s->findings (grown as needed), zeroed but for kind and subject. */
struct finding *finding_new(struct summary *s, size_t *cap, enum finding_kind k, const char *subject);
/* Fills the counts, tops, endpoint, client application, relays and first/last from the finding's attempts
 * a[idx[0..n)] (time order). */
void finding_fill(struct summary *s, struct finding *f, const struct summary_attempt *a, const size_t *idx,
		  size_t n);
/* Whether Exchange Online relayed the request (legacy authentication): a zero activity ID (without any, as AD FS 2.0
 * logs them, an Exchange client application). */
bool attempt_relayed(const struct attempt *a);
/* The attempts a success may follow: those of each account and address a success names ("key\naddress"), copied
 * as they come (compromise_pairs_add, each address's in time order). */
struct pair;
struct compromise_pairs {
	struct arena arena;
	struct strmap pairs, done;   /* pair key -> index + 1 into all; the pairs already reported */
	struct pair *all;
	size_t npairs;
	struct strbuf key;
};
void compromise_pairs_init(struct compromise_pairs *c, const struct success *ok, size_t nok);
void compromise_pairs_add(struct compromise_pairs *c, const struct summary_attempt *a);
void compromise_pairs_free(struct compromise_pairs *c);
/* Successes of an account after failures from the same address, or from an address that sprayed, within `window`
 * of them: compromise findings (one per account and address). */
void findings_compromise(struct summary *s, size_t *cap, struct compromise_pairs *c, const struct success *ok,
			 size_t nok, int64_t window);
/* Accounts locked in AD twice or more: AD lockout cadence findings, with the latest lockout's cause. */
void findings_cadence(struct summary *s, size_t *cap, const struct lockout *l, size_t n);
/* Accounts locked in AD by wrong passwords from an internet address through a server other than AD FS: an internet
 * lockout finding per address, with the latest lockout's next step. */
void findings_internet_lockouts(struct summary *s, size_t *cap, const struct lockout *l, size_t n);
/* The log clears (in any order): a log_cleared finding per computer, with how many clears of which logs (the three
 * most cleared), the first and the last clear and the accounts (counted by user_account_key, the three most
 * frequent in top_users). */
void findings_cleared(struct summary *s, size_t *cap, const struct log_clear *c, size_t n);
/* A source's password guessing outside AD FS: a logon_spray finding when its accounts within the spray window reach
 * the spray threshold, a logon_brute_force one when its failures of one account within the brute-force window reach
 * that threshold (next steps set here; whether it goes on by findings_finish). */
struct guessing_source;
void findings_guessing(struct summary *s, size_t *cap, const struct guessing_source *g,
		       const struct summary_thresholds *t);
/* A threshold's window in words: "5 min", "45 s" when it is no whole number of minutes (in `out`, returned). */
const char *finding_window(char out[32], int64_t ticks);
/* Whether each goes on (its last time within 30 minutes of s->data_end, as it is now; a log clear never), severity,
 * next step and order: by severity, then first time. */
void findings_finish(struct summary *s);

#endif
