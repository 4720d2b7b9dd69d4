/* logon_spill.c: the lockout finder's events in a temporary file (logon_spill.h). A record is the event's numbers
 * (struct fixed, in this machine's byte order: the file lives as long as the run) followed by its texts, each as
 * long as the record's len[] says (NO_TEXT for none). */
#include "scan/logon_spill.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "badcreds/compat.h"

enum { BLOCK = 1024 * 1024, NTEXTS = 11 };
static const uint32_t NO_TEXT = UINT32_MAX;
static const uint64_t KEEP_FREE = (uint64_t)1 << 30; /* never leave less free in TMPDIR (as the correlation) */

struct fixed {
	int64_t time;
	uint64_t record_id, order;
	long ip_port;
	uint32_t event_id, status, substatus;
	int logon_type;
	uint32_t len[NTEXTS];
};

/* The texts of an event, in the order of the record. */
#define TEXTS(l) {&(l)->computer, &(l)->account, &(l)->domain, &(l)->caller, &(l)->process, &(l)->logon_process, \
		  &(l)->auth_package, &(l)->workstation, &(l)->ip, &(l)->service, &(l)->file}

void logon_spill_init(struct logon_spill *s)
{
	memset(s, 0, sizeof *s);
	s->fd = -1;
}

static bool flush(struct logon_spill *s)
{
	if (!s->block.len)
		return true;
	if (bc_pwrite(s->fd, s->block.data, s->block.len, s->size) != (long)s->block.len) {
		s->error = "cannot write the temporary file";
		return false;
	}
	s->size += s->block.len;
	s->block.len = 0;
	return true;
}

bool logon_spill_write(struct logon_spill *s, const struct logon *l, size_t n)
{
	if (s->error)
		return false;
	if (s->fd < 0 && (s->fd = bc_tempfile()) < 0) {
		s->error = "cannot create a temporary file";
		return false;
	}
	if (bc_free_space(s->fd) < (uint64_t)n * sizeof(struct fixed) * 2 + KEEP_FREE) {
		s->error = "less than 1 GiB would be left free";
		return false;
	}
	uint64_t start = s->size;
	for (size_t i = 0; i < n; i++) {
		struct fixed x;
		memset(&x, 0, sizeof x); /* the padding too: the file holds no stray memory */
		x.time = l[i].time;
		x.record_id = l[i].record_id;
		x.order = l[i].order;
		x.ip_port = l[i].ip_port;
		x.event_id = l[i].event_id;
		x.status = l[i].status;
		x.substatus = l[i].substatus;
		x.logon_type = l[i].logon_type;
		const char *const *texts[] = TEXTS(&l[i]);
		for (size_t k = 0; k < NTEXTS; k++)
			x.len[k] = *texts[k] ? (uint32_t)strlen(*texts[k]) : NO_TEXT;
		sb_add(&s->block, &x, sizeof x);
		for (size_t k = 0; k < NTEXTS; k++)
			if (*texts[k])
				sb_add(&s->block, *texts[k], x.len[k]);
		if (s->block.len >= BLOCK && !flush(s))
			break;
	}
	if (!s->error && flush(s))
		return true;
	s->size = start; /* what this call wrote is not counted: the events stay in memory */
	s->block.len = 0;
	return false;
}

/* Makes sure `need` bytes from *pos are in buf (refilled from the file); false at the end or on a short read. */
static bool have(struct logon_spill *s, struct strbuf *buf, size_t *pos, uint64_t *off, size_t need)
{
	if (buf->len - *pos >= need)
		return true;
	if (*pos) { /* what is left of the block to its start */
		buf->len -= *pos;
		memmove(buf->data, buf->data + *pos, buf->len);
		*pos = 0;
	}
	while (buf->len < need && *off < s->size) {
		size_t want = need - buf->len > BLOCK ? need - buf->len : BLOCK;
		if (want > s->size - *off)
			want = (size_t)(s->size - *off);
		sb_reserve(buf, want);
		long got = bc_pread(s->fd, buf->data + buf->len, want, *off);
		if (got <= 0) {
			s->lost = true;
			return false;
		}
		buf->len += (size_t)got;
		*off += (uint64_t)got;
	}
	return buf->len >= need;
}

void logon_spill_each(struct logon_spill *s, void (*fn)(void *ctx, const struct logon *l), void *ctx)
{
	struct strbuf buf = {0}, texts = {0};
	size_t pos = 0;
	uint64_t off = 0;
	while (off < s->size || pos < buf.len) {
		struct fixed x;
		if (!have(s, &buf, &pos, &off, sizeof x))
			break;
		memcpy(&x, buf.data + pos, sizeof x);
		pos += sizeof x;
		size_t total = 0;
		for (size_t k = 0; k < NTEXTS; k++)
			total += x.len[k] == NO_TEXT ? 0 : x.len[k];
		if (!have(s, &buf, &pos, &off, total)) {
			s->lost = true;
			break;
		}
		struct logon l = {.event_id = x.event_id, .time = x.time, .status = x.status, .substatus = x.substatus,
				  .logon_type = x.logon_type, .ip_port = x.ip_port, .record_id = x.record_id,
				  .order = x.order};
		const char **to[] = TEXTS(&l);
		texts.len = 0;
		sb_reserve(&texts, total + NTEXTS);
		for (size_t k = 0; k < NTEXTS; k++) {
			if (x.len[k] == NO_TEXT)
				continue;
			char *t = texts.data + texts.len;
			memcpy(t, buf.data + pos, x.len[k]);
			t[x.len[k]] = 0;
			texts.len += x.len[k] + 1;
			pos += x.len[k];
			*to[k] = t;
		}
		fn(ctx, &l);
	}
	sb_free(&buf);
	sb_free(&texts);
}

void logon_spill_free(struct logon_spill *s)
{
	if (s->fd >= 0)
		close(s->fd);
	sb_free(&s->block);
	s->fd = -1;
}
