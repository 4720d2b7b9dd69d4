/* selection.c: the options scan, summary, trace and lockouts share (time window, users, servers, endpoints, client
 * applications, addresses, outcomes, threads, quiet) and the reading of every SOURCE into correlated attempts that
 * pass them. */
#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "badcreds/compat.h"
#include "badcreds/filetime.h"
#include "badcreds/progress.h"
#include "badcreds/strmap.h"
#include "badcreds/text.h"
#include "badcreds/guessing.h"
#include "selection.h"

const struct cli_option selection_options[] = {
	{ "past-days", SEL_PAST_DAYS, "N", "only attempts of the last N days" },
	{ "past-hours", SEL_PAST_HOURS, "N", "only attempts of the last N hours" },
	{ "since", SEL_SINCE, "TIME", "only attempts at or after TIME (ISO 8601, UTC unless an offset is given)" },
	{ "until", SEL_UNTIL, "TIME", "only attempts before TIME" },
	{ "user", SEL_USER, "REGEX", "only users matching REGEX (PCRE2, case-insensitive)" },
	{ "server", SEL_SERVER, "REGEX", "only attempts on servers matching REGEX (PCRE2, case-insensitive)" },
	{ "endpoint", SEL_ENDPOINT, "REGEX", "only attempts on endpoints matching REGEX, e.g. usernamemixed" },
	{ "client-app", SEL_CLIENT_APP, "REGEX", "only attempts whose client application matches REGEX" },
	{ "ip", SEL_IP, "ADDR|CIDR", "only attempts naming one of these addresses anywhere in the request (repeatable)" },
	{ "submitter-ip", SEL_SUBMITTER_IP, "ADDR|CIDR", "only attempts whose submitter is one of these (repeatable)" },
	{ "exclude-ip", SEL_EXCLUDE_IP, "CIDR", "leave out attempts whose submitter is one of these (repeatable)" },
	{ "outcome", SEL_OUTCOME, "LIST", "only these outcomes, e.g. bad_password,locked_out" },
	{ "threads", SEL_THREADS, "N", "decode EVTX chunks on N threads (default: all cores)" },
	{ "remote", SEL_REMOTE, "HOST", "read channel:NAME sources on this server (repeatable; Windows)" },
	{ "trusted-proxy", SEL_TRUSTED_PROXY, "CIDR", "the farm's proxies and load balancers (else: every private address)" },
	{ "spool-limit", SEL_SPOOL_LIMIT, "SIZE", "largest temporary copy of stdin or a .gz (default 64G; 0: none)" },
	{ "quiet", SEL_QUIET, NULL, "no summary line, notes or progress on stderr" },
	{ "help", 'h', NULL, "show this help" },
	{0},
};

static const int64_t MARGIN = 10 * FILETIME_MINUTE; /* events just outside the window may still correlate */

void selection_init(struct selection *s)
{
	memset(s, 0, sizeof *s);
	s->since = INT64_MIN;
	s->until = INT64_MAX;
	s->threads = source_default_threads();
	s->spool_limit = (uint64_t)SOURCE_DEFAULT_SPOOL_LIMIT_GIB << 30;
	s->prt_window = SELECTION_PRT_WINDOW;
}

/* Numbers read as 64 bits on every platform (long is 32 bits on Windows); an overflow saturates, out of range. */
static bool parse_count(const char *text, long long *out)
{
	char *end;
	long long v = strtoll(text, &end, 10);
	if (*end || end == text || v <= 0 || v > 100000)
		return false;
	*out = v;
	return true;
}

/* --user, --server, --endpoint, --client-app: a PCRE2 pattern, matched without case. */
static int regex_option(const struct cli_command *cmd, const char *name, const char *arg, pcre2_code **re)
{
	int err;
	PCRE2_SIZE off;
	pcre2_code_free(*re);
	*re = pcre2_compile((PCRE2_SPTR)arg, PCRE2_ZERO_TERMINATED, PCRE2_CASELESS | PCRE2_UTF, &err, &off, NULL);
	if (!*re) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(err, msg, sizeof msg);
		return cli_usage_error(cmd, "bad --%s regex at offset %zu: %s", name, (size_t)off, (char *)msg), -1;
	}
	return 1;
}

/* --ip, --submitter-ip, --exclude-ip, --trusted-proxy: one more address or network in their list. */
static int cidr_option(struct selection *s, const struct cli_command *cmd, int opt, const char *arg)
{
	struct cidr *list = opt == SEL_IP ? s->ips : opt == SEL_SUBMITTER_IP ? s->submitters
			  : opt == SEL_EXCLUDE_IP ? s->excluded : s->trusted;
	unsigned *count = opt == SEL_IP ? &s->nips : opt == SEL_SUBMITTER_IP ? &s->nsubmitters
			: opt == SEL_EXCLUDE_IP ? &s->nexcluded : &s->ntrusted;
	if (*count == SEL_MAX_CIDRS || !cidr_parse(arg, &list[*count]))
		return cli_usage_error(cmd, "bad address or CIDR '%s'", arg), -1;
	(*count)++;
	return 1;
}

