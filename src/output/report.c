/* report.c: the attempts report. One table of columns drives the CSV (quoted by libcsv) and the JSON lines; the
 * first three CSV columns are those of Microsoft's ADFSBadCredsSearch.ps1; cells are written by csv_cell (formula
 * guard). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "badcreds/filetime.h"
#include "badcreds/output.h"
#include "badcreds/report.h"

struct column {
	const char *header;     /* CSV */
	const char *key;        /* JSON */
	void (*value)(struct strbuf *out, const struct attempt *a, const struct report_options *opt);
};

static void add(struct strbuf *out, const char *s)
{
	if (s)
		sb_adds(out, s);
}

/* 0x and eight upper-case hex digits, as Windows writes NTSTATUS codes. */
static void hex32(struct strbuf *out, uint32_t v)
{
	char t[10] = {'0', 'x'};
	for (int i = 0; i < 8; i++)
		t[9 - i] = "0123456789ABCDEF"[v >> 4 * i & 15];
	sb_add(out, t, sizeof t);
}

static void c_user(struct strbuf *o, const struct attempt *a, const struct report_options *p) { (void)p, add(o, a->user); }
static void c_ip(struct strbuf *o, const struct attempt *a, const struct report_options *p) { (void)p, add(o, a->ip); }
static void c_time(struct strbuf *o, const struct attempt *a, const struct report_options *p) { filetime_format_ms(o, a->time, p->local_time); }
static void c_server(struct strbuf *o, const struct attempt *a, const struct report_options *p) { (void)p, add(o, a->server); }
static void c_outcome(struct strbuf *o, const struct attempt *a, const struct report_options *p) { (void)p, add(o, outcome_name(a->outcome)); }
static void c_user_key(struct strbuf *o, const struct attempt *a, const struct report_options *p) { (void)p, add(o, a->user_key); }
static void c_ip_class(struct strbuf *o, const struct attempt *a, const struct report_options *p) { (void)p, add(o, a->ip_class); }
static void c_all_ips(struct strbuf *o, const struct attempt *a, const struct report_options *p) { (void)p, add(o, a->all_ips); }
static void c_claimed(struct strbuf *o, const struct attempt *a, const struct report_options *p) { (void)p, add(o, a->client_ips); }
static void c_proxy(struct strbuf *o, const struct attempt *a, const struct report_options *p) { (void)p, add(o, a->proxy); }
static void c_endpoint(struct strbuf *o, const struct attempt *a, const struct report_options *p) { (void)p, add(o, a->endpoint); }
static void c_agent(struct strbuf *o, const struct attempt *a, const struct report_options *p) { (void)p, add(o, a->user_agent); }
static void c_app(struct strbuf *o, const struct attempt *a, const struct report_options *p) { (void)p, add(o, a->client_app); }
static void c_relying_party(struct strbuf *o, const struct attempt *a, const struct report_options *p) { (void)p, add(o, a->relying_party); }
static void c_activity(struct strbuf *o, const struct attempt *a, const struct report_options *p) { (void)p, add(o, a->activity); }
static void c_instance(struct strbuf *o, const struct attempt *a, const struct report_options *p) { (void)p, add(o, a->instance); }
static void c_events(struct strbuf *o, const struct attempt *a, const struct report_options *p) { (void)p, add(o, a->events); }
static void c_records(struct strbuf *o, const struct attempt *a, const struct report_options *p) { (void)p, add(o, a->record_ids); }
static void c_sources(struct strbuf *o, const struct attempt *a, const struct report_options *p) { (void)p, add(o, a->sources); }

static void c_dc_lockout(struct strbuf *o, const struct attempt *a, const struct report_options *p)
{
	if (!a->dc_lockout)
		return;
	add(o, a->dc_lockout->server);
	sb_addc(o, ' ');
	filetime_format_ms(o, a->dc_lockout->time, p->local_time);
}

