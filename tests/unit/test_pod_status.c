/* specs/pod_status.c (reading `berth pod inspect` documents back for
 * `pod ps`) and jsonw's pretty form of empty containers. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "specs/jsonw.h"
#include "specs/pod_status.h"
#include "testmain.h"

static const char doc[] =
	"{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"web\"},"
	"\"status\":{\"phase\":\"Running\",\"conditions\":[],\"startTime\":\"2026-11-25T10:00:00Z\","
	"\"initContainerStatuses\":[{\"name\":\"side\",\"restartCount\":0,\"ready\":true,"
	"  \"state\":{\"running\":{\"startedAt\":\"2026-11-25T10:00:01Z\"}},\"lastState\":{},"
	"  \"berth\":{\"sidecar\":true,\"memoryUsageBytes\":null,\"memoryLimitBytes\":16777216,\"health\":\"\"}}],"
	"\"containerStatuses\":[{\"name\":\"hog\",\"restartCount\":3,\"ready\":false,"
	"  \"state\":{\"waiting\":{\"reason\":\"CrashLoopBackOff\",\"message\":\"back-off\"}},"
	"  \"lastState\":{\"terminated\":{\"exitCode\":137,\"signal\":9,\"reason\":\"OOMKilled\"}},"
	"  \"berth\":{\"sidecar\":false,\"memoryUsageBytes\":1024,\"memoryLimitBytes\":null,"
	"    \"health\":\"unhealthy\",\"probes\":{}}},"
	"  {\"name\":\"done\",\"restartCount\":0,\"ready\":false,"
	"  \"state\":{\"terminated\":{\"exitCode\":0,\"reason\":\"Completed\"}},\"lastState\":{}}],"
	"\"berth\":{\"supervisorPid\":42,\"stopping\":true,\"run\":3,\"endedAt\":\"2026-11-25T11:00:00Z\"}}}";

START_TEST(parse_full)
{
	struct pod_status_view *v = NULL;
	struct b_err err = { 0 };

	ck_assert_int_eq(pod_status_parse("status", doc, strlen(doc), &v, &err), 0);
	ck_assert_str_eq(v->name, "web");
	ck_assert_str_eq(v->phase, "Running");
	ck_assert(v->stopping);
	ck_assert_int_eq(v->supervisor_pid, 42);
	ck_assert_int_eq(v->run, 3);
	ck_assert_str_eq(v->ended_at, "2026-11-25T11:00:00Z");
	ck_assert_uint_eq(v->n_ctrs, 3);
	ck_assert_str_eq(v->ctrs[0].name, "side");
	ck_assert(v->ctrs[0].init && v->ctrs[0].sidecar && v->ctrs[0].ready);
	ck_assert_str_eq(v->ctrs[0].state, "running");
	ck_assert_str_eq(v->ctrs[0].started_at, "2026-11-25T10:00:01Z");
	ck_assert_int_eq(v->ctrs[0].memory_usage, -1);
	ck_assert_int_eq(v->ctrs[0].memory_limit, 16777216);
	ck_assert(!v->ctrs[1].init);
	ck_assert_str_eq(v->ctrs[1].state, "waiting");
	ck_assert_str_eq(v->ctrs[1].reason, "CrashLoopBackOff");
	ck_assert_str_eq(v->ctrs[1].last_reason, "OOMKilled");
	ck_assert_int_eq(v->ctrs[1].restart_count, 3);
	ck_assert_int_eq(v->ctrs[1].memory_usage, 1024);
	ck_assert_int_eq(v->ctrs[1].memory_limit, -1);
	ck_assert_str_eq(v->ctrs[1].health, "unhealthy");
	ck_assert_str_eq(v->ctrs[2].state, "terminated");
	ck_assert_int_eq(v->ctrs[2].exit_code, 0);
	ck_assert_ptr_null(v->ctrs[2].last_reason);
	pod_status_free(v);
}
END_TEST

static void check_err(const char *json, const char *want)
{
	struct pod_status_view *v = NULL;
	struct b_err err = { 0 };

	ck_assert_int_lt(pod_status_parse("status", json, strlen(json), &v, &err), 0);
	ck_assert_ptr_null(v);
	ck_assert_str_eq(err.msg, want);
}

START_TEST(parse_errors)
{
	check_err("{\"metadata\":{\"name\":\"x\"}}", "status: status: required field is missing");
	check_err("{\"metadata\":{\"name\":\"x\"},\"status\":{\"phase\":1}}",
		  "status: status.phase: expected a string, got a number");
	check_err("{\"metadata\":{\"name\":\"x\"},\"status\":{\"phase\":\"Running\","
		  "\"containerStatuses\":[{\"name\":\"a\",\"restartCount\":-1}]}}",
		  "status: status.containerStatuses[0].restartCount: -1 is out of range (0 to 2147483647)");
}
END_TEST

START_TEST(pretty_empty_containers)
{
	_cleanup_(jw_freep) struct jw *w = jw_new(true);
	_cleanup_free_ char *out = NULL;

	jw_obj_open(w);
	jw_key(w, "a");
	jw_obj_open(w);
	jw_obj_close(w);
	jw_key(w, "b");
	jw_arr_open(w);
	jw_arr_close(w);
	jw_kstr(w, "c", "{ }");
	jw_obj_close(w);
	out = jw_finish(w, NULL);
	ck_assert_str_eq(out, "{\n  \"a\": {},\n  \"b\": [],\n  \"c\": \"{ }\"\n}\n");
}
END_TEST

/* pod ps -l: kubectl's equality-based selectors */
START_TEST(label_selectors)
{
	char *labels[] = { "app=web", "tier=front", "canary=" };
	struct b_err err = { 0 };

	ck_assert_int_eq(pod_label_selector_match(labels, 3, "app=web", &err), 1);
	ck_assert_int_eq(pod_label_selector_match(labels, 3, "app==web,tier=front", &err), 1);
	ck_assert_int_eq(pod_label_selector_match(labels, 3, "app=db", &err), 0);
	ck_assert_int_eq(pod_label_selector_match(labels, 3, "app=we", &err), 0);
	ck_assert_int_eq(pod_label_selector_match(labels, 3, "app!=db", &err), 1);
	ck_assert_int_eq(pod_label_selector_match(labels, 3, "app!=web", &err), 0);
	ck_assert_int_eq(pod_label_selector_match(labels, 3, "missing!=x", &err), 1);
	ck_assert_int_eq(pod_label_selector_match(labels, 3, "missing=x", &err), 0);
	ck_assert_int_eq(pod_label_selector_match(labels, 3, "canary", &err), 1);
	ck_assert_int_eq(pod_label_selector_match(labels, 3, "canary=", &err), 1);
	ck_assert_int_eq(pod_label_selector_match(labels, 3, "ap", &err), 0);
	ck_assert_int_eq(pod_label_selector_match(labels, 3, "app=web,tier=back", &err), 0);
	ck_assert_int_eq(pod_label_selector_match(labels, 3, "app=web,,x", &err), -EINVAL);
	ck_assert_str_eq(err.msg, "label selector \"app=web,,x\": \"\" is not key=value, key!=value, key or !key");
	ck_assert_int_eq(pod_label_selector_match(labels, 3, "!missing", &err), 1);
	ck_assert_int_eq(pod_label_selector_match(labels, 3, "!app", &err), 0);
	ck_assert_int_eq(pod_label_selector_match(labels, 3, "!app=web", &err), -EINVAL);
	ck_assert_int_eq(pod_label_selector_match(labels, 3, "a b=c", &err), -EINVAL);
	ck_assert_int_eq(pod_label_selector_match(NULL, 0, "app", &err), 0);
}
END_TEST

static Suite *pod_status_suite(void)
{
	Suite *s = suite_create("pod_status");
	TCase *tc = tcase_create("pod_status");

	tcase_add_test(tc, parse_full);
	tcase_add_test(tc, parse_errors);
	tcase_add_test(tc, pretty_empty_containers);
	tcase_add_test(tc, label_selectors);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(pod_status_suite)
