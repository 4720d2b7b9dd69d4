/* lockouts.c: `badcreds lockouts`: one row per account lockout in the domain, with where its bad passwords came
 * from (cause, source, the server they went through), how many and whether they go on, the evidence and what to
 * change; read from any mix of domain controller, member server, AD FS and workstation logs. */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "badcreds/filetime.h"
#include "badcreds/lockout_report.h"
#include "badcreds/strmap.h"
#include "badcreds/text.h"
#include "selection.h"

enum { OPT_OUTPUT = 'o', OPT_FORMAT = 'f', OPT_TZ = 256, OPT_RESET_WINDOW, OPT_INTERNAL };

static const struct cli_option lockouts_options[] = {
	{ "output", OPT_OUTPUT, "FILE", "where the rows go (default: - = stdout; .gz; %Y%m%d)" },
	{ "format", OPT_FORMAT, "text|csv|jsonl",
	  "text for people (default on a terminal), else CSV; jsonl for -o NAME.jsonl or .json" },
	{ "tz", OPT_TZ, "utc|local", "time zone of the times (default: utc)" },
	{ "reset-window", OPT_RESET_WINDOW, "DURATION", "the domain's lockout counter reset time (default 30m)" },
	{ "internal", OPT_INTERNAL, "CIDR", "a network of the organisation besides the private ranges (repeatable)" },
};

const struct cli_command lockouts_command = {
	.name = "lockouts",
	.args = "SOURCE...",
	.summary = "Explain every account lockout: which machine, process or attacker sent the bad passwords.",
	.options = lockouts_options,
	.noptions = sizeof lockouts_options / sizeof lockouts_options[0],
	.shared = selection_options,
	.run = cmd_lockouts,
};

struct lockouts_settings {
	struct selection *sel;
	const char *output;
	int format;                        /* enum lockout_format, or -1: decided by where the rows go */
	bool local_time;
	struct cidr internal[SEL_MAX_CIDRS];
};

static int lockouts_option(void *ctx, const struct cli_command *cmd, int opt, const char *arg)
{
	struct lockouts_settings *s = ctx;
	struct lockout_settings *l = &s->sel->lockout_settings;
	switch (opt) {
	case OPT_OUTPUT: return cli_output_option(cmd, "output", arg, &s->output);
	case OPT_FORMAT: return cli_format_option(cmd, arg, &s->format);
	case OPT_TZ: return cli_tz_option(cmd, arg, &s->local_time);
	case OPT_RESET_WINDOW:
		if (!cli_parse_duration(arg, &l->reset_window))
			return cli_usage_error(cmd, "--reset-window takes a duration such as 30m or 1h, not '%s'", arg), -1;
		return 1;
	case OPT_INTERNAL:
		if (l->ninternal == SEL_MAX_CIDRS || !cidr_parse(arg, &s->internal[l->ninternal]))
			return cli_usage_error(cmd, "bad --internal network '%s' (example: 198.51.100.0/24)", arg), -1;
		l->ninternal++;
		return 1;
	default: return 0;
	}
}

struct lockouts_job {
	const struct lockout *rows;
	size_t n;
	const struct lockouts_settings *set;
};

static bool write_rows(struct out_file *o, void *ctx)
{
	const struct lockouts_job *j = ctx;
	int format = j->set->format >= 0 ? j->set->format : out_is_terminal(o) ? LOCKOUT_TEXT : LOCKOUT_CSV;
	return lockout_report_write(o, j->rows, j->n, (enum lockout_format)format, j->set->local_time);
}

/* The closing line on stderr: records and inputs read, lockouts, accounts, their causes. */
static void closing_line(const struct selection *s, const struct cli_command *cmd, const struct lockout *rows, size_t n,
			 const char *output)
{
	struct arena arena = {0};
	struct strmap accounts = {.arena = &arena};
	unsigned causes[CAUSE_COUNT] = {0}, naccounts = 0;
	struct strbuf sb = {0}, key = {0};
	for (size_t i = 0; i < n; i++) {
		causes[rows[i].cause]++;
		if (!strmap_get(&accounts, account_key(&key, rows[i].account))) {
			strmap_put(&accounts, sb_cstr(&key), &arena);
			naccounts++;
		}
	}
	selection_read_text(&sb, s, cmd);
	sb_printf(&sb, "; %zu lockout%s of %u account%s", n, n == 1 ? "" : "s", naccounts, naccounts == 1 ? "" : "s");
	for (int c = 0, first = 1; c < CAUSE_COUNT; c++)
		if (causes[c]) {
			sb_printf(&sb, "%s%u %s", first ? " (" : ", ", causes[c], lockout_cause_name((enum lockout_cause)c));
			first = 0;
		}
	sb_adds(&sb, n ? "); wrote " : "; wrote ");
	sb_adds(&sb, output);
	fprintf(stderr, "%s\n", sb_cstr(&sb));
	sb_free(&sb);
	sb_free(&key);
	strmap_free(&accounts);
	arena_free(&arena);
}

/* One warning line when the inputs cannot answer: no lockout (4740) at all, lockouts whose host logs are missing
 * (cause unknown: the caller computers named), a log cleared in the period. True if it warned. */
