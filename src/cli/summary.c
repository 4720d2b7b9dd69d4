/* summary.c: `badcreds summary`: reads the SOURCEs like scan and says who is attacking, which accounts are at risk
 * and what to do next: per-user and per-IP figures and findings with their thresholds. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "badcreds/compat.h"
#include "badcreds/filetime.h"
#include "badcreds/guessing.h"
#include "badcreds/report.h"
#include "badcreds/summary.h"
#include "selection.h"

enum {
	OPT_OUTPUT = 'o', OPT_FORMAT = 'f',
	OPT_SPRAY_USERS = 256, OPT_SPRAY_WINDOW, OPT_BRUTE_ATTEMPTS, OPT_BRUTE_WINDOW, OPT_LOGON_ATTEMPTS,
	OPT_STALE_ATTEMPTS, OPT_LOCKOUT_THRESHOLD, OPT_OBSERVATION_WINDOW, OPT_HTML, OPT_COMPROMISE_WINDOW, OPT_TZ,
};

static const struct cli_option summary_options[] = {
	{ "output", OPT_OUTPUT, "FILE", "where the summary goes (default: - = stdout; .gz; %Y%m%d)" },
	{ "format", OPT_FORMAT, "text|csv|jsonl",
	  "text for people (default), or one row per finding, user and IP (the default for -o NAME.csv, NAME.jsonl)" },
	{ "html", OPT_HTML, "FILE", "also write the summary as one self-contained HTML page" },
	{ "tz", OPT_TZ, "utc|local", "time zone of the times in text, CSV and JSON lines (default: utc)" },
	{ "spray-users", OPT_SPRAY_USERS, "N", "password spray: N users from one IP (default 10) ..." },
	{ "spray-window", OPT_SPRAY_WINDOW, "DURATION", "... within DURATION (default 30m)" },
	{ "brute-attempts", OPT_BRUTE_ATTEMPTS, "N", "brute force: N attempts on one user (default 5) ..." },
	{ "brute-window", OPT_BRUTE_WINDOW, "DURATION", "... within DURATION (default 5m)" },
	{ "logon-attempts", OPT_LOGON_ATTEMPTS, "N", "guessing outside AD FS: N failures of one account from one source "
	  "within the brute-force window (default 10)" },
	{ "stale-attempts", OPT_STALE_ATTEMPTS, "N", "stale credential: at least N steady failures (default 4)" },
	{ "lockout-threshold", OPT_LOCKOUT_THRESHOLD, "N", "the farm's ExtranetLockoutThreshold" },
	{ "observation-window", OPT_OBSERVATION_WINDOW, "DURATION", "the farm's ExtranetObservationWindow (30m)" },
	{ "compromise-window", OPT_COMPROMISE_WINDOW, "DURATION", "a success this long after an attack is a compromise "
	  "(default 24h)" },
};

const struct cli_command summary_command = {
	.name = "summary",
	.args = "SOURCE...",
	.summary = "Sum the attempts up per user and per IP, with findings and next steps.",
	.options = summary_options,
	.noptions = sizeof summary_options / sizeof summary_options[0],
	.shared = selection_options,
	.run = cmd_summary,
};

/* "30", "30m", "45s", "2h", "1d": minutes unless a unit says otherwise; FILETIME ticks. Numbers here are read as 64
 * bits on every platform (long is 32 bits on Windows); an overflow saturates, out of range. */
static bool parse_number(const char *text, unsigned *out)
{
	char *end;
	long long v = strtoll(text, &end, 10);
	if (*end || end == text || v < 1 || v > 1000000)
		return false;
	*out = (unsigned)v;
	return true;
}

struct summary_settings {
	struct summary_thresholds t;
	const char *output, *format, *html;
	bool local_time;
};

