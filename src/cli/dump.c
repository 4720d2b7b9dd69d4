/* dump.c: `badcreds dump`: prints the records of EVTX files as event XML or JSON lines. Live records come in file
 * order; records carved from damaged regions and slack follow each file, flagged, unless their EventRecordID is
 * already one of the file's live records (slack mostly holds older copies of them). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "badcreds/source.h"
#include "badcreds/output.h"
#include "badcreds/progress.h"
#include "badcreds/report.h"
#include "cli.h"

enum {
	OPT_FORMAT = 'f', OPT_EVENT_ID = 'e', OPT_PROVIDER = 'p', OPT_QUIET = 'q', OPT_HELP = 'h', OPT_THREADS = 'j',
	OPT_OUTPUT = 'o',
	OPT_RECOVERED = 256, OPT_SPOOL_LIMIT, OPT_REMOTE, MAX_REMOTES = 64,
};

static const struct cli_option dump_options[] = {
	{ "format", OPT_FORMAT, "xml|jsonl", "output format (default: xml)" },
	{ "output", OPT_OUTPUT, "FILE", "where the records go (default: - = stdout; .gz; %Y%m%d)" },
	{ "event-id", OPT_EVENT_ID, "LIST", "only these event IDs (0-65535), e.g. 4625,4771-4776" },
	{ "provider", OPT_PROVIDER, "NAME", "only events of this provider (case-insensitive)" },
	{ "recovered", OPT_RECOVERED, NULL, "only records carved from damaged regions and slack" },
	{ "threads", OPT_THREADS, "N", "decode chunks on N threads (default: all cores)" },
	{ "spool-limit", OPT_SPOOL_LIMIT, "SIZE", "largest temporary copy of stdin or a .gz (default 64G; 0: none)" },
	{ "remote", OPT_REMOTE, "HOST", "read channel:NAME sources on this server (repeatable; Windows)" },
	{ "quiet", OPT_QUIET, NULL, "no summary line on stderr" },
	{ "help", OPT_HELP, NULL, "show this help" },
};

const struct cli_command dump_command = {
	.name = "dump",
	.args = "SOURCE...",
	.summary = "Print the records of event logs as event XML or JSON lines.",
	.options = dump_options,
	.noptions = sizeof dump_options / sizeof dump_options[0],
	.run = cmd_dump,
};

struct dump {
	const struct output_format *format;
	struct id_list ids;
	const char *provider;
	bool only_recovered, quiet;
	unsigned threads;
	uint64_t spool_limit;
	const char *remotes[MAX_REMOTES + 1];
	unsigned nremotes;
	const char *output;          /* -o: "-" for standard output */
	struct diag diag;
	unsigned long records, recovered;
	bool write_failed;
	bool began;                  /* the output was opened and the sources read */
	struct out_file *out;        /* while the sources are read (read_all) */
	char **sources;
	int nsources;
	struct source_options *sopt;
	struct source_stats *stats;
};

static bool provider_is(const struct evtx_value *v, const char *name)
{
	struct strbuf sb = {0};
	evtx_value_render(&sb, v);
	bool match = strcasecmp(sb_cstr(&sb), name) == 0;
	sb_free(&sb);
	return match;
}

/* The --event-id, --provider and --recovered filters, on a record's peek (possibly on a reader's worker thread). */
static bool wants(void *ctx, const struct event_peek *p)
{
	const struct dump *d = ctx;
	if (d->only_recovered && !p->recovered)
		return false;
	if (d->ids.n && !(p->has_event_id && id_list_has(&d->ids, p->event_id)))
		return false;
	return !d->provider || provider_is(&p->provider, d->provider);
}

/* In input order: records written by the output format. */
static void write_text(void *ctx, const char *text, size_t len, unsigned long records, unsigned long recovered)
{
	struct dump *d = ctx;
	if (len && !d->write_failed && !out_write(d->out, text, len))
		d->write_failed = true;
	d->records += records;
	d->recovered += recovered;
}

/* The options' loop of cmd_dump: -1 when all were taken, else the exit status. */
static int parse_options(struct dump *d, const struct cli_command *cmd, int argc, char **argv, struct cli_parser *p)
{
	int opt;
	while ((opt = cli_next(p, argc, argv)) != -1) {
		switch (opt) {
		case OPT_FORMAT:
			d->format = output_find(optarg);
			if (!d->format)
				return cli_usage_error(cmd, "unknown format '%s' (xml or jsonl)", optarg);
			break;
		case OPT_EVENT_ID:
			if (cli_event_id_option(cmd, optarg, &d->ids) < 0)
				return EXIT_USAGE;
			break;
		case OPT_PROVIDER: d->provider = optarg; break;
		case OPT_OUTPUT:
			if (cli_output_option(cmd, "output", optarg, &d->output) < 0)
				return EXIT_USAGE;
			break;
		case OPT_RECOVERED: d->only_recovered = true; break;
		case OPT_THREADS:
			if (!cli_parse_threads(optarg, &d->threads))
				return cli_usage_error(cmd, "--threads takes a number from 1 to 64, not '%s'", optarg);
			break;
		case OPT_SPOOL_LIMIT:
			if (!cli_parse_size(optarg, &d->spool_limit))
				return cli_usage_error(cmd, "--spool-limit takes a size such as 64G or 500M, not '%s'", optarg);
			break;
		case OPT_REMOTE:
			if (cli_remote_option(cmd, optarg, d->remotes, &d->nremotes, MAX_REMOTES) < 0)
				return EXIT_USAGE;
			break;
		case OPT_QUIET: d->quiet = true; break;
		case OPT_HELP: cli_help(cmd, stdout); return EXIT_OK;
		case ':': return cli_usage_error(cmd, "option '%s' needs an argument", argv[optind - 1]);
		default: return cli_unknown_option(cmd, argv[optind - 1]);
		}
	}
	return -1;
}

