/* prt.c: `badcreds prt`: one row per Entra PRT acquisition of a Windows device (the Microsoft-Windows-AAD
 * Operational and Analytic logs), with its status, server error, URL, network sub-error, category and fix, and the
 * AD FS bad passwords a federated credential failure may have caused; `--explain CODE` for one code. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "badcreds/filetime.h"
#include "badcreds/prt_report.h"
#include "badcreds/text.h"
#include "selection.h"

enum { OPT_OUTPUT = 'o', OPT_FORMAT = 'f', OPT_TZ = 256, OPT_EXPLAIN, OPT_ADFS_WINDOW };

static const struct cli_option prt_options[] = {
	{ "output", OPT_OUTPUT, "FILE", "where the rows go (default: - = stdout; .gz; %Y%m%d)" },
	{ "format", OPT_FORMAT, "text|csv|jsonl",
	  "text for people (default on a terminal), else CSV; jsonl for -o NAME.jsonl or .json" },
	{ "tz", OPT_TZ, "utc|local", "time zone of the times (default: utc)" },
	{ "explain", OPT_EXPLAIN, "CODE", "what a status, WinHTTP or AADSTS code means and what to do (no SOURCE)" },
	{ "adfs-window", OPT_ADFS_WINDOW, "DURATION", "AD FS attempts this close to a failure are linked (default 5m)" },
};

const struct cli_command prt_command = {
	.name = "prt",
	.args = "SOURCE...",
	.summary = "Explain why Windows devices get no Entra PRT, and link stale passwords to AD FS.",
	.options = prt_options,
	.noptions = sizeof prt_options / sizeof prt_options[0],
	.shared = selection_options,
	.run = cmd_prt,
};

struct prt_settings {
	const char *output;
	int format;                  /* enum prt_format, or -1: decided by where the rows go */
	bool local_time;
	const char *explain;
	int64_t window;
};

static int prt_option(void *ctx, const struct cli_command *cmd, int opt, const char *arg)
{
	struct prt_settings *s = ctx;
	switch (opt) {
	case OPT_OUTPUT: return cli_output_option(cmd, "output", arg, &s->output);
	case OPT_FORMAT: return cli_format_option(cmd, arg, &s->format);
	case OPT_TZ: return cli_tz_option(cmd, arg, &s->local_time);
	case OPT_EXPLAIN: s->explain = arg; return 1;
	case OPT_ADFS_WINDOW:
		if (!cli_parse_duration(arg, &s->window))
			return cli_usage_error(cmd, "--adfs-window takes a duration such as 5m or 90s, not '%s'", arg), -1;
		return 1;
	default: return 0;
	}
}

/* --explain: the table's entry, or the code as given when the table does not know it. */
static int explain(const char *code)
{
	const struct prt_code *c = prt_code_explain(code);
	uint32_t v;
	struct strbuf sb = {0};
	if (c) {
		prt_code_describe(&sb, c);
	} else if (prt_code_parse(code, &v) || prt_aadsts(code)) {
		text_visible_str(&sb, code);
		sb_adds(&sb, ": not in badcreds' tables. Look it up in Microsoft's lists (NTSTATUS, Winhttp.h, Entra "
			     "AADSTS error codes); the PRT events around it (1081, 1088, 1084, 1022) say where it failed.\n");
	} else {
		sb_adds(&sb, "badcreds prt: --explain '");
		text_visible_str(&sb, code);
		sb_adds(&sb, "' is not a code: give hex (0xC000006A), decimal (-1073741718), a WinHTTP number (12029) or "
			     "AADSTS50126\n");
		fputs(sb_cstr(&sb), stderr);
		sb_free(&sb);
		return EXIT_USAGE;
	}
	fputs(sb_cstr(&sb), stdout);
	sb_free(&sb);
	if (fflush(stdout) != 0 || ferror(stdout)) { /* a full disk or a closed pipe: not an answer given */
		perror("badcreds: prt: writing output");
		return EXIT_OUTPUT;
	}
	return EXIT_OK;
}

struct prt_job {
	const struct prt_row *rows;
	size_t n;
	struct prt_report_options opt;
	int format;
};

static bool write_rows(struct out_file *o, void *ctx)
{
	struct prt_job *j = ctx;
	j->opt.format = j->format >= 0 ? (enum prt_format)j->format : out_is_terminal(o) ? PRT_TEXT : PRT_CSV;
	return prt_report_write(o, j->rows, j->n, &j->opt);
}

