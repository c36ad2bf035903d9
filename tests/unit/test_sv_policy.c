/* supervisor/sv_policy.c: what happens after an exit, the OOM grow step
 * and the crash-loop backoff, table-driven. */
#include <check.h>
#include <stdlib.h>

#include "supervisor/sv_policy.h"

#define MI (1024 * 1024)

static const struct pod_container MAIN = { .oom_policy = POD_OOM_RESTART };
static const struct pod_container INIT = { .init = true };
static const struct pod_container SIDECAR = { .init = true, .sidecar = true };
static const struct pod_container OOM_STOP = { .oom_policy = POD_OOM_STOP };

START_TEST(restart_wanted_by_policy_and_kind)
{
	static const struct {
		enum pod_restart_policy p;
		const struct pod_container *c;
		bool ok, want;
	} rows[] = {
		{ POD_RESTART_ALWAYS, &MAIN, true, true },
		{ POD_RESTART_ALWAYS, &MAIN, false, true },
		{ POD_RESTART_ALWAYS, &INIT, true, false },    /* an init container's success is final */
		{ POD_RESTART_ALWAYS, &INIT, false, true },
		{ POD_RESTART_ON_FAILURE, &MAIN, true, false },
		{ POD_RESTART_ON_FAILURE, &MAIN, false, true },
		{ POD_RESTART_ON_FAILURE, &INIT, false, true },
		{ POD_RESTART_NEVER, &MAIN, false, false },
		{ POD_RESTART_NEVER, &INIT, false, false },
		{ POD_RESTART_NEVER, &SIDECAR, true, true },   /* sidecars always restart */
		{ POD_RESTART_NEVER, &SIDECAR, false, true },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		ck_assert_msg(sv_policy_restart_wanted(rows[i].p, rows[i].c, rows[i].ok) == rows[i].want,
			      "row %zu", i);
}
END_TEST

START_TEST(after_exit_odd_cases)
{
	static const struct {
		const char *what;
		enum pod_restart_policy p;
		const struct pod_container *c;
		struct sv_exit_facts f;
		enum sv_after_exit want;
	} rows[] = {
		{ "init fails under OnFailure: tried again", POD_RESTART_ON_FAILURE, &INIT,
		  { .ok = false }, SV_AFTER_RESTART },
		{ "init fails under Never: the pod fails", POD_RESTART_NEVER, &INIT,
		  { .ok = false }, SV_AFTER_FAIL_POD },
		{ "init succeeds under Always: done", POD_RESTART_ALWAYS, &INIT,
		  { .ok = true }, SV_AFTER_DONE },
		{ "main fails under Never: down, pod goes on", POD_RESTART_NEVER, &MAIN,
		  { .ok = false }, SV_AFTER_DONE },
		{ "sidecar crashes during the pod's stop: stays down", POD_RESTART_ALWAYS, &SIDECAR,
		  { .ok = false, .stopping = true }, SV_AFTER_DONE },
		{ "init killed by the pod's stop: no failure", POD_RESTART_NEVER, &INIT,
		  { .ok = false, .stopping = true }, SV_AFTER_DONE },
		{ "OOM with oom-policy stop under Always: down", POD_RESTART_ALWAYS, &OOM_STOP,
		  { .ok = false, .oom = true }, SV_AFTER_DONE },
		{ "OOM grown under Never: restarted with the new limit", POD_RESTART_NEVER, &MAIN,
		  { .ok = false, .oom = true, .grown = true }, SV_AFTER_RESTART },
		{ "OOM at the grow ceiling under Never: an ordinary failure", POD_RESTART_NEVER, &MAIN,
		  { .ok = false, .oom = true }, SV_AFTER_DONE },
		{ "OOM at the grow ceiling under Always: restarted", POD_RESTART_ALWAYS, &MAIN,
		  { .ok = false, .oom = true }, SV_AFTER_RESTART },
		{ "grown but the pod is stopping: down", POD_RESTART_ALWAYS, &MAIN,
		  { .ok = false, .oom = true, .grown = true, .stopping = true }, SV_AFTER_DONE },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		ck_assert_msg(sv_policy_after_exit(rows[i].p, rows[i].c, &rows[i].f) == rows[i].want,
			      "%s", rows[i].what);
}
END_TEST

START_TEST(grown_limit_steps_and_ceiling)
{
	static const struct {
		struct pod_oom_grow g;
		int64_t limit, want;
	} rows[] = {
		{ { .set = true, .factor = 2, .max_bytes = 64 * MI }, 16 * MI, 32 * MI },
		{ { .set = true, .factor = 2, .max_bytes = 64 * MI }, 32 * MI, 64 * MI },
		{ { .set = true, .factor = 2, .max_bytes = 64 * MI }, 64 * MI, 0 },       /* at the ceiling */
		{ { .set = true, .factor = 2, .max_bytes = 24 * MI }, 16 * MI, 24 * MI }, /* capped */
		{ { .set = true, .factor = 1.5, .max_bytes = 64 * MI }, 10000, 16384 },   /* page aligned */
		{ { .set = true, .factor = 1.0001, .max_bytes = 64 * MI }, 4096, 8192 },  /* always up a page */
		{ { .set = false, .factor = 2, .max_bytes = 64 * MI }, 16 * MI, 0 },      /* no grow settings */
		{ { .set = true, .factor = 2, .max_bytes = 64 * MI }, 0, 0 },             /* no limit */
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		ck_assert_msg(sv_policy_grown_limit(&rows[i].g, rows[i].limit) == rows[i].want,
			      "row %zu: got %lld", i,
			      (long long)sv_policy_grown_limit(&rows[i].g, rows[i].limit));
}
END_TEST

/* The kubelet's curve: immediately, then initial, doubling to max; a run
 * that lasted `reset` starts over. */
START_TEST(backoff_curve_and_reset)
{
	const struct pod_backoff b = { .initial_ms = 10000, .max_ms = 40000, .reset_ms = 600000 };
	const int64_t want[] = { 0, 10000, 20000, 40000, 40000 };
	int64_t next = 0;

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		ck_assert_int_eq(sv_policy_backoff(&b, &next, 1000), want[i]);
	ck_assert_int_eq(sv_policy_backoff(&b, &next, 600000), 0);
	ck_assert_int_eq(sv_policy_backoff(&b, &next, 1000), 10000);
}
END_TEST

/* Every pair of states: exactly the six moves of the diagram in
 * sv_policy.h are legal; DONE is final. */
START_TEST(state_transitions)
{
	static const bool legal[4][4] = {
		/* to:          WAITING RUNNING BACKOFF DONE */
		[CS_WAITING] = { false, true,   false,  true },
		[CS_RUNNING] = { false, false,  true,   true },
		[CS_BACKOFF] = { false, true,   false,  true },
		[CS_DONE]    = { false, false,  false,  false },
	};

	for (int from = CS_WAITING; from <= CS_DONE; from++)
		for (int to = CS_WAITING; to <= CS_DONE; to++)
			ck_assert_msg(sv_policy_transition_legal(from, to) == legal[from][to],
				      "%s -> %s", sv_cstate_name(from), sv_cstate_name(to));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sv_policy");
	TCase *t = tcase_create("policy");
	SRunner *sr;
	int failed;

	tcase_add_test(t, restart_wanted_by_policy_and_kind);
	tcase_add_test(t, after_exit_odd_cases);
	tcase_add_test(t, grown_limit_steps_and_ceiling);
	tcase_add_test(t, backoff_curve_and_reset);
	tcase_add_test(t, state_transitions);
	suite_add_tcase(s, t);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
