/* coverage.c: `badcreds coverage`: what the logs given can and cannot show, one row per computer and log (time
 * covered, records, wrapped, gaps, cleared, AD FS audit level and event shapes, domain controller, member host and
 * PRT evidence) with the commands that would close each gap; text, CSV or JSON lines. */
#include <stdio.h>
#include <string.h>

#include "badcreds/coverage.h"
#include "badcreds/coverage_report.h"
#include "badcreds/filetime.h"
#include "badcreds/progress.h"
#include "selection.h"

enum { OPT_OUTPUT = 'o', OPT_FORMAT = 'f', OPT_TZ = 256, OPT_GAP };

static const struct cli_option coverage_options[] = {
	{ "output", OPT_OUTPUT, "FILE", "where the rows go (default: - = stdout; .gz; %Y%m%d)" },
	{ "format", OPT_FORMAT, "text|csv|jsonl",
	  "text for people (default on a terminal), else CSV; jsonl for -o NAME.jsonl or .json" },
	{ "tz", OPT_TZ, "utc|local", "time zone of the times (default: utc)" },
	{ "gap", OPT_GAP, "DURATION", "report silences longer than this (default 1h)" },
};

/* The shared options that mean something here: the period the logs should cover, and how to read them. */
static const struct cli_option coverage_shared[] = {
	{ "past-days", SEL_PAST_DAYS, "N", "the logs should cover the last N days" },
	{ "past-hours", SEL_PAST_HOURS, "N", "the logs should cover the last N hours" },
	{ "since", SEL_SINCE, "TIME", "the logs should reach back to TIME (ISO 8601, UTC unless an offset is given)" },
	{ "until", SEL_UNTIL, "TIME", "gaps are looked for up to TIME" },
	{ "threads", SEL_THREADS, "N", "read EVTX chunks on N threads (default: all cores)" },
	{ "remote", SEL_REMOTE, "HOST", "read channel:NAME sources on this server (repeatable; Windows)" },
	{ "spool-limit", SEL_SPOOL_LIMIT, "SIZE", "largest temporary copy of stdin or a .gz (default 64G; 0: none)" },
	{ "quiet", SEL_QUIET, NULL, "no summary line, notes or progress on stderr" },
	{ "help", 'h', NULL, "show this help" },
	{0},
};

const struct cli_command coverage_command = {
	.name = "coverage",
	.args = "SOURCE...",
	.summary = "Show what the logs can answer: time covered, wrapped or cleared logs, audit level, next steps.",
	.options = coverage_options,
	.noptions = sizeof coverage_options / sizeof coverage_options[0],
	.shared = coverage_shared,
	.run = cmd_coverage,
};

struct coverage_options {
	const char *output;
	int format;                        /* enum coverage_format, or -1: decided by where the rows go */
	bool local_time;
	int64_t gap;
};

static int coverage_option(void *ctx, const struct cli_command *cmd, int opt, const char *arg)
{
	struct coverage_options *s = ctx;
	switch (opt) {
	case OPT_OUTPUT: return cli_output_option(cmd, "output", arg, &s->output);
	case OPT_FORMAT: return cli_format_option(cmd, arg, &s->format);
	case OPT_TZ: return cli_tz_option(cmd, arg, &s->local_time);
	case OPT_GAP:
		if (!cli_parse_duration(arg, &s->gap))
			return cli_usage_error(cmd, "--gap takes a duration such as 30m or 1h, not '%s'", arg), -1;
		return 1;
	default: return 0;
	}
}

/* Every record of every SOURCE into the tally; live channels are asked for all their events, at any time. */
static void read_all(struct selection *sel, struct coverage *c, char **sources, int nsources)
{
	static char *windows_default[] = {"channel:Security"}; /* only Windows lets nsources be 0 */
	if (nsources == 0) {
		sources = windows_default;
		nsources = 1;
	}
	progress_enable(!sel->quiet);
	sel->diag = (struct diag){.stream = stderr, .max_messages = 20, .quiet_notes = sel->quiet, .max_notes = 10};
	struct source_options o = {.threads = sel->threads, .remotes = sel->remotes, .spool_limit = sel->spool_limit,
				   .since = INT64_MIN, .until = INT64_MAX};
	struct event_sink sink = coverage_sink(c);
	for (int i = 0; i < nsources; i++)
		source_read(sources[i], &o, &sink, &sel->diag, &sel->stats);
}

struct coverage_job {
	const struct coverage_row *rows;
	size_t n;
	const struct coverage_options *set;
};

static bool write_rows(struct out_file *o, void *ctx)
{
	const struct coverage_job *j = ctx;
	int format = j->set->format >= 0 ? j->set->format : out_is_terminal(o) ? COVERAGE_TEXT : COVERAGE_CSV;
	return coverage_report_write(o, j->rows, j->n, (enum coverage_format)format, j->set->local_time);
}

/* The closing line on stderr: records and inputs read, logs, and those wrapped, cleared or without AD FS audits. */
static void closing_line(const struct selection *s, const struct cli_command *cmd, const struct coverage_row *rows,
			 size_t n, const char *output)
{
	size_t wrapped = 0, cleared = 0, gaps = 0;
	unsigned long duplicates = 0;
	for (size_t i = 0; i < n; i++) {
		duplicates += rows[i].duplicates;
		wrapped += rows[i].wrapped;
		cleared += rows[i].nclears > 0;
		gaps += rows[i].ngaps > 0;
	}
	char again[64] = "";
	if (duplicates)
		snprintf(again, sizeof again, "; %lu duplicate record%s counted once", duplicates,
			 duplicates == 1 ? "" : "s");
	struct strbuf line = {0};
	selection_read_text(&line, s, cmd);
	fprintf(stderr, "%s; %zu log%s: %zu wrapped, %zu cleared, %zu with gaps%s; wrote %s\n", sb_cstr(&line), n,
		n == 1 ? "" : "s", wrapped, cleared, gaps, again, output);
	sb_free(&line);
}

int cmd_coverage(const struct cli_command *cmd, int argc, char **argv)
{
	struct selection sel;
	selection_init(&sel);
	struct coverage_options set = {.output = "-", .format = -1, .gap = FILETIME_HOUR};
	int status = selection_parse(&sel, cmd, argc, argv, coverage_option, &set);
	set.format = cli_format_or_name(set.format, set.output); /* -o coverage.jsonl: JSON lines */
	if (status >= 0) {
		selection_free(&sel);
		return status;
	}
	struct coverage *c = coverage_new(&(struct coverage_settings){set.gap, sel.since, sel.until});
	read_all(&sel, c, argv + optind, argc - optind);
	const struct coverage_row *rows;
	size_t n = coverage_rows(c, &rows);
	status = sel.diag.errors ? EXIT_SKIPPED : EXIT_OK;
	char name[4096] = "";
	if (!selection_read_something(&sel, cmd, set.output))
		status = EXIT_SKIPPED;
	else if (!out_produce(set.output, write_rows, &(struct coverage_job){rows, n, &set}, name, sizeof name))
		status = EXIT_OUTPUT;
	if (!sel.quiet && *name)
		closing_line(&sel, cmd, rows, n, name);
	coverage_free(c);
	selection_free(&sel);
	return status;
}
