/* common/notify_filter: which sd_notify lines a container may have berth
 * pass on to systemd, for `berth run` and for a pod's supervisor. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/notify_filter.h"
#include "testmain.h"

#define DROP B_NOTIFY_DROP
#define PASS B_NOTIFY_PASS
#define READY B_NOTIFY_READY

static const struct lcase {
	const char *line;
	enum b_notify_verdict run, pod;
} lines[] = {
	/* state the container may report */
	{ "READY=1", PASS, READY },
	{ "STATUS=", PASS, PASS },
	{ "STATUS=warming up: 3/4 caches", PASS, PASS },
	{ "STATUS=MAINPID=1", PASS, PASS },
	{ "RELOADING=1", PASS, PASS },
	{ "MONOTONIC_USEC=12345", PASS, PASS },
	{ "ERRNO=5", PASS, PASS },
	{ "BUSERROR=org.freedesktop.DBus.Error.Failed", PASS, PASS },
	{ "WATCHDOG=1", PASS, PASS },
	/* the unit's own stop: berth run's container is the unit, a pod's is not */
	{ "STOPPING=1", PASS, DROP },
	/* managing the unit: never */
	{ "MAINPID=1", DROP, DROP },
	{ "MAINPID=4242", DROP, DROP },
	{ "NOTIFYACCESS=all", DROP, DROP },
	{ "WATCHDOG=trigger", DROP, DROP },
	{ "WATCHDOG_USEC=1", DROP, DROP },
	{ "WATCHDOG_USEC=18446744073709551615", DROP, DROP },
	{ "EXTEND_TIMEOUT_USEC=600000000", DROP, DROP },
	{ "FDSTORE=1", DROP, DROP },
	{ "FDSTOREREMOVE=1", DROP, DROP },
	{ "FDNAME=x", DROP, DROP },
	{ "FDPOLL=0", DROP, DROP },
	{ "BARRIER=1", DROP, DROP },
	{ "EXIT_STATUS=0", DROP, DROP },
	{ "X_SYSTEMD_UNIT_ACTIVE=1", DROP, DROP },
	{ "UNKNOWN_KEY=1", DROP, DROP },
	/* malformed values of allowed keys */
	{ "READY=0", DROP, DROP },
	{ "READY=1 ", DROP, DROP },
	{ "READY=11", DROP, DROP },
	{ "READY", DROP, DROP },
	{ "STOPPING=0", DROP, DROP },
	{ "RELOADING=yes", DROP, DROP },
	{ "WATCHDOG=", DROP, DROP },
	{ "WATCHDOG=10", DROP, DROP },
	{ "ERRNO=", DROP, DROP },
	{ "ERRNO=-1", DROP, DROP },
	{ "ERRNO=5x", DROP, DROP },
	{ "MONOTONIC_USEC=123456789012345678901", DROP, DROP },
	/* keys are case-sensitive and start the line */
	{ "ready=1", DROP, DROP },
	{ " READY=1", DROP, DROP },
	{ "", DROP, DROP },
};

START_TEST(line_table)
{
	const struct lcase *t = &lines[_i];
	size_t len = strlen(t->line);

	ck_assert_msg(b_notify_line(B_NOTIFY_RUN, t->line, len) == t->run,
		      "berth run: \"%s\"", t->line);
	ck_assert_msg(b_notify_line(B_NOTIFY_POD, t->line, len) == t->pod,
		      "pod: \"%s\"", t->line);
}
END_TEST

