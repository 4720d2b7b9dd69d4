/* options.c: turns a command's option table into getopt_long arguments and into its --help text (wrapped to fit 80
 * columns); the values that several commands' options share (threads, sizes, durations, time zones, the format an
 * output's name asks for). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "badcreds/filetime.h"
#include "badcreds/output.h"
#include "badcreds/text.h"
#include "cli.h"

static size_t nshared(const struct cli_command *cmd)
{
	size_t n = 0;
	while (cmd->shared && cmd->shared[n].name)
		n++;
	return n;
}

void cli_parser_init(struct cli_parser *p, const struct cli_command *cmd)
{
	cli_outputs_forget(); /* a new command line */
	size_t total = cmd->noptions + nshared(cmd), s = 0;
	p->longopts = calloc(total + 1, sizeof *p->longopts);   /* the last one all zero: the end */
	p->shortopts = malloc(1 + 2 * total + 1);              /* ':', each letter and its ':', the NUL */
	if (!p->longopts || !p->shortopts)
		abort();
	p->shortopts[s++] = ':'; /* report a missing argument as ':' rather than '?' */
	for (size_t i = 0; i < total; i++) {
		const struct cli_option *o = i < cmd->noptions ? &cmd->options[i] : &cmd->shared[i - cmd->noptions];
		p->longopts[i] = (struct option){o->name, o->arg ? required_argument : no_argument, NULL, o->key};
		if (o->key < 256) {
			p->shortopts[s++] = (char)o->key;
			if (o->arg)
				p->shortopts[s++] = ':';
		}
	}
	p->shortopts[s] = 0;
}

int cli_next(struct cli_parser *p, int argc, char **argv) { return getopt_long(argc, argv, p->shortopts, p->longopts, NULL); }

void cli_parser_free(struct cli_parser *p)
{
	free(p->longopts);
	free(p->shortopts);
}

void cli_help_wrap(FILE *out, const char *text, size_t col, size_t indent)
{
	bool first = true; /* of its line */
	for (const char *p = text; *p;) {
		size_t w = strcspn(p, " ");
		if (!first && col + 1 + w > HELP_WIDTH) {
			fprintf(out, "\n%*s", (int)indent, "");
			col = indent;
			first = true;
		}
		if (!first) {
			fputc(' ', out);
			col++;
		}
		fwrite(p, 1, w, out);
		col += w;
		first = false;
		for (p += w; *p == ' ';)
			p++;
	}
	fputc('\n', out);
}

void cli_help(const struct cli_command *cmd, FILE *out)
{
	char usage[512];
	snprintf(usage, sizeof usage, "usage: badcreds %s [options] %s", cmd->name, cmd->args);
	cli_help_wrap(out, usage, 0, 16);
	cli_help_wrap(out, cmd->summary, 0, 0);
	fputs("\noptions:\n", out);
	for (size_t i = 0; i < cmd->noptions + nshared(cmd); i++) {
		const struct cli_option *o = i < cmd->noptions ? &cmd->options[i] : &cmd->shared[i - cmd->noptions];
		char left[64];
		int n = o->key < 256 ? snprintf(left, sizeof left, "-%c, --%s", o->key, o->name)
				     : snprintf(left, sizeof left, "    --%s", o->name);
		if (o->arg && n > 0 && (size_t)n < sizeof left)
			snprintf(left + n, sizeof left - (size_t)n, " %s", o->arg);
		if (strlen(left) > 30) /* its help on a line of its own, where the others' begin */
			fprintf(out, "  %s\n%33s", left, "");
		else
			fprintf(out, "  %-30s ", left);
		cli_help_wrap(out, o->help, 33, 33);
	}
	fputs("\nSee badcreds(1) for details and exit statuses.\n", out);
}

/* One row of the edit-distance table at a time (command and option names are short). */
unsigned cli_edits(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	if (na > nb + 2 || nb > na + 2 || nb >= 16)
		return 3;
	unsigned row[16];
	for (size_t j = 0; j <= nb; j++)
		row[j] = (unsigned)j;
	for (size_t i = 1; i <= na; i++) {
		unsigned diagonal = row[0];
		row[0] = (unsigned)i;
		for (size_t j = 1; j <= nb; j++) {
			unsigned up = row[j], best = diagonal + (a[i - 1] != b[j - 1]);
			best = up + 1 < best ? up + 1 : best;
			best = row[j - 1] + 1 < best ? row[j - 1] + 1 : best;
			diagonal = up;
			row[j] = best;
		}
	}
	return row[nb] < 3 ? row[nb] : 3;
}

