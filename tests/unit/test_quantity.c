/* specs/quantity: Kubernetes quantities to bytes and millicores, errors and
 * the hints offered for common mistakes. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "specs/quantity.h"
#include "testmain.h"

enum unit { BYTES, MILLIS };

static const struct qcase {
	const char *in;
	enum unit unit;
	enum quantity_err err;
	int64_t want;
	bool exact;
} cases[] = {
	/* memory */
	{ "64Mi", BYTES, QUANTITY_OK, 67108864, true },
	{ "1G", BYTES, QUANTITY_OK, 1000000000, true },
	{ "1.5Gi", BYTES, QUANTITY_OK, 1610612736, true },
	{ "2", BYTES, QUANTITY_OK, 2, true },
	{ "128974848", BYTES, QUANTITY_OK, 128974848, true },
	{ "129e6", BYTES, QUANTITY_OK, 129000000, true },
	{ "129E6", BYTES, QUANTITY_OK, 129000000, true },
	{ "123Mi", BYTES, QUANTITY_OK, 128974848, true },
	{ "1e3", BYTES, QUANTITY_OK, 1000, true },
	{ "1Ki", BYTES, QUANTITY_OK, 1024, true },
	{ "1k", BYTES, QUANTITY_OK, 1000, true },
	{ "1Ti", BYTES, QUANTITY_OK, 1099511627776LL, true },
	{ "2P", BYTES, QUANTITY_OK, 2000000000000000LL, true },
	{ "1E", BYTES, QUANTITY_OK, 1000000000000000000LL, true },
	{ "1Ei", BYTES, QUANTITY_OK, 1152921504606846976LL, true },
	{ ".5Ki", BYTES, QUANTITY_OK, 512, true },
	{ "1.", BYTES, QUANTITY_OK, 1, true },
	{ "+5", BYTES, QUANTITY_OK, 5, true },
	{ "0", BYTES, QUANTITY_OK, 0, true },
	{ "-0", BYTES, QUANTITY_OK, 0, true },
	{ "000000000000000000000000000042", BYTES, QUANTITY_OK, 42, true },
	{ "1.000000000000000000000000000000", BYTES, QUANTITY_OK, 1, true },
	{ "0.5", BYTES, QUANTITY_OK, 1, false },
	{ "1.5", BYTES, QUANTITY_OK, 2, false },
	{ "100m", BYTES, QUANTITY_OK, 1, false },
	{ "1e-3", BYTES, QUANTITY_OK, 1, false },
	{ "1e-99999999", BYTES, QUANTITY_OK, 1, false },
	{ "9223372036854775807", BYTES, QUANTITY_OK, INT64_MAX, true },
	{ "9223372036854775808", BYTES, QUANTITY_RANGE, 0, true },
	{ "8Ei", BYTES, QUANTITY_RANGE, 0, true },
	{ "7.99Ei", BYTES, QUANTITY_OK, 9211842821808707339LL, false },
	{ "1e30", BYTES, QUANTITY_RANGE, 0, true },
	{ "1e99999999999", BYTES, QUANTITY_RANGE, 0, true },
	/* cpu */
	{ "500m", MILLIS, QUANTITY_OK, 500, true },
	{ "0.5", MILLIS, QUANTITY_OK, 500, true },
	{ "2", MILLIS, QUANTITY_OK, 2000, true },
	{ "100m", MILLIS, QUANTITY_OK, 100, true },
	{ "0.1m", MILLIS, QUANTITY_OK, 1, false },
	{ "1n", MILLIS, QUANTITY_OK, 1, false },
	{ "1u", MILLIS, QUANTITY_OK, 1, false },
	{ "1500u", MILLIS, QUANTITY_OK, 2, false },
	{ "1.5", MILLIS, QUANTITY_OK, 1500, true },
	{ "2.0005", MILLIS, QUANTITY_OK, 2001, false },
	{ "1e3", MILLIS, QUANTITY_OK, 1000000, true },
	{ "1k", MILLIS, QUANTITY_OK, 1000000, true },
	{ "9223372036854775807m", MILLIS, QUANTITY_OK, INT64_MAX, true },
	{ "9223372036854775808m", MILLIS, QUANTITY_RANGE, 0, true },
	{ "1000000000000000000", MILLIS, QUANTITY_RANGE, 0, true },
	/* errors */
	{ "64MB", BYTES, QUANTITY_SUFFIX, 0, true },
	{ "1K", BYTES, QUANTITY_SUFFIX, 0, true },
	{ "1e", BYTES, QUANTITY_SUFFIX, 0, true },
	{ "1mi", BYTES, QUANTITY_SUFFIX, 0, true },
	{ "0.5cpu", MILLIS, QUANTITY_SUFFIX, 0, true },
	{ "-1", BYTES, QUANTITY_NEGATIVE, 0, true },
	{ "-0.5", MILLIS, QUANTITY_NEGATIVE, 0, true },
	{ "-1Mi", BYTES, QUANTITY_NEGATIVE, 0, true },
	{ "1.2.3", BYTES, QUANTITY_SYNTAX, 0, true },
	{ "Mi", BYTES, QUANTITY_SYNTAX, 0, true },
	{ "", BYTES, QUANTITY_EMPTY, 0, true },
	{ "1 Gi", BYTES, QUANTITY_SYNTAX, 0, true },
	{ " 1", BYTES, QUANTITY_SYNTAX, 0, true },
	{ "1Gi ", BYTES, QUANTITY_SYNTAX, 0, true },
	{ "0x10", BYTES, QUANTITY_SYNTAX, 0, true },
	{ ".", BYTES, QUANTITY_SYNTAX, 0, true },
	{ "-", BYTES, QUANTITY_SYNTAX, 0, true },
	{ "--1", BYTES, QUANTITY_SYNTAX, 0, true },
	{ "1e3x", BYTES, QUANTITY_SYNTAX, 0, true },
	{ "1e3.5", BYTES, QUANTITY_SYNTAX, 0, true },
	{ "1Mi3", BYTES, QUANTITY_SYNTAX, 0, true },
	{ "abc", BYTES, QUANTITY_SYNTAX, 0, true },
	{ "1,5", MILLIS, QUANTITY_SYNTAX, 0, true },
};

