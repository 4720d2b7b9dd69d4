/* selection.h: what scan, summary, trace and lockouts share: the options that choose inputs and attempts, and
 * reading the SOURCEs into correlated, filtered attempts. */
#ifndef BADCREDS_SELECTION_H
#define BADCREDS_SELECTION_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "badcreds/attempt.h"
#include "badcreds/coverage.h"
#include "badcreds/ip.h"
#include "badcreds/lockout.h"
#include "badcreds/prt.h"
#include "badcreds/source.h"
#include "badcreds/strmap.h"
#include "cli.h"

#include <stdatomic.h>

#include "badcreds/filetime.h"

enum {
	SEL_PAST_DAYS = 512, SEL_PAST_HOURS, SEL_SINCE, SEL_UNTIL, SEL_IP, SEL_EXCLUDE_IP, SEL_OUTCOME, SEL_REMOTE,
	SEL_SPOOL_LIMIT, SEL_TRUSTED_PROXY, SEL_SUBMITTER_IP, SEL_SERVER, SEL_ENDPOINT, SEL_CLIENT_APP,
	SEL_USER = 'u', SEL_THREADS = 'j', SEL_QUIET = 'q',
	SEL_MAX_CIDRS = 64, SEL_MAX_REMOTES = 64,
};
/* AD FS attempts this close to a device's PRT failure are linked to it: prt's default --adfs-window, and the window
 * of scan's and summary's marks. */
#define SELECTION_PRT_WINDOW (5 * FILETIME_MINUTE)
/* The memory (KiB) one regex match may take before it gives up on a value: names typed at a login page can be
 * megabytes long, and a pattern that backtracks would take gigabytes on them. */
#define SELECTION_MATCH_HEAP_KIB (16 << 10)

extern const struct cli_option selection_options[]; /* ends with a NULL name */

struct selection {
	int64_t since, until;            /* FILETIME ticks; INT64_MIN / INT64_MAX when open */
	const char *since_by;            /* the option that set since (--since, --past-days or --past-hours) */
	const char *since_arg, *until_arg; /* the values given for them (each may be given once) */
	pcre2_code *user_re, *server_re, *endpoint_re, *client_app_re; /* PCRE2, caseless */
	bool user_qualified;         /* --user names a domain (holds \ or @): lockouts match DOMAIN\account, UPNs */
	pcre2_match_context *match_limits; /* bounds the memory a match may take (a name typed 3 MB long) */
	_Atomic unsigned long undecided;   /* matches given up at that bound (value left out, with a warning) */
	struct cidr ips[SEL_MAX_CIDRS];          /* --ip: any address of the request */
	struct cidr submitters[SEL_MAX_CIDRS];   /* --submitter-ip: the submitter's */
	struct cidr excluded[SEL_MAX_CIDRS];     /* --exclude-ip: the submitter's (a client can add to the lists) */
	unsigned nips, nsubmitters, nexcluded;
	bool outcomes[OUTCOME_COUNT], any_outcome;
	unsigned threads;
	const char *remotes[SEL_MAX_REMOTES + 1]; /* NULL-terminated */
	unsigned nremotes;
	bool quiet;
	uint64_t spool_limit;
	struct cidr trusted[SEL_MAX_CIDRS];  /* proxies and load balancers whose forwarded addresses are trusted */
	unsigned ntrusted;
	void (*render)(struct strbuf *out, const struct event *ev); /* keep each event's text (trace) */
	bool (*render_wanted)(void *ctx, const struct attempt *a); /* ... only of the requests it takes (and the options
								     * keep) */
	void *render_ctx;
	bool lockouts;                   /* read the lockouts' evidence too, with these settings (lockouts) */
	struct lockout_settings lockout_settings;
	bool prt;                        /* read the CloudAP events of Microsoft-Windows-AAD too (prt; scan marks) */
	int64_t prt_window;              /* AD FS attempts this close to a PRT failure are linked (prt --adfs-window) */
	bool prt_live;                   /* and ask live channels for them (prt; scan's query stays as it was) */
	bool sources_optional;           /* the command checks for SOURCEs itself (prt --explain needs none) */
	/* results */
	struct correlator *corr;
	struct lockout_finder *finder;   /* when lockouts */
	struct lockout *lockout_rows;    /* selection_lockouts(): the lockouts the options select */
	size_t nlockout_rows;
	size_t nlockouts_found;          /* the lockouts in the inputs, before the time window and --user */
	struct prt_finder *prt_finder;   /* when prt */
	const struct prt_row *prt_rows;  /* selection_prt(): owned by prt_finder */
	size_t nprt_rows;
	size_t nkept;                    /* the attempts the options keep (selection_each) */
	size_t ninside;                  /* the attempts inside the time window, kept or not (selection_each) */
	struct strmap seen_users, seen_ips; /* the kept attempts' users and submitters, counted for the closing line */
	struct strbuf seen_key;      /* the account key of the user being counted */
	struct arena seen_arena;
	size_t distinct_users, distinct_submitters;
	struct diag diag;
	struct source_stats stats;
	_Atomic unsigned long outside;   /* AD FS and DC events left out for their time (counted on the workers) */
	_Atomic unsigned long adfs_audits; /* AD FS audit events read, whatever their time (counted on the workers) */
	_Atomic bool security_log;       /* a record of the Security channel read (where AD FS audits go) */
	_Atomic unsigned long cloudap_events; /* with prt: CloudAP events of Microsoft-Windows-AAD read, whatever their
					      * time (counted on the workers) ... */
	_Atomic unsigned long cloudap_inside; /* ... and those inside the time window */
	const char *other_4625_host;     /* the computer of the earliest failed logon (4625) in the time window and its
					  * margins that did not come through AD FS (the first read of those of its time),
					  * NULL when none: why there are no attempts (the warning) */
	int64_t other_4625_time;         /* its time */
	struct log_clear *clears;        /* log-cleared events (1102, 104) in the time window */
	size_t nclears, capclears;
	struct arena clear_arena;        /* their strings */
	struct guessing *guessing;       /* when set (summary): failures outside AD FS go there too, and every AD FS
					  * attempt, kept or not (selection_each), whose DC checks are AD FS's own */
	struct coverage *coverage;       /* when set (summary --html): every record tallied for it too (coverage.h) */
	struct event_sink coverage_sink;
};