int cli_unknown_option(const struct cli_command *cmd, const char *arg)
{
	const char *typed = arg + strspn(arg, "-"), *near = NULL;
	char name[64];
	snprintf(name, sizeof name, "%.*s", (int)strcspn(typed, "="), typed);
	unsigned fewest = arg[0] == '-' && arg[1] == '-' && strlen(name) > 2 ? 3 : 0;
	for (size_t i = 0; fewest && i < cmd->noptions; i++) {
		unsigned e = cli_edits(name, cmd->options[i].name);
		if (e < fewest)
			fewest = e, near = cmd->options[i].name;
	}
	for (const struct cli_option *o = cmd->shared; fewest && o && o->name; o++) {
		unsigned e = cli_edits(name, o->name);
		if (e < fewest)
			fewest = e, near = o->name;
	}
	if (near)
		return cli_usage_error(cmd, "unknown option '%s' (did you mean '--%s'?)", arg, near);
	return cli_usage_error(cmd, "unknown option '%s'", arg);
}

int cli_usage_error(const struct cli_command *cmd, const char *fmt, ...)
{
	char raw[2048]; /* the values quoted are as typed: control characters are shown, not sent to the terminal */
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof raw, fmt, ap);
	va_end(ap);
	struct strbuf shown = {0};
	text_visible_str(&shown, raw);
	fprintf(stderr, "badcreds %s: %s\nTry 'badcreds %s --help'.\n", cmd->name, sb_cstr(&shown), cmd->name);
	sb_free(&shown);
	return EXIT_USAGE;
}

/* Digits (no sign, no space) up to UINT32_MAX. Read as 64 bits on every platform: strtoul is 32 bits on Windows,
 * where 4294967296 and beyond saturate to 4294967295 and would pass. An overflow of 64 bits saturates to
 * ULLONG_MAX, out of range too. */
