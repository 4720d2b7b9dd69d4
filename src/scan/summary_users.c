/* summary_users.c: the summary's user rows (summary.h, struct user_row) in sorted runs, most attempts first (then by
 * key): a spray brings a new user with almost every attempt, so the rows are not all kept in memory; the writers
 * read them back in order, as often as they need (summary_user_first, summary_user_next).
 *
 * A record, 8-byte aligned (the machine's order: the file lives as long as the run):
 *   offset 0  u32 size, 4 u32 attempts, 8 i64 first, 16 i64 last,
 *         24  u32 ips, dc_lockouts, dc_failures, then outcomes[OUTCOME_COUNT]
 *         then u32 lengths of the user, its key and the success address (NO_TEXT for none), then their bytes */
#include "scan/summary_users.h"

#include <stdlib.h>
#include <string.h>

#include "badcreds/strbuf.h"
#include "scan/summary_record.h"
#include "util/sorted_runs.h"

enum { FIXED = 24 + 4 * (3 + OUTCOME_COUNT), HEAD = FIXED + 12 };
static const uint32_t NO_TEXT = UINT32_MAX;

struct user_rows {
	struct sorted_runs runs;
	bool reading;
	struct user_row row;         /* the current row, its texts in `texts` */
	struct strbuf texts;
};

/* Most attempts first, then by key (as strcmp orders them). */
static int cmp_rows(const uint8_t *x, const uint8_t *y)
{
	uint32_t ax = sorted_runs_u32(x + 4), ay = sorted_runs_u32(y + 4);
	if (ax != ay)
		return ax < ay ? 1 : -1;
	uint32_t ux = sorted_runs_u32(x + FIXED), uy = sorted_runs_u32(y + FIXED);
	return sorted_runs_cmp_bytes(x + HEAD + ux, sorted_runs_u32(x + FIXED + 4), y + HEAD + uy, sorted_runs_u32(y + FIXED + 4));
}

struct user_rows *user_rows_new(void)
{
	struct user_rows *r = calloc(1, sizeof *r);
	if (!r)
		abort();
	sorted_runs_init(&r->runs, summary_run_bytes(), cmp_rows);
	return r;
}

void user_rows_add(struct user_rows *rows, const struct user_row *u)
{
	uint32_t len[3] = {(uint32_t)strlen(u->user), (uint32_t)strlen(u->user_key),
			   u->success_ip ? (uint32_t)strlen(u->success_ip) : NO_TEXT};
	size_t texts = (size_t)len[0] + len[1] + (u->success_ip ? len[2] : 0);
	size_t size = (HEAD + texts + 7) & ~(size_t)7;
	uint8_t *r = sorted_runs_add(&rows->runs, size);
	uint32_t numbers[3 + OUTCOME_COUNT] = {u->ips, u->dc_lockouts, u->dc_failures};
	memcpy(numbers + 3, u->outcomes, sizeof u->outcomes);
	memcpy(r + 4, &u->attempts, 4);
	memcpy(r + 8, &u->first, 8);
	memcpy(r + 16, &u->last, 8);
	memcpy(r + 24, numbers, sizeof numbers);
	memcpy(r + FIXED, len, sizeof len);
	uint8_t *p = r + HEAD;
	memcpy(p, u->user, len[0]);
	memcpy(p += len[0], u->user_key, len[1]);
	p += len[1];
	if (u->success_ip) {
		memcpy(p, u->success_ip, len[2]);
		p += len[2];
	}
	memset(p, 0, (size_t)(r + size - p));
}

size_t user_rows_count(const struct user_rows *rows) { return rows ? (size_t)rows->runs.count : 0; }

/* The current record into rows->row, NULL at the end. */
static const struct user_row *current(struct user_rows *rows)
{
	const uint8_t *r = sorted_runs_peek(&rows->runs);
	if (!r)
		return NULL;
	struct user_row *u = &rows->row;
	uint32_t numbers[3 + OUTCOME_COUNT], len[3];
	memcpy(&u->attempts, r + 4, 4);
	memcpy(&u->first, r + 8, 8);
	memcpy(&u->last, r + 16, 8);
	memcpy(numbers, r + 24, sizeof numbers);
	u->ips = numbers[0];
	u->dc_lockouts = numbers[1];
	u->dc_failures = numbers[2];
	memcpy(u->outcomes, numbers + 3, sizeof u->outcomes);
	memcpy(len, r + FIXED, sizeof len);
	rows->texts.len = 0; /* the three texts, NUL-terminated, one after the other */
	const char *p = (const char *)r + HEAD;
	size_t at[3];
	for (int i = 0; i < 3; i++) {
		at[i] = rows->texts.len;
		if (len[i] != NO_TEXT) {
			sb_add(&rows->texts, p, len[i]);
			p += len[i];
		}
		sb_addc(&rows->texts, 0);
	}
	u->user = rows->texts.data + at[0];
	u->user_key = rows->texts.data + at[1];
	u->success_ip = len[2] == NO_TEXT ? NULL : rows->texts.data + at[2];
	return u;
}

const struct user_row *summary_user_first(const struct summary *s)
{
	struct user_rows *rows = s->user_rows;
	if (!rows)
		return NULL;
	if (!rows->reading) {
		sorted_runs_finish(&rows->runs);
		rows->reading = true;
	} else {
		sorted_runs_rewind(&rows->runs);
	}
	return current(rows);
}

const struct user_row *summary_user_next(const struct summary *s)
{
	struct user_rows *rows = s->user_rows;
	if (!rows || !sorted_runs_peek(&rows->runs))
		return NULL;
	sorted_runs_pop(&rows->runs);
	return current(rows);
}

const char *user_rows_spill_error(const struct user_rows *rows) { return rows ? rows->runs.spill_error : NULL; }

uint64_t user_rows_lost_bytes(const struct user_rows *rows) { return rows ? rows->runs.lost_bytes : 0; }

void user_rows_free(struct user_rows *rows)
{
	if (!rows)
		return;
	sorted_runs_release(&rows->runs);
	sb_free(&rows->texts);
	free(rows);
}
