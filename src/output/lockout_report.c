/* lockout_report.c: the lockouts as CSV (columns declared once: header, JSON key, value), JSON lines (counts and
 * the logon type as numbers, the evidence as an array) or a readable block per lockout for a terminal. Text from
 * the logs is guarded as in the attempts report: formulas in CSV, control characters on a terminal. */
#include <stddef.h>
#include <string.h>

#include "badcreds/filetime.h"
#include "badcreds/lockout_report.h"
#include "badcreds/output.h"
#include "badcreds/text.h"
#include "row_report.h"

struct column {
	const char *header, *key;
	enum { STRING, CAUSE, NUMBER, TIME, EVIDENCE } kind;
	size_t offset;           /* of the value in struct lockout */
};

#define AT(field) offsetof(struct lockout, field)
static const struct column columns[] = {
	{"Account", "account", STRING, AT(account)},
	{"Domain", "domain", STRING, AT(domain)},
	{"Locked At", "locked_at", TIME, AT(locked_at)},
	{"DC", "dc", STRING, AT(dcs)},
	{"Caller Computer", "caller_computer", STRING, AT(caller)},
	{"Cause", "cause", CAUSE, 0},
	{"Source Host", "source_host", STRING, AT(source_host)},
	{"Source IP", "source_ip", STRING, AT(source_ip)},
	{"Via", "via", STRING, AT(via)},
	{"Process", "process", STRING, AT(process)},
	{"Logon Type", "logon_type", NUMBER, AT(logon_type)},
	{"Failures", "failures", NUMBER, AT(failures)},
	{"First Failure", "first_failure", TIME, AT(first_failure)},
	{"Still Failing", "still_failing", NUMBER, AT(still_failing)},
	{"User Agent", "user_agent", STRING, AT(user_agent)},
	{"Basis", "basis", STRING, AT(basis)},
	{"Next Step", "next_step", STRING, AT(next_step)},
	{"Evidence", "evidence", EVIDENCE, 0},
};
#undef AT
enum { NCOLUMNS = sizeof columns / sizeof columns[0] };

static const char *string_at(const struct lockout *l, const struct column *c)
{
	if (c->kind == CAUSE)
		return lockout_cause_name(l->cause);
	const char *s = *(const char *const *)((const char *)l + c->offset);
	return s ? s : "";
}

/* A number column; false when it has no value (a logon type without host evidence). */
static bool number_at(const struct lockout *l, const struct column *c, long long *v)
{
	if (c->offset == offsetof(struct lockout, logon_type)) {
		*v = l->logon_type;
		return l->logon_type >= 0;
	}
	*v = *(const unsigned *)((const char *)l + c->offset);
	return true;
}

/* A column's value as text (CSV, the terminal); times empty when there are none. */
static void value_text(struct strbuf *out, const struct lockout *l, const struct column *c, bool local)
{
	long long v;
	int64_t t;
	switch (c->kind) {
	case STRING: case CAUSE: sb_adds(out, string_at(l, c)); break;
	case NUMBER:
		if (number_at(l, c, &v))
			sb_add_i64(out, v);
		break;
	case TIME:
		t = *(const int64_t *)((const char *)l + c->offset);
		if (t)
			filetime_format_ms(out, t, local);
		break;
	case EVIDENCE:
		for (size_t i = 0; i < l->nevidence; i++)
			row_evidence_item(out, false, i, l->evidence[i].file, l->evidence[i].event_id,
					  l->evidence[i].record_id);
		break;
	}
}

static void json_value(struct strbuf *out, struct strbuf *tmp, const struct lockout *l, const struct column *c,
		       bool local)
{
	long long v;
	if (c->kind == NUMBER) {
		if (number_at(l, c, &v))
			sb_add_i64(out, v);
		else
			sb_adds(out, "null");
	} else if (c->kind == EVIDENCE) {
		sb_addc(out, '[');
		for (size_t i = 0; i < l->nevidence; i++)
			row_evidence_item(out, true, i, l->evidence[i].file, l->evidence[i].event_id,
					  l->evidence[i].record_id);
		sb_addc(out, ']');
	} else {
		tmp->len = 0;
		value_text(tmp, l, c, local);
		json_escape(out, tmp->data ? tmp->data : "", tmp->len);
	}
}

/* One block for people: the account and the moment, then a line per column that has a value. */
static void text_block(struct strbuf *out, struct strbuf *tmp, const struct lockout *l, bool local)
{
	sb_adds(out, "Lockout of ");
	text_visible_str(out, l->account);
	sb_adds(out, "\n");
	for (size_t c = 1; c < NCOLUMNS; c++) {
		tmp->len = 0;
		value_text(tmp, l, &columns[c], local);
		if (!tmp->len)
			continue;
		sb_adds(out, "  ");
		text_pad(out, columns[c].header, 16);
		text_visible(out, tmp->data, tmp->len);
		sb_addc(out, '\n');
	}
	sb_addc(out, '\n');
}

/* The row writer's view of the lockouts (row_report.h); ctx: the --tz local flag. */
static const char *header_of(size_t c) { return columns[c].header; }
static const char *key_of(size_t c) { return columns[c].key; }

static void cell_text(struct strbuf *out, const void *row, size_t c, const void *local)
{
	value_text(out, row, &columns[c], *(const bool *)local);
}

static void cell_json(struct strbuf *out, struct strbuf *tmp, const void *row, size_t c, const void *local)
{
	json_value(out, tmp, row, &columns[c], *(const bool *)local);
}

static void block(struct strbuf *out, struct strbuf *tmp, const void *row, const void *local)
{
	text_block(out, tmp, row, *(const bool *)local);
}

static const struct row_report lockout_rows = {NCOLUMNS, header_of, key_of, cell_text, cell_json, block, NULL};

bool lockout_report_write(struct out_file *o, const struct lockout *l, size_t n, enum lockout_format format,
			  bool local_time)
{
	return row_report_write(o, &lockout_rows, l, sizeof *l, n, (enum row_format)format, &local_time);
}
