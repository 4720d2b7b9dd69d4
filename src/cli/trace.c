/* trace.c: `badcreds trace`: every event of the requests that match (a user, an address, an activity or instance
 * ID), request by request in time order, with all their fields: what ADFSSecAuditParse.ps1 writes as one text file
 * per instance, in one view. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "badcreds/filetime.h"
#include "badcreds/output.h"
#include "badcreds/report.h"
#include "badcreds/text.h"
#include "selection.h"

enum { OPT_OUTPUT = 'o', OPT_FORMAT = 'f', OPT_ACTIVITY = 256, OPT_INSTANCE, OPT_TZ };

static const struct cli_option trace_options[] = {
	{ "activity", OPT_ACTIVITY, "ID", "the request with this activity ID, a GUID (braces and case do not matter)" },
	{ "instance", OPT_INSTANCE, "ID", "the request with this instance ID (a GUID)" },
	{ "output", OPT_OUTPUT, "FILE", "where the trace goes (default: - = stdout)" },
	{ "format", OPT_FORMAT, "text|jsonl",
	  "text for people (default), or one JSON object per event (default for -o NAME.jsonl or .json)" },
	{ "tz", OPT_TZ, "utc|local", "time zone of the times (default: utc; an event's own SystemTime stays UTC)" },
};

const struct cli_command trace_command = {
	.name = "trace",
	.args = "SOURCE...",
	.summary = "Show every event of the matching requests (--user, --ip, --activity, --instance...).",
	.options = trace_options,
	.noptions = sizeof trace_options / sizeof trace_options[0],
	.shared = selection_options,
	.run = cmd_trace,
};

struct trace_settings {
	const char *activity, *instance, *output;
	bool jsonl, format_given, local_time;
};

/* A GUID as AD FS writes its IDs, 8-4-4-4-12 hex digits, with or without braces. */
static bool is_guid(const char *s)
{
	size_t n = strlen(s);
	if (n == 38 && s[0] == '{' && s[37] == '}')
		s++, n -= 2;
	if (n != 36)
		return false;
	for (size_t i = 0; i < 36; i++)
		if (i == 8 || i == 13 || i == 18 || i == 23 ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

static int guid_option(const struct cli_command *cmd, const char *option, const char *arg, const char **out)
{
	if (!is_guid(arg))
		return cli_usage_error(cmd, "--%s takes a GUID such as 7b2e4c1a-9f3d-4e8b-a1c2-3d4e5f607182 (braces "
				       "allowed), not '%s'", option, arg), -1;
	*out = arg;
	return 1;
}

static int trace_option(void *ctx, const struct cli_command *cmd, int opt, const char *arg)
{
	struct trace_settings *t = ctx;
	switch (opt) {
	case OPT_ACTIVITY:
		if (is_guid(arg) && !arg[strspn(arg, "{}0-")]) /* what AD FS writes for Exchange Online's relay */
			return cli_usage_error(cmd, "--activity %s: the zero activity ID is no request's (AD FS writes it for "
					       "every request Exchange Online relays): give --user, --ip or --instance",
					       arg), -1;
		return guid_option(cmd, "activity", arg, &t->activity);
	case OPT_INSTANCE: return guid_option(cmd, "instance", arg, &t->instance);
	case OPT_OUTPUT: return cli_output_option(cmd, "output", arg, &t->output);
	case OPT_TZ: return cli_tz_option(cmd, arg, &t->local_time);
	case OPT_FORMAT:
		if (strcasecmp(arg, "text") && strcasecmp(arg, "jsonl"))
			return cli_usage_error(cmd, "unknown format '%s' (text or jsonl)", arg), -1;
		t->jsonl = !strcasecmp(arg, "jsonl");
		t->format_given = true;
		return 1;
	default: return 0;
	}
}

/* "{ABC-...}" and "abc-..." name the same ID. */
static bool same_id(const char *given, const char *id)
{
	if (!given || !id)
		return false;
	size_t n = strlen(given);
	if (given[0] == '{' && n > 2 && given[n - 1] == '}')
		given++, n -= 2;
	return strlen(id) == n && strncasecmp(given, id, n) == 0;
}

/* The most of an event trace keeps in memory for its report: 64 KiB a value (the most one Windows event value
 * holds), 256 KiB an event as a JSON line. More only comes from a crafted file (a template that repeats a value
 * thousands of times); kept whole, a few hundred such events took gigabytes. What is left out is marked, and
 * badcreds dump shows the whole event. */
enum { TRACE_VALUE_MAX = 65535, TRACE_JSON_MAX = 256 * 1024 };

/* One event as text: every value from the log made visible; a value of several lines stays indented under its
 * name, each further line after a bar (CR LF and LF end lines; any other control character is shown), so that a
 * line break typed into a user name cannot pass for another field. */
static void render_text(struct strbuf *out, const struct event *ev, bool local)
{
	sb_adds(out, "  ");
	filetime_format_ms(out, ev->time_created, local);
	struct strbuf v = {0};
	evtx_value_render(&v, &ev->provider_name);
	sb_adds(out, "  ");
	sb_add_u64(out, ev->event_id);
	sb_adds(out, "  ");
	text_visible(out, v.data ? v.data : "", v.len);
	sb_adds(out, "  record ");
	sb_add_u64(out, ev->record_id);
	if (ev->source) {
		sb_adds(out, "  ");
		text_visible_str(out, ev->source);
	}
	sb_addc(out, '\n');
	for (uint32_t i = 0; i < ev->ndata; i++) {
		v.len = 0;
		evtx_value_render(&v, &ev->data[i].value);
		bool cut = v.len > TRACE_VALUE_MAX;
		if (cut)
			v.len = utf8_cut(v.data, TRACE_VALUE_MAX);
		sb_adds(out, "      ");
		if (ev->data[i].name[0]) {
			text_visible_str(out, ev->data[i].name);
		} else {
			sb_adds(out, "Data[");
			sb_add_u64(out, i);
			sb_addc(out, ']');
		}
		sb_adds(out, ": ");
		for (size_t k = 0; k < v.len;) {
			const char *line = v.data + k, *nl = memchr(line, '\n', v.len - k);
			size_t n = nl ? (size_t)(nl - line) : v.len - k;
			k += n + (nl != NULL);
			if (nl && n && line[n - 1] == '\r')
				n--;
			text_visible(out, line, n);
			if (nl && k < v.len)
				sb_adds(out, "\n        | "); /* a line no value can forge */
		}
		if (cut)
			sb_adds(out, " [cut: badcreds dump shows the whole value]");
		sb_addc(out, '\n');
	}
	sb_free(&v);
}

static void render_text_utc(struct strbuf *out, const struct event *ev) { render_text(out, ev, false); }
static void render_text_local(struct strbuf *out, const struct event *ev) { render_text(out, ev, true); }

static void render_json(struct strbuf *out, const struct event *ev)
{
	const char *err;
	size_t start = out->len;
	struct output_record r = {.event = ev};
	output_jsonl.write(out, &r, &err);
	if (out->len - start > TRACE_JSON_MAX) { /* the event without its values, and why */
		struct event bare = *ev;
		bare.ndata = 0;
		out->len = start;
		r.event = &bare;
		output_jsonl.write(out, &r, &err);
		while (out->len > start && out->data[out->len - 1] != '}')
			out->len--;
		if (out->len > start) {
			out->len--;
			sb_adds(out, ",\"EventDataLeftOut\":\"EventData over 256 KiB: badcreds dump shows it\"}");
		}
	}
	if (out->len && out->data[out->len - 1] == '\n')
		out->len--;
}

/* A lockout of a --user account: what decided it, then the DC and host events it rests on, in time order. */
static void lockout_text(struct strbuf *sb, const struct lockout *l, size_t n, bool local)
{
	sb_adds(sb, n > 1 ? "\nLockout of " : "Lockout of ");
	text_visible_str(sb, l->account);
	sb_adds(sb, " at ");
	filetime_format_ms(sb, l->locked_at, local);
	sb_printf(sb, ": %s\n  ", lockout_cause_name(l->cause));
	text_visible_str(sb, l->basis);
	sb_adds(sb, "\n  next step: ");
	text_visible_str(sb, l->next_step);
	sb_addc(sb, '\n');
	for (size_t i = 0; i < l->nevidence; i++) {
		const struct lockout_evidence *e = &l->evidence[i];
		sb_adds(sb, "  ");
		filetime_format_ms(sb, e->time, local);
		sb_printf(sb, "  %u  ", e->event_id);
		text_visible_str(sb, e->computer);
		sb_adds(sb, "  ");
		text_visible_str(sb, e->detail);
		sb_adds(sb, "  (");
		text_visible_str(sb, e->file);
		sb_printf(sb, " #%llu)\n", (unsigned long long)e->record_id);
	}
}

static void lockout_json(struct strbuf *sb, const struct lockout *l, size_t n, bool local)
{
	for (size_t i = 0; i < l->nevidence; i++) {
		const struct lockout_evidence *e = &l->evidence[i];
		sb_printf(sb, "{\"lockout\":%zu,\"account\":", n);
		json_escape(sb, l->account, strlen(l->account));
		sb_printf(sb, ",\"cause\":\"%s\",\"time\":\"", lockout_cause_name(l->cause));
		filetime_format_ms(sb, e->time, local);
		sb_adds(sb, "\",\"computer\":");
		json_escape(sb, e->computer, strlen(e->computer));
		sb_printf(sb, ",\"event_id\":%u,\"record_id\":%llu,\"file\":", e->event_id,
			  (unsigned long long)e->record_id);
		json_escape(sb, e->file, strlen(e->file));
		sb_adds(sb, ",\"detail\":");
		json_escape(sb, e->detail, strlen(e->detail));
		sb_adds(sb, "}\n");
	}
}

static bool write_lockouts(struct out_file *o, const struct selection *sel, const struct trace_settings *t,
			   size_t requests)
{
	struct strbuf sb = {0};
	bool ok = true;
	for (size_t i = 0; i < sel->nlockout_rows && ok; i++) {
		sb.len = 0;
		if (t->jsonl)
			lockout_json(&sb, &sel->lockout_rows[i], i + 1, t->local_time);
		else
			lockout_text(&sb, &sel->lockout_rows[i], requests + i + 1, t->local_time);
		ok = out_write(o, sb.data ? sb.data : "", sb.len);
	}
	sb_free(&sb);
	return ok;
}

/* A request as trace shows it: a bad-credential attempt, or a success. */
struct request_view {
	const char *server, *user, *ip, *ip_class, *outcome, *activity, *instance;
	int64_t time;
	const struct fact *const *facts;
	size_t nfacts;
};

static bool wanted(const struct trace_settings *t, const struct request_view *v)
{
	return (!t->activity || same_id(t->activity, v->activity)) && (!t->instance || same_id(t->instance, v->instance));
}

static bool attempt_wanted(const struct trace_settings *t, const struct attempt *a)
{
	return wanted(t, &(struct request_view){.activity = a->activity, .instance = a->instance});
}

/* Whose events the correlator keeps: the requests --activity and --instance take. */
static bool events_wanted(void *ctx, const struct attempt *a) { return attempt_wanted(ctx, a); }

/* The attempts the options keep and --activity and --instance take, as trace shows them (their texts copied: an
 * attempt lives only while selection_each hands it out). */
struct kept_views {
	const struct trace_settings *t;
	struct request_view *v;
	size_t n, cap;
	struct arena arena;
};

struct trace_job {
	struct selection *sel;
	const struct trace_settings *t;
	const struct kept_views *attempts;
	size_t matched, successes;
};

static const char *copy(struct arena *a, const char *s) { return s ? arena_copy(a, s, strlen(s) + 1) : NULL; }

/* selection_each: an attempt kept, as a view with its own texts (its events live as long as the correlator). */
static void keep_view(void *ctx, const struct attempt *a)
{
	struct kept_views *k = ctx;
	if (!attempt_wanted(k->t, a))
		return;
	if (k->n == k->cap) {
		k->cap = k->cap ? 2 * k->cap : 64;
		k->v = realloc(k->v, k->cap * sizeof *k->v);
		if (!k->v)
			abort();
	}
	k->v[k->n++] = (struct request_view){copy(&k->arena, a->server), copy(&k->arena, a->user),
					     copy(&k->arena, a->ip), *a->ip_class ? copy(&k->arena, a->ip_class) : "unknown",
					     outcome_name(a->outcome), copy(&k->arena, a->activity),
					     copy(&k->arena, a->instance), a->time, a->facts, a->nfacts};
}

static struct request_view success_view(const struct success *o)
{
	return (struct request_view){o->server, o->user, o->ip ? o->ip : "", "", "success", o->activity, o->instance,
				     o->time, o->facts, o->nfacts};
}

static void write_view(struct strbuf *sb, const struct request_view *v, size_t n, const struct trace_settings *t)
{
	bool jsonl = t->jsonl;
	if (!jsonl) {
		sb_adds(sb, n > 1 ? "\nRequest on " : "Request on ");
		text_visible_str(sb, v->server);
		sb_adds(sb, " at ");
		filetime_format_ms(sb, v->time, t->local_time);
		sb_adds(sb, ": ");
		text_visible_str(sb, v->user);
		sb_printf(sb, " from %s", *v->ip ? v->ip : "-");
		if (*v->ip_class)
			sb_printf(sb, " (%s)", v->ip_class);
		sb_printf(sb, ", %s\n  activity ", v->outcome);
		text_visible_str(sb, v->activity && *v->activity ? v->activity : "(zero)");
		sb_adds(sb, ", instance ");
		text_visible_str(sb, v->instance ? v->instance : "-");
		sb_addc(sb, '\n');
	}
	for (size_t k = 0; k < v->nfacts; k++) {
		const char *text = v->facts[k]->rendered ? v->facts[k]->rendered : "";
		if (!jsonl) {
			sb_adds(sb, text);
			continue;
		}
		sb_printf(sb, "{\"request\":%zu,\"server\":", n);
		json_escape(sb, v->server, strlen(v->server));
		sb_adds(sb, ",\"user\":");
		json_escape(sb, v->user, strlen(v->user));
		sb_adds(sb, ",\"ip\":");
		json_escape(sb, v->ip, strlen(v->ip));
		sb_printf(sb, ",\"outcome\":\"%s\",\"event\":%s}\n", v->outcome, text);
	}
}

/* The attempts the options keep and the successes they match, merged in time order. */
static bool write_trace(struct out_file *o, void *ctx)
{
	struct trace_job *j = ctx;
	const struct success *ok;
	size_t nok = correlator_successes(j->sel->corr, &ok), i = 0, k = 0;
	struct strbuf sb = {0};
	bool good = true;
	const struct kept_views *a = j->attempts;
	while (good && (i < a->n || k < nok)) {
		struct request_view v;
		bool success = k < nok && (i == a->n || ok[k].time < a->v[i].time);
		if (success && !selection_keeps_success(j->sel, &ok[k++]))
			continue;
		v = success ? success_view(&ok[k - 1]) : a->v[i++];
		if (success && !wanted(j->t, &v)) /* the attempts are taken as they are kept (keep_view) */
			continue;
		j->matched++;
		j->successes += success;
		sb.len = 0;
		write_view(&sb, &v, j->matched, j->t);
		good = out_write(o, sb.data ? sb.data : "", sb.len);
	}
	sb_free(&sb);
	return good && write_lockouts(o, j->sel, j->t, j->matched);
}

int cmd_trace(const struct cli_command *cmd, int argc, char **argv)
{
	struct selection sel;
	selection_init(&sel);
	struct trace_settings t = {.output = "-"};
	int status = selection_parse(&sel, cmd, argc, argv, trace_option, &t);
	if (status < 0 && !t.activity && !t.instance && !sel.user_re && !sel.nips && !sel.nsubmitters && !sel.server_re &&
	    !sel.endpoint_re && !sel.client_app_re)
		status = cli_usage_error(cmd, "say which requests: --user, --ip, --submitter-ip, --server, --endpoint, "
				     "--client-app, --activity or --instance");
	if (status >= 0) {
		selection_free(&sel);
		return status;
	}
	const char *named = t.format_given ? NULL : cli_format_of_name(t.output);
	t.jsonl |= named && !strcmp(named, "jsonl"); /* -o trace.jsonl: JSON lines */
	sel.render = t.jsonl ? render_json : t.local_time ? render_text_local : render_text_utc;
	sel.render_wanted = events_wanted;
	sel.render_ctx = &t;
	sel.lockouts = sel.user_re != NULL; /* --user: the account's lockouts too */
	sel.lockout_settings = (struct lockout_settings){.reset_window = 30 * FILETIME_MINUTE};
	selection_collect(&sel, argv + optind, argc - optind);
	correlator_keep_successes(sel.corr);
	struct kept_views kept = {.t = &t};
	selection_each(&sel, keep_view, &kept);
	if (sel.lockouts)
		selection_lockouts(&sel);
	status = sel.diag.errors ? EXIT_SKIPPED : EXIT_OK;
	if (!selection_read_something(&sel, cmd, t.output)) {
		free(kept.v);
		arena_free(&kept.arena);
		selection_free(&sel);
		return EXIT_SKIPPED;
	}
	char name[4096];
	struct trace_job job = {.sel = &sel, .t = &t, .attempts = &kept};
	if (!out_produce(t.output, write_trace, &job, name, sizeof name))
		status = EXIT_OUTPUT;
	else if (!job.matched && !sel.nlockout_rows) { /* say why nothing matched, as scan does */
		selection_explain_empty(&sel, cmd);
		if (selection_warn_unanswerable(&sel, cmd) && status == EXIT_OK)
			status = EXIT_SKIPPED;
	}
	if (selection_warn_window(&sel, cmd) && status == EXIT_OK)
		status = EXIT_SKIPPED;
	if (selection_warn_undecided(&sel, cmd) && status == EXIT_OK)
		status = EXIT_SKIPPED;
	if (status != EXIT_OUTPUT && !sel.quiet) {
		struct strbuf line = {0};
		selection_read_text(&line, &sel, cmd);
		fprintf(stderr, "%s; %zu matching request%s (%zu successful), %zu lockout%s\n", sb_cstr(&line), job.matched,
			job.matched == 1 ? "" : "s", job.successes, sel.nlockout_rows, sel.nlockout_rows == 1 ? "" : "s");
		sb_free(&line);
	}
	free(kept.v);
	arena_free(&kept.arena);
	selection_free(&sel);
	return status;
}
