/* prt_report.c: the PRT acquisitions as CSV (columns declared once: header, JSON key, value), JSON lines (the AD FS
 * count as a number, the evidence as an array) or a readable block per acquisition for a terminal. Text from the
 * logs is guarded as in the other reports: formulas in CSV, control characters on a terminal. */
#include <string.h>

#include "badcreds/filetime.h"
#include "badcreds/output.h"
#include "badcreds/prt_report.h"
#include "badcreds/text.h"
#include "row_report.h"

enum col {
	C_DEVICE, C_USER, C_START, C_END, C_BASIS, C_STATUS, C_STATUS_NAME, C_SERVER_ERROR, C_SERVER_DESCRIPTION,
	C_AADSTS, C_URL, C_NETWORK, C_CATEGORY, C_FIX, C_ADFS_COUNT, C_ADFS_FIRST, C_ADFS_LINK, C_CORRELATION,
	C_EVIDENCE, NCOLUMNS,
};

static const struct {
	const char *header, *key;
} columns[NCOLUMNS] = {
	{"Device", "device"}, {"User", "user"}, {"Start", "start"}, {"End", "end"}, {"Basis", "basis"},
	{"Status", "status"}, {"Status Name", "status_name"}, {"Server Error", "server_error"},
	{"Server Description", "server_description"}, {"AADSTS", "aadsts"}, {"URL", "url"},
	{"Network Error", "network_error"}, {"Category", "category"}, {"Fix", "fix"},
	{"AD FS Attempts", "adfs_attempts"}, {"First AD FS Attempt", "adfs_first_attempt"},
	{"AD FS Link", "adfs_link"}, {"Correlation ID", "correlation_id"}, {"Evidence", "evidence"},
};

static const char UNKNOWN_FIX[] = "Not in badcreds' tables: look the code up in Microsoft's lists (NTSTATUS, "
	"Winhttp.h, Entra AADSTS codes); the server error and URL of the row say where it failed.";

static const char NO_STATUS_FIX[] = "No code in the log: the acquisition has no 1007 (the log ends before it, or the "
	"Analytic log is off); collect both AAD logs again after the next lock and unlock.";

static void code_name(struct strbuf *out, uint32_t v)
{
	const struct prt_code *c = prt_code_find(v);
	if (c)
		sb_adds(out, c->name);
}

static void minutes(struct strbuf *out, int64_t window)
{
	sb_adds(out, "±");
	sb_add_i64(out, window / FILETIME_MINUTE);
	sb_adds(out, " min");
}

/* The AD FS link in words: a hypothesis with its evidence, or why there is none. */
static void adfs_link(struct strbuf *out, const struct prt_row *r, const struct prt_report_options *o)
{
	if (!r->federated_credential)
		return;
	if (!o->adfs_read) {
		sb_adds(out, "no AD FS logs among the inputs: give the AD FS servers' Security logs to see whether this "
			     "failure reached the farm");
		return;
	}
	if (!r->adfs_attempts) {
		sb_adds(out, "no AD FS bad password of this user on a WS-Trust endpoint within ");
		minutes(out, o->window);
		return;
	}
	sb_adds(out, "hypothesis: possible device PRT refresh from ");
	sb_adds(out, r->device);
	sb_adds(out, " with a stale password: ");
	sb_add_u64(out, r->adfs_attempts);
	sb_adds(out, r->adfs_attempts == 1 ? " AD FS bad password" : " AD FS bad passwords");
	sb_adds(out, " of the same user on WS-Trust endpoints within ");
	minutes(out, o->window);
	sb_adds(out, " (same user and time only; not confirmed)");
}

static void evidence(struct strbuf *out, const struct prt_row *r)
{
	for (size_t i = 0; i < r->nevidence; i++)
		row_evidence_item(out, false, i, r->evidence[i].file, r->evidence[i].event_id, r->evidence[i].record_id);
}

