/* supervisor/sv_readiness.c: when a container and the pod count as ready
 * and what health `berth pod ps` shows, table-driven. */
#include <check.h>
#include <stdio.h>

#include "supervisor/sv_internal.h"
#include "testmain.h"

static const struct pod_container MAIN = { .name = "main" };
static const struct pod_container NOTIFY = { .name = "notify", .sd_notify = true };
static const struct pod_container INIT = { .name = "init", .init = true };
static const struct pod_container SIDECAR = { .name = "side", .init = true, .sidecar = true };

static struct sv_probe readiness = { .kind = SV_PROBE_READINESS };
static struct sv_probe liveness = { .kind = SV_PROBE_LIVENESS };

struct ctr_row {
	const struct pod_container *c;
	enum cstate st;
	bool startup_done, ready, notify_ready, unhealthy, has_readiness;
	bool want;
};

static struct sv_ctr make(const struct ctr_row *r)
{
	struct sv_ctr c = { .c = r->c, .st = r->st, .startup_done = r->startup_done,
			    .ready = r->ready, .notify_ready = r->notify_ready,
			    .unhealthy = r->unhealthy };

	if (r->has_readiness)
		c.probes[SV_PROBE_READINESS] = &readiness;
	return c;
}

START_TEST(container_ready)
{
	static const struct ctr_row rows[] = {
		{ &MAIN, CS_RUNNING, true, false, false, false, false, true },
		{ &MAIN, CS_STARTING, true, false, false, false, false, false },
		{ &MAIN, CS_TERMINATING, true, true, false, false, true, false }, /* being stopped */
		{ &MAIN, CS_BACKOFF, true, false, false, false, false, false },
		{ &MAIN, CS_DONE, true, false, false, false, false, false },       /* completed */
		{ &MAIN, CS_RUNNING, false, false, false, false, false, false },   /* startup probe pending */
		{ &MAIN, CS_RUNNING, true, false, false, false, true, false },     /* readiness not yet */
		{ &MAIN, CS_RUNNING, true, true, false, false, true, true },
		{ &NOTIFY, CS_RUNNING, true, false, false, false, false, false },  /* no READY=1 yet */
		{ &NOTIFY, CS_RUNNING, true, false, true, false, false, true },
		{ &NOTIFY, CS_RUNNING, true, false, true, false, true, false },    /* both needed */
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct sv_ctr c = make(&rows[i]);
		ck_assert_msg(sv_ctr_ready(&c) == rows[i].want, "row %zu", i);
	}
}
END_TEST

/* The pod is ready only while RUNNING, with every container but the
 * plain init ones (done by then) ready; sidecars count. */
START_TEST(pod_ready)
{
	struct sv_ctr cs[3] = {
		{ .c = &INIT, .st = CS_DONE, .startup_done = true },
		{ .c = &SIDECAR, .st = CS_RUNNING, .startup_done = true },
		{ .c = &MAIN, .st = CS_RUNNING, .startup_done = true },
	};
	struct sv s = { .cs = cs, .n = 3, .n_init = 2, .pst = PS_RUNNING };

	ck_assert(sv_pod_ready(&s));
	for (int st = 0; st < PS_N; st++) {
		s.pst = st;
		ck_assert_msg(sv_pod_ready(&s) == (st == PS_RUNNING), "%s", sv_pstate_name(st));
	}
	s.pst = PS_RUNNING;
	cs[1].st = CS_BACKOFF;   /* a crashed sidecar */
	ck_assert(!sv_pod_ready(&s));
	cs[1].st = CS_RUNNING;
	cs[2].st = CS_DONE;      /* a main container that completed */
	ck_assert(!sv_pod_ready(&s));
}
END_TEST

START_TEST(health_words)
{
	struct sv_ctr c = { .c = &MAIN, .st = CS_RUNNING, .startup_done = true };

	ck_assert_str_eq(sv_ctr_health(&c), "");           /* no probe */
	c.probes[SV_PROBE_LIVENESS] = &liveness;
	ck_assert_str_eq(sv_ctr_health(&c), "healthy");
	liveness.consec_fail = 1;
	ck_assert_str_eq(sv_ctr_health(&c), "unhealthy");
	liveness.consec_fail = 0;
	c.startup_done = false;
	ck_assert_str_eq(sv_ctr_health(&c), "starting");
	c.startup_done = true;
	c.st = CS_TERMINATING;
	c.unhealthy = true;
	ck_assert_str_eq(sv_ctr_health(&c), "unhealthy");  /* killed for it */
	c.st = CS_BACKOFF;
	ck_assert_str_eq(sv_ctr_health(&c), "");
}
END_TEST

/* What `pod ps` says beside "no": the back-off time left, the failing
 * probe and its (sanitised) output. */
START_TEST(why_words)
{
	static const struct pod_probe spec = { .success_threshold = 2 };
	struct sv_probe rp = { .kind = SV_PROBE_READINESS, .spec = &spec };
	struct sv_ctr c = { .c = &MAIN, .st = CS_BACKOFF, .restart_at_ms = 10500 };
	char buf[200];

	sv_ctr_why(&c, 3000, buf, sizeof(buf));
	ck_assert_str_eq(buf, "back-off: restart in 8s");
	c.st = CS_RUNNING;
	c.startup_done = true;
	sv_ctr_why(&c, 3000, buf, sizeof(buf));
	ck_assert_str_eq(buf, "");
	c.probes[SV_PROBE_READINESS] = &rp;
	sv_ctr_why(&c, 3000, buf, sizeof(buf));
	ck_assert_str_eq(buf, "readiness probe: no result yet");
	rp.n_results = 2;
	rp.consec_fail = 2;
	snprintf(rp.hist[1].output, sizeof(rp.hist[1].output), "HTTP 503\n\x1b[2J\n");
	sv_ctr_why(&c, 3000, buf, sizeof(buf));
	ck_assert_str_eq(buf, "readiness probe failed 2 times: HTTP 503  [2J");
	rp.hist[1].ok = true;
	rp.consec_ok = 1;
	sv_ctr_why(&c, 3000, buf, sizeof(buf));
	ck_assert_str_eq(buf, "readiness probe: 1 of 2 successes");
	c.ready = true;
	sv_ctr_why(&c, 3000, buf, sizeof(buf));
	ck_assert_str_eq(buf, "");
	c.c = &NOTIFY;
	sv_ctr_why(&c, 3000, buf, sizeof(buf));
	ck_assert_str_eq(buf, "waiting for its READY=1 (sd-notify)");
}
END_TEST

static Suite *readiness_suite(void)
{
	Suite *s = suite_create("sv_readiness");
	TCase *t = tcase_create("readiness");

	tcase_add_test(t, container_ready);
	tcase_add_test(t, pod_ready);
	tcase_add_test(t, health_words);
	tcase_add_test(t, why_words);
	suite_add_tcase(s, t);
	return s;
}

TEST_MAIN(readiness_suite)
