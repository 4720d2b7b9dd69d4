/* source_stats.c: what the sources read, counted for the closing line: inputs read and unreadable (the first
 * named), records, remnants, and the time the records cover. */
#include "badcreds/source.h"

void source_stats_unreadable(struct source_stats *st, const char *name)
{
	enum { NAMES_SHOWN = 10 };
	if (st->unreadable++ < NAMES_SHOWN) {
		if (st->unreadable_names.len)
			sb_adds(&st->unreadable_names, "; ");
		sb_adds(&st->unreadable_names, name);
	} else if (st->unreadable == NAMES_SHOWN + 1) {
		sb_adds(&st->unreadable_names, "; ...");
	}
}

void source_stats_free(struct source_stats *st) { sb_free(&st->unreadable_names); }

void source_stats_time(struct source_stats *st, int64_t t)
{
	if (!st->has_time || t < st->first_time)
		st->first_time = t;
	if (!st->has_time || t > st->last_time)
		st->last_time = t;
	st->has_time = true;
}
