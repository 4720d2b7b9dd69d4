/* dump.c: `badcreds dump`: prints the records of EVTX files as event XML or JSON lines. Live records come in file
 * order; records carved from damaged regions and slack follow each file, flagged, unless their EventRecordID is
 * already one of the file's live records (slack mostly holds older copies of them). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "badcreds/evtx_file.h"
#include "badcreds/source.h"
#include "badcreds/spool.h"
#include "badcreds/output.h"
#include "badcreds/progress.h"
#include "cli.h"

enum {
	OPT_FORMAT = 'f', OPT_EVENT_ID = 'e', OPT_PROVIDER = 'p', OPT_QUIET = 'q', OPT_HELP = 'h', OPT_THREADS = 'j',
	OPT_RECOVERED = 256, OPT_SPOOL_LIMIT, OPT_REMOTE, MAX_REMOTES = 64,
};

static const struct cli_option dump_options[] = {
	{ "format", OPT_FORMAT, "xml|jsonl", "output format (default: xml)" },
	{ "event-id", OPT_EVENT_ID, "LIST", "only these event IDs, e.g. 4625,4771-4776" },
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
	struct diag diag;
	unsigned long records, recovered;
	struct strbuf out;           /* events of XML sources, written as JSON lines */
	bool write_failed;
};

static bool provider_is(const struct evtx_value *v, const char *name)
{
	struct strbuf sb = {0};
	evtx_value_render(&sb, v);
	bool match = strcasecmp(sb_cstr(&sb), name) == 0;
	sb_free(&sb);
	return match;
}

/* In file order: the chunk's text goes out, its counts are added. */
static void commit(void *ctx, struct evtx_job *job)
{
	struct dump *d = ctx;
	if (job->text.len && fwrite(job->text.data, 1, job->text.len, stdout) != job->text.len)
		d->write_failed = true;
	d->records += job->emitted;
	d->recovered += job->recovered;
}

/* Events of XML exports and live channels (no Binary XML behind them): the event model as JSON lines, or their
 * element written back as XML. */
static void xml_source_event(void *ctx, const struct event *ev)
{
	struct dump *d = ctx;
	if ((d->ids.n && !((ev->has & EV_HAS_EVENT_ID) && id_list_has(&d->ids, ev->event_id))) ||
	    (d->provider && !provider_is(&ev->provider_name, d->provider)) || d->only_recovered)
		return;
	d->out.len = 0;
	if (d->format->needs_event) {
		const char *err;
		struct output_record r = {.event = ev};
		d->format->write(&d->out, &r, &err);
	} else if (ev->xml_element) {
		xml_write_element(&d->out, ev->xml_element);
	}
	if (fwrite(d->out.data, 1, d->out.len, stdout) != d->out.len)
		d->write_failed = true;
	d->records++;
	d->recovered += ev->recovered;
}


/* On a worker: filter, decode and format one record into the chunk's text. A carved record that does not decode or
 * is not plausible is a remnant (counted, summarised per file); a live or damaged record that does not decode is an
 * error. */
