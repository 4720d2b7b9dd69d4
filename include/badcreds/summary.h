/* summary.h: what the attempts add up to: per user, per IP (the columns of the Connect Health risky-IP report) and
 * findings (password spray, brute force, stale credential, extranet lockout pressure) with the next step for each
 * (KB 4471013). Thresholds are documented in badcreds(1) and can be changed on the command line. */
#ifndef BADCREDS_SUMMARY_H
#define BADCREDS_SUMMARY_H

#include "badcreds/attempt.h"
#include "badcreds/lockout.h"
#include "badcreds/prt.h"
#include "badcreds/coverage.h"
#include "badcreds/strmap.h"
#include "badcreds/strbuf.h"

struct summary_thresholds {
	unsigned spray_users;       /* distinct users from one IP ... */
	int64_t spray_window;       /* ... within this many FILETIME ticks */
	unsigned brute_attempts;    /* attempts on one user ... */
	int64_t brute_window;       /* ... within this window */
	unsigned logon_attempts;    /* outside AD FS: failures of one account from one source within brute_window (more
				     * than a domain's lockout threshold, which typos and old saved passwords reach) */
	unsigned stale_attempts;    /* failures of one user, only from private addresses, at a steady pace */
	unsigned lockout_threshold; /* AD FS ExtranetLockoutThreshold; 0 = not given */
	int64_t observation_window; /* AD FS ExtranetObservationWindow */
	int64_t compromise_window;  /* a success this long after an attack's failures is a compromise */
};

void summary_default_thresholds(struct summary_thresholds *t);

/* One attempt as the summary reads it back (summary.c, a user's or an address's attempts at a time): its time and
 * three pointers to what it shares with the attempts of the same user, of the same address, and sent the same way
 * with the same outcome. */
struct summary_user {
	const char *user;             /* as typed */
	struct summary_user *key;     /* the user typed as its key (lower case, what the rows group by): one per key,
				       * itself when typed so */
	size_t group;                 /* summary.c: a number of the key's among the attempts read together */
};
struct summary_ip {
	const char *ip, *ip_class;    /* the submitter ("" if unknown) */
	size_t group;                 /* its IP group: index + 1 in the order of first attempts, 0 for "" */
};
struct summary_via {
	const char *server, *endpoint, *client_app, *prt_device; /* endpoint, client_app, prt_device: NULL if none */
	bool relayed;                 /* through Exchange Online (attempt_relayed) ... */
	const char *relays;           /* ... by these addresses, space separated (NULL when not relayed) */
	const char *dc_lockout;       /* the DC that logged the 4740 this attempt led to, NULL if none */
	enum outcome outcome;
};
struct summary_attempt {
	int64_t time;
	struct summary_user *who;
	struct summary_ip *from;
	const struct summary_via *via;
};
/* What the summary keeps of the attempts (summary_attempts.c): each as a compact record in sorted runs by user key
 * (memory, then a temporary file); the addresses and the ways sent, far fewer, in memory. summary_build then holds
 * one user's or one address's attempts at a time. */
struct sorted_runs;
struct summary_attempts {
	size_t n;                     /* attempts added */
	int64_t first, last;          /* the first and last attempt's time */
	struct sorted_runs *by_user;  /* summary_attempts.c's records, by user key, then in time order */
	struct sorted_runs *by_ip;    /* those with an address, by address, then in time order */
	struct arena arena;           /* the shared texts and nodes */
	struct strmap ips, vias, texts, servers;
	struct summary_ip **ip_list;  /* by their number in the records */
	size_t nip_list, capip_list, nip_groups; /* nip_groups: those with an address */
	const struct summary_via **via_list;
	size_t nvia_list, capvia_list;
	const char **server_list;     /* the servers, in the order of their first attempt */
	size_t nservers, capservers;
	struct strbuf key;            /* the way an attempt was sent, as a key (vias) */
	struct strbuf account;        /* the account key of the attempt being added (user_account_key) */
};
/* Adds an attempt (the next in time order): a copy of what the summary reads of it. */
void summary_attempts_add(struct summary_attempts *l, const struct attempt *a);
void summary_attempts_free(struct summary_attempts *l);