/* The closing line on stderr: records and inputs read, acquisitions, failures, AD FS links; and the notes. */
static void closing_line(const struct selection *s, const struct cli_command *cmd, const struct prt_row *r, size_t n,
			 size_t nall, bool analytic, const char *output)
{
	unsigned failed = 0, open = 0, linked = 0;
	for (size_t i = 0; i < n; i++) {
		bool coded = r[i].has_status || *r[i].server_error || r[i].has_network;
		failed += coded && r[i].category != PRT_NONE;
		open += !coded;
		linked += r[i].adfs_attempts > 0;
	}
	struct strbuf line = {0};
	selection_read_text(&line, s, cmd);
	fprintf(stderr, "%s; %zu PRT acquisition%s, %u failed, %u without a status, %u linked to AD FS bad passwords; "
		"wrote %s\n", sb_cstr(&line), n, n == 1 ? "" : "s", failed, open, linked, output);
	sb_free(&line);
	if (!n && nall)
		fprintf(stderr, "badcreds: prt: note: the time window and --user kept none of the %zu PRT acquisition%s\n",
			nall, nall == 1 ? "" : "s");
	else if (!n && atomic_load(&s->cloudap_events) && !atomic_load(&s->cloudap_inside))
		fputs("badcreds: prt: note: the CloudAP events read are all outside the time window\n", stderr);
	else if (!n && atomic_load(&s->cloudap_events))
		fputs("badcreds: prt: note: none of the CloudAP events read is a PRT acquisition\n", stderr);
	else if (n && !analytic)
		fputs("badcreds: prt: note: no Analytic events (1006/1007): rows are bursts of Operational errors within "
		      "60 s; turn Microsoft-Windows-AAD/Analytic on for whole acquisitions\n", stderr);
}

/* The rows the options select: started in the time window, a user --user matches (into `kept`). */
static size_t select_rows(struct selection *s, const struct prt_row *all, size_t n, struct prt_row *kept)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (all[i].start < s->since || all[i].start >= s->until)
			continue;
		if (s->user_re && !selection_matches(s, s->user_re, all[i].user))
			continue;
		kept[k++] = all[i];
	}
	return k;
}

/* Reads the SOURCEs and writes the rows. */
static int run(struct selection *sel, const struct cli_command *cmd, struct prt_settings *set, int argc, char **argv)
{
#ifdef _WIN32
	static char *local[] = {"channel:Microsoft-Windows-AAD/Operational", "channel:Microsoft-Windows-AAD/Analytic"};
	if (optind >= argc) {
		argv = local;
		argc = 2;
		optind = 0;
	}
#else
	if (optind >= argc)
		return cli_usage_error(cmd, "no SOURCE given (EVTX, .evtx.gz, XML export, directory or -)");
#endif
	sel->prt_window = set->window;
	selection_collect(sel, argv + optind, argc - optind);
	selection_prt(sel);
	selection_each(sel, NULL, NULL); /* the AD FS attempts join the rows: the report lists none */
	const struct prt_row *all = sel->prt_rows;
	size_t nall = sel->nprt_rows;
	struct prt_row *rows = malloc((nall ? nall : 1) * sizeof *rows);
	if (!rows)
		abort();
	size_t n = select_rows(sel, all, nall, rows);
	bool analytic = prt_finder_has_analytic(sel->prt_finder);
	int status = sel->diag.errors ? EXIT_SKIPPED : EXIT_OK;
	char name[4096] = "";
	struct prt_job job = {rows, n, {.local_time = set->local_time, .window = set->window,
					.adfs_read = correlator_events(sel->corr) > 0, .analytic = analytic}, set->format};
	if (!selection_read_something(sel, cmd, set->output))
		status = EXIT_SKIPPED;
	else if (!out_produce(set->output, write_rows, &job, name, sizeof name))
		status = EXIT_OUTPUT;
	if (selection_warn_undecided(sel, cmd) && status == EXIT_OK)
		status = EXIT_SKIPPED;
	if (!atomic_load(&sel->cloudap_events) && sel->stats.records) { /* never a silent "0 acquisitions" */
		fputs("badcreds: prt: warning: the inputs cannot answer: they hold no CloudAP event of Microsoft-Windows-AAD; "
		      "give the devices' Microsoft-Windows-AAD/Operational (and /Analytic) logs\n", stderr);
		if (status == EXIT_OK)
			status = EXIT_SKIPPED;
	}
	if (!sel->quiet && *name)
		closing_line(sel, cmd, rows, n, nall, analytic, name);
	free(rows);
	return status;
}

int cmd_prt(const struct cli_command *cmd, int argc, char **argv)
{
	struct selection sel;
	selection_init(&sel);
	struct prt_settings set = {.output = "-", .format = -1, .window = SELECTION_PRT_WINDOW};
	sel.prt = sel.prt_live = sel.sources_optional = true;
	int status = selection_parse(&sel, cmd, argc, argv, prt_option, &set);
	set.format = cli_format_or_name(set.format, set.output); /* -o prt.jsonl: JSON lines */
	if (status < 0)
		status = set.explain ? explain(set.explain) : run(&sel, cmd, &set, argc, argv);
	selection_free(&sel);
	return status;
}
