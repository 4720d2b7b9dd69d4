/* scan.c: `badcreds scan` (the default command): reads every SOURCE, correlates AD FS audits with AD FS 4625s,
 * filters the attempts and writes the report (BadCredAttempts.csv by default). */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <inttypes.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "badcreds/attempt.h"
#include "badcreds/evtx_file.h"
#include "badcreds/ip.h"
#include "badcreds/report.h"
#include "badcreds/source.h"
#include "badcreds/progress.h"
#include "cli.h"

enum {
	OPT_OUTPUT = 'o', OPT_FORMAT = 'f', OPT_USER = 'u', OPT_QUIET = 'q', OPT_HELP = 'h', OPT_THREADS = 'j',
	OPT_COLUMNS = 256, OPT_TZ, OPT_BOM, OPT_PAST_DAYS, OPT_PAST_HOURS, OPT_SINCE, OPT_UNTIL, OPT_IP, OPT_EXCLUDE_IP,
	OPT_OUTCOME,
};

static const struct cli_option scan_options[] = {
	{ "output", OPT_OUTPUT, "FILE", "report file (default BadCredAttempts.csv; - = stdout; .gz; %Y%m%d)" },
	{ "format", OPT_FORMAT, "csv|jsonl", "report format (default: csv)" },
	{ "columns", OPT_COLUMNS, "full|compat", "all columns, or only those of ADFSBadCredsSearch.ps1" },
	{ "tz", OPT_TZ, "utc|local", "time zone of the Time column (default: utc)" },
	{ "bom", OPT_BOM, NULL, "start the CSV with a UTF-8 byte order mark (Excel)" },
	{ "past-days", OPT_PAST_DAYS, "N", "only attempts of the last N days" },
	{ "past-hours", OPT_PAST_HOURS, "N", "only attempts of the last N hours" },
	{ "since", OPT_SINCE, "TIME", "only attempts at or after TIME (ISO 8601, UTC unless an offset is given)" },
	{ "until", OPT_UNTIL, "TIME", "only attempts before TIME" },
	{ "user", OPT_USER, "REGEX", "only users matching REGEX (PCRE2, case-insensitive)" },
	{ "ip", OPT_IP, "ADDR|CIDR", "only attempts from these addresses (repeatable)" },
	{ "exclude-ip", OPT_EXCLUDE_IP, "CIDR", "leave out attempts from these addresses (repeatable)" },
	{ "outcome", OPT_OUTCOME, "LIST", "only these outcomes, e.g. bad_password,locked_out" },
	{ "threads", OPT_THREADS, "N", "decode EVTX chunks on N threads (default: all cores)" },
	{ "quiet", OPT_QUIET, NULL, "no summary line and notes on stderr" },
	{ "help", OPT_HELP, NULL, "show this help" },
};

const struct cli_command scan_command = {
	.name = "scan",
	.args = "SOURCE...",
	.summary = "Find AD FS bad-credential attempts and write them as CSV (the default command).",
	.options = scan_options,
	.noptions = sizeof scan_options / sizeof scan_options[0],
	.run = cmd_scan,
};

enum { MAX_CIDRS = 64 };
static const int64_t TICKS_PER_SEC = 10000000;
static const int64_t EPOCH_DIFF = 11644473600LL; /* seconds from 1601 to 1970 */
static const int64_t MARGIN = 600LL * 10000000;  /* events just outside the window may still correlate */

struct scan {
	struct report_options report;
	const char *output;
	int64_t since, until;            /* FILETIME ticks; INT64_MIN / INT64_MAX when open */
	pcre2_code *user_re;
	struct cidr ips[MAX_CIDRS], excluded[MAX_CIDRS];
	unsigned nips, nexcluded;
	bool outcomes[OUTCOME_COUNT], any_outcome;
	bool quiet;
	struct correlator *corr;
};

static bool outside_window(const struct scan *s, int64_t t)
{
	return (s->since != INT64_MIN && t < s->since - MARGIN) || (s->until != INT64_MAX && t > s->until + MARGIN);
}

static bool wants(void *ctx, const struct evtx_peek *p)
{
	const struct scan *s = ctx;
	return fact_relevant(p->event_id, &p->provider) && !(p->has_time && outside_window(s, p->time));
}