static void c_status(struct strbuf *o, const struct attempt *a, const struct report_options *p)
{
	(void)p;
	if (a->has_status)
		hex32(o, a->status);
}

static void c_substatus(struct strbuf *o, const struct attempt *a, const struct report_options *p)
{
	(void)p;
	if (a->has_status)
		hex32(o, a->substatus);
}

/* The hypothesis of prt.h: a device whose PRT request with a stale password this attempt may be. */
static void c_prt(struct strbuf *o, const struct attempt *a, const struct report_options *p)
{
	(void)p;
	if (a->prt_device) {
		sb_adds(o, "possible device PRT refresh from ");
		sb_adds(o, a->prt_device);
	}
}

static const struct column columns[] = {
	{"UserPrincipalName", "user", c_user},
	{"IP Address", "ip", c_ip},
	{"Time", "time", c_time},
	{"Server", "server", c_server},
	{"Outcome", "outcome", c_outcome},
	{"User Key", "user_key", c_user_key},
	{"IP Class", "ip_class", c_ip_class},
	{"All IPs", "all_ips", c_all_ips},
	{"Client-Supplied IPs", "client_supplied_ips", c_claimed},
	{"Proxy", "proxy", c_proxy},
	{"Endpoint", "endpoint", c_endpoint},
	{"User Agent", "user_agent", c_agent},
	{"Client Application", "client_application", c_app},
	{"Status", "status", c_status},
	{"SubStatus", "substatus", c_substatus},
	{"Activity ID", "activity_id", c_activity},
	{"Instance ID", "instance_id", c_instance},
	{"Events", "events", c_events},
	{"Record IDs", "record_ids", c_records},
	{"Sources", "sources", c_sources},
	{"DC Lockout", "dc_lockout", c_dc_lockout},
	{"Relying Party", "relying_party", c_relying_party}, /* added last: the columns before keep their places */
	{"Possible PRT Refresh", "possible_prt_refresh", c_prt},
};
enum { NCOLUMNS = sizeof columns / sizeof columns[0], COMPAT_COLUMNS = 3 };

void report_begin(struct report_writer *w, struct out_file *o, const struct report_options *opt)
{
	*w = (struct report_writer){.o = o, .opt = opt, .ok = true, .visible = out_is_terminal(o),
				    .ncol = opt->compat ? COMPAT_COLUMNS : NCOLUMNS};
	if (opt->format != REPORT_CSV)
		return;
	if (opt->bom)
		sb_adds(&w->buf, "\xef\xbb\xbf");
	for (size_t c = 0; c < w->ncol; c++) {
		if (c)
			sb_addc(&w->buf, ',');
		csv_cell(&w->buf, columns[c].header, strlen(columns[c].header), false);
	}
	sb_adds(&w->buf, "\r\n");
}

void report_row(struct report_writer *w, const struct attempt *a)
{
	if (!w->ok)
		return;
	bool csv = w->opt->format == REPORT_CSV;
	if (!csv)
		sb_addc(&w->buf, '{');
	for (size_t c = 0; c < w->ncol; c++) {
		w->value.len = 0;
		columns[c].value(&w->value, a, w->opt);
		if (c)
			sb_addc(&w->buf, ',');
		if (csv) {
			csv_cell(&w->buf, w->value.data ? w->value.data : "", w->value.len, w->visible);
		} else {
			json_escape(&w->buf, columns[c].key, strlen(columns[c].key));
			sb_addc(&w->buf, ':');
			json_escape(&w->buf, w->value.data ? w->value.data : "", w->value.len);
		}
	}
	sb_adds(&w->buf, csv ? "\r\n" : "}\n");
	w->ok = out_write_buffer(w->o, &w->buf, false);
}

bool report_end(struct report_writer *w)
{
	bool ok = w->ok && out_write_buffer(w->o, &w->buf, true);
	sb_free(&w->buf);
	sb_free(&w->value);
	return ok;
}