struct user_row {
	const char *user, *user_key;
	unsigned attempts, ips, outcomes[OUTCOME_COUNT];
	unsigned dc_lockouts;       /* AD lockouts (4740) these attempts caused */
	unsigned dc_failures;       /* failed Kerberos (4771) and NTLM (4776) validations on the DCs for the user */
	const char *success_ip;     /* a later success from an address these attempts came from, or NULL */
	int64_t first, last;
};

struct ip_row {
	const char *ip, *ip_class;
	unsigned attempts, users, bad_password, ad_locked_out, extranet_locked_out;
	unsigned max_per_hour, max_per_day; /* attempts in the busiest hour / day window */
	int64_t first, last;
};

/* One row of the risky-IP report: an IP's activity in one hour or one day window (UTC, aligned). */
struct ip_window {
	const char *ip;
	int64_t start;
	bool day;                   /* a day window, else an hour */
	unsigned attempts, bad_password, ad_locked_out, extranet_locked_out, users;
};

/* In the order findings are shown within one severity. badcreds(1) "summary" gives each rule. */
enum finding_kind {
	FINDING_COMPROMISE,         /* a success after failures from that address, or from an attacking address */
	FINDING_LOG_CLEARED,        /* a Security or System log cleared (1102, 104): evidence destroyed */
	FINDING_SPRAY,              /* one IP, many users */
	FINDING_LEGACY_SPRAY,       /* the same through Exchange Online (legacy authentication relayed) */
	FINDING_BRUTE_FORCE,        /* one user, many attempts in a short time */
	FINDING_STALE_CREDENTIAL,   /* one user from private addresses at a steady pace: a device or service */
	FINDING_AD_LOCKOUT_CADENCE, /* an account locked in AD again and again (DC 4740s) */
	FINDING_LOCKOUT_PRESSURE,   /* extranet or AD lockouts through AD FS, or bad passwords near the threshold */
	FINDING_INTERNET_LOCKOUT,   /* AD lockouts by wrong passwords from an internet address through RDP, Exchange,
				     * a share or another server than AD FS (DC 4740s joined to the host's 4625s) */
	FINDING_LOGON_SPRAY,        /* one source, many accounts, outside AD FS: hosts' 4625s, DCs' 4771s and 4776s */
	FINDING_LOGON_BRUTE_FORCE,  /* one source, one account, many failures in a short time, outside AD FS */
	FINDING_PROBE,              /* an internet address below the spray or brute-force thresholds */
	FINDING_COUNT,
};

enum severity { SEVERITY_CRITICAL, SEVERITY_HIGH, SEVERITY_MEDIUM, SEVERITY_LOW };

struct finding {
	enum finding_kind kind;
	enum severity severity;
	const char *subject;        /* the IP (spray, probe) or the user */
	char detail[256];
	bool internal;              /* from private addresses only: the next step differs */
	bool ongoing;               /* its last attempt within the last 30 minutes of the data */
	int64_t first, last;
	unsigned attempts, users, ips;
	char top_users[160], top_ips[160]; /* the most frequent, "alice@contoso.com (3), bob (2)" */
	const char *top_user, *top_ip;     /* the most frequent of each ("" when none) */
	const char *endpoint, *client_app; /* the ones most used by its attempts ("" when none) */
	const char *relays;         /* legacy spray: the Exchange Online addresses that relayed it */
	const char *server, *activity, *instance; /* compromise: the successful request */
	const char *prt_device;     /* the device whose failed PRT refresh may send these passwords ("": none) */
	char next_step[512];
};

enum { CHART_TOP_IPS = 5, CHART_MAX_BARS = 24 * 14 };
/* The HTML page's chart (summary_chart.c): attempts per hour (per day when they span more than two weeks) by top
 * address; later attempts fall in the last bar. */
struct summary_bins {
	int64_t start, width;       /* FILETIME ticks */
	size_t n, top;              /* bars; addresses with a colour of their own (the first `top` IP rows) */
	unsigned count[CHART_MAX_BARS][CHART_TOP_IPS + 1]; /* per bar: each top address's attempts, then (at [top])
							    * the others' */
	unsigned total[CHART_MAX_BARS], highest;
};