static int summary_option(void *ctx, const struct cli_command *cmd, int opt, const char *arg)
{
	struct summary_settings *s = ctx;
	bool ok = true;
	switch (opt) {
	case OPT_OUTPUT: return cli_output_option(cmd, "output", arg, &s->output);
	case OPT_HTML: return cli_output_option(cmd, "html", arg, &s->html);
	case OPT_TZ: return cli_tz_option(cmd, arg, &s->local_time);
	case OPT_FORMAT: { /* in any case, kept as the writers name it */
		static const char *const formats[] = {"text", "csv", "jsonl"};
		ok = false;
		for (size_t i = 0; i < sizeof formats / sizeof *formats && !ok; i++)
			if ((ok = !strcasecmp(arg, formats[i])))
				s->format = formats[i];
		break;
	}
	case OPT_SPRAY_USERS: ok = parse_number(arg, &s->t.spray_users); break;
	case OPT_SPRAY_WINDOW: ok = cli_parse_duration(arg, &s->t.spray_window); break;
	case OPT_BRUTE_ATTEMPTS: ok = parse_number(arg, &s->t.brute_attempts); break;
	case OPT_BRUTE_WINDOW: ok = cli_parse_duration(arg, &s->t.brute_window); break;
	case OPT_LOGON_ATTEMPTS: ok = parse_number(arg, &s->t.logon_attempts); break;
	case OPT_STALE_ATTEMPTS: ok = parse_number(arg, &s->t.stale_attempts); break;
	case OPT_LOCKOUT_THRESHOLD: ok = parse_number(arg, &s->t.lockout_threshold); break;
	case OPT_OBSERVATION_WINDOW: ok = cli_parse_duration(arg, &s->t.observation_window); break;
	case OPT_COMPROMISE_WINDOW: ok = cli_parse_duration(arg, &s->t.compromise_window); break;
	default: return 0;
	}
	if (!ok) {
		const struct cli_option *o = summary_options;
		while (o->key != opt)
			o++;
		const char *takes = !strcmp(o->arg, "N") ? "a whole number from 1 to 1000000"
				    : !strcmp(o->arg, "DURATION") ? "a duration such as 30m or 1h" : o->arg;
		return cli_usage_error(cmd, "--%s takes %s, not '%s'", o->name, takes, arg), -1;
	}
	return 1;
}

struct summary_job {
	const struct summary *s;
	const char *format;
};

/* selection_each: what the summary keeps of each attempt (every attempt, kept or not, went to sel.guessing: the DCs'
 * checks of its password are AD FS's own). */
static void keep_attempt(void *ctx, const struct attempt *a)
{
	summary_attempts_add(ctx, a);
}

static bool write_summary(struct out_file *o, void *ctx)
{
	const struct summary_job *j = ctx;
	return summary_write(o, j->s, j->format);
}

static bool write_html(struct out_file *o, void *ctx)
{
	const struct summary_job *j = ctx;
	return summary_write_html(o, j->s);
}

