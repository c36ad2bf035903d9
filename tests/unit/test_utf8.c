/* common/utf8 and the messages of common/error: what is well-formed UTF-8,
 * and that a message cut to fit its buffer stays well-formed (cmd/ writes
 * messages into JSON log lines, which refuse anything else). */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/error.h"
#include "common/utf8.h"
#include "testmain.h"

static const struct {
	const char *s;
	size_t len;        /* of the first character; 0: not one */
} chars[] = {
	{ "a", 1 },
	{ "\x7f", 1 },
	{ "\xc2\x80", 2 },                 /* U+0080, the smallest of two bytes */
	{ "\xc3\xa9", 2 },                 /* é */
	{ "\xdf\xbf", 2 },
	{ "\xe0\xa0\x80", 3 },             /* U+0800 */
	{ "\xe2\x82\xac", 3 },             /* € */
	{ "\xed\x9f\xbf", 3 },             /* U+D7FF, just below the surrogates */
	{ "\xee\x80\x80", 3 },             /* U+E000, just above */
	{ "\xef\xbf\xbd", 3 },             /* U+FFFD */
	{ "\xf0\x90\x80\x80", 4 },         /* U+10000 */
	{ "\xf0\x9f\x98\x80", 4 },         /* 😀 */
	{ "\xf4\x8f\xbf\xbf", 4 },         /* U+10FFFF */
	/* overlong forms of '/' and of U+07FF, U+FFFF */
	{ "\xc0\xaf", 0 },
	{ "\xc1\xbf", 0 },
	{ "\xe0\x80\xaf", 0 },
	{ "\xe0\x9f\xbf", 0 },
	{ "\xf0\x80\x80\xaf", 0 },
	{ "\xf0\x8f\xbf\xbf", 0 },
	/* surrogates */
	{ "\xed\xa0\x80", 0 },
	{ "\xed\xbf\xbf", 0 },
	/* past U+10FFFF, and leads that never occur */
	{ "\xf4\x90\x80\x80", 0 },
	{ "\xf5\x80\x80\x80", 0 },
	{ "\xf8\x88\x80\x80\x80", 0 },
	{ "\xff", 0 },
	/* stray continuations, truncated sequences */
	{ "\x80", 0 },
	{ "\xbf", 0 },
	{ "\xc3", 0 },
	{ "\xc3" "a", 0 },
	{ "\xe2\x82", 0 },
	{ "\xe2\x82" "a", 0 },
	{ "\xf0\x9f\x98", 0 },
};

START_TEST(char_table)
{
	const char *s = chars[_i].s;

	ck_assert_msg(b_utf8_char(s, strlen(s)) == chars[_i].len, "case %d", _i);
	ck_assert(b_utf8_valid(s, strlen(s)) == (chars[_i].len == strlen(s)));
}
END_TEST

START_TEST(char_avail)
{
	/* Never reads past what it is given. */
	ck_assert_uint_eq(b_utf8_char("\xe2\x82\xac", 2), 0);
	ck_assert_uint_eq(b_utf8_char("\xe2\x82\xac", 3), 3);
	ck_assert_uint_eq(b_utf8_char("a", 0), 0);
	ck_assert(b_utf8_valid("", 0));
	ck_assert(b_utf8_valid("a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80z", 11));
	ck_assert(!b_utf8_valid("a\xc3\xa9\xc0\xafz", 6));
}
END_TEST

START_TEST(trim)
{
	static const char s[] = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80";  /* a é € 😀 */
	static const size_t want[] = { 0, 1, 1, 3, 3, 3, 6, 6, 6, 6, 10 };

	for (size_t len = 0; len < sizeof(want) / sizeof(want[0]); len++)
		ck_assert_msg(b_utf8_trim(s, len) == want[len], "len %zu: %zu", len,
			      b_utf8_trim(s, len));
	/* Only an incomplete tail is the cut's doing; other bytes stay. */
	ck_assert_uint_eq(b_utf8_trim("a\x80", 2), 2);
	ck_assert_uint_eq(b_utf8_trim("\xc3\xa9\x80", 3), 3);
}
END_TEST

