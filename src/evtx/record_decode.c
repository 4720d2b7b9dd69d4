/* record_decode.c: one record to its event, the way every command does it: compile its Binary XML, fill the event
 * model, and for a record carved from slack or from behind damage, check that what came out is a record at all.
 * Slack holds overwritten data: a carved record may decode into nonsense (an EventRecordID far beyond the file's,
 * a provider name made of stray UTF-16, a GUID that is text). Those are remnants, counted and left out. */
#include "evtx/evtx_reader.h"
#include "event/event_builder.h"

#include <string.h>

/* FILETIME ticks of 1990-01-01 and 2100-01-01: the times a real record can carry. */
static const int64_t EARLIEST = 122756256000000000LL, LATEST = 157469184000000000LL;

/* Text that a record of Windows could hold in a name: no controls, no replacement character (bytes that were not
 * UTF-16), no private-use characters, not empty, not huge. */
static bool plausible_name(const struct evtx_value *v)
{
	if (v->type != EVTX_STRING && v->type != EVTX_UTF8)
		return v->type == EVTX_NULL;
	struct strbuf sb = {0};
	evtx_value_render(&sb, v);
	bool ok = sb.len > 0 && sb.len <= 1024;
	for (size_t i = 0; ok && i < sb.len; i++) {
		unsigned char c = (unsigned char)sb.data[i];
		if (c < 0x20 || c == 0x7f)
			ok = false;
		else if (c == 0xef && i + 2 < sb.len && (unsigned char)sb.data[i + 1] == 0xbf &&
			 (unsigned char)sb.data[i + 2] == 0xbd)
			ok = false; /* U+FFFD */
		else if (c == 0xee || (c == 0xef && i + 1 < sb.len && (unsigned char)sb.data[i + 1] < 0xa4))
			ok = false; /* U+E000-U+F8FF */
	}
	sb_free(&sb);
	return ok;
}

/* A GUID value, or text of the form {xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}. */
static bool plausible_guid(const struct evtx_value *v)
{
	if (v->type == EVTX_NULL || (v->type == EVTX_GUID && v->size == 16))
		return true;
	struct strbuf sb = {0};
	evtx_value_render(&sb, v);
	static const char shape[] = "{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}";
	bool ok = sb.len == sizeof shape - 1;
	for (size_t i = 0; ok && i < sb.len; i++)
		ok = shape[i] == 'x' ? sb.data[i] && strchr("0123456789abcdefABCDEF", sb.data[i]) : shape[i] == sb.data[i];
	sb_free(&sb);
	return ok;
}

static bool plausible(const struct evtx_chunk *c, const struct evtx_record *rec, const struct event *ev)
{
	if (rec->id == 0 || (c->max_record_id && rec->id > c->max_record_id))
		return false;
	if ((int64_t)rec->written_time < EARLIEST || (int64_t)rec->written_time > LATEST)
		return false;
	if (!(ev->has & EV_HAS_EVENT_ID) || ev->provider_name.type == EVTX_NULL)
		return false;
	if ((ev->has & EV_HAS_TIME) && (ev->time_created < EARLIEST || ev->time_created > LATEST))
		return false;
	return plausible_name(&ev->provider_name) && plausible_name(&ev->computer) && plausible_guid(&ev->provider_guid);
}

enum evtx_decoded evtx_record_decode(struct evtx_chunk *c, const struct evtx_record *rec, struct arena *a,
				     const struct event_peek *peeked, struct bx_fragment *frag, struct event *ev,
				     bool need_event, const char **err, uint64_t *err_off)
{
	bool carved = rec->recovered && !rec->damaged;
	uint32_t off = 0;
	*err = NULL;
	memset(ev, 0, sizeof *ev);
	unsigned long cuts = c->bx.cuts;
	bool ok = ((peeked && evtx_record_compile_peeked(c, rec, peeked, a, frag)) ||
		   evtx_record_compile(c, rec, a, frag, err, &off)) &&
		  (!(need_event || carved) || event_from_fragment(ev, &c->bx, frag, a, err));
	ev->cut = c->bx.cuts != cuts;
	if (carved && (!ok || !plausible(c, rec, ev)))
		return EVTX_REMNANT;
	if (!ok) {
		*err_off = c->file_offset + (off ? off : rec->offset);
		if (!*err)
			*err = "damaged";
		return EVTX_UNREADABLE;
	}
	ev->header_record_id = rec->id;
	ev->written_time = (int64_t)rec->written_time;
	ev->recovered = rec->recovered;
	ev->damaged = rec->damaged;
	ev->file_offset = c->file_offset + rec->offset;
	return EVTX_DECODED;
}
