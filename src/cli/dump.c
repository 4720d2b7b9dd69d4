/* dump.c: `badcreds dump`: prints the records of EVTX files as event XML or JSON lines. Live records come in file
 * order; records carved from damaged regions and slack follow each file, flagged, unless their EventRecordID is
 * already one of the file's live records (slack mostly holds older copies of them). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "badcreds/evtx_reader.h"
#include "badcreds/output.h"
#include "cli.h"

enum { OPT_FORMAT = 'f', OPT_EVENT_ID = 'e', OPT_PROVIDER = 'p', OPT_RECOVERED = 256, OPT_QUIET = 'q', OPT_HELP = 'h' };

static const struct cli_option dump_options[] = {
	{ "format", OPT_FORMAT, "xml|jsonl", "output format (default: xml)" },
	{ "event-id", OPT_EVENT_ID, "LIST", "only these event IDs, e.g. 4625,4771-4776" },
	{ "provider", OPT_PROVIDER, "NAME", "only events of this provider (case-insensitive)" },
	{ "recovered", OPT_RECOVERED, NULL, "only records carved from damaged regions and slack" },
	{ "quiet", OPT_QUIET, NULL, "no summary line on stderr" },
	{ "help", OPT_HELP, NULL, "show this help" },
};

const struct cli_command dump_command = {
	.name = "dump",
	.args = "SOURCE...",
	.summary = "Print the records of EVTX files as event XML or JSON lines.",
	.options = dump_options,
	.noptions = sizeof dump_options / sizeof dump_options[0],
	.run = cmd_dump,
};

struct dump {
	const struct output_format *format;
	struct id_list ids;
	const char *provider;
	bool only_recovered, quiet;
	struct diag diag;
	struct strbuf out;
	struct arena arena;          /* per record */
	unsigned long records, recovered, duplicates;
	bool write_failed;
};

/* EventRecordIDs of a file's live records as sorted, merged ranges: one entry per run, not per record. */
struct id_ranges {
	uint64_t (*r)[2];
	size_t n, cap;
};

static void ranges_add(struct id_ranges *s, uint64_t id)
{
	if (s->n && s->r[s->n - 1][1] + 1 == id) {
		s->r[s->n - 1][1] = id;
		return;
	}
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->r = realloc(s->r, s->cap * sizeof *s->r);
		if (!s->r)
			abort();
	}
	s->r[s->n][0] = s->r[s->n][1] = id;
	s->n++;
}

static int cmp_range(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;
	return x[0] < y[0] ? -1 : x[0] > y[0];
}

static void ranges_seal(struct id_ranges *s)
{
	qsort(s->r, s->n, sizeof *s->r, cmp_range);
	size_t k = 0;
	for (size_t i = 0; i < s->n; i++) {
		if (k && s->r[i][0] <= s->r[k - 1][1] + 1) {
			if (s->r[i][1] > s->r[k - 1][1])
				s->r[k - 1][1] = s->r[i][1];
		} else {
			s->r[k][0] = s->r[i][0];
			s->r[k][1] = s->r[i][1];
			k++;
		}
	}
	s->n = k;
}

