/* test_commands.c: every command that reads live channels (scan, summary, trace, dump, coverage, prt), run as from
 * the command line against the strict fake Event Log API (fake_evt_api.h): the server accepts each one's real query,
 * returns what it asks for (dump once asked for an empty time window), and `badcreds query` prints exactly the query
 * the server got; the option parser takes a table of any length, numbers past 32 bits are refused alike
 * everywhere, and values that make no sense are usage errors naming the option (cmocka). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "badcreds/filetime.h"
#include "badcreds/live.h"
#include "cli.h"
#include "fake_evt_api.h"

extern const struct cli_command scan_command, summary_command, trace_command, dump_command, query_command,
	coverage_command, prt_command, lockouts_command;

static const int64_t T0 = 134080992000000000LL; /* 2025-11-20T08:00:00Z */

/* A channel of 400 events, one a minute from T0, of the IDs the commands tell apart. */
static struct fake *channel(void)
{
	static const uint32_t ids[] = {411, 1203, 4625, 4624, 4740, 501, 4771, 1000, 403, 4776};
	struct fake *f = calloc(1, sizeof *f);
	for (unsigned i = 0; i < 400; i++)
		fake_add(f, ids[i % 10], T0 + i * FILETIME_MINUTE, "alice@contoso.com", 0);
	return f;
}

/* Runs a command line (argv[0] the command's name) with the fake in place; its standard output and error are
 * returned (the caller frees them). */