void selection_init(struct selection *s);

/* A shared option: 1 taken, 0 not one of them, -1 bad value (reported with cli_usage_error). */
int selection_option(struct selection *s, const struct cli_command *cmd, int opt, const char *arg);
/* What a live channel's server is asked for: the events the correlation uses, in the time window with the margin
 * within which events outside it may still correlate (10 minutes each way). */
void selection_live(const struct selection *s, struct source_options *o);

/* A command's own option: 1 taken, 0 not one of its options, -1 bad value (reported with cli_usage_error). */
typedef int (*own_option_fn)(void *ctx, const struct cli_command *cmd, int opt, const char *arg);

/* Parses argv: the shared options here, the command's own through `own`, --help, usage errors. Returns -1 to go
 * on with the SOURCEs at argv[optind], else the exit status to return now (help printed, or a usage error). */
int selection_parse(struct selection *s, const struct cli_command *cmd, int argc, char **argv, own_option_fn own,
		    void *ctx);
/* Reads the SOURCEs; selection_each then correlates them. */
void selection_collect(struct selection *s, char **sources, int nsources);
/* Whether a --user/--server/... regex matches a value; a match that would need more memory than match_limits allows
 * is no match, counted in s->undecided (selection_warn_undecided says so). */
bool selection_matches(struct selection *s, const pcre2_code *re, const char *value);
/* A note when AD FS and DC events fell outside the time window (how many, the window, the time the records cover);
 * true when some did (whether or not --quiet let the note through). */
bool selection_note_outside(const struct selection *s, const struct cli_command *cmd);
/* A warning when --since (or --past-days, --past-hours) asks for more than the inputs hold: the records read begin
 * over an hour after the window starts (a log that wrapped or was cleared, a copy made too late). True if it
 * warned: what happened before is not in the answer. */
bool selection_warn_window(const struct selection *s, const struct cli_command *cmd);
/* A warning when a regex left values out undecided (selection_matches); true if it gave one. */
bool selection_warn_undecided(const struct selection *s, const struct cli_command *cmd);
/* Correlates what was read: every attempt, in time order, to the lockouts and the PRT rows (after selection_prt),
 * and those the options keep to `fn` (valid during the call; fn may be NULL), as each becomes final; s->nkept and
 * the closing line's counts are set here. */
void selection_each(struct selection *s, void (*fn)(void *ctx, const struct attempt *a), void *ctx);
/* Whether any input could be read; if not, says so (naming `output`, which is kept as it was) and the command
 * writes nothing. */
bool selection_read_something(const struct selection *s, const struct cli_command *cmd, const char *output);
/* Notes for an empty result: events outside the time window and the time the inputs cover (no AD FS audit events
 * at all: selection_warn_unanswerable). */
void selection_explain_empty(const struct selection *s, const struct cli_command *cmd);
/* One warning line when the inputs cannot answer: no AD FS audit events, or a log cleared in the time window;
 * it points to `badcreds coverage`. true when it was printed: the command writes its report and exits 1. */
bool selection_warn_unanswerable(const struct selection *s, const struct cli_command *cmd);
/* A selecting command's start: parse argv, then read the SOURCEs. Returns -1 when the attempts are there (and
 * s->diag says whether input was skipped); else the exit status to return now, with s already freed. */
int selection_start(struct selection *s, const struct cli_command *cmd, int argc, char **argv, own_option_fn own,
		    void *ctx);
void selection_free(struct selection *s);
/* Whether the options (time window, --user, --ip, --exclude-ip; any --outcome excludes it) keep a success. */
bool selection_keeps_success(struct selection *s, const struct success *o);
/* Whether the options keep a failure outside AD FS (guessing.h; its account, address, host, time): the time window,
 * --user matches the account, --ip and --submitter-ip the address, --exclude-ip leaves it out,
 * --server matches the host; --outcome, --endpoint and --client-app, which only AD FS attempts have, keep none. */
bool selection_keeps_failure(void *selection, const char *account, const char *address, const char *host,
			     int64_t time);
/* When lockouts, after selection_each: explains the lockouts read and keeps those the options select (locked within
 * the time window, an account --user matches) in s->lockout_rows, in time order. */
void selection_lockouts(struct selection *s);
/* When prt, before selection_each: the devices' PRT acquisitions explained, in s->prt_rows; selection_each joins each
 * attempt to them (their AD FS counts, within s->prt_window) and marks a kept one with the device of the first that
 * links it. */
void selection_prt(struct selection *s);

/* The wrong passwords of Kerberos and NTLM checks among the inputs (domain controllers', or a member's for its local
 * accounts): 4771 with Kerberos status 0x18, 4776 with 0xC000006A; after selection_each. */
size_t selection_dc_wrong_passwords(const struct selection *s);
/* The start of every command's closing line: "badcreds: CMD: read N records from N inputs", the damaged inputs and
 * records skipped, and the carved remnants left out. */
void selection_read_text(struct strbuf *sb, const struct selection *s, const struct cli_command *cmd);
/* The closing line on stderr: records, inputs, attempts, users, IPs, duplicates, inputs that could not be read. */
void selection_closing_line(const struct selection *s, const struct cli_command *cmd, const char *output);

#endif
