/* scan.c: `badcreds scan` (the default command): reads every SOURCE, correlates AD FS audits with AD FS 4625s,
 * filters the attempts and writes the report (BadCredAttempts.csv by default). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "badcreds/filetime.h"
#include "badcreds/report.h"
#include "selection.h"

enum { OPT_OUTPUT = 'o', OPT_FORMAT = 'f', OPT_COLUMNS = 256, OPT_TZ, OPT_BOM };

static const struct cli_option scan_options[] = {
	{ "output", OPT_OUTPUT, "FILE", "report file (default BadCredAttempts.csv; - = stdout; .gz; %Y%m%d)" },
	{ "format", OPT_FORMAT, "csv|jsonl", "report format (default: csv; jsonl for -o NAME.jsonl or .json)" },
	{ "columns", OPT_COLUMNS, "full|compat", "all columns, or only those of ADFSBadCredsSearch.ps1" },
	{ "tz", OPT_TZ, "utc|local", "time zone of the Time column (default: utc)" },
	{ "bom", OPT_BOM, NULL, "start the CSV with a UTF-8 byte order mark (Excel)" },
};

const struct cli_command scan_command = {
	.name = "scan",
	.args = "SOURCE...",
	.summary = "Find AD FS bad-credential attempts and write them as CSV (the default command).",
	.options = scan_options,
	.noptions = sizeof scan_options / sizeof scan_options[0],
	.shared = selection_options,
	.run = cmd_scan,
};

struct scan_settings {
	struct report_options report;
	const char *output;
	bool format_given;
};

static int scan_option(void *ctx, const struct cli_command *cmd, int opt, const char *arg)
{
	struct scan_settings *s = ctx;
	switch (opt) {
	case OPT_OUTPUT: return cli_output_option(cmd, "output", arg, &s->output);
	case OPT_FORMAT:
		if (!strcasecmp(arg, "csv") || !strcasecmp(arg, "jsonl")) {
			s->report.format = !strcasecmp(arg, "csv") ? REPORT_CSV : REPORT_JSONL;
			s->format_given = true;
			return 1;
		}
		return cli_usage_error(cmd, "unknown format '%s' (csv or jsonl)", arg), -1;
	case OPT_COLUMNS:
		if (strcasecmp(arg, "full") && strcasecmp(arg, "compat"))
			return cli_usage_error(cmd, "unknown column set '%s' (full or compat)", arg), -1;
		s->report.compat = !strcasecmp(arg, "compat");
		return 1;
	case OPT_TZ: return cli_tz_option(cmd, arg, &s->report.local_time);
	case OPT_BOM: s->report.bom = true; return 1;
	default: return 0;
	}
}

struct report_job {
	struct selection *sel;
	const struct report_options *report;
};

static void write_row(void *ctx, const struct attempt *a) { report_row(ctx, a); }

/* The header, then each attempt as the selection hands it out (while it correlates, when it can: memory then does
 * not grow with the attempts). */
static bool write_report(struct out_file *o, void *ctx)
{
	const struct report_job *j = ctx;
	struct report_writer w;
	report_begin(&w, o, j->report);
	selection_each(j->sel, write_row, &w);
	return report_end(&w);
}

int cmd_scan(const struct cli_command *cmd, int argc, char **argv)
{
	struct selection sel;
	selection_init(&sel);
	struct scan_settings set = {.output = "BadCredAttempts.csv"};
	sel.prt = true; /* devices' AAD logs among the inputs: attempts their stale passwords may be (prt.h) */
	int status = selection_parse(&sel, cmd, argc, argv, scan_option, &set);
	const char *named = set.format_given ? NULL : cli_format_of_name(set.output);
	if (named) /* -o attempts.jsonl: JSON lines, not CSV in a file named .jsonl */
		set.report.format = !strcmp(named, "jsonl") ? REPORT_JSONL : REPORT_CSV;
	if (status < 0 && set.report.bom && set.report.format != REPORT_CSV)
		status = cli_usage_error(cmd, "--bom starts a CSV report with a byte order mark: not with JSON lines "
					 "(--format jsonl, or an output named .jsonl or .json)");
	if (status >= 0) {
		selection_free(&sel);
		return status;
	}
	selection_collect(&sel, argv + optind, argc - optind);
	selection_prt(&sel);
	char name[4096] = "";
	if (!selection_read_something(&sel, cmd, set.output))
		status = EXIT_SKIPPED;
	else if (!out_produce(set.output, write_report, &(struct report_job){&sel, &set.report}, name, sizeof name))
		status = EXIT_OUTPUT;
	else {
		status = sel.diag.errors ? EXIT_SKIPPED : EXIT_OK; /* the correlation may have added to them */
		selection_explain_empty(&sel, cmd);
		if (selection_warn_unanswerable(&sel, cmd) && status == EXIT_OK)
			status = EXIT_SKIPPED;
	}
	if (selection_warn_window(&sel, cmd) && status == EXIT_OK)
		status = EXIT_SKIPPED;
	if (selection_warn_undecided(&sel, cmd) && status == EXIT_OK)
		status = EXIT_SKIPPED;
	if (!sel.quiet && *name)
		selection_closing_line(&sel, cmd, name);
	selection_free(&sel);
	return status;
}
