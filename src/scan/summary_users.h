/* summary_users.h: the summary's user rows kept in sorted runs, most attempts first (summary_users.c); read with
 * summary_user_first / summary_user_next (summary.h). Internal to the summary. */
#ifndef BADCREDS_SUMMARY_USERS_H
#define BADCREDS_SUMMARY_USERS_H

#include "badcreds/summary.h"

struct user_rows *user_rows_new(void);
/* Adds a row (its texts copied). */
void user_rows_add(struct user_rows *rows, const struct user_row *u);
size_t user_rows_count(const struct user_rows *rows);
/* Why the rows stayed in memory (NULL when they did not); bytes of them not read back. */
const char *user_rows_spill_error(const struct user_rows *rows);
uint64_t user_rows_lost_bytes(const struct user_rows *rows);
void user_rows_free(struct user_rows *rows);

#endif
