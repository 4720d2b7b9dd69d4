/* coverage_report.h: the coverage rows written as CSV, JSON lines or text blocks (coverage_report.c), into an output
 * file of report.h. */
#ifndef BADCREDS_COVERAGE_REPORT_H
#define BADCREDS_COVERAGE_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "badcreds/coverage.h"
#include "badcreds/report.h"
#include "badcreds/output.h"

enum coverage_format { COVERAGE_CSV = FORMAT_CSV, COVERAGE_JSONL = FORMAT_JSONL, COVERAGE_TEXT = FORMAT_TEXT };

/* Writes the header (CSV) and the rows; false if writing failed. */
bool coverage_report_write(struct out_file *o, const struct coverage_row *r, size_t n, enum coverage_format format,
			   bool local_time);

#endif
