/* filetime.h: Windows FILETIME, the one time scale of badcreds (100 ns ticks since 1601-01-01 00:00 UTC): its units,
 * the Unix epoch on it, and its ISO 8601 text both ways. */
#ifndef BADCREDS_FILETIME_H
#define BADCREDS_FILETIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "badcreds/strbuf.h"

/* Lengths of time in ticks (macros: they size other constants). */
#define FILETIME_MILLISECOND INT64_C(10000)
#define FILETIME_SECOND (1000 * FILETIME_MILLISECOND)
#define FILETIME_MINUTE (60 * FILETIME_SECOND)
#define FILETIME_HOUR (60 * FILETIME_MINUTE)
#define FILETIME_DAY (24 * FILETIME_HOUR)
/* 1970-01-01 00:00 UTC, where Unix time starts: 11644473600 seconds after 1601-01-01. */
#define FILETIME_UNIX_EPOCH (INT64_C(11644473600) * FILETIME_SECOND)
/* The record times a log can plausibly hold, [2000-01-01, 2100-01-01) UTC: EVTX began with Windows Vista (2007), and
 * no clock of a machine in use reads 2100; a time outside (1601, 9999) is a damaged record or a forged clock. */
#define FILETIME_PLAUSIBLE_FIRST INT64_C(125911584000000000)
#define FILETIME_PLAUSIBLE_END INT64_C(157469184000000000)

/* The system clock, to the second. */
int64_t filetime_now(void);

/* A UTC date and time; false for a field out of range or a year outside 1601 to 30827 (FILETIME's span). A second
 * of 60 (a leap second) is the next minute's first. */
bool filetime_from_civil(unsigned year, unsigned month, unsigned day, unsigned hour, unsigned minute, unsigned second,
			 int64_t *ticks);

/* ISO 8601 as Windows writes SystemTime, nine fraction digits: 2016-06-29T15:24:36.685999900Z (any tick value). */
void filetime_format_windows(struct strbuf *out, int64_t ticks);
/* ISO 8601 to the millisecond with the offset, in UTC or the local time zone: 2026-11-20T08:00:00.001+00:00. */
void filetime_format_ms(struct strbuf *out, int64_t ticks, bool local);
/* ISO 8601 as people type it: a date, hh:mm, hh:mm:ss, a fraction after . or ,, then Z, +hh, +hhmm or +hh:mm (UTC
 * when no zone is given); false for anything else, and for a field out of range (a day the month does not have,
 * hour 24, minute or second 60: no leap second). */
bool filetime_parse_iso8601(const char *s, size_t len, int64_t *ticks);

#endif