static const struct mcase {
	enum b_notify_relay who;
	const char *msg;
	const char *want;
	bool ready;
} msgs[] = {
	{ B_NOTIFY_RUN, "READY=1\nSTATUS=up", "READY=1\nSTATUS=up", false },
	{ B_NOTIFY_POD, "READY=1\nSTATUS=up", "STATUS=up", true },
	{ B_NOTIFY_RUN, "READY=1\nMAINPID=1\nNOTIFYACCESS=all", "READY=1", false },
	{ B_NOTIFY_POD, "MAINPID=1\nREADY=1", "", true },
	{ B_NOTIFY_RUN, "MAINPID=1", "", false },
	{ B_NOTIFY_RUN, "RELOADING=1\nMONOTONIC_USEC=12345", "RELOADING=1\nMONOTONIC_USEC=12345", false },
	{ B_NOTIFY_POD, "STOPPING=1\nSTATUS=bye", "STATUS=bye", false },
	{ B_NOTIFY_RUN, "WATCHDOG=trigger\nWATCHDOG_USEC=1\nWATCHDOG=1", "WATCHDOG=1", false },
	{ B_NOTIFY_RUN, "EXTEND_TIMEOUT_USEC=9\nERRNO=3\n", "ERRNO=3", false },
	/* empty lines and a trailing newline leave no empty lines behind */
	{ B_NOTIFY_RUN, "\n\nSTATUS=a\n\nSTATUS=b\n", "STATUS=a\nSTATUS=b", false },
	{ B_NOTIFY_RUN, "", "", false },
};

START_TEST(message_table)
{
	const struct mcase *t = &msgs[_i];
	char out[256];
	bool ready = !t->ready;
	size_t n = b_notify_filter(t->who, t->msg, strlen(t->msg), out, sizeof(out), &ready);

	ck_assert_str_eq(out, t->want);
	ck_assert_uint_eq(n, strlen(t->want));
	ck_assert_msg(ready == t->ready, "\"%s\": ready %d", t->msg, ready);
}
END_TEST

/* A NUL inside a line must not hide a key after it: systemd reads the
 * datagram to its length, and b_sd_notify() would send up to the NUL. */
START_TEST(embedded_nul)
{
	static const char msg[] = "STATUS=a\0MAINPID=1\nREADY=1";
	char out[64];

	b_notify_filter(B_NOTIFY_RUN, msg, sizeof(msg) - 1, out, sizeof(out), NULL);
	ck_assert_str_eq(out, "READY=1");
}
END_TEST

/* A line that does not fit is dropped whole, never cut into another. */
START_TEST(small_buffer)
{
	static const char msg[] = "STATUS=0123456789\nREADY=1";
	char out[12];

	b_notify_filter(B_NOTIFY_RUN, msg, sizeof(msg) - 1, out, sizeof(out), NULL);
	ck_assert_str_eq(out, "READY=1");
	b_notify_filter(B_NOTIFY_RUN, msg, sizeof(msg) - 1, out, 1, NULL);
	ck_assert_str_eq(out, "");
	ck_assert_uint_eq(b_notify_filter(B_NOTIFY_RUN, msg, sizeof(msg) - 1, out, 0, NULL), 0);
}
END_TEST

/* The message need not be NUL-terminated: only `len` bytes are read. */
START_TEST(length_bounded)
{
	static const char msg[] = "READY=1\nMAINPID=1";
	char out[64];

	b_notify_filter(B_NOTIFY_RUN, msg, 7, out, sizeof(out), NULL);
	ck_assert_str_eq(out, "READY=1");
	b_notify_filter(B_NOTIFY_RUN, "READY=11", 7, out, sizeof(out), NULL);
	ck_assert_str_eq(out, "READY=1");
}
END_TEST

static Suite *notify_filter_suite(void)
{
	Suite *s = suite_create("notify_filter");
	TCase *tc = tcase_create("notify_filter");

	tcase_add_loop_test(tc, line_table, 0, (int)B_ARRAY_SIZE(lines));
	tcase_add_loop_test(tc, message_table, 0, (int)B_ARRAY_SIZE(msgs));
	tcase_add_test(tc, embedded_nul);
	tcase_add_test(tc, small_buffer);
	tcase_add_test(tc, length_bounded);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(notify_filter_suite)