/* "a" then `n` copies of the character `ch`: a long multibyte value. */
static char *multibyte(const char *ch, size_t n)
{
	size_t w = strlen(ch);
	char *s = malloc(1 + n * w + 1);

	ck_assert_ptr_nonnull(s);
	s[0] = 'a';
	for (size_t i = 0; i < n; i++)
		memcpy(s + 1 + i * w, ch, w);
	s[1 + n * w] = '\0';
	return s;
}

static void check_message(const struct b_err *e)
{
	size_t len = strlen(e->msg);

	ck_assert_uint_lt(len, B_ERR_MSG_MAX);
	ck_assert_uint_gt(len, B_ERR_MSG_MAX - 5);
	ck_assert_msg(b_utf8_valid(e->msg, len), "cut inside a character: ...%s",
		      e->msg + len - 8);
}

/* Messages longer than B_ERR_MSG_MAX are cut between characters,
 * whichever function wrote them, for two-, three- and four-byte ones. */
START_TEST(error_cut_on_boundary)
{
	static const char *const kinds[] = { "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80" };

	for (size_t k = 0; k < 3; k++) {
		_cleanup_free_ char *v = multibyte(kinds[k], 700);
		struct b_err e = { 0 };

		ck_assert_int_eq(b_err_set(&e, EINVAL, "value \"%s\"", v), -EINVAL);
		check_message(&e);
		ck_assert_int_eq(b_err_sys(&e, ENOENT, "x%s", v), -ENOENT);
		check_message(&e);
		b_err_set(&e, EINVAL, "short");
		ck_assert_int_eq(b_err_prefix(&e, "%s", v), -EINVAL);
		check_message(&e);
		b_err_set(&e, EINVAL, "%s", v + 1 + 100 * strlen(kinds[k]));
		b_err_prefix(&e, "some context here");
		check_message(&e);
	}
}
END_TEST

START_TEST(error_short_untouched)
{
	struct b_err e = { 0 };

	b_err_set(&e, EINVAL, "caf\xc3\xa9 %s", "\xe2\x82\xac");
	ck_assert_str_eq(e.msg, "caf\xc3\xa9 \xe2\x82\xac");
	b_err_prefix(&e, "ctx");
	ck_assert_str_eq(e.msg, "ctx: caf\xc3\xa9 \xe2\x82\xac");
}
END_TEST

/* Text another party chose (a probe's output), kept valid. */
START_TEST(copy_text)
{
	char out[16];

	ck_assert_uint_eq(b_utf8_copy_text(out, "ok \xc3\xa9", 5), 5);
	ck_assert_str_eq(out, "ok \xc3\xa9");
	ck_assert_uint_eq(b_utf8_copy_text(out, "ok \xc3\xa9", 4), 3);    /* a cut character dropped */
	ck_assert_str_eq(out, "ok ");
	ck_assert_uint_eq(b_utf8_copy_text(out, "a\xff" "b\xc0\xaf" "c", 6), 6);
	ck_assert_str_eq(out, "a?b??c");
	ck_assert_uint_eq(b_utf8_copy_text(out, "", 0), 0);
	ck_assert_str_eq(out, "");
}
END_TEST

static Suite *utf8_suite(void)
{
	Suite *s = suite_create("utf8");
	TCase *tc = tcase_create("utf8");

	tcase_add_loop_test(tc, char_table, 0, (int)(sizeof(chars) / sizeof(chars[0])));
	tcase_add_test(tc, char_avail);
	tcase_add_test(tc, trim);
	tcase_add_test(tc, error_cut_on_boundary);
	tcase_add_test(tc, error_short_untouched);
	tcase_add_test(tc, copy_text);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(utf8_suite)
