/* coverage_report.c: the coverage rows as CSV (lists joined with " | "), JSON lines (numbers, booleans and lists as
 * such) or a readable block per computer and log for a terminal; columns declared once. Text from the logs is
 * guarded as in the other reports: formulas in CSV, control characters on a terminal. */
#include <string.h>
#include <strings.h>

#include "badcreds/coverage_report.h"
#include "badcreds/filetime.h"
#include "badcreds/output.h"
#include "badcreds/text.h"
#include "row_report.h"

enum column_kind { C_COMPUTER, C_LOG, C_FIRST, C_LAST, C_RECORDS, C_PER_DAY, C_WRAPPED, C_WRAP_REASON, C_GAPS,
		   C_CLEARED, C_AUDIT, C_SHAPE, C_IP_LESS_411, C_DC, C_4625, C_AAD, C_NEXT_STEPS };

struct column {
	const char *header, *key;
	enum column_kind kind;
	enum { J_STRING, J_NUMBER, J_BOOL, J_LIST } json;
};

static const struct column columns[] = {
	{"Computer", "computer", C_COMPUTER, J_STRING},
	{"Log", "log", C_LOG, J_STRING},
	{"First Record", "first_record", C_FIRST, J_STRING},
	{"Last Record", "last_record", C_LAST, J_STRING},
	{"Records", "records", C_RECORDS, J_NUMBER},
	{"Records Per Day", "records_per_day", C_PER_DAY, J_NUMBER},
	{"Wrapped", "wrapped", C_WRAPPED, J_BOOL},
	{"Wrap Reason", "wrap_reason", C_WRAP_REASON, J_STRING},
	{"Gaps", "gaps", C_GAPS, J_LIST},
	{"Cleared", "cleared", C_CLEARED, J_LIST},
	{"AD FS Audit", "adfs_audit", C_AUDIT, J_STRING},
	{"AD FS Shape", "adfs_shape", C_SHAPE, J_STRING},
	{"411 Without IP", "ip_less_411", C_IP_LESS_411, J_NUMBER},
	{"DC Evidence", "dc_evidence", C_DC, J_BOOL},
	{"Member 4625", "member_4625", C_4625, J_BOOL},
	{"AAD PRT", "aad_prt", C_AAD, J_STRING},
	{"Next Steps", "next_steps", C_NEXT_STEPS, J_LIST},
};
enum { NCOLUMNS = sizeof columns / sizeof columns[0] };

static size_t list_len(const struct coverage_row *r, enum column_kind k)
{
	size_t n = 0;
	if (k == C_NEXT_STEPS)
		while (r->next_steps[n])
			n++;
	return k == C_GAPS ? r->ngaps : k == C_CLEARED ? r->nclears : n;
}

/* Item i of a list column as text. */
static void item_text(struct strbuf *out, const struct coverage_row *r, enum column_kind k, size_t i, bool local)
{
	if (k == C_GAPS) {
		filetime_format_ms(out, r->gaps[i].from, local);
		sb_adds(out, " to ");
		filetime_format_ms(out, r->gaps[i].to, local);
	} else if (k == C_CLEARED) {
		filetime_format_ms(out, r->clears[i].time, local);
		sb_adds(out, " ");
		sb_adds(out, r->clears[i].log);
		sb_adds(out, " by ");
		sb_adds(out, *r->clears[i].who ? r->clears[i].who : "(unknown)");
	} else {
		sb_adds(out, r->next_steps[i]);
	}
}

static void value_text(struct strbuf *out, const struct coverage_row *r, enum column_kind k, bool local)
{
	bool security = !strcasecmp(r->log, "Security");
	switch (k) {
	case C_COMPUTER: sb_adds(out, r->computer); break;
	case C_LOG: sb_adds(out, r->log); break;
	case C_FIRST: case C_LAST:
		if (r->first)
			filetime_format_ms(out, k == C_FIRST ? r->first : r->last, local);
		break;
	case C_RECORDS: sb_add_u64(out, r->records); break;
	case C_PER_DAY: /* empty (JSON null) when the log spans less than an hour: no rate to tell */
		if (r->per_day > 0)
			sb_add_u64(out, (uint64_t)(r->per_day + 0.5));
		break;
	case C_WRAPPED: sb_adds(out, r->wrapped ? "yes" : "no"); break;
	case C_WRAP_REASON: sb_adds(out, r->wrap_reason); break;
	case C_AUDIT: sb_adds(out, security ? coverage_audit_name(r->audit) : ""); break;
	case C_SHAPE: sb_adds(out, r->shape); break;
	case C_IP_LESS_411: sb_add_u64(out, r->ip_less_411); break;
	case C_DC: sb_adds(out, r->seen & SEEN_DC ? "yes" : "no"); break;
	case C_4625: sb_adds(out, r->seen & SEEN_4625 ? "yes" : "no"); break;
	case C_AAD:
		sb_adds(out, r->seen & SEEN_AAD_ANALYTIC ? "analytic" : r->seen & SEEN_AAD_OPERATIONAL ? "operational" : "");
		break;
	case C_GAPS: case C_CLEARED: case C_NEXT_STEPS:
		for (size_t i = 0, n = list_len(r, k); i < n; i++) {
			sb_adds(out, i ? " | " : "");
			item_text(out, r, k, i, local);
		}
		break;
	}
}

