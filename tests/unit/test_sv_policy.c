/* supervisor/sv_policy.c: what happens after an exit, the OOM grow step
 * and the crash-loop backoff, table-driven. */
#include <check.h>
#include <stdlib.h>

#include "supervisor/sv_policy.h"
#include "testmain.h"

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

/* Every pair of container states: exactly the moves of the diagram in
 * sv_policy.h are legal; DONE is final; nothing skips EXITED. */
START_TEST(state_transitions)
{
	enum { W = CS_WAITING, S = CS_STARTING, R = CS_RUNNING, T = CS_TERMINATING,
	       E = CS_EXITED, B = CS_BACKOFF, D = CS_DONE };
	static const bool legal[CS_N][CS_N] = {
		/* to:   W  S  R  T  E  B  D */
		[W] = { 0, 1, 0, 0, 0, 0, 1 },
		[S] = { 0, 0, 1, 0, 0, 0, 1 },
		[R] = { 0, 0, 0, 1, 1, 0, 0 },
		[T] = { 0, 0, 0, 0, 1, 0, 0 },
		[E] = { 0, 0, 0, 0, 0, 1, 1 },
		[B] = { 0, 1, 0, 0, 0, 0, 1 },
		[D] = { 0, 0, 0, 0, 0, 0, 0 },
	};

	for (int from = 0; from < CS_N; from++)
		for (int to = 0; to < CS_N; to++)
			ck_assert_msg(sv_policy_transition_legal(from, to) == legal[from][to],
				      "%s -> %s", sv_cstate_name(from), sv_cstate_name(to));
	ck_assert(!sv_policy_transition_legal(CS_N, CS_DONE));
	ck_assert_str_eq(sv_cstate_name(CS_N), "?");
	for (int st = 0; st < CS_N; st++)
		ck_assert_int_eq(sv_cstate_alive(st), st == R || st == T);
}
END_TEST

START_TEST(pod_transitions)
{
	enum { I = PS_INITIALIZING, R = PS_RUNNING, M = PS_STOPPING_MAIN,
	       S = PS_STOPPING_SIDECARS, D = PS_DONE };
	static const bool legal[PS_N][PS_N] = {
		/* to:   I  R  M  S  D */
		[I] = { 0, 1, 1, 0, 0 },
		[R] = { 0, 0, 1, 0, 0 },
		[M] = { 0, 0, 0, 1, 0 },
		[S] = { 0, 0, 0, 0, 1 },
		[D] = { 0, 0, 0, 0, 0 },
	};

	for (int from = 0; from < PS_N; from++)
		for (int to = 0; to < PS_N; to++)
			ck_assert_msg(sv_policy_pod_transition_legal(from, to) == legal[from][to],
				      "%s -> %s", sv_pstate_name(from), sv_pstate_name(to));
}
END_TEST

/* Sidecars outlive the others: the pod waits in STOPPING_MAIN while any
 * non-sidecar is alive, however many sidecars are, and a sidecar that
 * crashed during the stop (0 alive) does not make it skip a state. */
START_TEST(stop_order)
{
	static const struct {
		enum pstate st;
		size_t others, sidecars;
		enum pstate want;
	} rows[] = {
		{ PS_STOPPING_MAIN, 2, 1, PS_STOPPING_MAIN },
		{ PS_STOPPING_MAIN, 1, 0, PS_STOPPING_MAIN },
		{ PS_STOPPING_MAIN, 0, 2, PS_STOPPING_SIDECARS },
		{ PS_STOPPING_MAIN, 0, 0, PS_STOPPING_SIDECARS },
		{ PS_STOPPING_SIDECARS, 0, 1, PS_STOPPING_SIDECARS },
		{ PS_STOPPING_SIDECARS, 0, 0, PS_DONE },
		{ PS_RUNNING, 0, 0, PS_RUNNING },         /* not stopping: no step */
		{ PS_INITIALIZING, 0, 0, PS_INITIALIZING },
		{ PS_DONE, 0, 0, PS_DONE },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		ck_assert_msg(sv_policy_stop_step(rows[i].st, rows[i].others, rows[i].sidecars) ==
				      rows[i].want, "row %zu", i);
}
END_TEST

/* The init sequence: a plain init container holds the next one back until
 * it succeeded (a failure under OnFailure backs off and still holds it);
 * a sidecar releases it as soon as it was started. */
START_TEST(init_sequence)
{
	static const struct {
		const struct pod_container *c;
		enum cstate st;
		bool succeeded;
		enum sv_init_step want;
	} rows[] = {
		{ &INIT, CS_WAITING, false, SV_INIT_START },
		{ &INIT, CS_RUNNING, false, SV_INIT_WAIT },
		{ &INIT, CS_TERMINATING, false, SV_INIT_WAIT },
		{ &INIT, CS_BACKOFF, false, SV_INIT_WAIT },   /* failed, OnFailure: retried */
		{ &INIT, CS_DONE, false, SV_INIT_WAIT },      /* failed for good: the pod stops */
		{ &INIT, CS_DONE, true, SV_INIT_NEXT },
		{ &SIDECAR, CS_WAITING, false, SV_INIT_START },
		{ &SIDECAR, CS_RUNNING, false, SV_INIT_NEXT },
		{ &SIDECAR, CS_BACKOFF, false, SV_INIT_NEXT }, /* crashed: restarts beside the rest */
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		ck_assert_msg(sv_policy_init_step(rows[i].c, rows[i].st, rows[i].succeeded) ==
				      rows[i].want, "row %zu", i);
}
END_TEST

static Suite *policy_suite(void)
{
	Suite *s = suite_create("sv_policy");
	TCase *t = tcase_create("policy");

	tcase_add_test(t, restart_wanted_by_policy_and_kind);
	tcase_add_test(t, after_exit_odd_cases);
	tcase_add_test(t, grown_limit_steps_and_ceiling);
	tcase_add_test(t, backoff_curve_and_reset);
	tcase_add_test(t, state_transitions);
	tcase_add_test(t, pod_transitions);
	tcase_add_test(t, stop_order);
	tcase_add_test(t, init_sequence);
	suite_add_tcase(s, t);
	return s;
}

TEST_MAIN(policy_suite)
