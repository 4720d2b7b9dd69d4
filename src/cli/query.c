/* query.c: `badcreds query [COMMAND] [options] [channel:NAME...]`: prints the structured query that COMMAND (scan by
 * default) sends a live channel's server, exactly as EvtQuery receives it: ready for Event Viewer (Create Custom
 * View, XML, Edit query manually), `wevtutil qe FILE /sq:true`, `Get-WinEvent -FilterXml` and an event forwarding
 * subscription. The options that shape the server's filter are the command's own: the time window for scan,
 * summary, trace, lockouts and prt, --event-id for dump. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "badcreds/live.h"
#include "selection.h"

enum { OPT_EVENT_ID = 'e' };

static const struct cli_option query_options[] = {
	{ "event-id", OPT_EVENT_ID, "LIST", "for dump: only these event IDs (0-65535), e.g. 4625,4771-4776" },
};

const struct cli_command query_command = {
	.name = "query",
	.args = "[scan|summary|trace|lockouts|prt|dump] [channel:NAME...]",
	.summary = "Print the query a command sends to a live channel's server (Event Viewer, wevtutil, Get-WinEvent).",
	.options = query_options,
	.noptions = sizeof query_options / sizeof query_options[0],
	.shared = selection_options,
	.run = cmd_query,
};

int cmd_query(const struct cli_command *cmd, int argc, char **argv)
{
	struct selection sel;
	selection_init(&sel);
	struct id_list ids = {0};
	struct cli_parser p;
	cli_parser_init(&p, cmd);
	int opt, status = -1;
	while (status < 0 && (opt = cli_next(&p, argc, argv)) != -1) {
		if (opt == 'h')
			cli_help(cmd, stdout), status = EXIT_OK;
		else if (opt == ':')
			status = cli_usage_error(cmd, "option '%s' needs an argument", argv[optind - 1]);
		else if (opt == OPT_EVENT_ID && cli_event_id_option(cmd, optarg, &ids) < 0)
			status = EXIT_USAGE;
		else if (opt == '?')
			status = cli_unknown_option(cmd, argv[optind - 1]);
		else if (opt != OPT_EVENT_ID) {
			int taken = selection_option(&sel, cmd, opt, optarg); /* -1: a usage error, said already */
			if (taken <= 0)
				status = taken < 0 ? EXIT_USAGE : cli_unknown_option(cmd, argv[optind - 1]);
		}
	}
	cli_parser_free(&p);
	const char *target = "scan"; /* the first word that is not an option, unless it is a channel */
	if (status < 0 && optind < argc && strncmp(argv[optind], "channel:", 8) != 0) {
		target = argv[optind++];
		if (strcmp(target, "scan") && strcmp(target, "summary") && strcmp(target, "trace") &&
		    strcmp(target, "dump") && strcmp(target, "lockouts") && strcmp(target, "prt"))
			status = cli_usage_error(cmd, "no live query for '%s' (scan, summary, trace, lockouts, prt or dump)",
						 target);
		sel.lockouts = !strcmp(target, "lockouts"); /* the logon and lockout events too */
		sel.prt_live = !strcmp(target, "prt");      /* the CloudAP events of Microsoft-Windows-AAD too */
	}
	struct source_options o = {0};
	struct id_range ranges[64];
	if (!strcmp(target, "dump")) /* dump asks for the --event-id events, of any time */
		o = (struct source_options){.live_ids = id_list_set(&ids, ranges), .since = INT64_MIN, .until = INT64_MAX};
	else
		selection_live(&sel, &o);
	for (int i = optind; status < 0 && i < argc; i++)
		if (strncmp(argv[i], "channel:", 8) != 0)
			status = cli_usage_error(cmd, "'%s' is not a live channel (channel:NAME)", argv[i]);
	if (status < 0)
		status = cli_channels_named(cmd, argv + optind, argc - optind);
	if (status < 0 && sel.since >= sel.until)
		status = cli_usage_error(cmd, "the time window is empty (--since is not before --until)");
	if (status < 0) {
		static char *security[] = {"channel:Security"};
		char **channels = optind < argc ? argv + optind : security;
		int n = optind < argc ? argc - optind : 1;
		struct live_query q = {.ids = o.live_ids, .since = o.since, .until = o.until};
		for (int i = 0; i < n; i++) {
			char *xml = live_query_xml(channels[i] + 8, &q);
			printf("%s\n", xml);
			free(xml);
		}
		status = fflush(stdout) == 0 ? EXIT_OK : EXIT_OUTPUT;
	}
	selection_free(&sel);
	return status;
}
