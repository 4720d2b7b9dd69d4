/* lockout_report.h: the lockouts written as CSV, JSON lines or text blocks (lockout_report.c), into an output file
 * of report.h. */
#ifndef BADCREDS_LOCKOUT_REPORT_H
#define BADCREDS_LOCKOUT_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "badcreds/lockout.h"
#include "badcreds/report.h"
#include "badcreds/output.h"

enum lockout_format { LOCKOUT_CSV = FORMAT_CSV, LOCKOUT_JSONL = FORMAT_JSONL, LOCKOUT_TEXT = FORMAT_TEXT };

/* Writes the header (CSV) and the rows; false if writing failed. */
bool lockout_report_write(struct out_file *o, const struct lockout *l, size_t n, enum lockout_format format,
			  bool local_time);

#endif