START_TEST(quantity_table)
{
	const struct qcase *t = &cases[_i];
	int64_t v = -12345;
	bool exact = !t->exact;
	enum quantity_err e;

	if (t->unit == BYTES) {
		e = quantity_bytes(t->in, &v, &exact);
	} else {
		e = quantity_millis(t->in, &v);
		exact = t->exact;
		ck_assert_int_eq(quantity_scaled(t->in, 3, &v, &exact), e);
	}
	ck_assert_msg(e == t->err, "\"%s\": error %d, want %d", t->in, e, t->err);
	if (e != QUANTITY_OK)
		return;
	ck_assert_msg(v == t->want, "\"%s\": %lld, want %lld", t->in, (long long)v,
		      (long long)t->want);
	ck_assert_msg(exact == t->exact, "\"%s\": exact %d", t->in, exact);
}
END_TEST

START_TEST(scaled_other_units)
{
	int64_t v;
	bool exact;

	/* Kubernetes' ScaledValue(Micro), ScaledValue(Kilo). */
	ck_assert_int_eq(quantity_scaled("1.5", 6, &v, &exact), QUANTITY_OK);
	ck_assert_int_eq(v, 1500000);
	ck_assert_int_eq(quantity_scaled("1500", -3, &v, &exact), QUANTITY_OK);
	ck_assert_int_eq(v, 2);
	ck_assert(!exact);
	ck_assert_int_eq(quantity_scaled("2Ki", -3, &v, &exact), QUANTITY_OK);
	ck_assert_int_eq(v, 3);
	ck_assert_int_eq(quantity_scaled("3", 0, &v, NULL), QUANTITY_OK);
	ck_assert_int_eq(v, 3);
}
END_TEST

START_TEST(error_strings)
{
	ck_assert_str_eq(quantity_err_str(QUANTITY_SYNTAX), "is not a quantity");
	ck_assert_str_eq(quantity_err_str(QUANTITY_SUFFIX), "is not a quantity");
	ck_assert_str_eq(quantity_err_str(QUANTITY_EMPTY), "is not a quantity");
	ck_assert_str_eq(quantity_err_str(QUANTITY_NEGATIVE), "must not be negative");
	ck_assert_str_eq(quantity_err_str(QUANTITY_RANGE), "is too large");
}
END_TEST

static const struct hcase {
	const char *in;
	enum quantity_kind kind;
	const char *want;   /* NULL: no hint */
} hints[] = {
	{ "64MB", QUANTITY_MEMORY, "64Mi" },
	{ "64mb", QUANTITY_MEMORY, "64Mi" },
	{ "1GB", QUANTITY_MEMORY, "1Gi" },
	{ "1.5gb", QUANTITY_MEMORY, "1.5Gi" },
	{ "512KB", QUANTITY_MEMORY, "512Ki" },
	{ "1K", QUANTITY_MEMORY, "1Ki" },
	{ "2TB", QUANTITY_MEMORY, "2Ti" },
	{ "1MiB", QUANTITY_MEMORY, "1Mi" },
	{ "1mi", QUANTITY_MEMORY, "1Mi" },
	{ "100B", QUANTITY_MEMORY, "100" },
	{ "100bytes", QUANTITY_MEMORY, "100" },
	{ "128m", QUANTITY_MEMORY, "128Mi" },
	{ "1 Gi", QUANTITY_MEMORY, "1Gi" },
	{ "64 MB", QUANTITY_MEMORY, "64Mi" },
	{ "0x10", QUANTITY_MEMORY, "16" },
	{ "0X1f", QUANTITY_MEMORY, "31" },
	{ "0.5cpu", QUANTITY_CPU, "0.5" },
	{ "2 cores", QUANTITY_CPU, "2" },
	{ "1vCPU", QUANTITY_CPU, "1" },
	{ "500mcpu", QUANTITY_CPU, "500m" },
	{ "250millicores", QUANTITY_CPU, "250m" },
	{ "1,5", QUANTITY_CPU, "1.5" },
	{ "64MB", QUANTITY_CPU, NULL },
	{ "1.2.3", QUANTITY_MEMORY, NULL },
	{ "1,2,3", QUANTITY_CPU, NULL },
	{ "", QUANTITY_MEMORY, NULL },
	{ "Mi", QUANTITY_MEMORY, NULL },
	{ "abc", QUANTITY_CPU, NULL },
	{ "64XB", QUANTITY_MEMORY, NULL },
	{ "0x", QUANTITY_MEMORY, NULL },
	{ "0xfffffffffffffffffffff", QUANTITY_MEMORY, NULL },
};

