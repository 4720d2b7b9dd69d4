/* summary.h: what the attempts add up to: per user, per IP (the columns of the Connect Health risky-IP report) and
 * findings (password spray, brute force, stale credential, extranet lockout pressure) with the next step for each
 * (KB 4471013). Thresholds are documented in badcreds(1) and can be changed on the command line. */
#ifndef BADCREDS_SUMMARY_H
#define BADCREDS_SUMMARY_H

#include "badcreds/attempt.h"
#include "badcreds/lockout.h"

struct summary_thresholds {
	unsigned spray_users;       /* distinct users from one IP ... */
	int64_t spray_window;       /* ... within this many FILETIME ticks */
	unsigned brute_attempts;    /* attempts on one user ... */
	int64_t brute_window;       /* ... within this window */
	unsigned stale_attempts;    /* failures of one user, only from private addresses, at a steady pace */
	unsigned lockout_threshold; /* AD FS ExtranetLockoutThreshold; 0 = not given */
	int64_t observation_window; /* AD FS ExtranetObservationWindow */
};

void summary_default_thresholds(struct summary_thresholds *t);

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
	unsigned attempts, users, bad_password, locked_out;
	unsigned max_per_hour, max_per_day; /* attempts in the busiest hour / day window */
	int64_t first, last;
};

/* One row of the risky-IP report: an IP's activity in one hour or one day window (UTC, aligned). */
struct ip_window {
	const char *ip;
	int64_t start;
	bool day;                   /* a day window, else an hour */
	unsigned attempts, bad_password, locked_out, users;
};

enum finding_kind { FINDING_SPRAY, FINDING_BRUTE_FORCE, FINDING_STALE_CREDENTIAL, FINDING_LOCKOUT_PRESSURE };

struct finding {
	enum finding_kind kind;
	const char *subject;        /* the IP (spray) or the user */
	char detail[256];
	bool internal;              /* from private addresses only: the next step differs */
	int64_t first, last;
};

struct summary {
	struct user_row *users;     /* most attempts first */
	size_t nusers;
	struct ip_row *ips;         /* most attempts first */
	size_t nips;
	struct finding *findings;   /* in the order of finding_kind, then subject */
	size_t nfindings;
	struct ip_window *windows;  /* per IP (in the order of ips), hours then days, in time order */
	size_t nwindows;
	const struct lockout *lockouts; /* the AD account lockouts and their causes (lockout.h), time order; the
					 * caller sets them */
	size_t nlockouts;
	bool local_time;            /* text, CSV and JSON times with the local offset (--tz local); the caller sets it */
};

/* a: attempts in time order; dc: the domain controllers' events (4740, 4771, 4776); ok: successful requests. The
 * summary points into them. */
void summary_build(struct summary *s, const struct attempt *a, size_t n, const struct fact *const *dc, size_t ndc,
		   const struct success *ok, size_t nok, const struct summary_thresholds *t);
void summary_free(struct summary *s);

/* Writes the summary as "text", "csv" or "jsonl"; false if writing failed. */
struct out_file;
bool summary_write(struct out_file *o, const struct summary *s, size_t nattempts, const char *format);
/* One self-contained HTML page (chart of attempts per hour by top IP, findings, top users and IPs). */
bool summary_write_html(struct out_file *o, const struct summary *s, const struct attempt *a, size_t n);

const char *finding_name(enum finding_kind k);
const char *finding_next_step(const struct finding *f);

#endif