static void on_event(void *ctx, const struct event *ev)
{
	struct scan *s = ctx;
	if (!(ev->has & EV_HAS_TIME) || !outside_window(s, ev->time_created))
		correlator_add(s->corr, ev);
}

static bool in_list(const struct cidr *list, unsigned n, const char *ip)
{
	struct ip_addr a;
	if (!*ip || !ip_parse(ip, strlen(ip), &a))
		return false;
	for (unsigned i = 0; i < n; i++)
		if (cidr_contains(&list[i], &a))
			return true;
	return false;
}

static bool keep(const struct scan *s, const struct attempt *a)
{
	if (a->time < s->since || a->time >= s->until)
		return false;
	if (s->any_outcome && !s->outcomes[a->outcome])
		return false;
	if (s->nips && !in_list(s->ips, s->nips, a->ip))
		return false;
	if (s->nexcluded && in_list(s->excluded, s->nexcluded, a->ip))
		return false;
	if (s->user_re) {
		pcre2_match_data *md = pcre2_match_data_create_from_pattern(s->user_re, NULL);
		int rc = pcre2_match(s->user_re, (PCRE2_SPTR)a->user, PCRE2_ZERO_TERMINATED, 0, 0, md, NULL);
		pcre2_match_data_free(md);
		if (rc < 0)
			return false;
	}
	return true;
}

static bool parse_count(const char *text, long *out)
{
	char *end;
	long v = strtol(text, &end, 10);
	if (*end || end == text || v <= 0 || v > 100000)
		return false;
	*out = v;
	return true;
}

static int64_t now_ticks(void) { return ((int64_t)time(NULL) + EPOCH_DIFF) * TICKS_PER_SEC; }

static size_t count_distinct(const struct attempt *a, size_t n, bool users)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		const char *v = users ? a[i].user_key : a[i].ip;
		bool seen = !*v;
		for (size_t j = 0; j < i && !seen; j++)
			seen = strcmp(users ? a[j].user_key : a[j].ip, v) == 0;
		k += !seen;
	}
	return k;
}

