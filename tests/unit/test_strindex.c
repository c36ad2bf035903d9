/* common/strindex: equal strings found by sorting, for duplicate checks
 * and lookups over lists as long as a document makes them. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/strindex.h"
#include "testmain.h"
#include "testscale.h"

START_TEST(firsts_and_find)
{
	static const char *const s[] = { "b", "a", NULL, "b", "c", "a", NULL, "b" };
	static const size_t first[] = { 0, 1, 2, 0, 4, 1, 6, 0 };
	_cleanup_strindex_ struct b_strindex ix = { 0 };

	ck_assert_int_eq(b_strindex_init(&ix, s, 8), 0);
	for (size_t i = 0; i < 8; i++)
		ck_assert_msg(ix.first[i] == first[i], "first[%zu] = %zu", i, ix.first[i]);
	ck_assert(!b_strindex_dup(&ix, 2));         /* NULL equals nothing */
	ck_assert(!b_strindex_dup(&ix, 6));
	ck_assert(b_strindex_dup(&ix, 3));
	ck_assert_uint_eq(b_strindex_first_dup(&ix), 3);
	ck_assert_uint_eq(b_strindex_find(&ix, "a"), 1);
	ck_assert_uint_eq(b_strindex_find(&ix, "b"), 0);
	ck_assert_uint_eq(b_strindex_find(&ix, "c"), 4);
	ck_assert_uint_eq(b_strindex_find(&ix, ""), B_STRINDEX_NONE);
	ck_assert_uint_eq(b_strindex_find(&ix, "bb"), B_STRINDEX_NONE);
	ck_assert_uint_eq(b_strindex_find(&ix, "z"), B_STRINDEX_NONE);
}
END_TEST

START_TEST(empty_and_unique)
{
	static const char *const s[] = { "x", "y", "z" };
	_cleanup_strindex_ struct b_strindex ix = { 0 }, none = { 0 };

	ck_assert_int_eq(b_strindex_init(&none, NULL, 0), 0);
	ck_assert_uint_eq(b_strindex_first_dup(&none), B_STRINDEX_NONE);
	ck_assert_uint_eq(b_strindex_find(&none, "x"), B_STRINDEX_NONE);
	ck_assert_int_eq(b_strindex_init(&ix, s, 3), 0);
	ck_assert_uint_eq(b_strindex_first_dup(&ix), B_STRINDEX_NONE);
}
END_TEST

struct item {
	int n;
	char *name;
};

START_TEST(items)
{
	struct item v[] = { { 1, "p" }, { 2, NULL }, { 3, "q" }, { 4, "p" } };
	_cleanup_strindex_ struct b_strindex ix = { 0 };

	ck_assert_int_eq(B_STRINDEX_ITEMS(&ix, v, 4, name), 0);
	ck_assert_uint_eq(b_strindex_first_dup(&ix), 3);
	ck_assert_uint_eq(ix.first[3], 0);
	ck_assert_uint_eq(b_strindex_find(&ix, "q"), 2);
}
END_TEST

/* Many entries, in the orders that make naive sorts slow (already sorted,
 * reversed, all equal): the first of each run of equals is the lowest
 * index, whatever the order. */
START_TEST(large)
{
	enum { N = TEST_SCALE(100000) };
	_cleanup_free_ char *buf = malloc(N * 8);
	_cleanup_free_ const char **s = calloc(N, sizeof(*s));

	ck_assert_ptr_nonnull(buf);
	ck_assert_ptr_nonnull(s);
	for (int order = 0; order < 3; order++) {
		_cleanup_strindex_ struct b_strindex ix = { 0 };

		for (size_t i = 0; i < N; i++) {
			size_t k = order == 0 ? i / 2 : order == 1 ? (N - 1 - i) / 2 : 7;

			snprintf(buf + i * 8, 8, "%06zu", k);
			s[i] = buf + i * 8;
		}
		ck_assert_int_eq(b_strindex_init(&ix, s, N), 0);
		for (size_t i = 0; i < N; i++) {
			size_t want = order == 2 ? 0 : i & ~(size_t)1;

			ck_assert_msg(ix.first[i] == want, "order %d: first[%zu] = %zu", order,
				      i, ix.first[i]);
		}
		ck_assert_uint_eq(b_strindex_find(&ix, s[N - 1]), order == 2 ? 0 : N - 2);
	}
}
END_TEST

static Suite *strindex_suite(void)
{
	Suite *s = suite_create("strindex");
	TCase *tc = tcase_create("strindex");

	tcase_add_test(tc, firsts_and_find);
	tcase_add_test(tc, empty_and_unique);
	tcase_add_test(tc, items);
	tcase_add_test(tc, large);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(strindex_suite)
