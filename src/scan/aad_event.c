/* aad_event.c: the fields of the CloudAP events (../shared/reference/aad-prt-events.md §3): each by its manifest
 * name, else by its position in EventData; numbers typed (HexInt32, Int32, UInt32) or as text in any form
 * prt_code_parse reads (XML exports). */
#include <string.h>

#include "badcreds/event_ids.h"
#include "badcreds/prt.h"
#include "scan/aad_event.h"

static const char AAD[] = "Microsoft-Windows-AAD";

bool prt_relevant(uint32_t event_id, const struct evtx_value *provider)
{
	return id_set_has(&AAD_IDS, event_id) && evtx_value_equals_nocase(provider, AAD);
}

bool aad_is_error(uint32_t event_id)
{
	switch (event_id) {
	case 1025: case 1081: case 1084: case 1086: case 1088: case 1104: case 1160: return true;
	default: return false;
	}
}

/* The item named `name`, else the one at `pos`; NULL when neither is there. */
static const struct evtx_value *item(const struct event *ev, const char *name, uint32_t pos)
{
	const struct evtx_value *v = event_data_get(ev, name);
	return v ? v : pos < ev->ndata ? &ev->data[pos].value : NULL;
}

static const char *text(const struct event *ev, struct arena *a, const char *name, uint32_t pos)
{
	const struct evtx_value *v = item(ev, name, pos);
	if (!v)
		return "";
	struct strbuf sb = {0};
	evtx_value_render(&sb, v);
	const char *s = sb.len ? arena_copy(a, sb_cstr(&sb), sb.len + 1) : "";
	sb_free(&sb);
	return s;
}

static void code(const struct event *ev, struct aad_event *out, const char *name, uint32_t pos)
{
	const struct evtx_value *v = item(ev, name, pos);
	uint64_t x;
	if (!v)
		return;
	if (v->type == EVTX_STRING || v->type == EVTX_ANSI || v->type == EVTX_UTF8) {
		struct strbuf sb = {0};
		evtx_value_render(&sb, v);
		uint32_t c;
		out->has_code = prt_code_parse(sb_cstr(&sb), &c);
		out->code = out->has_code ? c : 0;
		sb_free(&sb);
	} else if (evtx_value_u64(v, &x)) {
		out->has_code = true;
		out->code = (uint32_t)x;
	}
}

void aad_event_read(const struct event *ev, struct arena *a, struct aad_event *out)
{
	struct strbuf sb = {0};
	evtx_value_render(&sb, &ev->computer);
	*out = (struct aad_event){.event_id = ev->event_id, .time = ev->time_created, .record_id = ev->record_id,
				  .device = arena_copy(a, sb_cstr(&sb), sb.len + 1), .error = "", .description = "",
				  .text = "", .correlation = ""};
	sb_free(&sb);
	out->file = ev->source ? arena_copy(a, ev->source, strlen(ev->source) + 1) : "";
	switch (ev->event_id) {
	case 1007: code(ev, out, "Status", 0); break;
	case 1018: case 1022: out->text = text(ev, a, "value", 0); break;
	case 1025:
		code(ev, out, "value", 0);
		out->error = text(ev, a, "Method", 1);
		out->text = text(ev, a, "EndpointUri", 2);
		out->correlation = text(ev, a, "CorrelationID", 3);
		break;
	case 1081: case 1088:
		out->error = text(ev, a, "Error", 0);
		out->description = text(ev, a, "ErrorDescription", 1);
		if (ev->event_id == 1081)
			out->correlation = text(ev, a, "CorrelationID", 2);
		break;
	case 1084:
		code(ev, out, "Result", 0);
		out->text = text(ev, a, "Target", 1);
		break;
	case 1086: case 1160:
		code(ev, out, "Status", 0);
		out->correlation = text(ev, a, "CorrelationID", 1);
		break;
	case 1104:
		out->error = text(ev, a, "API", 0);
		code(ev, out, "Result", 1);
		break;
	case 1144: /* the manifest reuses 1025's template: the UPN is in Method, the authority in EndpointUri */
		out->text = text(ev, a, event_data_get(ev, "UPN") ? "UPN" : "Method", 1);
		break;
	default: break;
	}
}