int cmd_summary(const struct cli_command *cmd, int argc, char **argv)
{
	struct selection sel;
	selection_init(&sel);
	struct summary_settings set = {.output = "-"};
	summary_default_thresholds(&set.t);
	sel.lockouts = true; /* the AD lockouts and their causes, with the defaults of badcreds lockouts */
	sel.lockout_settings = (struct lockout_settings){.reset_window = 30 * FILETIME_MINUTE};
	sel.prt = true; /* devices' AAD logs among the inputs: their PRT failures, and the attempts they may send */
	int status = selection_parse(&sel, cmd, argc, argv, summary_option, &set);
	const char *named = cli_format_of_name(set.output);
	if (!set.format) /* -o report.csv: CSV, not text in a file named .csv */
		set.format = named ? named : "text";
	if (status < 0 && set.html && !strcmp(set.html, "-") && !strcmp(set.output, "-"))
		status = cli_usage_error(cmd, "--html - and the text summary (-o -, the default) both write to standard "
					 "output: give one of them a file");
	if (status >= 0) {
		selection_free(&sel);
		return status;
	}
	if (set.html) /* the page shows what the logs cover: every record is tallied too */
		sel.coverage = coverage_new(&(struct coverage_settings){FILETIME_HOUR, sel.since, sel.until});
	sel.guessing = guessing_new(selection_keeps_failure, &sel); /* RDP, SMB, Kerberos, NTLM guessing: findings too */
	selection_collect(&sel, argv + optind, argc - optind);
	correlator_keep_successes(sel.corr); /* a success after the failures: a compromise */
	selection_prt(&sel);
	struct summary_attempts kept = {0};
	selection_each(&sel, keep_attempt, &kept);
	status = sel.diag.errors ? EXIT_SKIPPED : EXIT_OK;
	if (!selection_read_something(&sel, cmd, set.output)) {
		summary_attempts_free(&kept);
		coverage_free(sel.coverage);
		selection_free(&sel);
		return EXIT_SKIPPED;
	}
	selection_explain_empty(&sel, cmd);
	struct summary s;
	const struct fact *const *dc;
	size_t ndc = correlator_dc_events(sel.corr, &dc);
	const struct success *ok;
	size_t nok = correlator_successes(sel.corr, &ok);
	summary_build(&s, &kept, dc, ndc, ok, nok, &set.t, sel.threads);
	s.prt = sel.prt_rows;
	s.nprt = sel.nprt_rows;
	selection_lockouts(&sel);
	summary_add_lockouts(&s, sel.lockout_rows, sel.nlockout_rows);
	size_t failures = summary_add_guessing(&s, sel.guessing, &set.t);
	if (!atomic_load(&sel.adfs_audits) && !sel.nclears && (sel.nlockout_rows || sel.nprt_rows || failures)) {
		if (!sel.quiet) /* DC, member or device logs: the summary answers for what they hold */
			fprintf(stderr, "badcreds: summary: note: no AD FS audit events among the inputs: the summary answers "
				"for the %zu account lockout%s, %zu device PRT row%s and %zu failed logon%s outside AD FS (4625, "
				"4771, 4776) they hold\n", sel.nlockout_rows, sel.nlockout_rows == 1 ? "" : "s", sel.nprt_rows,
				sel.nprt_rows == 1 ? "" : "s", failures, failures == 1 ? "" : "s");
	} else if (selection_warn_unanswerable(&sel, cmd) && status == EXIT_OK) {
		status = EXIT_SKIPPED;
	}
	summary_add_cleared(&s, sel.clears, sel.nclears);
	if (sel.coverage)
		s.ncoverage = coverage_rows(sel.coverage, &s.coverage);
	s.local_time = set.local_time;
	char name[4096], page[4096] = "", both[8200];
	struct summary_job job = {&s, set.format};
	bool text = out_produce(set.output, write_summary, &job, name, sizeof name);
	bool html = set.html && out_produce(set.html, write_html, &job, page, sizeof page);
	if (!text || (set.html && !html))
		status = EXIT_OUTPUT;
	snprintf(both, sizeof both, "%s%s%s", text ? name : html ? "" : "nothing", text && html ? " and " : "",
		 html ? page : ""); /* what is in place */
	if (selection_warn_window(&sel, cmd) && status == EXIT_OK)
		status = EXIT_SKIPPED;
	if (selection_warn_undecided(&sel, cmd) && status == EXIT_OK)
		status = EXIT_SKIPPED;
	if (!sel.quiet)
		selection_closing_line(&sel, cmd, both);
	const char *kept_in_memory = summary_kept_in_memory(&s);
	if (kept_in_memory && !sel.quiet)
		fprintf(stderr, "badcreds: note: the summary kept its attempts and user rows in memory: %s in %s\n",
			kept_in_memory, bc_tempdir());
	if (guessing_spill_error(sel.guessing) && !sel.quiet)
		fprintf(stderr, "badcreds: note: the summary kept the failed logons outside AD FS in memory: %s in %s\n",
			guessing_spill_error(sel.guessing), bc_tempdir());
	if (guessing_lost_bytes(sel.guessing)) {
		fprintf(stderr, "badcreds: error: the temporary file of the summary in %s could not be read back: %llu "
			"bytes of failed logons outside AD FS left out\n", bc_tempdir(),
			(unsigned long long)guessing_lost_bytes(sel.guessing));
		if (status == EXIT_OK)
			status = EXIT_SKIPPED;
	}
	if (summary_lost_bytes(&s)) { /* the report lacks attempts: the exit status says something was skipped */
		fprintf(stderr, "badcreds: error: the temporary file of the summary in %s could not be read back: %llu "
			"bytes of attempts or user rows left out\n", bc_tempdir(), (unsigned long long)summary_lost_bytes(&s));
		if (status == EXIT_OK)
			status = EXIT_SKIPPED;
	}
	summary_free(&s);
	summary_attempts_free(&kept);
	coverage_free(sel.coverage);
	selection_free(&sel);
	return status;
}