static void emit(void *ctx, struct evtx_job *job, struct evtx_chunk *c, const struct evtx_record *rec)
{
	const struct dump *d = ctx;
	struct arena *a = &job->arena;
	if (d->only_recovered && !rec->recovered)
		return;
	bool filtered = d->ids.n || d->provider, peeked = false;
	if (filtered) { /* decide from the template values alone when the record allows it */
		struct evtx_peek p;
		peeked = evtx_record_peek(c, rec, a, &p);
		if (peeked && ((d->ids.n && !(p.has_event_id && id_list_has(&d->ids, p.event_id))) ||
			       (d->provider && !provider_is(&p.provider, d->provider))))
			return;
	}
	struct bx_fragment frag;
	const char *err;
	uint64_t err_off;
	struct event ev;
	bool need_event = d->format->needs_event || (filtered && !peeked);
	enum evtx_decoded how = evtx_record_decode(c, rec, a, &frag, &ev, need_event, &err, &err_off);
	if (!evtx_job_decoded(job, rec, how, err, err_off))
		return;
	if (filtered && !peeked) {
		if (d->ids.n && !((ev.has & EV_HAS_EVENT_ID) && id_list_has(&d->ids, ev.event_id)))
			return;
		if (d->provider && !provider_is(&ev.provider_name, d->provider))
			return;
	}
	ev.source = job->source;
	struct output_record r = {.event = &ev, .chunk = &c->bx, .fragment = &frag, .arena = a};
	size_t mark = job->text.len;
	unsigned long cuts = c->bx.cuts;
	bool written = d->format->write(&job->text, &r, &err);
	if (written && (ev.cut || c->bx.cuts != cuts)) {
		evtx_job_cut(job, rec, ev.file_offset);
		if (!d->format->needs_event)
			sb_adds(&job->text, "<!-- the record above was cut: it expands beyond the limit -->\n");
	}
	if (!written) {
		job->text.len = mark;
		if (rec->recovered && !rec->damaged) {
			job->carved_unreadable++;
			return;
		}
		diag_report(&job->diag, DIAG_ERROR, ev.file_offset, "record %" PRIu64 " skipped: %s", rec->id,
			    err ? err : "damaged");
		job->diag.skipped_records++;
		return;
	}
	job->emitted++;
	job->recovered += rec->recovered;
}

static const struct evtx_file_ops dump_ops = {.record = emit, .commit = commit};

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
			if (!id_list_parse(&d->ids, optarg))
				return cli_usage_error(cmd, "bad event ID list '%s' (example: 4625,4771-4776)", optarg);
			break;
		case OPT_PROVIDER: d->provider = optarg; break;
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
			if (d->nremotes == MAX_REMOTES)
				return cli_usage_error(cmd, "at most %d --remote servers", MAX_REMOTES);
			d->remotes[d->nremotes++] = optarg;
			break;
		case OPT_QUIET: d->quiet = true; break;
		case OPT_HELP: cli_help(cmd, stdout); return EXIT_OK;
		case ':': return cli_usage_error(cmd, "option '%s' needs an argument", argv[optind - 1]);
		default: return cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
		}
	}
	return -1;
}

int cmd_dump(const struct cli_command *cmd, int argc, char **argv)
{
	struct dump d = {.format = &output_xml, .diag = {.stream = stderr, .max_messages = 20},
			 .threads = evtx_default_threads(), .spool_limit = (uint64_t)SPOOL_DEFAULT_LIMIT_GIB << 30};
	struct cli_parser p;
	cli_parser_init(&p, cmd);
	int status = parse_options(&d, cmd, argc, argv, &p);
	cli_parser_free(&p);
	if (status >= 0)
		return status;
	if (optind >= argc)
		return cli_usage_error(cmd, "no SOURCE given");
	progress_enable(!d.quiet);
	d.diag.quiet_notes = d.quiet;
	struct id_range ranges[64]; /* a live channel's server is asked for the --event-id events, of any time */
	struct source_options sopt = {.threads = d.threads, .spool_limit = d.spool_limit, .remotes = d.remotes,
				      .live_ids = id_list_set(&d.ids, ranges), .since = INT64_MIN, .until = INT64_MAX};
	struct event_sink sink = {.event = xml_source_event, .ctx = &d, .evtx_ops = &dump_ops, .evtx_ctx = &d};
	struct source_stats st = {0};
	for (int i = optind; i < argc; i++)
		source_read(argv[i], &sopt, &sink, &d.diag, &st);
	sb_free(&d.out);
	source_stats_free(&st);
	if (fflush(stdout) != 0)
		d.write_failed = true;
	if (!d.quiet)
		fprintf(stderr, "badcreds: dump: %lu records (%lu recovered), %lu skipped, %lu errors, %lu warnings\n",
			d.records, d.recovered, d.diag.skipped_records, d.diag.errors, d.diag.warnings);
	if (d.write_failed) {
		perror("badcreds: dump: writing output");
		return EXIT_OUTPUT;
	}
	return d.diag.errors ? EXIT_SKIPPED : EXIT_OK;
}