/* dump would read what it writes, for ever, from standard output that is a file it reads: one of the SOURCE files
 * (dump FILE >> FILE) is returned; one in a SOURCE directory is noted in *o to be passed over. POSIX only: Windows
 * names no file behind a handle here. */
static const char *stdout_source(char **sources, int n, struct source_options *o)
{
#ifndef _WIN32
	struct stat out, in;
	if (fstat(1, &out) != 0 || !S_ISREG(out.st_mode))
		return NULL;
	o->skip_own = true;
	o->own_dev = (uint64_t)out.st_dev;
	o->own_ino = (uint64_t)out.st_ino;
	for (int i = 0; i < n; i++)
		if (strcmp(sources[i], "-") && bc_stat(sources[i], &in) == 0 && in.st_dev == out.st_dev &&
		    in.st_ino == out.st_ino)
			return sources[i];
#else
	(void)sources;
	(void)n;
	(void)o;
#endif
	return NULL;
}

/* Whether an option leaves records out (the closing line then says how many of those read it kept). */
static bool filtered(const struct dump *d) { return d->ids.n || d->provider || d->only_recovered; }

/* Every SOURCE's records into d->out: out_produce's writer (the output replaced only when complete). */
static bool read_all(struct out_file *o, void *ctx)
{
	struct dump *d = ctx;
	d->out = o;
	d->began = true;
	struct event_sink sink = {.wants = filtered(d) ? wants : NULL, .format = d->format, .write = write_text, .ctx = d};
	for (int i = 0; i < d->nsources; i++)
		source_read(d->sources[i], d->sopt, &sink, &d->diag, d->stats);
	d->out = NULL;
	return !d->write_failed;
}

int cmd_dump(const struct cli_command *cmd, int argc, char **argv)
{
	struct dump d = {.format = &output_xml, .output = "-",
			 .diag = {.stream = stderr, .max_messages = 20, .max_notes = 10},
			 .threads = source_default_threads(), .spool_limit = (uint64_t)SOURCE_DEFAULT_SPOOL_LIMIT_GIB << 30};
	struct cli_parser p;
	cli_parser_init(&p, cmd);
	int status = parse_options(&d, cmd, argc, argv, &p);
	cli_parser_free(&p);
	if (status >= 0)
		return status;
	if (optind >= argc)
		return cli_usage_error(cmd, "no SOURCE given");
	status = cli_channels_named(cmd, argv + optind, argc - optind);
	if (status < 0)
		status = cli_outputs_apart(cmd, argv + optind, argc - optind);
	if (status >= 0)
		return status;
	progress_enable(!d.quiet);
	d.diag.quiet_notes = d.quiet;
	struct id_range ranges[64]; /* a live channel's server is asked for the --event-id events, of any time */
	struct source_options sopt = {.threads = d.threads, .spool_limit = d.spool_limit, .remotes = d.remotes,
				      .live_ids = id_list_set(&d.ids, ranges), .since = INT64_MIN, .until = INT64_MAX,
				      .verify_every_chunk = true};
	const char *own = strcmp(d.output, "-") ? NULL : stdout_source(argv + optind, argc - optind, &sopt);
	if (own)
		return cli_usage_error(cmd, "standard output is the SOURCE %s: dump would read what it writes", own);
	bool filtering = filtered(&d);
	struct source_stats st = {0};
	d.sources = argv + optind;
	d.nsources = argc - optind;
	d.sopt = &sopt;
	d.stats = &st;
	char name[4096];
	bool written = out_produce(d.output, read_all, &d, name, sizeof name);
	char of[48] = ""; /* filtered: "15 of 636 records read", so that 0 records kept does not read as none read */
	char remnants[64];
	snprintf(remnants, sizeof remnants, ", %lu carved remnant%s left out", st.remnants, st.remnants == 1 ? "" : "s");
	if (filtering)
		snprintf(of, sizeof of, " of %lu", st.records);
	if (!d.quiet && d.began)
		fprintf(stderr, "badcreds: dump: %lu%s record%s%s (%lu recovered), %lu skipped, %lu error%s, %lu warning%s%s"
			"%s%s\n", d.records, of, (filtering ? st.records : d.records) == 1 ? "" : "s", filtering ? " read" : "",
			d.recovered, d.diag.skipped_records, d.diag.errors, d.diag.errors == 1 ? "" : "s", d.diag.warnings,
			d.diag.warnings == 1 ? "" : "s", st.remnants ? remnants : "", written ? "; wrote " : "",
			written ? name : "");
	source_stats_free(&st);
	if (!written)
		return EXIT_OUTPUT; /* out_produce said why */
	return d.diag.errors ? EXIT_SKIPPED : EXIT_OK;
}
