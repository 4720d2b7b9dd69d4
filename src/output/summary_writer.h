/* summary_writer.h: what the summary's writers share (summary_report.c: text and the dispatch; summary_rows.c: CSV
 * and JSON lines; summary_html.c: the page). Internal to src/output. */
#ifndef BADCREDS_SUMMARY_WRITER_H
#define BADCREDS_SUMMARY_WRITER_H

#include "badcreds/summary.h"

/* The time zone of the times a writer is about to write: the summary's (--tz). */
void summary_zone_from(const struct summary *s);
/* A time as the summary shows it: ISO 8601 with milliseconds and the offset, UTC or local (summary_zone_from). */
void summary_time(struct strbuf *out, int64_t t);
/* What the times are in, for people: "UTC" or "local time". */
const char *summary_zone(void);
/* Text from the logs on the page: made visible (text.h), then escaped for HTML. */
void html_text(struct strbuf *out, const char *s);
/* The chart of attempts over time, its legend and its figures as a table (summary_chart.c). */
void summary_chart(struct strbuf *out, const struct summary *s);
/* The verdict in one line: compromised accounts, attacks (and those going on), accounts locked out. */
void summary_verdict(struct strbuf *out, const struct summary *s);
/* What a device's PRT acquisition failed with, in a few words: "AADSTS50126", "FailedAuthentication". */
void summary_prt_reason(struct strbuf *out, const struct prt_row *r);
/* CSV (header first) or JSON lines, through buf into out as they are made; visible: control characters of CSV cells
 * as Control Pictures (a terminal). False if writing failed. */
bool summary_rows(struct out_file *out, struct strbuf *buf, const struct summary *s, bool csv, bool visible);

#endif