/* A column's value as text (CSV, JSON strings, the terminal); "" when it has none. */
static void value_text(struct strbuf *out, const struct prt_row *r, enum col c, const struct prt_report_options *o)
{
	switch (c) {
	case C_DEVICE: sb_adds(out, r->device); break;
	case C_USER: sb_adds(out, r->user); break;
	case C_START: filetime_format_ms(out, r->start, o->local_time); break;
	case C_END: if (r->end) filetime_format_ms(out, r->end, o->local_time); break;
	case C_BASIS:
		sb_adds(out, r->analytic ? "analytic" : r->device_analytic ? "operational burst (outside the Analytic log)"
			     : "operational burst (no Analytic log)");
		break;
	case C_STATUS: if (r->has_status) prt_code_text(out, r->status); break;
	case C_STATUS_NAME: if (r->has_status) code_name(out, r->status); break;
	case C_SERVER_ERROR: sb_adds(out, r->server_error); break;
	case C_SERVER_DESCRIPTION: sb_adds(out, r->server_description); break;
	case C_AADSTS: if (r->aadsts) sb_printf(out, "AADSTS%u", r->aadsts); break;
	case C_URL: sb_adds(out, r->url); break;
	case C_NETWORK:
		if (r->has_network) {
			prt_code_text(out, r->network_error);
			if (prt_code_find(r->network_error))
				sb_addc(out, ' ');
			code_name(out, r->network_error);
		}
		break;
	case C_CATEGORY: sb_adds(out, prt_category_name(r->category)); break;
	case C_FIX:
		sb_adds(out, r->why ? r->why->fix : r->has_status || *r->server_error || r->has_network ? UNKNOWN_FIX
			     : NO_STATUS_FIX);
		break;
	case C_ADFS_COUNT: if (r->federated_credential && o->adfs_read) sb_add_u64(out, r->adfs_attempts); break;
	case C_ADFS_FIRST:
		if (r->adfs_first) {
			filetime_format_ms(out, r->adfs_first->time, o->local_time);
			sb_printf(out, " %s %s", r->adfs_first->server ? r->adfs_first->server : "", r->adfs_first->ip);
		}
		break;
	case C_ADFS_LINK: adfs_link(out, r, o); break;
	case C_CORRELATION: sb_adds(out, r->correlation); break;
	case C_EVIDENCE: evidence(out, r); break;
	case NCOLUMNS: break;
	}
}

static void json_value(struct strbuf *out, struct strbuf *tmp, const struct prt_row *r, enum col c,
		       const struct prt_report_options *o)
{
	if (c == C_ADFS_COUNT) {
		if (r->federated_credential && o->adfs_read)
			sb_add_u64(out, r->adfs_attempts);
		else
			sb_adds(out, "null");
	} else if (c == C_EVIDENCE) {
		sb_addc(out, '[');
		for (size_t i = 0; i < r->nevidence; i++)
			row_evidence_item(out, true, i, r->evidence[i].file, r->evidence[i].event_id,
					  r->evidence[i].record_id);
		sb_addc(out, ']');
	} else {
		tmp->len = 0;
		value_text(tmp, r, c, o);
		json_escape(out, tmp->data ? tmp->data : "", tmp->len);
	}
}

/* One block for people: the device, user and moment, then a line per column that has a value. */
static void text_block(struct strbuf *out, struct strbuf *tmp, const struct prt_row *r,
		       const struct prt_report_options *o)
{
	sb_adds(out, "PRT acquisition on ");
	text_visible_str(out, r->device);
	if (*r->user) {
		sb_adds(out, " for ");
		text_visible_str(out, r->user);
	}
	sb_addc(out, '\n');
	for (int c = C_START; c < NCOLUMNS; c++) {
		tmp->len = 0;
		value_text(tmp, r, (enum col)c, o);
		if (!tmp->len)
			continue;
		sb_adds(out, "  ");
		text_pad(out, columns[c].header, 20);
		text_visible(out, tmp->data, tmp->len);
		sb_addc(out, '\n');
	}
	sb_addc(out, '\n');
}

/* Before the text blocks, when the inputs hold no Analytic event: what the rows are then. */
static void preface(struct strbuf *buf, enum row_format format, size_t n, const void *ctx)
{
	const struct prt_report_options *o = ctx;
	if (format == FORMAT_TEXT && !o->analytic && n)
		sb_adds(buf, "Note: no Analytic events (1006/1007) in the inputs: each acquisition below is a burst of "
			     "Operational errors of one device within 60 s. Turn the Analytic log on (wevtutil sl "
			     "Microsoft-Windows-AAD/Analytic /e:true) to see whole acquisitions and their status.\n\n");
}

/* The row writer's view of the acquisitions (row_report.h); ctx: the report's options. */
static const char *header_of(size_t c) { return columns[c].header; }
static const char *key_of(size_t c) { return columns[c].key; }

static void cell_text(struct strbuf *out, const void *row, size_t c, const void *o)
{
	value_text(out, row, (enum col)c, o);
}

static void cell_json(struct strbuf *out, struct strbuf *tmp, const void *row, size_t c, const void *o)
{
	json_value(out, tmp, row, (enum col)c, o);
}

static void block(struct strbuf *out, struct strbuf *tmp, const void *row, const void *o)
{
	text_block(out, tmp, row, o);
}

static const struct row_report prt_rows = {NCOLUMNS, header_of, key_of, cell_text, cell_json, block, preface};

bool prt_report_write(struct out_file *o, const struct prt_row *r, size_t n, const struct prt_report_options *opt)
{
	return row_report_write(o, &prt_rows, r, sizeof *r, n, (enum row_format)opt->format, opt);
}
