/* summary_record.h: the summary's record of an attempt (summary_attempts.c gives the layout) read back, and the two
 * orders it is sorted in. Internal to the summary. */
#ifndef BADCREDS_SUMMARY_RECORD_H
#define BADCREDS_SUMMARY_RECORD_H

#include <stddef.h>
#include <stdint.h>

/* An attempt record read back: its time, order, address number, way number, user as typed and key (its length and
 * bytes, not NUL-terminated; they point into the record). */
struct summary_record {
	int64_t time;
	uint64_t seq;
	uint32_t ip, via;
	const char *user, *key;
	size_t user_len, key_len;
};
void summary_record_read(const uint8_t *r, struct summary_record *out);
/* The order of the runs by user (key, then time), and of the runs by address (then time). */
int summary_record_cmp_user(const uint8_t *x, const uint8_t *y);
int summary_record_cmp_ip(const uint8_t *x, const uint8_t *y);
/* Bytes of a run buffer of the summary's sorted runs (BADCREDS_SUMMARY_RUN_BYTES overrides it, for the tests). */
size_t summary_run_bytes(void);

#endif
