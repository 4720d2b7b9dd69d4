/* summary.c: `badcreds summary`: reads the SOURCEs like scan and says who is attacking, which accounts are at risk
 * and what to do next: per-user and per-IP figures and findings with their thresholds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "badcreds/report.h"
#include "badcreds/summary.h"
#include "selection.h"

enum {
	OPT_OUTPUT = 'o', OPT_FORMAT = 'f', OPT_HELP = 'h',
	OPT_SPRAY_USERS = 256, OPT_SPRAY_WINDOW, OPT_BRUTE_ATTEMPTS, OPT_BRUTE_WINDOW, OPT_STALE_ATTEMPTS,
	OPT_LOCKOUT_THRESHOLD, OPT_OBSERVATION_WINDOW,
};

static const struct cli_option summary_options[] = {
	{ "output", OPT_OUTPUT, "FILE", "where the summary goes (default: - = stdout; .gz; %Y%m%d)" },
	{ "format", OPT_FORMAT, "text|csv|jsonl", "text for people (default), or one row per finding, user and IP" },
	{ "spray-users", OPT_SPRAY_USERS, "N", "password spray: N users from one IP (default 10) ..." },
	{ "spray-window", OPT_SPRAY_WINDOW, "DURATION", "... within DURATION (default 30m)" },
	{ "brute-attempts", OPT_BRUTE_ATTEMPTS, "N", "brute force: N attempts on one user (default 5) ..." },
	{ "brute-window", OPT_BRUTE_WINDOW, "DURATION", "... within DURATION (default 5m)" },
	{ "stale-attempts", OPT_STALE_ATTEMPTS, "N", "stale credential: at least N steady failures (default 4)" },
	{ "lockout-threshold", OPT_LOCKOUT_THRESHOLD, "N", "the farm's ExtranetLockoutThreshold" },
	{ "observation-window", OPT_OBSERVATION_WINDOW, "DURATION", "the farm's ExtranetObservationWindow (30m)" },
	{ "help", OPT_HELP, NULL, "show this help" },
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

/* "30", "30m", "45s", "2h", "1d": minutes unless a unit says otherwise; FILETIME ticks. */
static bool parse_duration(const char *text, int64_t *ticks)
{
	char *end;
	long v = strtol(text, &end, 10);
	long unit = 60;
	if (end == text || v <= 0 || v > 100000)
		return false;
	if (*end == 's' || *end == 'm' || *end == 'h' || *end == 'd')
		unit = *end == 's' ? 1 : *end == 'm' ? 60 : *end == 'h' ? 3600 : 86400, end++;
	if (*end)
		return false;
	*ticks = (int64_t)v * unit * 10000000;
	return true;
}

static bool parse_number(const char *text, unsigned *out)
{
	char *end;
	long v = strtol(text, &end, 10);
	if (*end || end == text || v < 1 || v > 1000000)
		return false;
	*out = (unsigned)v;
	return true;
}

int cmd_summary(const struct cli_command *cmd, int argc, char **argv)
{
	struct selection sel;
	selection_init(&sel);
	struct summary_thresholds t;
	summary_default_thresholds(&t);
	const char *output = "-", *format = "text";
	struct cli_command with_shared = *cmd;
	with_shared.nshared = selection_noptions;
	struct cli_parser p;
	cli_parser_init(&p, &with_shared);
	int opt;
	while ((opt = cli_next(&p, argc, argv)) != -1) {
		int shared = selection_option(&sel, cmd, opt, optarg);
		if (shared < 0) {
			selection_free(&sel);
			return EXIT_USAGE;
		}
		if (shared)
			continue;
		bool ok = true;
		switch (opt) {
		case OPT_OUTPUT: output = optarg; break;
		case OPT_FORMAT:
			format = optarg;
			ok = !strcmp(format, "text") || !strcmp(format, "csv") || !strcmp(format, "jsonl");
			break;
		case OPT_SPRAY_USERS: ok = parse_number(optarg, &t.spray_users); break;
		case OPT_SPRAY_WINDOW: ok = parse_duration(optarg, &t.spray_window); break;
		case OPT_BRUTE_ATTEMPTS: ok = parse_number(optarg, &t.brute_attempts); break;
		case OPT_BRUTE_WINDOW: ok = parse_duration(optarg, &t.brute_window); break;
		case OPT_STALE_ATTEMPTS: ok = parse_number(optarg, &t.stale_attempts); break;
		case OPT_LOCKOUT_THRESHOLD: ok = parse_number(optarg, &t.lockout_threshold); break;
		case OPT_OBSERVATION_WINDOW: ok = parse_duration(optarg, &t.observation_window); break;
		case OPT_HELP: cli_help(&with_shared, stdout); selection_free(&sel); return EXIT_OK;
		case ':': selection_free(&sel); return cli_usage_error(cmd, "option '%s' needs an argument", argv[optind - 1]);
		default: selection_free(&sel); return cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
		}
		if (!ok) {
			selection_free(&sel);
			return cli_usage_error(cmd, "bad value '%s' for %s", optarg, argv[optind - 1]);
		}
	}
	int status = selection_check(&sel, cmd, argc - optind);
	if (status != EXIT_OK) {
		selection_free(&sel);
		return status;
	}
	selection_collect(&sel, argv + optind, argc - optind);
	if (sel.diag.errors)
		status = EXIT_SKIPPED;
	struct summary s;
	summary_build(&s, sel.kept, sel.nkept, &t);
	char err[512];
	struct out_file *o = out_open(output, time(NULL), err, sizeof err);
	if (!o) {
		fprintf(stderr, "badcreds: %s\n", err);
		status = EXIT_OUTPUT;
	} else if (!summary_write(o, &s, sel.nkept, format)) {
		fprintf(stderr, "badcreds: cannot write %s\n", out_name(o));
		out_abort(o);
		status = EXIT_OUTPUT;
	} else if (!out_commit(o, err, sizeof err)) {
		fprintf(stderr, "badcreds: %s\n", err);
		status = EXIT_OUTPUT;
	}
	summary_free(&s);
	selection_free(&sel);
	return status;
}
