/* specs/logline: runc's log lines.  The JSON form must be one valid JSON
 * object per line whatever the message holds (quotes, newlines, control
 * bytes, bytes that are not UTF-8), and the text form logrus's
 * time="…" level=… msg="…" with the message quoted as Go's %q does. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "common/utf8.h"
#include "specs/logline.h"
#include "testmain.h"

#define TS "2026-12-03T10:00:00.000000001Z"

static void expect(bool json, const char *msg, const char *want)
{
	char *line = logline_format(json, "debug", msg, TS);

	ck_assert_ptr_nonnull(line);
	ck_assert_str_eq(line, want);
	ck_assert(b_utf8_valid(line, strlen(line)));
	free(line);
}

START_TEST(json_plain)
{
	expect(true, "mounts: proc on /proc",
	       "{\"level\":\"debug\",\"msg\":\"mounts: proc on /proc\",\"time\":\"" TS "\"}\n");
}
END_TEST

START_TEST(json_escapes)
{
	expect(true, "a \"q\" \\ b\nc\td\x01",
	       "{\"level\":\"debug\",\"msg\":\"a \\\"q\\\" \\\\ b\\nc\\td\\u0001\",\"time\":\"" TS "\"}\n");
}
END_TEST

START_TEST(json_not_utf8)
{
	/* A stray continuation byte and a cut sequence become text; é stays. */
	expect(true, "caf\xc3\xa9 \x80 \xe2\x82",
	       "{\"level\":\"debug\",\"msg\":\"caf\xc3\xa9 \\\\x80 \\\\xe2\\\\x82\",\"time\":\"" TS "\"}\n");
}
END_TEST

START_TEST(json_empty)
{
	expect(true, "", "{\"level\":\"debug\",\"msg\":\"\",\"time\":\"" TS "\"}\n");
}
END_TEST

START_TEST(text_plain)
{
	expect(false, "cgroup: creating /sys/fs/cgroup/berth/x",
	       "time=\"" TS "\" level=debug msg=\"cgroup: creating /sys/fs/cgroup/berth/x\"\n");
}
END_TEST

START_TEST(text_quoted)
{
	expect(false, "say \"hi\"\\\n\r\t\x7f\xff \xe2\x82\xac",
	       "time=\"" TS "\" level=debug msg=\"say \\\"hi\\\"\\\\\\n\\r\\t\\x7f\\xff \xe2\x82\xac\"\n");
}
END_TEST

static Suite *logline_suite(void)
{
	Suite *s = suite_create("logline");
	TCase *tc = tcase_create("logline");

	tcase_add_test(tc, json_plain);
	tcase_add_test(tc, json_escapes);
	tcase_add_test(tc, json_not_utf8);
	tcase_add_test(tc, json_empty);
	tcase_add_test(tc, text_plain);
	tcase_add_test(tc, text_quoted);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(logline_suite)