static bool parse_u32(const char *s, const char **end, uint32_t *out)
{
	char *e;
	if (*s < '0' || *s > '9')
		return false;
	unsigned long long v = strtoull(s, &e, 10);
	if (v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	*end = e;
	return true;
}

bool id_list_parse(struct id_list *l, const char *text)
{
	const char *p = text;
	for (;;) { /* an item before and after each comma: "", "4625," and "4625,,4771" are no lists */
		uint32_t lo, hi;
		if (!parse_u32(p, &p, &lo) || lo > EVENT_ID_MAX)
			return false;
		hi = lo;
		if (*p == '-' && (!parse_u32(p + 1, &p, &hi) || hi < lo || hi > EVENT_ID_MAX))
			return false;
		if (l->n == sizeof l->lo / sizeof l->lo[0])
			return false;
		l->lo[l->n] = lo;
		l->hi[l->n++] = hi;
		if (*p != ',')
			return !*p;
		p++;
	}
}

int cli_event_id_option(const struct cli_command *cmd, const char *arg, struct id_list *l)
{
	if (!id_list_parse(l, arg))
		return cli_usage_error(cmd, "--event-id takes event IDs from 0 to %d and ranges of them, such as "
				       "4625,4771-4776, not '%s'", EVENT_ID_MAX, arg), -1;
	return 1;
}

static int cmp_range(const void *a, const void *b)
{
	const struct id_range *x = a, *y = b;
	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

struct id_set id_list_set(const struct id_list *l, struct id_range *ranges)
{
	size_t n = 0;
	for (unsigned i = 0; i < l->n; i++)
		ranges[n++] = (struct id_range){l->lo[i], l->hi[i]};
	if (n > 1)
		qsort(ranges, n, sizeof *ranges, cmp_range);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) { /* overlapping or adjacent ranges become one */
		if (k && ranges[i].lo <= ranges[k - 1].hi + (uint64_t)1) {
			if (ranges[i].hi > ranges[k - 1].hi)
				ranges[k - 1].hi = ranges[i].hi;
		} else {
			ranges[k++] = ranges[i];
		}
	}
	return (struct id_set){ranges, k};
}

bool id_list_has(const struct id_list *l, uint32_t id)
{
	for (unsigned i = 0; i < l->n; i++)
		if (id >= l->lo[i] && id <= l->hi[i])
			return true;
	return false;
}

bool cli_parse_threads(const char *text, unsigned *out)
{
	uint32_t n;
	const char *end;
	if (!parse_u32(text, &end, &n) || *end || n < 1 || n > 64)
		return false;
	*out = n;
	return true;
}

bool cli_parse_size(const char *text, uint64_t *out)
{
	uint32_t n;
	const char *end;
	if (!parse_u32(text, &end, &n))
		return false;
	unsigned shift = 0;
	switch (*end) {
	case 'K': case 'k': shift = 10; end++; break;
	case 'M': case 'm': shift = 20; end++; break;
	case 'G': case 'g': shift = 30; end++; break;
	case 'T': case 't': shift = 40; end++; break;
	default: break;
	}
	if (*end == 'i' && shift)
		end++;
	if (*end == 'B' || *end == 'b')
		end++;
	if (*end || (uint64_t)n > UINT64_MAX >> shift)
		return false;
	*out = (uint64_t)n << shift;
	return true;
}

bool cli_parse_duration(const char *text, int64_t *ticks)
{
	char *end;
	long long v = strtoll(text, &end, 10);
	long unit = 60;
	if (end == text || v <= 0 || v > 100000)
		return false;
	if (*end == 's' || *end == 'm' || *end == 'h' || *end == 'd')
		unit = *end == 's' ? 1 : *end == 'm' ? 60 : *end == 'h' ? 3600 : 86400, end++;
	if (*end)
		return false;
	*ticks = (int64_t)v * unit * FILETIME_SECOND;
	return true;
}

const char *cli_format_of_name(const char *name)
{
	static const char *const endings[][2] = {{".csv", "csv"}, {".jsonl", "jsonl"}, {".json", "jsonl"}};
	size_t n = strlen(name);
	if (n > 3 && !strcasecmp(name + n - 3, ".gz"))
		n -= 3;
	for (size_t i = 0; i < sizeof endings / sizeof endings[0]; i++) {
		size_t k = strlen(endings[i][0]);
		if (n > k && !strncasecmp(name + n - k, endings[i][0], k))
			return endings[i][1];
	}
	return NULL;
}

int cli_format_or_name(int format, const char *output)
{
	const char *named = format < 0 ? cli_format_of_name(output) : NULL;
	return !named ? format : !strcmp(named, "jsonl") ? FORMAT_JSONL : FORMAT_CSV;
}

int cli_channels_named(const struct cli_command *cmd, char **sources, int nsources)
{
	for (int i = 0; i < nsources; i++)
		if (!strcmp(sources[i], "channel:"))
			return cli_usage_error(cmd, "a live channel needs its name, such as channel:Security, not '%s'",
					       sources[i]);
	return -1;
}

int cli_remote_option(const struct cli_command *cmd, const char *arg, const char **remotes, unsigned *n,
		      unsigned max)
{
	if (!*arg)
		return cli_usage_error(cmd, "--remote takes a server name, such as ADFS01, not '%s'", arg), -1;
	if (*n == max)
		return cli_usage_error(cmd, "at most %u --remote servers", max), -1;
	remotes[(*n)++] = arg;
	return 1;
}

int cli_format_option(const struct cli_command *cmd, const char *arg, int *format)
{
	*format = !strcasecmp(arg, "text") ? FORMAT_TEXT : !strcasecmp(arg, "csv") ? FORMAT_CSV
		: !strcasecmp(arg, "jsonl") ? FORMAT_JSONL : -1; /* CSV and UTC as the help desk writes them */
	if (*format < 0)
		return cli_usage_error(cmd, "unknown format '%s' (text, csv or jsonl)", arg), -1;
	return 1;
}

int cli_tz_option(const struct cli_command *cmd, const char *arg, bool *local)
{
	if (strcasecmp(arg, "utc") && strcasecmp(arg, "local"))
		return cli_usage_error(cmd, "unknown time zone '%s' (utc or local)", arg), -1;
	*local = !strcasecmp(arg, "local");
	return 1;
}
