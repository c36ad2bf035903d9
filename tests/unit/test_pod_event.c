/* specs/pod_event.c: events.jsonl lines as `pod events` shows them on a
 * terminal. */
#include <check.h>
#include <string.h>

#include "specs/pod_event.h"
#include "testmain.h"

static const char *human(const char *line)
{
	static char buf[512];

	pod_event_human(line, strlen(line), buf, sizeof(buf));
	return buf;
}

START_TEST(test_event_lines)
{
	ck_assert_str_eq(human("{\"time\":\"2026-12-04T16:15:46.123456789Z\",\"type\":\"exited\",\"pod\":\"tp\","
			       "\"container\":\"web\",\"restartCount\":1,\"code\":3,\"signal\":0,"
			       "\"reason\":\"Error\",\"message\":\"a b\",\"ok\":true,\"x\":null}"),
			 "16:15:46.123  exited             web restartCount=1 code=3 signal=0 reason=Error "
			 "message=\"a b\" ok=true x=null");
	ck_assert_str_eq(human("{\"time\":\"2026-12-04T16:15:46Z\",\"type\":\"stopping\",\"pod\":\"tp\"}"),
			 "16:15:46Z     stopping           (pod)");
	/* not an event: as it is, control bytes made harmless */
	ck_assert_str_eq(human("garbage\x1b[2J"), "garbage [2J");
	ck_assert_str_eq(human("{\"type\":\"x\",\"message\":\"\\u001b[31mred\"}"),
			 "-             x                  (pod) message= [31mred");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("pod_event");
	TCase *t = tcase_create("core");

	tcase_add_test(t, test_event_lines);
	suite_add_tcase(s, t);
	return s;
}

TEST_MAIN(suite)
