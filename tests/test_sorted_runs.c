/* test_sorted_runs.c: the external merge sort (util/sorted_runs.c) against qsort of the same records: every record
 * back once, in order and whole, with run buffers from one record to all in memory; read again after a partial and a
 * full pass; and a temporary file that cannot be read back counted once, not read again on the next pass (cmocka). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#ifndef _WIN32
#include <fcntl.h>
#include <unistd.h>
#endif

#include "util/sorted_runs.h"

/* A test record: u32 size, u32 key, u64 seq, then `size - 16` bytes of filler derived from seq. */
static int cmp_test(const uint8_t *x, const uint8_t *y)
{
	uint32_t a = sorted_runs_u32(x + 4), b = sorted_runs_u32(y + 4);
	if (a != b)
		return a < b ? -1 : 1;
	uint64_t p = sorted_runs_u64(x + 8), q = sorted_runs_u64(y + 8);
	return (p > q) - (p < q);
}

struct ref {
	uint32_t key, size;
	uint64_t seq;
};

static int cmp_ref(const void *x, const void *y)
{
	const struct ref *a = x, *b = y;
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return (a->seq > b->seq) - (a->seq < b->seq);
}

static void fill(struct sorted_runs *s, struct ref *refs, size_t n, unsigned seed)
{
	srand(seed);
	for (size_t i = 0; i < n; i++) {
		uint32_t key = (uint32_t)(rand() % 97), size = 16 + 8 * (uint32_t)(rand() % (i % 50 ? 8 : 20000));
		uint8_t *r = sorted_runs_add(s, size);
		uint64_t seq = i;
		memcpy(r + 4, &key, 4);
		memcpy(r + 8, &seq, 8);
		for (uint32_t k = 16; k < size; k++)
			r[k] = (uint8_t)(seq * 31 + k);
		refs[i] = (struct ref){key, size, seq};
	}
	qsort(refs, n, sizeof *refs, cmp_ref);
}

/* Reads up to `most` records, checking each against refs; the number read. */
static size_t read_checked(struct sorted_runs *s, const struct ref *refs, size_t n, size_t most)
{
	size_t got = 0;
	for (const uint8_t *r; got < most && (r = sorted_runs_peek(s)); sorted_runs_pop(s), got++) {
		assert_true(got < n);
		assert_int_equal(sorted_runs_u32(r), refs[got].size);
		assert_int_equal(sorted_runs_u32(r + 4), refs[got].key);
		assert_int_equal(sorted_runs_u64(r + 8), refs[got].seq);
		for (uint32_t k = 16; k < refs[got].size; k++)
			if (r[k] != (uint8_t)(refs[got].seq * 31 + k))
				fail_msg("record %zu damaged at byte %u", got, k);
	}
	return got;
}

static void in_order_whole(void **state)
{
	(void)state;
	enum { N = 3000 };
	static struct ref refs[N];
	const size_t limits[] = {1, 4096, 100000, (size_t)1 << 30};
	for (size_t l = 0; l < sizeof limits / sizeof *limits; l++) {
		struct sorted_runs s;
		sorted_runs_init(&s, limits[l], cmp_test);
		fill(&s, refs, N, (unsigned)l + 1);
		sorted_runs_finish(&s);
		assert_int_equal(s.count, N);
		assert_null(s.spill_error);
		assert_int_equal(read_checked(&s, refs, N, N + 1), N);
		sorted_runs_rewind(&s); /* after a full pass */
		assert_int_equal(read_checked(&s, refs, N, 1234), 1234);
		sorted_runs_rewind(&s); /* after a partial one */
		assert_int_equal(read_checked(&s, refs, N, N + 1), N);
		assert_int_equal(s.lost_bytes, 0);
		sorted_runs_release(&s);
	}
}

static void nothing_added(void **state)
{
	(void)state;
	struct sorted_runs s;
	sorted_runs_init(&s, 4096, cmp_test);
	sorted_runs_finish(&s);
	assert_null(sorted_runs_peek(&s));
	sorted_runs_rewind(&s);
	assert_null(sorted_runs_peek(&s));
	sorted_runs_release(&s);
	assert_int_equal(s.fd, -1);
}

static void unreadable_file(void **state)
{
	(void)state;
#ifndef _WIN32
	enum { N = 500 };
	static struct ref refs[N];
	struct sorted_runs s;
	sorted_runs_init(&s, 4096, cmp_test);
	fill(&s, refs, N, 9);
	assert_true(s.fd >= 0);
	close(s.fd); /* the runs written so far cannot be read back: a descriptor open for writing only instead */
	s.fd = open("/dev/null", O_WRONLY);
	assert_true(s.fd >= 0);
	sorted_runs_finish(&s);
	assert_int_equal(read_checked(&s, refs, N, N + 1), 0);
	uint64_t lost = s.lost_bytes;
	assert_true(lost > 0 && lost <= s.file_size);
	sorted_runs_rewind(&s);
	assert_null(sorted_runs_peek(&s));
	assert_int_equal(s.lost_bytes, lost); /* counted once */
	sorted_runs_release(&s);
#endif
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(in_order_whole), cmocka_unit_test(nothing_added), cmocka_unit_test(unreadable_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