int selection_option(struct selection *s, const struct cli_command *cmd, int opt, const char *arg)
{
	long long n;
	const char *start = opt == SEL_SINCE ? "--since" : opt == SEL_PAST_DAYS ? "--past-days"
			    : opt == SEL_PAST_HOURS ? "--past-hours" : NULL;
	const char *bound = start ? start : opt == SEL_UNTIL ? "--until" : NULL;
	const char **given = start ? &s->since_arg : &s->until_arg;
	if (bound && *given) { /* which one was meant cannot be told */
		if (start && strcmp(start, s->since_by))
			return cli_usage_error(cmd, "%s and %s both say where the time window starts: give one",
					       s->since_by, start), -1;
		return cli_usage_error(cmd, "%s is given twice ('%s' and '%s'): give one", bound, *given, arg), -1;
	}
	if (bound)
		*given = arg;
	if (start)
		s->since_by = start;
	switch (opt) {
	case SEL_PAST_DAYS:
	case SEL_PAST_HOURS:
		if (!parse_count(arg, &n))
			return cli_usage_error(cmd, "--past-%s takes a whole number from 1 to 100000, not '%s'",
					       opt == SEL_PAST_DAYS ? "days" : "hours", arg), -1;
		s->since = filetime_now() - n * (opt == SEL_PAST_DAYS ? FILETIME_DAY : FILETIME_HOUR);
		return 1;
	case SEL_SINCE:
	case SEL_UNTIL: {
		int64_t t;
		if (!filetime_parse_iso8601(arg, strlen(arg), &t))
			return cli_usage_error(cmd, "--%s takes a date, or a date and a time of day (00:00 to 23:59:59), "
					       "such as 2026-11-20T08:00:00Z, not '%s'", opt == SEL_SINCE ? "since" : "until",
					       arg), -1;
		*(opt == SEL_SINCE ? &s->since : &s->until) = t;
		return 1;
	}
	case SEL_USER:
		s->user_qualified = strpbrk(arg, "\\@") != NULL;
		return regex_option(cmd, "user", arg, &s->user_re);
	case SEL_SERVER: return regex_option(cmd, "server", arg, &s->server_re);
	case SEL_ENDPOINT: return regex_option(cmd, "endpoint", arg, &s->endpoint_re);
	case SEL_CLIENT_APP: return regex_option(cmd, "client-app", arg, &s->client_app_re);
	case SEL_IP:
	case SEL_SUBMITTER_IP:
	case SEL_EXCLUDE_IP:
	case SEL_TRUSTED_PROXY:
		return cidr_option(s, cmd, opt, arg);
	case SEL_OUTCOME:
		for (const char *q = arg;; q++) { /* an item before and after each comma: "" and "a,,b" are no lists */
			size_t len = strcspn(q, ",");
			enum outcome o = outcome_parse(q, len);
			bool both = len == 10 && !strncmp(q, "locked_out", 10); /* either lockout */
			if (!len)
				return cli_usage_error(cmd, "--outcome takes a comma-separated list with no empty item, not "
							    "'%s'", arg), -1;
			if (!o && !both)
				return cli_usage_error(cmd, "unknown --outcome '%.*s' (bad_password, ad_locked_out, "
							    "extranet_locked_out, locked_out = both, unknown_user, disabled, "
							    "expired, restricted, other)", (int)len, q), -1;
			if (both)
				s->outcomes[OUTCOME_AD_LOCKED_OUT] = s->outcomes[OUTCOME_EXTRANET_LOCKED_OUT] = true;
			else
				s->outcomes[o] = true;
			s->any_outcome = true;
			q += len;
			if (!*q)
				return 1;
		}
	case SEL_THREADS:
		if (!cli_parse_threads(arg, &s->threads))
			return cli_usage_error(cmd, "--threads takes a number from 1 to 64, not '%s'", arg), -1;
		return 1;
	case SEL_REMOTE: return cli_remote_option(cmd, arg, s->remotes, &s->nremotes, SEL_MAX_REMOTES);
	case SEL_QUIET:
		s->quiet = true;
		return 1;
	case SEL_SPOOL_LIMIT:
		if (!cli_parse_size(arg, &s->spool_limit))
			return cli_usage_error(cmd, "--spool-limit takes a size such as 64G or 500M, not '%s'", arg), -1;
		return 1;
	default:
		return 0;
	}
}