static void json_value(struct strbuf *out, struct strbuf *tmp, const struct coverage_row *r, const struct column *c,
		       bool local)
{
	tmp->len = 0;
	if (c->json == J_LIST) {
		sb_addc(out, '[');
		for (size_t i = 0, n = list_len(r, c->kind); i < n; i++) {
			sb_adds(out, i ? "," : "");
			if (c->kind == C_CLEARED) {
				sb_adds(out, "{\"time\":");
				tmp->len = 0;
				filetime_format_ms(tmp, r->clears[i].time, local);
				json_escape(out, tmp->data, tmp->len);
				sb_adds(out, ",\"log\":");
				json_escape(out, r->clears[i].log, strlen(r->clears[i].log));
				sb_adds(out, ",\"who\":");
				json_escape(out, r->clears[i].who, strlen(r->clears[i].who));
				sb_addc(out, '}');
				continue;
			}
			tmp->len = 0;
			item_text(tmp, r, c->kind, i, local);
			json_escape(out, tmp->data, tmp->len);
		}
		sb_addc(out, ']');
		return;
	}
	value_text(tmp, r, c->kind, local);
	if (c->json == J_BOOL)
		sb_adds(out, tmp->len && tmp->data[0] == 'y' ? "true" : "false");
	else if (c->json == J_NUMBER)
		sb_add(out, tmp->len ? tmp->data : "null", tmp->len ? tmp->len : 4);
	else
		json_escape(out, tmp->data ? tmp->data : "", tmp->len);
}

/* One block for people: computer and log, a line per column with a value (no 411 count or rate of 0), a line per
 * list item. */
static void text_block(struct strbuf *out, struct strbuf *tmp, const struct coverage_row *r, bool local)
{
	text_visible_str(out, r->computer);
	sb_adds(out, ": ");
	text_visible_str(out, *r->log ? r->log : "(no channel)");
	sb_addc(out, '\n');
	for (size_t c = 2; c < NCOLUMNS; c++) {
		enum column_kind k = columns[c].kind;
		size_t n = columns[c].json == J_LIST ? list_len(r, k) : 1;
		for (size_t i = 0; i < n; i++) {
			tmp->len = 0;
			if (columns[c].json == J_LIST)
				item_text(tmp, r, k, i, local);
			else
				value_text(tmp, r, k, local);
			if (!tmp->len || (k == C_IP_LESS_411 && !r->ip_less_411) || (k == C_PER_DAY && r->per_day <= 0))
				continue;
			sb_adds(out, "  ");
			text_pad(out, i ? "" : columns[c].header, 16);
			text_visible(out, tmp->data, tmp->len);
			sb_addc(out, '\n');
		}
	}
	sb_addc(out, '\n');
}

/* The row writer's view of the coverage rows (row_report.h); ctx: the --tz local flag. */
static const char *header_of(size_t c) { return columns[c].header; }
static const char *key_of(size_t c) { return columns[c].key; }

static void cell_text(struct strbuf *out, const void *row, size_t c, const void *local)
{
	value_text(out, row, columns[c].kind, *(const bool *)local);
}

static void cell_json(struct strbuf *out, struct strbuf *tmp, const void *row, size_t c, const void *local)
{
	json_value(out, tmp, row, &columns[c], *(const bool *)local);
}

static void block(struct strbuf *out, struct strbuf *tmp, const void *row, const void *local)
{
	text_block(out, tmp, row, *(const bool *)local);
}

static const struct row_report coverage_report = {NCOLUMNS, header_of, key_of, cell_text, cell_json, block, NULL};

bool coverage_report_write(struct out_file *o, const struct coverage_row *r, size_t n, enum coverage_format format,
			   bool local_time)
{
	return row_report_write(o, &coverage_report, r, sizeof *r, n, (enum row_format)format, &local_time);
}
