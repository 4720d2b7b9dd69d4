/* prt_report.h: the PRT acquisitions written as CSV, JSON lines or text blocks (prt_report.c), into an output file
 * of report.h. */
#ifndef BADCREDS_PRT_REPORT_H
#define BADCREDS_PRT_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "badcreds/prt.h"
#include "badcreds/report.h"
#include "badcreds/output.h"

enum prt_format { PRT_CSV = FORMAT_CSV, PRT_JSONL = FORMAT_JSONL, PRT_TEXT = FORMAT_TEXT };

struct prt_report_options {
	enum prt_format format;
	bool local_time;
	int64_t window;              /* the AD FS join's window each way (FILETIME ticks), for the link's words */
	bool adfs_read;              /* AD FS events were among the inputs */
	bool analytic;               /* Analytic events were among the inputs (text: else a note says so) */
};

/* Writes the header (CSV) and the rows; false if writing failed. */
bool prt_report_write(struct out_file *o, const struct prt_row *r, size_t n, const struct prt_report_options *opt);

#endif
