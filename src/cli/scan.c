/* scan.c: `badcreds scan` (the default command): reads every SOURCE, correlates AD FS audits with AD FS 4625s,
 * filters the attempts and writes the report (BadCredAttempts.csv by default). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "badcreds/report.h"
#include "selection.h"

enum {
	OPT_OUTPUT = 'o', OPT_FORMAT = 'f', OPT_HELP = 'h',
	OPT_COLUMNS = 256, OPT_TZ, OPT_BOM,
};

static const struct cli_option scan_options[] = {
	{ "output", OPT_OUTPUT, "FILE", "report file (default BadCredAttempts.csv; - = stdout; .gz; %Y%m%d)" },
	{ "format", OPT_FORMAT, "csv|jsonl", "report format (default: csv)" },
	{ "columns", OPT_COLUMNS, "full|compat", "all columns, or only those of ADFSBadCredsSearch.ps1" },
	{ "tz", OPT_TZ, "utc|local", "time zone of the Time column (default: utc)" },
	{ "bom", OPT_BOM, NULL, "start the CSV with a UTF-8 byte order mark (Excel)" },
	{ "help", OPT_HELP, NULL, "show this help" },
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

int cmd_scan(const struct cli_command *cmd, int argc, char **argv)
{
	struct selection sel;
	selection_init(&sel);
	struct report_options report = {0};
	const char *output = "BadCredAttempts.csv";
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
		switch (opt) {
		case OPT_OUTPUT: output = optarg; break;
		case OPT_FORMAT:
			if (!strcmp(optarg, "csv"))
				report.format = REPORT_CSV;
			else if (!strcmp(optarg, "jsonl"))
				report.format = REPORT_JSONL;
			else
				return cli_usage_error(cmd, "unknown format '%s' (csv or jsonl)", optarg);
			break;
		case OPT_COLUMNS:
			if (strcmp(optarg, "full") && strcmp(optarg, "compat"))
				return cli_usage_error(cmd, "unknown column set '%s' (full or compat)", optarg);
			report.compat = !strcmp(optarg, "compat");
			break;
		case OPT_TZ:
			if (strcmp(optarg, "utc") && strcmp(optarg, "local"))
				return cli_usage_error(cmd, "unknown time zone '%s' (utc or local)", optarg);
			report.local_time = !strcmp(optarg, "local");
			break;
		case OPT_BOM: report.bom = true; break;
		case OPT_HELP: cli_help(&with_shared, stdout); return EXIT_OK;
		case ':': return cli_usage_error(cmd, "option '%s' needs an argument", argv[optind - 1]);
		default: return cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
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

	char err[512];
	struct out_file *o = out_open(output, time(NULL), err, sizeof err);
	if (!o) {
		fprintf(stderr, "badcreds: %s\n", err);
		status = EXIT_OUTPUT;
	} else if (!report_write(o, sel.kept, sel.nkept, &report)) {
		fprintf(stderr, "badcreds: cannot write %s\n", out_name(o));
		out_abort(o);
		status = EXIT_OUTPUT;
	} else {
		char name[4096];
		snprintf(name, sizeof name, "%s", out_name(o));
		if (!out_commit(o, err, sizeof err)) {
			fprintf(stderr, "badcreds: %s\n", err);
			status = EXIT_OUTPUT;
		} else if (!sel.quiet) {
			fprintf(stderr,
				"badcreds: scan: read %lu records from %lu inputs (%lu damaged); %zu attempts by %zu users "
				"from %zu IPs; %lu duplicate events ignored; wrote %s\n",
				sel.stats.records, sel.stats.files, sel.stats.damaged_files, sel.nkept,
				count_distinct_users(sel.kept, sel.nkept), count_distinct_ips(sel.kept, sel.nkept),
				correlator_duplicates(sel.corr), name);
		}
	}
	selection_free(&sel);
	return status;
}