START_TEST(hint_table)
{
	const struct hcase *t = &hints[_i];
	char buf[64] = "untouched";
	bool got = quantity_hint(t->in, t->kind, buf, sizeof(buf));

	if (!t->want) {
		ck_assert_msg(!got, "\"%s\": unexpected hint \"%s\"", t->in, buf);
		return;
	}
	ck_assert_msg(got, "\"%s\": no hint", t->in);
	ck_assert_str_eq(buf, t->want);
}
END_TEST

START_TEST(hint_small_buffer)
{
	char buf[3];

	ck_assert(!quantity_hint("64MB", QUANTITY_MEMORY, buf, sizeof(buf)));
}
END_TEST

/* A long run of digits must not be a problem (exact arithmetic). */
START_TEST(long_inputs)
{
	_cleanup_free_ char *s = malloc(5003);
	int64_t v;
	bool exact;

	ck_assert_ptr_nonnull(s);
	memset(s, '9', 5000);
	strcpy(s + 5000, "Ei");
	ck_assert_int_eq(quantity_bytes(s, &v, &exact), QUANTITY_RANGE);
	s[0] = '.';
	s[5000] = 'n';
	s[5001] = '\0';
	ck_assert_int_eq(quantity_millis(s, &v), QUANTITY_OK);
	ck_assert_int_eq(v, 1);
}
END_TEST

/* "<head><n zeros><tail>", malloc()ed. */
static char *zeros(const char *head, size_t n, const char *tail)
{
	size_t h = strlen(head), t = strlen(tail);
	char *s = malloc(h + n + t + 1);

	ck_assert_ptr_nonnull(s);
	memcpy(s, head, h);
	memset(s + h, '0', n);
	memcpy(s + h + n, tail, t + 1);
	return s;
}

static void check_exact(const char *s, int64_t want)
{
	int64_t v = -1;
	bool exact = false;

	ck_assert_int_eq(quantity_bytes(s, &v, &exact), QUANTITY_OK);
	ck_assert_int_eq(v, want);
	ck_assert(exact);
}

/* More than 100,000 digits against an exponent of the same size: the
 * fraction's length and the exponent must be limited the same way, or
 * the value comes out scaled by the difference. */
START_TEST(long_fraction_vs_exponent)
{
	_cleanup_free_ char *a = zeros("0.", 100001, "1e100010");
	_cleanup_free_ char *b = zeros("0.", 100001, "1e100002");
	_cleanup_free_ char *c = zeros("1", 100001, "e-100001");
	_cleanup_free_ char *d = zeros("0.", 250000, "1e250010");
	_cleanup_free_ char *e = zeros("0.", 100001, "1e99999999999999999999999");
	_cleanup_free_ char *f = zeros("1", 100001, "e-99999999999999999999999");
	int64_t v = -1;
	bool exact = true;

	check_exact(a, 100000000);      /* 1e-100002 * 1e100010 */
	check_exact(b, 1);
	check_exact(c, 1);              /* 1e100001 * 1e-100001 */
	check_exact(d, 1000000000);
	ck_assert_int_eq(quantity_bytes(e, &v, &exact), QUANTITY_RANGE);
	ck_assert_int_eq(quantity_bytes(f, &v, &exact), QUANTITY_OK);
	ck_assert_int_eq(v, 1);
	ck_assert(!exact);
	/* The same numbers in millicores: the scale joins the same sum. */
	ck_assert_int_eq(quantity_millis(a, &v), QUANTITY_OK);
	ck_assert_int_eq(v, 100000000000LL);
	ck_assert_int_eq(quantity_millis(c, &v), QUANTITY_OK);
	ck_assert_int_eq(v, 1000);
}
END_TEST

static Suite *quantity_suite(void)
{
	Suite *s = suite_create("quantity");
	TCase *tc = tcase_create("quantity");

	tcase_add_loop_test(tc, quantity_table, 0, (int)B_ARRAY_SIZE(cases));
	tcase_add_test(tc, scaled_other_units);
	tcase_add_test(tc, error_strings);
	tcase_add_loop_test(tc, hint_table, 0, (int)B_ARRAY_SIZE(hints));
	tcase_add_test(tc, hint_small_buffer);
	tcase_add_test(tc, long_inputs);
	tcase_add_test(tc, long_fraction_vs_exponent);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(quantity_suite)
