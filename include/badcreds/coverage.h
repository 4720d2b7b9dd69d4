/* coverage.h: what the logs given can and cannot show, per computer and log: the time they cover, gaps, whether
 * they went round or were cleared, the AD FS audit level and event shapes, the domain controller, member host and
 * Entra PRT evidence present, and the next steps (commands) that would close each gap. Records are tallied from
 * their peek (no decoding) so that counting stays fast; only the few events whose content matters are decoded. */
#ifndef BADCREDS_COVERAGE_H
#define BADCREDS_COVERAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "badcreds/event.h"
#include "badcreds/source.h"

enum coverage_audit { COVERAGE_AUDIT_NONE, COVERAGE_AUDIT_BASIC, COVERAGE_AUDIT_VERBOSE };

/* Evidence a log holds, as bits of coverage_row.seen. */
enum coverage_seen {
	SEEN_ADFS_VERBOSE = 1 << 0,  /* AD FS 403, 410, 411, 412 or 501 */
	SEEN_ADFS_BASIC = 1 << 1,    /* AD FS 1200-1210 (2016+) */
	SEEN_ADFS_OTHER = 1 << 2,    /* other AD FS Auditing events (512, 515, 516...) */
	SEEN_DC = 1 << 3,            /* 4768 or 4771 (only a domain controller logs them), or SEEN_DC_OR_LOCAL in a log
				      * without AD FS audit events */
	SEEN_4625 = 1 << 4,
	SEEN_AAD_OPERATIONAL = 1 << 5,
	SEEN_AAD_ANALYTIC = 1 << 6,
	SEEN_DC_OR_LOCAL = 1 << 7,   /* 4740 or 4776: a domain controller's, or a member's for its local accounts (an
				      * AD FS server's own would hide that no domain controller's log was given) */
};

/* A log-cleared event: Security 1102, or System 104 naming the log it cleared (log_cleared.c). */
struct log_clear {
	int64_t time;
	const char *computer;
	const char *who;             /* DOMAIN\user from the event's Subject, or "" */
	const char *log;             /* the log cleared */
};
/* Whether a record is one, by its peek (what decides that it is decoded). */
bool log_cleared_peek(const struct event_peek *p);
/* Reads one into *out (strings in `a`); false when ev is not a log-cleared event. */
struct arena;
bool log_cleared_read(const struct event *ev, struct arena *a, struct log_clear *out);
/* Puts clears in time order (then computer, log and who: the same order whatever the order of the inputs) and
 * keeps each once; their new number. */
size_t log_clears_order(struct log_clear *c, size_t n);

struct coverage_gap {
	int64_t from, to;            /* the records either side of the silence */
};

struct coverage_row {
	const char *computer, *log;
	unsigned long records;
	unsigned long duplicates;    /* records read again (the same log given twice), counted once */
	unsigned long odd_times;     /* records dated before 2000 or after 2099 (damaged or forged): not in first, last
				      * or the gaps */
	int64_t first, last;         /* TimeCreated of the oldest and newest record; 0 when none had a time */
	double per_day;              /* records per day over first..last (0: under an hour of records) */
	uint32_t avg_record_size;    /* bytes, from the EVTX records (0: none were EVTX) */
	bool wrapped;
	const char *wrap_reason;     /* why it looks wrapped, or "" */
	struct coverage_gap *gaps;   /* longer than the threshold, in the period asked for */
	size_t ngaps;
	struct log_clear *clears;
	size_t nclears;
	unsigned seen;               /* enum coverage_seen */
	enum coverage_audit audit;   /* AD FS audit level (from SEEN_ADFS_*) */
	const char *shape;           /* AD FS event shapes: "", "2012 R2", "2016+" */
	unsigned long ip_less_411;   /* 411 events without the client IP field (2012 R2 without KB 3134222) */
	const char **callers;        /* the caller computers its 4740s name (distinct, NULL-terminated) */
	const char **next_steps;     /* commands and what to collect next, NULL-terminated */
};

struct coverage_settings {
	int64_t gap;                 /* silences longer than this are gaps (FILETIME ticks) */
	int64_t since, until;        /* the period asked for (INT64_MIN / INT64_MAX when open) */
};

struct coverage;
struct coverage *coverage_new(const struct coverage_settings *s);
/* The event sink that tallies every record (wants() on the workers) and reads the few it decodes. */
struct event_sink coverage_sink(struct coverage *c);
/* The rows, by computer then log (valid until coverage_free). */
size_t coverage_rows(struct coverage *c, const struct coverage_row **rows);
void coverage_free(struct coverage *c);

const char *coverage_audit_name(enum coverage_audit a);

/* Internal to src/scan/coverage*.c: the next steps of a row, once its other fields are set (coverage_advice.c). */
void coverage_advise(struct coverage_row *r, const struct coverage_row *all, size_t n,
		     const struct coverage_settings *s, struct arena *a);

#endif