struct user_rows;
struct summary {
	struct user_rows *user_rows; /* most attempts first: summary_user_first, summary_user_next */
	size_t nusers;
	size_t nnamed_users;        /* the rows of a user name ("by N users"; attempts without a name have a row too) */
	struct ip_row *ips;         /* most attempts first */
	size_t nips;
	struct finding *findings;   /* by severity, then first time, then kind and subject */
	size_t nfindings, capfindings;
	struct ip_window *windows;  /* per IP (in the order of ips), hours then days, in time order */
	size_t nwindows;
	const struct lockout *lockouts; /* the AD account lockouts and their causes (lockout.h), time order:
					 * summary_add_lockouts */
	size_t nlockouts;
	size_t nattempts;
	size_t outside_failures, outside_sources; /* failed logons outside AD FS and their sources (summary_add_guessing) */
	int64_t first, last;        /* the first and last attempt */
	const char *const *servers; /* that logged the attempts, in the order of their first (not owned) */
	size_t nservers;
	struct summary_bins bins;   /* when there are attempts */
	int64_t data_end;           /* the last attempt or success: what "ongoing" is measured against */
	struct arena arena;         /* text the findings own */
	const struct prt_row *prt;  /* the devices' PRT acquisitions (prt.h), when AAD logs were read; not owned */
	size_t nprt;
	const struct coverage_row *coverage; /* what the logs cover, per computer and log (HTML only; not owned) */
	size_t ncoverage;
	bool local_time;            /* text, CSV and JSON times with the local offset (--tz local); the caller sets it */
	const char *spill_error;    /* why the attempts' runs stayed in memory, NULL when they did not */
	uint64_t lost_bytes;        /* of the attempts' runs that could not be read back from the temporary file */
};

/* What the summary's temporary files did: why its runs (attempts, user rows) stayed in memory (NULL when they did
 * not), and how many bytes of them could not be read back (the report then lacks them): after the writers ran. */
const char *summary_kept_in_memory(const struct summary *s);
uint64_t summary_lost_bytes(const struct summary *s);

/* The user rows, most attempts first: the first (NULL when none), then each next (NULL after the last); a row is
 * valid until the next call. One reading at a time: summary_user_first starts the summary's one cursor again. */
const struct user_row *summary_user_first(const struct summary *s);
const struct user_row *summary_user_next(const struct summary *s);

/* a: the attempts (read, then released); dc: the domain controllers' events (4740, 4771, 4776); ok: successful
 * requests. The summary points into them and into a's addresses and ways. With threads > 1 the users and the
 * addresses are gone through side by side (the same summary). */
void summary_build(struct summary *s, struct summary_attempts *a, const struct fact *const *dc, size_t ndc,
		   const struct success *ok, size_t nok, const struct summary_thresholds *t, unsigned threads);
/* The domain's lockouts (badcreds lockouts' rows): kept for the report, and an account locked repeatedly becomes
 * an AD lockout cadence finding. */
void summary_add_lockouts(struct summary *s, const struct lockout *l, size_t n);
void summary_free(struct summary *s);
/* Puts a log_cleared finding per computer whose logs were cleared in front of the others (subject: the computer;
 * detail: the logs, how many times when more than once, and who cleared them). */
void summary_add_cleared(struct summary *s, const struct log_clear *c, size_t n);

/* Password guessing outside AD FS (guessing.h): a logon_spray finding per source whose failures reach the spray
 * threshold (accounts within the spray window), a logon_brute_force one per source whose failures of one account reach
 * the brute-force threshold; sources of private addresses too (a host inside guessing is news). Returns how many
 * failures there were. */
struct guessing;
size_t summary_add_guessing(struct summary *s, struct guessing *g, const struct summary_thresholds *t);

/* Writes the summary as "text", "csv" or "jsonl"; false if writing failed. */
struct out_file;
bool summary_write(struct out_file *o, const struct summary *s, const char *format);
/* One self-contained HTML page (the coverage per server and log when s->coverage is set, chart of attempts per
 * hour by top IP, findings, top users and IPs). */
bool summary_write_html(struct out_file *o, const struct summary *s);

const char *finding_name(enum finding_kind k);
const char *severity_name(enum severity s);
/* The MITRE ATT&CK technique a finding is evidence of ("" when none). */
const char *finding_technique(enum finding_kind k);

#endif