/* The options' loop of selection_parse: -1 when all were taken, else the exit status. */
static int parse_options(struct selection *s, const struct cli_command *cmd, int argc, char **argv, own_option_fn own,
			 void *ctx, struct cli_parser *p)
{
	int opt;
	while ((opt = cli_next(p, argc, argv)) != -1) {
		if (opt == 'h') {
			cli_help(cmd, stdout);
			return EXIT_OK;
		}
		if (opt == ':')
			return cli_usage_error(cmd, "option '%s' needs an argument", argv[optind - 1]);
		int taken = selection_option(s, cmd, opt, optarg);
		if (!taken && opt != '?')
			taken = own(ctx, cmd, opt, optarg);
		if (taken < 0)
			return EXIT_USAGE;
		if (!taken)
			return cli_unknown_option(cmd, argv[optind - 1]);
	}
	return -1;
}

int selection_parse(struct selection *s, const struct cli_command *cmd, int argc, char **argv, own_option_fn own,
		    void *ctx)
{
	struct cli_parser p;
	cli_parser_init(&p, cmd);
	int status = parse_options(s, cmd, argc, argv, own, ctx, &p);
	cli_parser_free(&p);
	if (status >= 0)
		return status;
#ifdef _WIN32
	/* Windows with no SOURCE: the local Security channel, and the last day unless a window is given */
	if (optind >= argc && s->since == INT64_MIN)
		s->since = filetime_now() - FILETIME_DAY;
#else
	if (optind >= argc && !s->sources_optional)
		return cli_usage_error(cmd, "no SOURCE given (EVTX, .evtx.gz, XML export, directory or -)");
#endif
	if (s->since >= s->until)
		return cli_usage_error(cmd, "the time window is empty (--since is not before --until)");
	status = cli_channels_named(cmd, argv + optind, argc - optind);
	return status >= 0 ? status : cli_outputs_apart(cmd, argv + optind, argc - optind);
}

/* How long before the window events still matter: a lockout rests on the failures of its reset window. */
static int64_t margin_before(const struct selection *s)
{
	return s->lockouts ? MARGIN + s->lockout_settings.reset_window : MARGIN;
}

void selection_live(const struct selection *s, struct source_options *o)
{
	o->live_ids = s->lockouts ? LOCKOUT_IDS : s->prt_live ? PRT_IDS : CORRELATION_IDS;
	o->since = s->since == INT64_MIN ? INT64_MIN : s->since - margin_before(s);
	o->until = s->until == INT64_MAX ? INT64_MAX : s->until + MARGIN;
}

static bool outside_window(const struct selection *s, int64_t t)
{
	return (s->since != INT64_MIN && t < s->since - margin_before(s)) ||
	       (s->until != INT64_MAX && t > s->until + MARGIN);
}

/* Whether a record matters to the selection; relevant events outside the window are counted, and so are AD FS audit
 * events; log-cleared events in the window are read. */
static bool selects(struct selection *s, const struct event_peek *p)
{
	if (log_cleared_peek(p))
		return !p->has_time || (p->time >= s->since && p->time < s->until);
	bool fact = p->has_event_id && fact_relevant(p->event_id, &p->provider);
	if (!fact && !(p->has_event_id && ((s->lockouts && lockout_relevant(p->event_id, &p->provider)) ||
					   (s->prt && prt_relevant(p->event_id, &p->provider)) ||
					   (s->guessing && guessing_relevant(p->event_id, &p->provider)))))
		return false;
	bool cloudap = !fact && s->prt && prt_relevant(p->event_id, &p->provider);
	if (fact && id_set_has(&ADFS_AUDIT_IDS, p->event_id))
		atomic_fetch_add_explicit(&s->adfs_audits, 1, memory_order_relaxed);
	else if (cloudap)
		atomic_fetch_add_explicit(&s->cloudap_events, 1, memory_order_relaxed);
	if (p->has_time && outside_window(s, p->time)) {
		atomic_fetch_add_explicit(&s->outside, 1, memory_order_relaxed);
		return false;
	}
	if (cloudap)
		atomic_fetch_add_explicit(&s->cloudap_inside, 1, memory_order_relaxed);
	return !(s->lockouts && lockout_needless(p));
}

/* On the worker threads: the selection's records, and every record tallied when there is a coverage. */
static bool wants(void *ctx, const struct event_peek *p)
{
	struct selection *s = ctx;
	if (!atomic_load_explicit(&s->security_log, memory_order_relaxed) &&
	    evtx_value_equals_nocase(&p->channel, "Security"))
		atomic_store_explicit(&s->security_log, true, memory_order_relaxed);
	bool tallied = s->coverage && s->coverage_sink.wants(s->coverage_sink.ctx, p);
	return selects(s, p) || tallied;
}

static void log_begin(void *ctx, const struct source_log_header *h)
{
	struct selection *s = ctx;
	s->coverage_sink.log_begin(s->coverage_sink.ctx, h);
}

static void log_end(void *ctx)
{
	struct selection *s = ctx;
	s->coverage_sink.log_end(s->coverage_sink.ctx);
}

/* On the decoding thread: the correlator's and the lockout finder's reading of the event, which is most of the work
 * an event costs (ev->prepared for on_event). */
struct prepared {
	const void *fact, *logon;
};