int cmd_scan(const struct cli_command *cmd, int argc, char **argv)
{
	struct scan s = {.output = "BadCredAttempts.csv", .since = INT64_MIN, .until = INT64_MAX};
	struct source_options sopt = {.threads = evtx_default_threads()};
	struct cli_parser p;
	cli_parser_init(&p, cmd);
	int opt;
	long n;
	int status = EXIT_OK;
	while ((opt = cli_next(&p, argc, argv)) != -1) {
		switch (opt) {
		case OPT_OUTPUT: s.output = optarg; break;
		case OPT_FORMAT:
			if (!strcmp(optarg, "csv"))
				s.report.format = REPORT_CSV;
			else if (!strcmp(optarg, "jsonl"))
				s.report.format = REPORT_JSONL;
			else
				return cli_usage_error(cmd, "unknown format '%s' (csv or jsonl)", optarg);
			break;
		case OPT_COLUMNS:
			if (strcmp(optarg, "full") && strcmp(optarg, "compat"))
				return cli_usage_error(cmd, "unknown column set '%s' (full or compat)", optarg);
			s.report.compat = !strcmp(optarg, "compat");
			break;
		case OPT_TZ:
			if (strcmp(optarg, "utc") && strcmp(optarg, "local"))
				return cli_usage_error(cmd, "unknown time zone '%s' (utc or local)", optarg);
			s.report.local_time = !strcmp(optarg, "local");
			break;
		case OPT_BOM: s.report.bom = true; break;
		case OPT_PAST_DAYS:
		case OPT_PAST_HOURS:
			if (!parse_count(optarg, &n))
				return cli_usage_error(cmd, "'%s' is not a positive number", optarg);
			s.since = now_ticks() - n * (opt == OPT_PAST_DAYS ? 86400 : 3600) * TICKS_PER_SEC;
			break;
		case OPT_SINCE:
		case OPT_UNTIL: {
			int64_t t;
			if (!evtx_parse_iso8601(optarg, strlen(optarg), &t))
				return cli_usage_error(cmd, "bad time '%s' (example: 2026-11-20T08:00:00Z)", optarg);
			*(opt == OPT_SINCE ? &s.since : &s.until) = t;
			break;
		}
		case OPT_USER: {
			int err;
			PCRE2_SIZE off;
			pcre2_code_free(s.user_re);
			s.user_re = pcre2_compile((PCRE2_SPTR)optarg, PCRE2_ZERO_TERMINATED, PCRE2_CASELESS | PCRE2_UTF,
						  &err, &off, NULL);
			if (!s.user_re) {
				PCRE2_UCHAR msg[256];
				pcre2_get_error_message(err, msg, sizeof msg);
				return cli_usage_error(cmd, "bad --user regex at offset %zu: %s", (size_t)off, (char *)msg);
			}
			break;
		}
		case OPT_IP:
		case OPT_EXCLUDE_IP: {
			struct cidr *list = opt == OPT_IP ? s.ips : s.excluded;
			unsigned *count = opt == OPT_IP ? &s.nips : &s.nexcluded;
			if (*count == MAX_CIDRS || !cidr_parse(optarg, &list[*count]))
				return cli_usage_error(cmd, "bad address or CIDR '%s'", optarg);
			(*count)++;
			break;
		}
		case OPT_OUTCOME:
			for (const char *q = optarg; *q;) {
				size_t len = strcspn(q, ",");
				enum outcome o = outcome_parse(q, len);
				if (!o)
					return cli_usage_error(cmd, "unknown outcome '%.*s' (bad_password, locked_out, "
								    "unknown_user, disabled, expired, restricted, other)",
							       (int)len, q);
				s.outcomes[o] = s.any_outcome = true;
				q += len + (q[len] == ',');
			}
			break;
		case OPT_THREADS:
			if (!cli_parse_threads(optarg, &sopt.threads))
				return cli_usage_error(cmd, "--threads takes a number from 1 to 64, not '%s'", optarg);
			break;
		case OPT_QUIET: s.quiet = true; break;
		case OPT_HELP: cli_help(cmd, stdout); return EXIT_OK;
		case ':': return cli_usage_error(cmd, "option '%s' needs an argument", argv[optind - 1]);
		default: return cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return cli_usage_error(cmd, "no SOURCE given (EVTX, .evtx.gz, XML export, directory or -)");
	if (s.since >= s.until)
		return cli_usage_error(cmd, "the time window is empty (--since is not before --until)");

	progress_enable(!s.quiet);
	struct diag diag = {.stream = stderr, .max_messages = 20, .quiet_notes = s.quiet};
	struct source_stats st = {0};
	s.corr = correlator_new();
	struct event_sink sink = {.wants = wants, .event = on_event, .ctx = &s};
	for (int i = optind; i < argc; i++)
		source_read(argv[i], &sopt, &sink, &diag, &st);
	if (diag.errors)
		status = EXIT_SKIPPED;

	struct attempt *all;
	size_t total = correlator_run(s.corr, &all);
	struct attempt *kept = malloc((total ? total : 1) * sizeof *kept);
	if (!kept)
		abort();
	size_t nkept = 0;
	for (size_t i = 0; i < total; i++)
		if (keep(&s, &all[i]))
			kept[nkept++] = all[i];

	char err[512];
	struct out_file *o = out_open(s.output, time(NULL), err, sizeof err);
	if (!o) {
		fprintf(stderr, "badcreds: %s\n", err);
		status = EXIT_OUTPUT;
	} else if (!report_write(o, kept, nkept, &s.report)) {
		fprintf(stderr, "badcreds: cannot write %s\n", out_name(o));
		out_abort(o);
		status = EXIT_OUTPUT;
	} else {
		char name[4096];
		snprintf(name, sizeof name, "%s", out_name(o));
		if (!out_commit(o, err, sizeof err)) {
			fprintf(stderr, "badcreds: %s\n", err);
			status = EXIT_OUTPUT;
		} else if (!s.quiet) {
			fprintf(stderr,
				"badcreds: scan: read %lu records from %lu inputs (%lu damaged); %zu attempts by %zu users "
				"from %zu IPs; %lu duplicate events ignored; wrote %s\n",
				st.records, st.files, st.damaged_files, nkept, count_distinct(kept, nkept, true),
				count_distinct(kept, nkept, false), correlator_duplicates(s.corr), name);
		}
	}
	free(kept);
	correlator_free(s.corr);
	pcre2_code_free(s.user_re);
	outcome_free();
	return status;
}