static bool warn_unanswerable(const struct selection *s, const struct lockout *rows, size_t n)
{
	if (!n && !s->nlockouts_found && selection_note_outside(s, &lockouts_command) && !s->nclears)
		return false; /* none in the time window: not a sign that the DCs' logs are missing */
	if (!n && s->nlockouts_found) { /* the inputs hold lockouts: the window or --user left them out */
		if (!s->quiet)
			fprintf(stderr, "badcreds: lockouts: note: %s kept none of the %zu lockouts (4740) in the inputs\n",
				s->user_re && (s->since != INT64_MIN || s->until != INT64_MAX) ? "the time window and --user"
				: s->user_re ? "--user" : "the time window", s->nlockouts_found);
		if (!s->nclears)
			return false;
	}
	struct strbuf sb = {0};
	const char *listed[3]; /* caller computers whose logs are missing, each once */
	size_t unknown = 0, named = 0, others = 0;
	bool more = false;
	for (size_t i = 0; i < n; i++) {
		if (rows[i].cause != CAUSE_UNKNOWN)
			continue;
		unknown++;
		if (!*rows[i].caller || rows[i].caller_log != CALLER_LOG_MISSING) { /* its Next Step says what to do */
			others++;
			continue;
		}
		bool seen = false;
		for (size_t k = 0; k < named && !seen; k++)
			seen = !strcasecmp(listed[k], rows[i].caller);
		if (seen)
			continue;
		if (named == 3) {
			more = true;
			continue;
		}
		sb_adds(&sb, named ? ", " : "");
		text_visible_str(&sb, rows[i].caller);
		listed[named++] = rows[i].caller;
	}
	if (more)
		sb_adds(&sb, " and more");
	struct strbuf line = {0};
	sb_adds(&line, "badcreds: lockouts: warning: the inputs cannot answer: ");
	bool none = !n && !s->nlockouts_found;
	size_t wrong = none ? selection_dc_wrong_passwords(s) : 0;
	if (none && wrong) /* a DC's log already: a lockout there would have been logged */
		sb_printf(&line, "they hold no account lockout (4740), though they hold %zu wrong password%s in Kerberos "
			  "or NTLM checks (4771, 4776): no account reached the lockout threshold in them, or the DC "
			  "that locked it (the PDC emulator logs every lockout) is not among them, or \"Audit User Account "
			  "Management\" is off there", wrong, wrong == 1 ? "" : "s");
	if (none && !wrong)
		sb_adds(&line, "they hold no account lockout (4740): give the domain controllers' Security logs (\"Audit "
			       "User Account Management\" must be on)");
	if (none) {
		if (s->other_4625_host) { /* they are no rows of their own: say what they are waiting for */
			sb_adds(&line, "; the failed logons (4625) they hold (the first on ");
			text_visible_str(&line, *s->other_4625_host ? s->other_4625_host : "an unnamed computer");
			sb_adds(&line, ") make a row only where a 4740 says they locked an account");
		}
		if (s->other_4625_host || wrong) /* guessing that locked nothing is an answer of summary's */
			sb_adds(&line, "; badcreds summary finds password guessing among the failures");
	} else if (unknown)
		sb_printf(&line, "%zu of %zu lockouts have no host evidence: %s%s%s", unknown, n,
			  named ? "collect the logs of " : "see their Next Step", sb_cstr(&sb),
			  others ? (named ? "; see the Next Step of the others" : "") : "");
	if (s->nclears) {
		sb_adds(&line, none || unknown ? "; the " : "the ");
		text_visible_str(&line, s->clears[0].log);
		sb_adds(&line, " log of ");
		text_visible_str(&line, s->clears[0].computer);
		sb_adds(&line, " was cleared at ");
		filetime_format_ms(&line, s->clears[0].time, false);
	}
	bool warn = none || unknown || s->nclears;
	if (warn)
		fprintf(stderr, "%s; run badcreds coverage on them\n", sb_cstr(&line));
	sb_free(&sb);
	sb_free(&line);
	return warn;
}

int cmd_lockouts(const struct cli_command *cmd, int argc, char **argv)
{
	struct selection sel;
	selection_init(&sel);
	struct lockouts_settings set = {.sel = &sel, .output = "-", .format = -1};
	sel.lockouts = true;
	sel.lockout_settings = (struct lockout_settings){.reset_window = 30 * FILETIME_MINUTE, .internal = set.internal};
	sel.prt = true; /* devices' AAD logs among the inputs: a stale password's device behind an AD FS lockout */
	int status = selection_start(&sel, cmd, argc, argv, lockouts_option, &set);
	if (status >= 0)
		return status;
	set.format = cli_format_or_name(set.format, set.output); /* -o lockouts.jsonl: JSON lines */
	selection_prt(&sel);
	selection_each(&sel, NULL, NULL); /* the attempts join the lockouts: the report lists none */
	selection_lockouts(&sel);
	const struct lockout *rows = sel.lockout_rows;
	size_t n = sel.nlockout_rows;
	status = sel.diag.errors ? EXIT_SKIPPED : EXIT_OK;
	char name[4096] = "";
	if (!selection_read_something(&sel, cmd, set.output))
		status = EXIT_SKIPPED;
	else if (!out_produce(set.output, write_rows, &(struct lockouts_job){rows, n, &set}, name, sizeof name))
		status = EXIT_OUTPUT;
	if (selection_warn_window(&sel, cmd) && status == EXIT_OK)
		status = EXIT_SKIPPED;
	if (selection_warn_undecided(&sel, cmd) && status == EXIT_OK)
		status = EXIT_SKIPPED;
	if (!sel.quiet && *name)
		closing_line(&sel, cmd, rows, n, name);
	if (*name && status != EXIT_OUTPUT && warn_unanswerable(&sel, rows, n) && status == EXIT_OK)
		status = EXIT_SKIPPED;
	selection_free(&sel);
	return status;
}
