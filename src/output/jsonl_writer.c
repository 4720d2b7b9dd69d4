/* jsonl_writer.c: one JSON object per line from the event model (System fields flattened, EventData as an object
 * keyed by Name, or an array when every <Data> is unnamed, as in classic events such as AD FS audits). */
#include "badcreds/output.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "badcreds/filetime.h"

struct json {
	struct strbuf *out;
	struct strbuf tmp;
	bool first;
};

static void key(struct json *j, const char *k)
{
	if (!j->first)
		sb_addc(j->out, ',');
	j->first = false;
	json_escape(j->out, k, strlen(k));
	sb_addc(j->out, ':');
}

static void value_text(struct json *j, const struct evtx_value *v)
{
	j->tmp.len = 0;
	evtx_value_render(&j->tmp, v);
	json_escape(j->out, j->tmp.data, j->tmp.len);
}

static void str_field(struct json *j, const char *k, const struct evtx_value *v)
{
	if (v->type == EVTX_NULL && !v->size)
		return;
	key(j, k);
	value_text(j, v);
}

static void num_field(struct json *j, const char *k, bool present, uint64_t x)
{
	if (!present)
		return;
	key(j, k);
	sb_add_u64(j->out, x);
}

static void event_data(struct json *j, const struct event *ev)
{
	bool named = false;
	for (uint32_t i = 0; i < ev->ndata; i++)
		named |= ev->data[i].name[0] != 0;
	key(j, "EventData");
	sb_addc(j->out, named ? '{' : '[');
	for (uint32_t i = 0; i < ev->ndata; i++) {
		if (i)
			sb_addc(j->out, ',');
		if (named) {
			const char *name = ev->data[i].name;
			unsigned seen = 0; /* a name used twice (4648 has two LogonGuid) keeps both: "LogonGuid#2" */
			for (uint32_t k = 0; k < i; k++)
				seen += ev->data[k].name[0] == name[0] && strcmp(ev->data[k].name, name) == 0;
			if (name[0] && !seen) {
				json_escape(j->out, name, strlen(name));
			} else if (name[0]) {
				char k[256];
				snprintf(k, sizeof k, "%s#%u", name, seen + 1);
				json_escape(j->out, k, strlen(k));
			} else {
				char k[32];
				snprintf(k, sizeof k, "Data[%" PRIu32 "]", i);
				json_escape(j->out, k, strlen(k));
			}
			sb_addc(j->out, ':');
		}
		value_text(j, &ev->data[i].value);
	}
	sb_addc(j->out, named ? '}' : ']');
}

static bool write_jsonl(struct strbuf *out, const struct output_record *r, const char **err)
{
	(void)err;
	const struct event *ev = r->event;
	struct json j = {.out = out, .first = true};
	unsigned h = ev->has;
	sb_addc(out, '{');
	if (ev->source) {
		key(&j, "File");
		json_escape(out, ev->source, strlen(ev->source));
	}
	num_field(&j, "Offset", ev->header_record_id, ev->file_offset); /* EVTX records only: numbers start at 1 */
	num_field(&j, "RecordNumber", ev->header_record_id, ev->header_record_id);
	key(&j, "Recovered");
	sb_adds(out, ev->recovered ? "true" : "false");
	if (ev->damaged) {
		key(&j, "Damaged");
		sb_adds(out, "true");
	}
	if (ev->cut) {
		key(&j, "Cut");
		sb_adds(out, "true");
	}
	num_field(&j, "EventRecordID", h & EV_HAS_RECORD_ID, ev->record_id);
	if (h & EV_HAS_TIME) {
		key(&j, "TimeCreated");
		j.tmp.len = 0;
		filetime_format_windows(&j.tmp, ev->time_created);
		json_escape(out, j.tmp.data, j.tmp.len);
	}
	str_field(&j, "Provider", &ev->provider_name);
	str_field(&j, "ProviderGuid", &ev->provider_guid);
	str_field(&j, "EventSourceName", &ev->event_source_name);
	num_field(&j, "EventID", h & EV_HAS_EVENT_ID, ev->event_id);
	num_field(&j, "Qualifiers", h & EV_HAS_QUALIFIERS, ev->qualifiers);
	num_field(&j, "Version", h & EV_HAS_VERSION, ev->version);
	num_field(&j, "Level", h & EV_HAS_LEVEL, ev->level);
	num_field(&j, "Task", h & EV_HAS_TASK, ev->task);
	num_field(&j, "Opcode", h & EV_HAS_OPCODE, ev->opcode);
	if (h & EV_HAS_KEYWORDS) {
		key(&j, "Keywords");
		sb_addc(out, '"');
		sb_add_hex(out, ev->keywords);
		sb_addc(out, '"');
	}
	str_field(&j, "Channel", &ev->channel);
	str_field(&j, "Computer", &ev->computer);
	str_field(&j, "ActivityID", &ev->activity_id);
	str_field(&j, "RelatedActivityID", &ev->related_activity_id);
	num_field(&j, "ProcessID", h & EV_HAS_PROCESS_ID, ev->process_id);
	num_field(&j, "ThreadID", h & EV_HAS_THREAD_ID, ev->thread_id);
	str_field(&j, "UserID", &ev->user_id);
	event_data(&j, ev);
	sb_adds(out, "}\n");
	sb_free(&j.tmp);
	return true;
}

const struct output_format output_jsonl = {
	.name = "jsonl",
	.description = "one JSON object per record (the event model)",
	.needs_event = true,
	.write = write_jsonl,
};
