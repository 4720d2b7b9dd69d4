/* jsonl_writer.c: one JSON object per line from the event model (System fields flattened, EventData as an object
 * keyed by Name, every key once (a repeated name numbered: LogonGuid#2), or an array when every <Data> is unnamed,
 * as in classic events such as AD FS audits). */
#include "badcreds/output.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "badcreds/filetime.h"
#include "badcreds/strmap.h"

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

/* Whether every <Data> of a named event has a name of its own and there are few: their names are the keys. */
static bool names_are_keys(const struct event *ev)
{
	if (ev->ndata > 64)
		return false;
	for (uint32_t i = 0; i < ev->ndata; i++) {
		const char *name = ev->data[i].name;
		if (!name[0])
			return false;
		for (uint32_t k = 0; k < i; k++)
			if (ev->data[k].name[0] == name[0] && strcmp(ev->data[k].name, name) == 0)
				return false;
	}
	return true;
}

/* The keys of a named event's <Data> otherwise: a name used again gets "#2", "#3"... (4648 has two LogonGuid), an
 * unnamed one "Data[i]", each key made unique against all those before it (a crafted event that also names one
 * "LogonGuid#2", or the same name 28,000 times, neither repeats a key, whose first value a JSON reader would drop,
 * nor takes time that grows with the square of the count). */
static void unique_keys(struct json *j, const struct event *ev)
{
	struct arena arena = {0};
	struct strmap used = {.arena = &arena}, next = {.arena = &arena}; /* keys written; a name's next number */
	struct strbuf k = {0};
	for (uint32_t i = 0; i < ev->ndata; i++) {
		const char *name = ev->data[i].name;
		k.len = 0;
		if (name[0])
			sb_adds(&k, name);
		else
			sb_printf(&k, "Data[%" PRIu32 "]", i);
		uintptr_t n = (uintptr_t)strmap_get(&next, sb_cstr(&k));
		if (n || strmap_get(&used, sb_cstr(&k))) {
			const char *base = strmap_put(&next, sb_cstr(&k), NULL);
			for (n = n ? n : 2;; n++) {
				k.len = 0;
				sb_printf(&k, "%s#%" PRIuPTR, base, n);
				if (!strmap_get(&used, sb_cstr(&k)))
					break;
			}
			strmap_put(&next, base, (void *)(n + 1));
		}
		strmap_put(&used, sb_cstr(&k), (void *)1);
		if (i)
			sb_addc(j->out, ',');
		json_escape(j->out, k.data, k.len);
		sb_addc(j->out, ':');
		value_text(j, &ev->data[i].value);
	}
	sb_free(&k);
	strmap_free(&used);
	strmap_free(&next);
	arena_free(&arena);
}

static void event_data(struct json *j, const struct event *ev)
{
	bool named = false;
	for (uint32_t i = 0; i < ev->ndata; i++)
		named |= ev->data[i].name[0] != 0;
	key(j, "EventData");
	sb_addc(j->out, named ? '{' : '[');
	if (named && !names_are_keys(ev)) {
		unique_keys(j, ev);
		sb_addc(j->out, '}');
		return;
	}
	for (uint32_t i = 0; i < ev->ndata; i++) {
		if (i)
			sb_addc(j->out, ',');
		if (named) {
			json_escape(j->out, ev->data[i].name, strlen(ev->data[i].name));
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