static bool ranges_has(const struct id_ranges *s, uint64_t id)
{
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (id < s->r[mid][0])
			hi = mid;
		else if (id > s->r[mid][1])
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

/* A carved record waiting for the end of its file. */
struct carved {
	uint64_t slot, id;
	uint32_t offset;
};

static void flush(struct dump *d)
{
	if (d->out.len && fwrite(d->out.data, 1, d->out.len, stdout) != d->out.len)
		d->write_failed = true;
	d->out.len = 0;
}

static bool provider_is(const struct evtx_value *v, const char *name)
{
	struct strbuf sb = {0};
	evtx_value_render(&sb, v);
	bool match = strcasecmp(sb_cstr(&sb), name) == 0;
	sb_free(&sb);
	return match;
}

static void emit(struct dump *d, struct evtx_chunk *c, const struct evtx_record *rec, const char *path)
{
	struct arena *a = &d->arena;
	arena_reset(a);
	uint64_t file_off = c->file_offset + rec->offset;
	if (!rec->recovered && (d->ids.n || d->provider)) {
		uint32_t id;
		struct evtx_value prov;
		if (evtx_record_peek(c, rec, a, &id, &prov) &&
		    ((d->ids.n && !id_list_has(&d->ids, id)) || (d->provider && !provider_is(&prov, d->provider))))
			return;
	}
	struct bx_fragment frag;
	const char *err = NULL;
	uint32_t err_off = 0;
	struct event ev;
	if (!evtx_record_compile(c, rec, a, &frag, &err, &err_off) || !event_from_fragment(&ev, &c->bx, &frag, a, &err)) {
		diag_report(&d->diag, DIAG_ERROR, err_off ? c->file_offset + err_off : file_off,
			    "record %" PRIu64 " skipped: %s", rec->id, err ? err : "damaged");
		d->diag.skipped_records++;
		return;
	}
	if (d->ids.n && !((ev.has & EV_HAS_EVENT_ID) && id_list_has(&d->ids, ev.event_id)))
		return;
	if (d->provider && !provider_is(&ev.provider_name, d->provider))
		return;
	ev.header_record_id = rec->id;
	ev.written_time = (int64_t)rec->written_time;
	ev.recovered = rec->recovered;
	ev.source = path;
	ev.file_offset = file_off;
	struct output_record r = {.event = &ev, .chunk = &c->bx, .fragment = &frag, .arena = a};
	size_t mark = d->out.len;
	if (!d->format->write(&d->out, &r, &err)) {
		d->out.len = mark;
		diag_report(&d->diag, DIAG_ERROR, file_off, "record %" PRIu64 " skipped: %s", rec->id, err);
		d->diag.skipped_records++;
		return;
	}
	d->records++;
	d->recovered += rec->recovered;
	if (d->out.len > (1 << 20))
		flush(d);
}

static int cmp_carved_id(const void *a, const void *b)
{
	const struct carved *x = a, *y = b;
	return x->id < y->id ? -1 : x->id > y->id;
}

static int cmp_carved_pos(const void *a, const void *b)
{
	const struct carved *x = a, *y = b;
	if (x->slot != y->slot)
		return x->slot < y->slot ? -1 : 1;
	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

static void dump_file(struct dump *d, const char *path, struct evtx_chunk *c)
{
	struct evtx_reader r;
	diag_begin_file(&d->diag, path);
	if (!evtx_reader_open(&r, path, &d->diag))
		return;
	struct id_ranges live = {0};
	struct carved *carved = NULL;
	size_t ncarved = 0, cap = 0;
	bool any_chunk = false;
	while (evtx_reader_next_chunk(&r, c)) {
		any_chunk = true;
		struct evtx_record_iter it;
		struct evtx_record rec;
		evtx_record_iter_begin(c, &it);
		while (evtx_chunk_next_record(c, &it, &rec, &d->diag)) {
			if (rec.recovered) {
				if (ncarved == cap) {
					cap = cap ? cap * 2 : 64;
					carved = realloc(carved, cap * sizeof *carved);
					if (!carved)
						abort();
				}
				carved[ncarved++] = (struct carved){.slot = c->slot, .id = rec.id, .offset = rec.offset};
				continue;
			}
			ranges_add(&live, rec.id);
			if (!d->only_recovered)
				emit(d, c, &rec, path);
		}
	}
	if (!any_chunk && !r.header_valid)
		diag_report(&d->diag, DIAG_ERROR, 0, "not an EVTX file: no header and no chunk");
	ranges_seal(&live);
	/* carved records: drop copies of live records and of each other, then emit them in file order */
	qsort(carved, ncarved, sizeof *carved, cmp_carved_id);
	size_t k = 0;
	for (size_t i = 0; i < ncarved; i++) {
		if (ranges_has(&live, carved[i].id) || (k && carved[k - 1].id == carved[i].id)) {
			d->duplicates++;
			continue;
		}
		carved[k++] = carved[i];
	}
	qsort(carved, k, sizeof *carved, cmp_carved_pos);
	uint64_t loaded = UINT64_MAX;
	for (size_t i = 0; i < k; i++) {
		struct evtx_record rec;
		if (carved[i].slot != loaded) {
			if (!evtx_reader_load_chunk(&r, carved[i].slot, c))
				continue;
			loaded = carved[i].slot;
		}
		if (!evtx_chunk_record_at(c, carved[i].offset, &rec))
			continue;
		rec.recovered = true;
		emit(d, c, &rec, path);
	}
	free(carved);
	free(live.r);
	evtx_reader_close(&r);
	diag_end_file(&d->diag);
}

int cmd_dump(const struct cli_command *cmd, int argc, char **argv)
{
	struct dump d = {.format = &output_xml, .diag = {.stream = stderr, .max_messages = 20}};
	struct cli_parser p;
	cli_parser_init(&p, cmd);
	int opt;
	while ((opt = cli_next(&p, argc, argv)) != -1) {
		switch (opt) {
		case OPT_FORMAT:
			d.format = output_find(optarg);
			if (!d.format)
				return cli_usage_error(cmd, "unknown format '%s' (xml or jsonl)", optarg);
			break;
		case OPT_EVENT_ID:
			if (!id_list_parse(&d.ids, optarg))
				return cli_usage_error(cmd, "bad event ID list '%s' (example: 4625,4771-4776)", optarg);
			break;
		case OPT_PROVIDER: d.provider = optarg; break;
		case OPT_RECOVERED: d.only_recovered = true; break;
		case OPT_QUIET: d.quiet = true; break;
		case OPT_HELP: cli_help(cmd, stdout); return EXIT_OK;
		case ':': return cli_usage_error(cmd, "option '%s' needs an argument", argv[optind - 1]);
		default: return cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return cli_usage_error(cmd, "no SOURCE given");
	struct evtx_chunk *c = malloc(sizeof *c);
	if (!c)
		abort();
	evtx_chunk_init(c);
	for (int i = optind; i < argc; i++)
		dump_file(&d, argv[i], c);
	flush(&d);
	evtx_chunk_free(c);
	free(c);
	arena_free(&d.arena);
	sb_free(&d.out);
	if (fflush(stdout) != 0)
		d.write_failed = true;
	if (!d.quiet)
		fprintf(stderr, "badcreds: dump: %lu records (%lu recovered, %lu slack copies of live records dropped), "
				"%lu skipped, %lu errors, %lu warnings\n",
			d.records, d.recovered, d.duplicates, d.diag.skipped_records, d.diag.errors, d.diag.warnings);
	if (d.write_failed) {
		perror("badcreds: dump: writing output");
		return EXIT_OUTPUT;
	}
	return d.diag.errors ? EXIT_SKIPPED : EXIT_OK;
}
