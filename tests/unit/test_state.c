/* specs/state.c: the state document, public and full forms. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/arena.h"
#include "common/cleanup.h"
#include "specs/state.h"
#include "testmain.h"
#include "testscale.h"

static struct oci_state *sample(void)
{
	struct oci_state *st = calloc(1, sizeof(*st));
	struct b_arena *a;

	ck_assert_ptr_nonnull(st);
	a = &st->arena;
	st->oci_version = b_arena_strdup(a, "1.2.0");
	st->id = b_arena_strdup(a, "web-1");
	st->status = b_arena_strdup(a, "running");
	st->pid = 4242;
	st->bundle = b_arena_strdup(a, "/srv/bundles/web");
	st->rootfs = b_arena_strdup(a, "/srv/bundles/web/rootfs");
	st->created = b_arena_strdup(a, "2024-05-01T10:20:30.123456789Z");
	st->owner = b_arena_strdup(a, "");
	st->annotations.items = b_arena_calloc(a, 2, sizeof(struct oci_kv));
	st->annotations.items[0].key = b_arena_strdup(a, "org.example");
	st->annotations.items[0].value = b_arena_strdup(a, "yes");
	st->annotations.items[1].key = b_arena_strdup(a, "quote\"d");
	st->annotations.items[1].value = b_arena_strdup(a, "line\nbreak");
	st->annotations.n = 2;
	st->pid_start_time = 123456789012ULL;
	st->cgroup_path = b_arena_strdup(a, "/sys/fs/cgroup/berth/web-1");
	st->systemd_cgroup = true;
	st->has_exec_fifo = true;
	st->oom_kill_base = 3;
	return st;
}

static struct oci_state *reparse(const char *json)
{
	struct oci_state *st = NULL;
	struct b_err err = { 0 };
	int r = oci_state_parse("state.json", json, strlen(json), &st, &err);

	ck_assert_msg(r == 0, "parse failed: %s", err.msg);
	return st;
}

static void check_err(const char *json, const char *want)
{
	struct oci_state *st = NULL;
	struct b_err err = { 0 };

	ck_assert_int_eq(oci_state_parse("state.json", json, strlen(json), &st, &err), -EINVAL);
	ck_assert_ptr_null(st);
	ck_assert_str_eq(err.msg, want);
}

START_TEST(round_trip_full)
{
	struct oci_state *st = sample();
	_cleanup_free_ char *json = oci_state_to_json(st, true, true);
	struct oci_state *back;

	ck_assert_ptr_nonnull(json);
	back = reparse(json);
	ck_assert_str_eq(back->oci_version, "1.2.0");
	ck_assert_str_eq(back->id, "web-1");
	ck_assert_str_eq(back->status, "running");
	ck_assert_int_eq(back->pid, 4242);
	ck_assert_str_eq(back->bundle, st->bundle);
	ck_assert_str_eq(back->rootfs, st->rootfs);
	ck_assert_str_eq(back->created, st->created);
	ck_assert_str_eq(back->owner, "");
	ck_assert_uint_eq(back->annotations.n, 2);
	ck_assert_str_eq(back->annotations.items[1].key, "quote\"d");
	ck_assert_str_eq(back->annotations.items[1].value, "line\nbreak");
	ck_assert(!back->oom_killed);
	ck_assert_uint_eq(back->pid_start_time, 123456789012ULL);
	ck_assert_str_eq(back->cgroup_path, st->cgroup_path);
	ck_assert(back->systemd_cgroup);
	ck_assert(back->has_exec_fifo);
	ck_assert_uint_eq(back->oom_kill_base, 3);

	/* Serialising the parsed copy gives the same text. */
	{
		_cleanup_free_ char *again = oci_state_to_json(back, true, true);

		ck_assert_str_eq(again, json);
	}
	oci_state_free(back);
	oci_state_free(st);
}
END_TEST

START_TEST(public_form)
{
	struct oci_state *st = sample();
	_cleanup_free_ char *json = NULL;

	st->annotations.n = 0;
	json = oci_state_to_json(st, false, false);
	ck_assert_str_eq(json,
		"{\"ociVersion\":\"1.2.0\",\"id\":\"web-1\",\"pid\":4242,\"status\":\"running\","
		"\"bundle\":\"/srv/bundles/web\",\"rootfs\":\"/srv/bundles/web/rootfs\","
		"\"created\":\"2024-05-01T10:20:30.123456789Z\",\"owner\":\"\"}");
	oci_state_free(st);
}
END_TEST

START_TEST(public_form_extras)
{
	struct oci_state *st = sample();
	_cleanup_free_ char *json = NULL;
	struct oci_state *back;

	st->status = b_arena_strdup(&st->arena, "stopped");
	st->oom_killed = true;
	json = oci_state_to_json(st, false, false);
	ck_assert_ptr_nonnull(strstr(json, "\"pid\":0,"));
	ck_assert_ptr_nonnull(strstr(json, "\"annotations\":{\"org.example\":\"yes\","));
	ck_assert_ptr_nonnull(strstr(json, ",\"oomKilled\":true}"));
	ck_assert_ptr_null(strstr(json, "berth"));
	ck_assert_ptr_null(strstr(json, "cgroup"));

	/* A public document still parses; private fields take defaults. */
	back = reparse(json);
	ck_assert_int_eq(back->pid, 0);
	ck_assert(back->oom_killed);
	ck_assert_str_eq(back->cgroup_path, "");
	ck_assert(!back->has_exec_fifo);
	oci_state_free(back);

	/* The full form keeps the last pid of a stopped container. */
	free(json);
	json = oci_state_to_json(st, true, false);
	ck_assert_ptr_nonnull(strstr(json, "\"pid\":4242,"));
	oci_state_free(st);
}
END_TEST