static const void *prepare(void *ctx, const struct event *ev, struct arena *a)
{
	const struct selection *s = ctx;
	struct prepared *p = arena_alloc(a, sizeof *p);
	p->fact = correlator_prepare(s->corr, ev, a);
	p->logon = s->finder ? lockout_finder_prepare(ev, a) : NULL;
	return p;
}

static void on_event(void *ctx, const struct event *ev)
{
	struct selection *s = ctx;
	if (s->coverage)
		s->coverage_sink.event(s->coverage_sink.ctx, ev);
	struct log_clear clear;
	if (log_cleared_read(ev, &s->clear_arena, &clear)) {
		if (clear.time && (clear.time < s->since || clear.time >= s->until))
			return; /* read for the coverage only */
		if (s->nclears == s->capclears) {
			s->capclears = s->capclears ? 2 * s->capclears : 8;
			s->clears = realloc(s->clears, s->capclears * sizeof *s->clears);
			if (!s->clears)
				abort();
		}
		s->clears[s->nclears++] = clear;
		return;
	}
	if ((ev->has & EV_HAS_TIME) && outside_window(s, ev->time_created))
		return;
	const struct prepared *p = ev->prepared;
	int64_t when = (ev->has & EV_HAS_TIME) ? ev->time_created : INT64_MAX;
	bool taken = correlator_add(s->corr, ev, p ? p->fact : NULL);
	if (s->guessing)
		guessing_add(s->guessing, ev, p ? p->logon : NULL, taken);
	if (!taken && ev->event_id == 4625 && (!s->other_4625_host || when < s->other_4625_time) &&
	    evtx_value_equals_nocase(&ev->provider_name, "Microsoft-Windows-Security-Auditing")) {
		struct strbuf host = {0};
		evtx_value_render(&host, &ev->computer);
		s->other_4625_host = arena_copy(&s->clear_arena, sb_cstr(&host), host.len + 1);
		s->other_4625_time = when;
		sb_free(&host);
	}
	if (s->finder)
		lockout_finder_add(s->finder, ev, p ? p->logon : NULL);
	if (s->prt_finder)
		prt_finder_add(s->prt_finder, ev);
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

struct ip_search {
	const struct cidr *list;
	unsigned n;
	bool found;
};

static void search_ip(void *ctx, const struct ip_addr *a)
{
	struct ip_search *q = ctx;
	for (unsigned i = 0; i < q->n && !q->found; i++)
		q->found = cidr_contains(&q->list[i], a);
}

/* --ip: whether an address of the request (the submitter, or any its events name: client-supplied, forwarded,
 * x-ms-client-ip, ...) is in the list. */
static bool any_in_list(const struct cidr *list, unsigned n, const struct attempt *a)
{
	struct ip_search q = {list, n, false};
	ip_list_each(a->ip, search_ip, &q);
	ip_list_each(a->all_ips, search_ip, &q);
	return q.found;
}

/* A --user, --server, --endpoint or --client-app pattern against a value of the attempt (absent: empty). */
bool selection_matches(struct selection *s, const pcre2_code *re, const char *value)
{
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
	int rc = pcre2_match(re, (PCRE2_SPTR)(value ? value : ""), PCRE2_ZERO_TERMINATED, 0, 0, md, s->match_limits);
	pcre2_match_data_free(md);
	bool gave_up = rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT;
	if (gave_up) /* on the correlation's threads too (trace's events_wanted): counted atomically */
		atomic_fetch_add_explicit(&s->undecided, 1, memory_order_relaxed);
	return rc >= 0;
}

bool selection_warn_undecided(const struct selection *s, const struct cli_command *cmd)
{
	unsigned long undecided = atomic_load(&s->undecided);
	if (!undecided)
		return false;
	fprintf(stderr, "badcreds: %s: warning: a regex of --user, --server, --endpoint or --client-app gave up %lu "
		"time%s: it would need more than %d MiB or PCRE2's limit of steps to decide on a value (a name thousands of "
		"characters long and a pattern that backtracks on it), which was left out; a simpler pattern decides\n",
		cmd->name, undecided, undecided == 1 ? "" : "s", SELECTION_MATCH_HEAP_KIB >> 10);
	return true;
}

/* Whether the options keep a request (a success has outcome OUTCOME_NONE, which no --outcome keeps). */
static bool keep(struct selection *s, const struct attempt *a)
{
	if (a->time < s->since || a->time >= s->until)
		return false;
	if (s->any_outcome && !s->outcomes[a->outcome])
		return false;
	if (s->nips && !any_in_list(s->ips, s->nips, a))
		return false;
	if (s->nsubmitters && !in_list(s->submitters, s->nsubmitters, a->ip))
		return false;
	if (s->nexcluded && in_list(s->excluded, s->nexcluded, a->ip))
		return false;
	return (!s->user_re || selection_matches(s, s->user_re, a->user)) &&
	       (!s->server_re || selection_matches(s, s->server_re, a->server)) &&
	       (!s->endpoint_re || selection_matches(s, s->endpoint_re, a->endpoint)) &&
	       (!s->client_app_re || selection_matches(s, s->client_app_re, a->client_app));
}

bool selection_keeps_failure(void *selection, const char *account, const char *address, const char *host,
			     int64_t time)
{
	struct selection *s = selection;
	if (s->endpoint_re || s->client_app_re) /* only AD FS attempts have them (any --outcome: keep says no) */
		return false;
	struct attempt a = {.time = time, .server = host, .user = account, .ip = address, .all_ips = address,
			    .outcome = OUTCOME_NONE};
	return keep(s, &a);
}

/* Whose events the correlator keeps (trace): the requests the options keep and the command's own test takes. */
static bool events_wanted(void *ctx, const struct attempt *a)
{
	struct selection *s = ctx; /* a success comes as an attempt of no outcome: selection_keeps_success */
	return keep(s, a) && (!s->render_wanted || s->render_wanted(s->render_ctx, a));
}

bool selection_keeps_success(struct selection *s, const struct success *o)
{
	const char *ip = o->ip ? o->ip : "";
	struct attempt a = {.time = o->time, .server = o->server, .user = o->user, .ip = ip, .all_ips = ip,
			    .outcome = OUTCOME_NONE};
	return keep(s, &a);
}

/* Log-cleared events by time, computer and log. */
/* For the closing line, a kept attempt's user and submitter, each counted the first time (as many as the attempts in
 * a spray: not remembered with --quiet, which prints no closing line). */
static void count_distinct(struct selection *s, const struct attempt *a)
{
	if (s->quiet)
		return;
	s->seen_users.arena = s->seen_ips.arena = &s->seen_arena;
	size_t users = s->seen_users.n, ips = s->seen_ips.n; /* one lookup each: a new key makes the map grow */
	if (*a->user) /* a user as summary counts them: by account, whatever the form typed */
		strmap_intern(&s->seen_users, user_account_key(&s->seen_key, a->user));
	if (*a->ip)
		strmap_intern(&s->seen_ips, a->ip);
	s->distinct_users += s->seen_users.n - users;
	s->distinct_submitters += s->seen_ips.n - ips;
}

/* What the correlation's temporary file did to the run: a note when it could not be used, an error (and the exit
 * status) when it could not be read back. */
static void correlation_notes(struct selection *s)
{
	const char *kept_in_memory = correlator_spill_error(s->corr);
	if (kept_in_memory && !s->quiet)
		fprintf(stderr, "badcreds: note: the correlation kept its events in memory: %s in %s\n", kept_in_memory,
			bc_tempdir());
	uint64_t lost = correlator_lost_bytes(s->corr);
	if (lost) { /* the report is incomplete: the exit status says something was skipped */
		fprintf(stderr, "badcreds: error: the temporary file of the correlation in %s could not be read back: "
			"%llu bytes of events left out\n", bc_tempdir(), (unsigned long long)lost);
		s->diag.errors++;
	}
}

void selection_collect(struct selection *s, char **sources, int nsources)
{
	static char *windows_default[] = {"channel:Security"}; /* only Windows lets nsources be 0 */
	if (nsources == 0) {
		sources = windows_default;
		nsources = 1;
	}
	progress_enable(!s->quiet);
	s->match_limits = pcre2_match_context_create(NULL); /* before any thread matches */
	if (!s->match_limits)
		abort();
	pcre2_set_heap_limit(s->match_limits, SELECTION_MATCH_HEAP_KIB);
	s->diag = (struct diag){.stream = stderr, .max_messages = 20, .quiet_notes = s->quiet, .max_notes = 10};
	s->corr = correlator_new();
	correlator_trust(s->corr, s->trusted, s->ntrusted);
	correlator_threads(s->corr, s->threads);
	if (s->render)
		correlator_keep_events(s->corr, s->render, events_wanted, s);
	if (s->lockouts)
		s->finder = lockout_finder_new(&s->lockout_settings);
	if (s->prt)
		s->prt_finder = prt_finder_new();
	struct source_options sopt = {.threads = s->threads, .remotes = s->remotes, .spool_limit = s->spool_limit};
	selection_live(s, &sopt);
	xmlInitParser(); /* before worker threads read events (correlator_prepare): 1200-1210's XML, 411's messages */
	outcome_init();
	struct event_sink sink = {.wants = wants, .prepare = prepare, .event = on_event, .ctx = s};
	if (s->coverage) {
		s->coverage_sink = coverage_sink(s->coverage);
		sink.log_begin = log_begin;
		sink.log_end = log_end;
	}
	for (int i = 0; i < nsources; i++)
		source_read(sources[i], &sopt, &sink, &s->diag, &s->stats);
	source_read_end();
	s->nclears = log_clears_order(s->clears, s->nclears); /* the same first one named whatever the order of the
								* inputs, each clear once */
	if (s->finder) {
		lockout_finder_prune(s->finder);
		const char *kept_in_memory = lockout_finder_spill_error(s->finder);
		if (kept_in_memory && !s->quiet)
			fprintf(stderr, "badcreds: note: the lockouts kept their events in memory: %s in %s\n",
				kept_in_memory, bc_tempdir());
		if (lockout_finder_lost(s->finder)) { /* the lockouts may miss evidence: the exit status says so */
			fprintf(stderr, "badcreds: error: the temporary file of the lockouts in %s could not be read back: "
				"some of their events are left out\n", bc_tempdir());
			s->diag.errors++;
		}
	}
}

int selection_start(struct selection *s, const struct cli_command *cmd, int argc, char **argv, own_option_fn own,
		    void *ctx)
{
	int status = selection_parse(s, cmd, argc, argv, own, ctx);
	if (status >= 0) {
		selection_free(s);
		return status;
	}
	selection_collect(s, argv + optind, argc - optind);
	return -1;
}

struct each_job {
	struct selection *s;
	void (*fn)(void *ctx, const struct attempt *a);
	void *ctx;
};

/* Every attempt to the lockouts and the PRT rows (as selection_lockouts and selection_prt join them to all of
 * them); a kept one counted (count_distinct too), marked with its PRT device, and handed on. */
static void each_kept(void *ctx, const struct attempt *a)
{
	struct each_job *j = ctx;
	struct selection *s = j->s;
	const char *device = s->nprt_rows ? prt_finder_attempt(s->prt_finder, a, s->prt_window) : NULL;
	struct attempt marked;
	if (device) {
		marked = *a;
		marked.prt_device = device;
		a = &marked;
	}
	if (s->finder)
		lockout_finder_attempt(s->finder, a);
	if (s->guessing) /* the DCs' checks of its password are AD FS's own, whether or not the options keep it */
		guessing_adfs_attempt(s->guessing, a->user, a->time);
	s->ninside += a->time >= s->since && a->time < s->until;
	if (!keep(s, a))
		return;
	s->nkept++;
	count_distinct(s, a);
	if (j->fn)
		j->fn(j->ctx, a);
}

void selection_each(struct selection *s, void (*fn)(void *ctx, const struct attempt *a), void *ctx)
{
	s->nkept = s->ninside = 0;
	correlator_each(s->corr, each_kept, &(struct each_job){s, fn, ctx});
	correlation_notes(s);
}

/* Whether --user matches a lockout: its account as the 4740 names it (the sAMAccountName), as DOMAIN\account, as the
 * user name of the AD FS attempt that caused it, or as account@ each DC's DNS domain (the usual UPN suffix), so that
 * the name on a help-desk ticket (a UPN, CORP\name) finds the lockout. */
static bool lockout_matches(struct selection *s, const struct lockout *l)
{
	bool plain = selection_matches(s, s->user_re, l->account);
	if (plain || !s->user_qualified) /* the other forms only for a pattern with \ or @: "corp" picks no domain */
		return plain;
	struct strbuf name = {0};
	bool found = false;
	if (*l->domain) {
		sb_printf(&name, "%s\\%s", l->domain, l->account);
		found = selection_matches(s, s->user_re, sb_cstr(&name));
	}
	if (!found && l->attempt_user && *l->attempt_user)
		found = selection_matches(s, s->user_re, l->attempt_user);
	for (const char *dc = l->dcs; !found && dc && *dc;) { /* "DC01.corp.contoso.com; DC02.corp.contoso.com" */
		size_t len = strcspn(dc, ";");
		const char *dot = memchr(dc, '.', len);
		if (dot) {
			name.len = 0;
			sb_printf(&name, "%s@%.*s", l->account, (int)(len - (size_t)(dot + 1 - dc)), dot + 1);
			found = selection_matches(s, s->user_re, sb_cstr(&name));
		}
		dc += len;
		dc += strspn(dc, "; ");
	}
	sb_free(&name);
	return found;
}

void selection_lockouts(struct selection *s)
{
	const struct lockout *all;
	size_t n = lockout_finder_run(s->finder, &all);
	s->nlockouts_found = n;
	s->lockout_rows = malloc((n ? n : 1) * sizeof *s->lockout_rows);
	if (!s->lockout_rows)
		abort();
	for (size_t i = 0; i < n; i++) {
		if (all[i].locked_at < s->since || all[i].locked_at >= s->until)
			continue;
		if (s->user_re && !lockout_matches(s, &all[i]))
			continue;
		s->lockout_rows[s->nlockout_rows++] = all[i];
	}
}

void selection_prt(struct selection *s)
{
	s->nprt_rows = prt_finder_run(s->prt_finder, &s->prt_rows);
}

void selection_free(struct selection *s)
{
	strmap_free(&s->seen_users);
	sb_free(&s->seen_key);
	strmap_free(&s->seen_ips);
	arena_free(&s->seen_arena);
	free(s->lockout_rows);
	free(s->clears);
	arena_free(&s->clear_arena);
	if (s->corr)
		correlator_free(s->corr);
	lockout_finder_free(s->finder);
	guessing_free(s->guessing);
	prt_finder_free(s->prt_finder);
	pcre2_code_free(s->user_re);
	pcre2_code_free(s->server_re);
	pcre2_code_free(s->endpoint_re);
	pcre2_code_free(s->client_app_re);
	pcre2_match_context_free(s->match_limits);
	source_stats_free(&s->stats);
	outcome_free();
}

bool selection_read_something(const struct selection *s, const struct cli_command *cmd, const char *output)
{
	if (s->stats.files)
		return true;
	if (!strcmp(output, "-")) {
		fprintf(stderr, "badcreds: %s: no input could be read: nothing written\n", cmd->name);
		return false;
	}
	struct strbuf name = {0};
	text_visible_str(&name, output);
	fprintf(stderr, "badcreds: %s: no input could be read: %s not written (an existing one is kept as it was)\n",
		cmd->name, sb_cstr(&name));
	sb_free(&name);
	return false;
}

bool selection_note_outside(const struct selection *s, const struct cli_command *cmd)
{
	unsigned long outside = atomic_load(&s->outside);
	if (!outside || s->quiet)
		return outside != 0;
	struct strbuf sb = {0};
	sb_printf(&sb, "badcreds: %s: note: %lu AD FS and domain controller event%s fell outside the time window",
		  cmd->name, outside, outside == 1 ? "" : "s");
	if (s->since != INT64_MIN || s->until != INT64_MAX) {
		sb_adds(&sb, " (");
		if (s->since != INT64_MIN) {
			sb_adds(&sb, "since ");
			filetime_format_ms(&sb, s->since, false);
		}
		if (s->until != INT64_MAX) {
			sb_adds(&sb, s->since != INT64_MIN ? ", until " : "until ");
			filetime_format_ms(&sb, s->until, false);
		}
		sb_addc(&sb, ')');
	}
	if (s->stats.has_time) {
		sb_adds(&sb, "; the records read cover ");
		filetime_format_ms(&sb, s->stats.first_time, false);
		sb_adds(&sb, " to ");
		filetime_format_ms(&sb, s->stats.last_time, false);
	}
	fprintf(stderr, "%s\n", sb_cstr(&sb));
	sb_free(&sb);
	return true;
}

bool selection_warn_window(const struct selection *s, const struct cli_command *cmd)
{
	if (s->since == INT64_MIN || !s->stats.has_time || s->stats.queried_window ||
	    s->stats.first_time <= s->since + FILETIME_HOUR)
		return false; /* no start asked for, the inputs reach it, or a live channel gave only the window's events
			       * (its first says nothing of where its log begins) */
	struct strbuf sb = {0};
	sb_printf(&sb, "badcreds: %s: warning: the inputs begin at ", cmd->name);
	filetime_format_ms(&sb, s->stats.first_time, false);
	sb_adds(&sb, ", after the time window starts (");
	filetime_format_ms(&sb, s->since, false);
	sb_adds(&sb, "): what happened before is not in them (a log that wrapped or was cleared? badcreds coverage "
		     "tells)");
	fprintf(stderr, "%s\n", sb_cstr(&sb));
	sb_free(&sb);
	return true;
}

void selection_explain_empty(const struct selection *s, const struct cli_command *cmd)
{
	if (s->nkept || s->quiet)
		return;
	if (!s->ninside) { /* no AD FS audit events at all: selection_warn_unanswerable */
		selection_note_outside(s, cmd);
		return;
	}
	static const char *const names[] = {"--user", "--ip", "--submitter-ip", "--exclude-ip", "--outcome", "--server",
					    "--endpoint", "--client-app"};
	const bool given[] = {s->user_re, s->nips, s->nsubmitters, s->nexcluded, s->any_outcome, s->server_re,
			      s->endpoint_re, s->client_app_re};
	struct strbuf sb = {0}; /* the other options left every attempt out */
	sb_printf(&sb, "badcreds: %s: note: ", cmd->name);
	size_t named = 0;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (given[i]) {
			sb_adds(&sb, named++ ? ", " : "");
			sb_adds(&sb, names[i]);
		}
	sb_printf(&sb, " kept none of the %zu attempt%s %s", s->ninside, s->ninside == 1 ? "" : "s",
		  s->since != INT64_MIN || s->until != INT64_MAX ? "in the time window" : "in the inputs");
	fprintf(stderr, "%s\n", sb_cstr(&sb));
	sb_free(&sb);
}

/* The wrong passwords the Kerberos and NTLM checks among the inputs hold (domain controllers', or a member's for its
 * local accounts): 4771 with Kerberos status 0x18, 4776 with 0xC000006A. */
size_t selection_dc_wrong_passwords(const struct selection *s)
{
	const struct fact *const *dc;
	size_t ndc = correlator_dc_events(s->corr, &dc), wrong = 0;
	for (size_t i = 0; i < ndc; i++)
		wrong += dc[i]->has_status && ((dc[i]->event_id == 4771 && dc[i]->status == 0x18) ||
					      (dc[i]->event_id == 4776 && dc[i]->status == 0xC000006Au));
	return wrong;
}

bool selection_warn_unanswerable(const struct selection *s, const struct cli_command *cmd)
{
	bool no_adfs = !atomic_load(&s->adfs_audits);
	if (!no_adfs && !s->nclears)
		return false;
	struct strbuf sb = {0};
	sb_printf(&sb, "badcreds: %s: warning: the inputs cannot answer: ", cmd->name);
	if (no_adfs && s->stats.records && !atomic_load(&s->security_log)) /* System, Application, ...: not the log */
		sb_adds(&sb, "they hold no AD FS audit events, and no record of a Security log: AD FS writes its audit "
			     "events to the Security log of each farm node (give those)");
	else if (no_adfs)
		sb_adds(&sb, "they hold no AD FS audit events (is AD FS auditing on? badcreds(1), AUDITING)");
	size_t wrong = no_adfs ? selection_dc_wrong_passwords(s) : 0;
	if (wrong)
		sb_printf(&sb, "; they hold %zu wrong password%s in Kerberos or NTLM checks (4771, 4776): badcreds lockouts "
			  "ties those to the account lockouts (4740) they cause", wrong, wrong == 1 ? "" : "s");
	if (no_adfs && s->other_4625_host) {
		sb_adds(&sb, "; they hold failed logons (4625) that did not come through AD FS (the first on ");
		text_visible_str(&sb, *s->other_4625_host ? s->other_4625_host : "an unnamed computer");
		sb_adds(&sb, "): badcreds lockouts ties such failures to the account lockouts (4740) they cause");
	}
	if ((wrong || (no_adfs && s->other_4625_host)) && !s->guessing) /* summary has found what there is */
		sb_adds(&sb, ", and badcreds summary finds password guessing among them");
	if (s->nclears) {
		const struct log_clear *c = &s->clears[0];
		sb_adds(&sb, no_adfs ? "; the " : "the ");
		text_visible_str(&sb, c->log);
		sb_adds(&sb, " log of ");
		text_visible_str(&sb, c->computer);
		sb_adds(&sb, " was cleared at ");
		filetime_format_ms(&sb, c->time, false);
		sb_adds(&sb, " by ");
		text_visible_str(&sb, *c->who ? c->who : "someone");
		if (s->nclears > 1)
			sb_printf(&sb, " (and %zu more cleared logs)", s->nclears - 1);
	}
	sb_adds(&sb, "; run badcreds coverage on them");
	fprintf(stderr, "%s\n", sb_cstr(&sb));
	sb_free(&sb);
	return true;
}

void selection_read_text(struct strbuf *sb, const struct selection *s, const struct cli_command *cmd)
{
	const struct source_stats *st = &s->stats;
	sb_printf(sb, "badcreds: %s: read %lu record%s from %lu input%s", cmd->name, st->records,
		  st->records == 1 ? "" : "s", st->files, st->files == 1 ? "" : "s");
	if (st->damaged_files)
		sb_printf(sb, " (%lu damaged)", st->damaged_files);
	if (s->diag.skipped_records)
		sb_printf(sb, ", %lu damaged record%s skipped", s->diag.skipped_records,
			  s->diag.skipped_records == 1 ? "" : "s");
	if (st->remnants)
		sb_printf(sb, ", and %lu carved remnant%s left out", st->remnants, st->remnants == 1 ? "" : "s");
}

void selection_closing_line(const struct selection *s, const struct cli_command *cmd, const char *output)
{
	const struct source_stats *st = &s->stats;
	struct strbuf sb = {0};
	selection_read_text(&sb, s, cmd);
	size_t users = s->distinct_users, ips = s->distinct_submitters;
	sb_printf(&sb, "; %zu attempt%s by %zu user%s from %zu IP%s", s->nkept, s->nkept == 1 ? "" : "s", users,
		  users == 1 ? "" : "s", ips, ips == 1 ? "" : "s");
	unsigned long dups = correlator_duplicates(s->corr);
	if (dups)
		sb_printf(&sb, "; %lu duplicate event%s ignored", dups, dups == 1 ? "" : "s");
	if (st->unreadable) {
		sb_printf(&sb, "; could not read %lu input%s: ", st->unreadable, st->unreadable == 1 ? "" : "s");
		text_visible(&sb, st->unreadable_names.data ? st->unreadable_names.data : "", st->unreadable_names.len);
	}
	sb_adds(&sb, "; wrote ");
	sb_adds(&sb, output);
	fprintf(stderr, "%s\n", sb_cstr(&sb));
	sb_free(&sb);
}