static int run_argv(const struct cli_command *cmd, struct fake *f, char **out, char **err, int argc, char **argv)
{
	struct evt_api api = fake_api(f);
	evt_api_replace(&api);
	fflush(stdout);
	fflush(stderr);
	int saved[2] = {dup(1), dup(2)};
	FILE *files[2] = {tmpfile(), tmpfile()};
	dup2(fileno(files[0]), 1);
	dup2(fileno(files[1]), 2);
	optind = 0; /* getopt starts afresh */
	int status = cmd->run(cmd, argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(saved[0], 1);
	dup2(saved[1], 2);
	close(saved[0]);
	close(saved[1]);
	char **texts[2] = {out, err};
	for (int i = 0; i < 2; i++) {
		long n = ftell(files[i]);
		*texts[i] = calloc(1, (size_t)n + 1);
		rewind(files[i]);
		if (fread(*texts[i], 1, (size_t)n, files[i]) != (size_t)n)
			fail();
		fclose(files[i]);
	}
	evt_api_replace(NULL);
	return status;
}

/* run_argv with the arguments after the command's name, up to a NULL. */
static int run(const struct cli_command *cmd, struct fake *f, char **out, char **err, ...)
{
	char *argv[32] = {(char *)cmd->name};
	int argc = 1;
	va_list ap;
	va_start(ap, err);
	for (char *a; (a = va_arg(ap, char *));)
		argv[argc++] = a;
	va_end(ap);
	return run_argv(cmd, f, out, err, argc, argv);
}

static unsigned lines(const char *s)
{
	unsigned n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* The query with the time of day of its times blanked: a window counted back from now (--past-days) can move on by
 * a second between two runs. */
static char *blank_seconds(char *q)
{
	for (char *t = q; (t = strstr(t, "T")) != NULL; t++)
		if (t - q >= 10 && t[-3] == '-' && t[3] == ':' && t[6] == ':' && t[7] && t[8])
			t[1] = t[2] = t[4] = t[5] = t[7] = t[8] = 'x';
	return q;
}

/* scan, summary and trace ask for the events the correlation uses, in the window with ten minutes each way, and
 * the server finds that query acceptable; `badcreds query` prints the very same. */
static void selecting_commands(void **state)
{
	(void)state;
	char *out, *err, *query_out, *query_err;
	struct fake *f = channel();
	int status = run(&scan_command, f, &out, &err, "-o", "/dev/null", "--since", "2025-11-20T09:00:00Z", "--until",
			 "2025-11-20T11:00:00Z", "channel:Security", NULL);
	assert_int_equal(status, 0);
	/* 08:50 to 11:10: minutes 50-189, of which IDs 411, 1203, 4625, 4740, 501, 4771, 403, 4776 (8 of 10) */
	assert_non_null(strstr(err, "read 112 records from 1 input"));
	assert_true(fake_most_comparisons(f) <= LIVE_MAX_COMPARISONS);
	assert_int_equal(fake_problems(f), 0);
	run(&query_command, f, &query_out, &query_err, "scan", "--since", "2025-11-20T09:00:00Z", "--until",
	    "2025-11-20T11:00:00Z", NULL);
	query_out[strcspn(query_out, "\n")] = 0;
	assert_string_equal(query_out, f->last_query);
	free(out), free(err), free(query_out), free(query_err), free(f);
	for (int k = 0; k < 2; k++) {
		f = channel();
		const struct cli_command *cmd = k ? &trace_command : &summary_command;
		status = run(cmd, f, &out, &err, "--user", ".", "--past-days", "100000", "channel:Security", NULL);
		assert_int_equal(status, 0); /* a live channel gives the window's events: no warning that it begins late */
		assert_null(strstr(err, "warning: the inputs begin at"));
		assert_int_equal(f->queries, 1);
		assert_non_null(strstr(f->last_query, "EventID=4776"));
		assert_int_equal(fake_problems(f), 0);
		free(out), free(err), free(f);
	}
	f = channel(); /* every --remote server: a session and a query each */
	status = run(&scan_command, f, &out, &err, "-q", "-o", "/dev/null", "--remote", "ADFS01", "--remote", "ADFS02",
		     "channel:Security", NULL);
	assert_int_equal(status, 0);
	assert_int_equal(f->queries, 2);
	assert_int_equal(fake_problems(f), 0);
	free(out), free(err), free(f);
}

/* prt asks a live channel for the CloudAP events and the AD FS ones in a query the server accepts (split within
 * its limits), the one `badcreds query prt` prints; the fake's events are none of Microsoft-Windows-AAD's, so there
 * is no acquisition: the inputs cannot answer (exit 1, said on stderr). */
static void prt(void **state)
{
	(void)state;
	char *out, *err;
	struct fake *f = channel();
	int status = run(&prt_command, f, &out, &err, "--format", "csv", "--past-days", "100000",
			 "channel:Microsoft-Windows-AAD/Operational", NULL);
	assert_int_equal(status, 1);
	assert_non_null(strstr(err, "cannot answer: they hold no CloudAP event"));
	assert_non_null(strstr(f->last_query, "EventID=1144"));
	assert_true(fake_most_comparisons(f) <= LIVE_MAX_COMPARISONS);
	assert_int_equal(fake_problems(f), 0);
	assert_int_equal(lines(out), 1); /* the CSV header */
	assert_non_null(strstr(err, "0 PRT acquisitions"));
	char *query_out, *query_err;
	run(&query_command, f, &query_out, &query_err, "prt", "--past-days", "100000",
	    "channel:Microsoft-Windows-AAD/Operational", NULL);
	query_out[strcspn(query_out, "\n")] = 0;
	assert_string_equal(blank_seconds(query_out), blank_seconds(f->last_query)); /* `badcreds query prt` prints
											 * what prt asked */
	free(out), free(err), free(query_out), free(query_err), free(f);
}

/* dump asks for every event of any time (it once asked for an empty window), or the --event-id ones. */
static void dump(void **state)
{
	(void)state;
	char *out, *err;
	struct fake *f = channel();
	assert_int_equal(run(&dump_command, f, &out, &err, "-q", "--format", "jsonl", "channel:Security", NULL), 0);
	assert_int_equal(lines(out), 400);
	assert_int_equal(fake_problems(f), 0);
	free(out), free(err), free(f);
	f = channel();
	assert_int_equal(run(&dump_command, f, &out, &err, "-q", "--format", "jsonl", "--event-id", "4740-4776,403",
			     "channel:Security", NULL), 0);
	assert_int_equal(lines(out), 160); /* 403, 4740, 4771, 4776: four of every ten */
	assert_string_equal(f->last_query, "<QueryList><Query Id=\"0\" Path=\"Security\"><Select Path=\"Security\">"
			    "*[System[(EventID=403 or (EventID&gt;=4740 and EventID&lt;=4776))]]</Select></Query>"
			    "</QueryList>");
	assert_int_equal(fake_problems(f), 0);
	free(out), free(err), free(f);
}

/* coverage counts every record: it asks for every event of any time, whatever period it is given; a channel's log
 * information (EvtGetLogInfo) says whether it is full and which records are gone. */
static void coverage(void **state)
{
	(void)state;
	char *out, *err;
	struct fake *f = channel();
	int status = run(&coverage_command, f, &out, &err, "-f", "jsonl", "--since", "2025-11-19T00:00:00Z",
			 "channel:Security", NULL);
	assert_int_equal(status, 0);
	assert_string_equal(f->last_query, "<QueryList><Query Id=\"0\" Path=\"Security\"><Select Path=\"Security\">*"
			    "</Select></Query></QueryList>");
	assert_non_null(strstr(err, "read 400 records from 1 input"));
	assert_int_equal(lines(out), 1);
	assert_non_null(strstr(out, "\"computer\":\"ADFS01.contoso.com\""));
	assert_non_null(strstr(out, "\"records\":400,"));
	assert_non_null(strstr(out, "\"first_record\":\"2025-11-20T08:00:00.000+00:00\",\"last_record\":"
				    "\"2025-11-20T14:39:00.000+00:00\""));
	assert_non_null(strstr(out, "\"wrapped\":true,\"wrap_reason\":\"oldest record after --since\""));
	assert_int_equal(fake_problems(f), 0);
	free(out), free(err), free(f);
	f = channel(); /* the log information: full, and the records before number 1500 gone */
	f->has_log_info = true;
	f->log_info = (struct evt_log_info){.full = true, .oldest_record = 1500, .records = 400, .file_size = 400 << 11};
	status = run(&coverage_command, f, &out, &err, "-f", "jsonl", "--remote", "ADFS01", "channel:Security", NULL);
	assert_int_equal(status, 0);
	assert_non_null(strstr(out, "\"wrapped\":true,\"wrap_reason\":\"log full; live log: its oldest record is "
				    "number 1500 (those before were overwritten or cleared)\""));
	/* sized from the log information: 2 KiB a record, 1,444 records a day seen, 30 days and a quarter more, in MiB */
	assert_non_null(strstr(out, "wevtutil sl \\\"\\\" /ms:111149056 on ADFS01.contoso.com: 30 days at the 1444 "
				    "records a day"));
	assert_int_equal(fake_problems(f), 0);
	free(out), free(err), free(f);
}

/* A table longer than any command's: every option is parsed, the last letter and the last long option too (the
 * parser once held 47 options and 63 characters of letters and dropped the rest without a word). */
static void every_option(void **state)
{
	(void)state;
	enum { N = 80 };
	static char names[N][8];
	static struct cli_option options[N];
	for (int i = 0; i < N; i++) { /* a-z and A-Z with an argument, then long options only */
		snprintf(names[i], sizeof names[i], "opt%d", i);
		options[i] = (struct cli_option){names[i], i < 26 ? 'a' + i : i < 52 ? 'A' + i - 26 : 256 + i, "X", ""};
	}
	static const struct cli_option shared[] = {{"shared", 400, NULL, ""}, {0}};
	const struct cli_command cmd = {.name = "test", .options = options, .noptions = N, .shared = shared};
	char *argv[] = {"test", "-Z", "z", "--opt47", "v", "--opt79", "w", "--shared", "file", NULL};
	struct cli_parser p;
	cli_parser_init(&p, &cmd);
	optind = 0;
	assert_int_equal(cli_next(&p, 9, argv), 'Z');
	assert_string_equal(optarg, "z");
	assert_int_equal(cli_next(&p, 9, argv), 'V'); /* option 47, the first one past the old 47 */
	assert_string_equal(optarg, "v");
	assert_int_equal(cli_next(&p, 9, argv), 256 + 79);
	assert_string_equal(optarg, "w");
	assert_int_equal(cli_next(&p, 9, argv), 400);
	assert_int_equal(cli_next(&p, 9, argv), -1);
	assert_string_equal(argv[optind], "file");
	cli_parser_free(&p);
}

/* strtoul is 32 bits where long is (Windows): 4294967296 and beyond came out as 4294967295 and passed there, and
 * were refused on Linux. Now refused on both; and never cut to 32 bits (4294967297 is no 1 thread). Event IDs stop
 * at 65535 anyway (16 bits). */
static void numbers_past_32_bits(void **state)
{
	(void)state;
	struct id_list l = {0};
	assert_true(id_list_parse(&l, "65535"));
	assert_int_equal(l.hi[0], EVENT_ID_MAX);
	const char *too_big[] = {"65536", "4294967295", "4294967296", "4625,4771-4294967296", "18446744073709551615",
				 "18446744073709551616", "99999999999999999999999"};
	for (size_t i = 0; i < sizeof too_big / sizeof too_big[0]; i++) {
		l = (struct id_list){0};
		assert_false(id_list_parse(&l, too_big[i]));
	}
	uint64_t size;
	assert_true(cli_parse_size("4294967295", &size));
	assert_int_equal(size, UINT32_MAX);
	assert_false(cli_parse_size("4294967296", &size));
	assert_false(cli_parse_size("4294967296k", &size));
	unsigned threads;
	assert_false(cli_parse_threads("4294967297", &threads));
	assert_true(cli_parse_threads("64", &threads));
	assert_int_equal(threads, 64);
}

/* Values that make no sense are usage errors (exit status 2) naming the option and the value as given, before
 * anything is read; each of these was once taken without a word. */
static void nonsense_refused(void **state)
{
	(void)state;
	static const struct {
		const struct cli_command *cmd;
		char *args[6];
		const char *option, *value; /* what the message names */
	} cases[] = {
		{&dump_command, {"-e", "70000", "x.evtx"}, "--event-id", "'70000'"},
		{&dump_command, {"--event-id", "4625-65536", "x.evtx"}, "--event-id", "'4625-65536'"},
		{&dump_command, {"-e", "4625,", "x.evtx"}, "--event-id", "'4625,'"},
		{&query_command, {"-e", "70000", "dump"}, "--event-id", "'70000'"},
		{&scan_command, {"channel:"}, "channel:Security", "'channel:'"},
		{&dump_command, {"channel:Security", "channel:"}, "channel:Security", "'channel:'"},
		{&query_command, {"channel:"}, "channel:Security", "'channel:'"},
		{&coverage_command, {"channel:"}, "channel:Security", "'channel:'"},
		{&scan_command, {"--remote", "", "channel:Security"}, "--remote", "''"},
		{&dump_command, {"--remote", "", "channel:Security"}, "--remote", "''"},
		{&scan_command, {"--since", "2026-11-20T08:00:60", "x.evtx"}, "--since", "'2026-11-20T08:00:60'"},
		{&summary_command, {"--until", "2026-11-20T08:00:60Z", "x.evtx"}, "--until", "'2026-11-20T08:00:60Z'"},
		{&coverage_command, {"--since", "2026-11-20T08:60", "x.evtx"}, "--since", "'2026-11-20T08:60'"},
		{&query_command, {"--until", "2026-11-20T24:00:00"}, "--until", "'2026-11-20T24:00:00'"},
		{&scan_command, {"--outcome", "", "x.evtx"}, "--outcome", "''"},
		{&summary_command, {"--outcome", "bad_password,,x", "x.evtx"}, "--outcome", "'bad_password,,x'"},
		{&lockouts_command, {"--outcome", "bad_password,", "x.evtx"}, "--outcome", "'bad_password,'"},
		{&trace_command, {"--outcome", ",locked_out", "x.evtx"}, "--outcome", "',locked_out'"},
		{&trace_command, {"--activity", "{00000000-0000-0000-0000-000000000000}", "x.evtx"}, "--activity",
		 "zero activity ID"},
		{&scan_command, {"--outcome", "bad_password,nope", "x.evtx"}, "--outcome", "'nope'"},
		{&scan_command, {"--since", "2026-11-20", "--since", "2026-11-21", "x.evtx"}, "--since", "'2026-11-21'"},
		{&lockouts_command, {"--until", "2026-11-20", "--until", "2026-11-21", "x.evtx"}, "--until", "'2026-11-20'"},
		{&query_command, {"--past-days", "1", "--past-days", "2"}, "--past-days", "'2'"},
		{&coverage_command, {"--past-hours", "1", "--past-hours", "2", "x.evtx"}, "--past-hours", "'1'"},
		{&scan_command, {"--bom", "--format", "jsonl", "x.evtx"}, "--bom", "--format jsonl"},
		{&summary_command, {"--format", "csv", "--bom", "x.evtx"}, "unknown option", "'--bom'"},
		{&lockouts_command, {"--bom", "x.evtx"}, "unknown option", "'--bom'"},
		{&prt_command, {"--bom", "x.evtx"}, "unknown option", "'--bom'"},
		{&coverage_command, {"--bom", "x.evtx"}, "unknown option", "'--bom'"},
	};
	struct fake *f = channel();
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *argv[8] = {(char *)cases[i].cmd->name}, *out, *err;
		int argc = 1;
		while (cases[i].args[argc - 1])
			argv[argc] = cases[i].args[argc - 1], argc++;
		int status = run_argv(cases[i].cmd, f, &out, &err, argc, argv);
		if (status != EXIT_USAGE || *out || !strstr(err, cases[i].option) || !strstr(err, cases[i].value))
			fail_msg("%s %s %s: exit %d, %s", cases[i].cmd->name, cases[i].args[0], cases[i].args[1], status, err);
		free(out), free(err);
	}
	assert_int_equal(f->queries, 0);
	free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(selecting_commands), cmocka_unit_test(dump),
					   cmocka_unit_test(coverage), cmocka_unit_test(prt),
					   cmocka_unit_test(every_option), cmocka_unit_test(numbers_past_32_bits),
					   cmocka_unit_test(nonsense_refused)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