START_TEST(unset_strings)
{
	struct oci_state *st = calloc(1, sizeof(*st));
	_cleanup_free_ char *json = NULL;

	st->oci_version = b_arena_strdup(&st->arena, "1.2.0");
	st->id = b_arena_strdup(&st->arena, "x");
	st->status = b_arena_strdup(&st->arena, "creating");
	json = oci_state_to_json(st, true, false);
	ck_assert_str_eq(json,
		"{\"ociVersion\":\"1.2.0\",\"id\":\"x\",\"pid\":0,\"status\":\"creating\","
		"\"bundle\":\"\",\"rootfs\":\"\",\"created\":\"\",\"owner\":\"\","
		"\"berth\":{\"pidStartTime\":0,\"cgroupPath\":\"\",\"systemdCgroup\":false,"
		"\"execFifo\":false,\"oomKillBase\":0}}");
	oci_state_free(st);
}
END_TEST

START_TEST(parse_errors)
{
	check_err("{\"id\":\"x\",\"status\":\"running\"}",
		  "state.json: ociVersion: required field is missing");
	check_err("{\"ociVersion\":\"1.2.0\",\"id\":\"x\",\"status\":\"zombie\"}",
		  "state.json: status: unknown status \"zombie\" (expected creating, created, "
		  "running, stopped or paused)");
	check_err("{\"ociVersion\":\"1.2.0\",\"id\":\"x\",\"status\":\"running\",\"pid\":-5}",
		  "state.json: pid: -5 is out of range (0 to 2147483647)");
	check_err("{\"ociVersion\":\"1.2.0\",\"id\":\"x\",\"status\":\"running\","
		  "\"berth\":{\"pidStartTime\":\"1\"}}",
		  "state.json: berth.pidStartTime: expected an integer, got a string");
	check_err("{\"ociVersion\":\"1.2.0\",\"id\":7}", "state.json: id: expected a string, got a number");
	check_err("{\"ociVersion\":", "state.json: invalid JSON: parse error: premature EOF at line 1, column 15");
	check_err("", "state.json: invalid JSON: parse error: premature EOF at line 1, column 1");
}
END_TEST

/* state.json is read on every command: a container created with a huge
 * annotations map must not make each of them pay a scan per key.  Written
 * by us and read back, the map keeps its order; a duplicated key in a
 * hand-edited file keeps the first place and the last value. */
START_TEST(many_annotations)
{
	enum { N = TEST_SCALE(100000) };
	struct oci_state *st = sample(), *back;
	_cleanup_free_ char *json = NULL, *edited = NULL, *last = NULL;
	struct b_arena *a = &st->arena;
	const char *end;

	st->annotations.items = b_arena_calloc(a, N, sizeof(struct oci_kv));
	for (int i = 0; i < N; i++) {
		st->annotations.items[i].key = b_arena_printf(a, "org.example.k%06d", i);
		st->annotations.items[i].value = b_arena_printf(a, "v%d", i);
	}
	st->annotations.n = N;
	json = oci_state_to_json(st, true, false);
	ck_assert_ptr_nonnull(json);
	back = reparse(json);
	ck_assert_uint_eq(back->annotations.n, N);
	ck_assert_int_eq(atoi(back->annotations.items[N - 1].key + 13), N - 1);
	oci_state_free(back);

	/* {"annotations":{...,"org.example.k0NNNNN":"vNNNNN","org.example.k000001":"dup"}} */
	ck_assert_int_ge(asprintf(&last, "\"v%d\"", N - 1), 0);
	end = strstr(json, last) + strlen(last);
	ck_assert_int_ge(asprintf(&edited, "%.*s,\"org.example.k000001\":\"dup\"%s",
				  (int)(end - json), json, end), 0);
	back = reparse(edited);
	ck_assert_uint_eq(back->annotations.n, N);
	ck_assert_str_eq(back->annotations.items[1].key, "org.example.k000001");
	ck_assert_str_eq(back->annotations.items[1].value, "dup");
	ck_assert_int_eq(atoi(back->annotations.items[N - 1].value + 1), N - 1);
	oci_state_free(back);
	oci_state_free(st);
}
END_TEST

static Suite *state_suite(void)
{
	Suite *s = suite_create("state");
	TCase *tc = tcase_create("state");
	TCase *tl = tcase_create("scale");

	tcase_add_test(tc, round_trip_full);
	tcase_add_test(tc, public_form);
	tcase_add_test(tc, public_form_extras);
	tcase_add_test(tc, unset_strings);
	tcase_add_test(tc, parse_errors);
	suite_add_tcase(s, tc);
	/* Fast once linear; quadratic code hits the timeout instead. */
	tcase_set_timeout(tl, 10);
	tcase_add_test(tl, many_annotations);
	suite_add_tcase(s, tl);
	return s;
}

TEST_MAIN(state_suite)
