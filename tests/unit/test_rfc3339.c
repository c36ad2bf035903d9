/* common/strutil.c b_rfc3339: the civil date computed by hand (glibc's
 * gmtime reads /etc/localtime) agrees with gmtime_r everywhere. */
#include <check.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/strutil.h"
#include "testmain.h"

static void expect_like_gmtime(time_t t, long ns)
{
	struct timespec ts = { t, ns };
	struct tm tm;
	char want[64], got[64];

	gmtime_r(&t, &tm);
	snprintf(want, sizeof(want), "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ns);
	b_rfc3339(&ts, got, sizeof(got));
	ck_assert_msg(!strcmp(want, got), "t=%lld: want %s, got %s", (long long)t, want, got);
}

START_TEST(test_known_dates)
{
	char buf[64];
	struct timespec ts = { 1796322404, 557750429 };

	b_rfc3339(&ts, buf, sizeof(buf));
	ck_assert_str_eq(buf, "2026-12-03T18:26:44.557750429Z");
	ts = (struct timespec){ 951782400, 0 };    /* a leap day in a year divisible by 400 */
	b_rfc3339(&ts, buf, sizeof(buf));
	ck_assert_str_eq(buf, "2000-02-29T00:00:00.000000000Z");
	ts = (struct timespec){ -1, 1 };
	b_rfc3339(&ts, buf, sizeof(buf));
	ck_assert_str_eq(buf, "1969-12-31T23:59:59.000000001Z");
}
END_TEST

START_TEST(test_agrees_with_gmtime)
{
	/* Every 7 hours and 13 seconds from 1900 to 2200: all month ends,
	 * leap days and centuries. */
	for (time_t t = -2208988800LL; t < 7258118400LL; t += 7 * 3600 + 13)
		expect_like_gmtime(t, 0);
	for (time_t t = -86400 * 3; t < 86400 * 3; t += 3599)
		expect_like_gmtime(t, 999999999);
}
END_TEST

static Suite *rfc3339_suite(void)
{
	Suite *s = suite_create("rfc3339");
	TCase *tc = tcase_create("core");

	/* 375,000 dates: a second or so, several under ASan on a busy
	 * machine; libcheck's default 4 s is not about speed here. */
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_known_dates);
	tcase_add_test(tc, test_agrees_with_gmtime);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(rfc3339_suite)
