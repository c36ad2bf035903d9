/* supervisor/pod_oci.c: the OCI config built for a pod container (the
 * parts that need no namespaces, mounts or root). */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "specs/oci_config.h"
#include "specs/pod_spec.h"
#include "supervisor/supervisor.h"
#include "testmain.h"
#include "testscale.h"

static const char pod_json[] =
	"{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"},"
	"\"spec\":{\"securityContext\":{\"seccompProfile\":{\"type\":\"Unconfined\"}},"
	"\"containers\":[{\"name\":\"c\",\"image\":\"/r\",\"command\":[\"sh\"]}]}}";

static struct pod_spec *small_pod(void)
{
	struct pod_spec *pod = NULL;
	struct b_err err = { 0 };

	ck_assert_msg(pod_spec_parse("pod.json", "/", pod_json, strlen(pod_json), &pod, &err) == 0,
		      "%s", err.msg);
	return pod;
}

static struct oci_config *build(const struct pod_spec *pod, const char *notify_dir)
{
	struct sv_pod_ns ns = { -1, -1, -1 };
	struct sv_oci_ctx oc = {
		.pod = pod, .ns = &ns, .pod_dir = "/run/berth/pods/p", .rootfs = "/r",
		.notify_dir = notify_dir, .cgroup_base = "/berth/pods/p",
	};
	struct oci_config *cfg = NULL;
	struct b_err err = { 0 };

	ck_assert_msg(sv_build_oci(&oc, &pod->containers[0], &cfg, &err) == 0, "%s", err.msg);
	return cfg;
}

/* A later definition of a name replaces the earlier one, in its place,
 * PATH and NOTIFY_SOCKET included.  500,000 entries kept the supervisor
 * busy for minutes when each was compared with all before it. */
START_TEST(env_many_and_replaced)
{
	enum { N = TEST_SCALE(500000) };
	struct pod_spec *pod = small_pod();
	struct pod_container *c = &pod->containers[0];
	struct pod_env *env = b_arena_calloc(&pod->arena, N + 2, sizeof(*env));
	struct oci_config *cfg;
	char **e, want[64];

	for (size_t i = 0; i < N; i++) {
		env[i].name = b_arena_printf(&pod->arena, "V%zu", i % (N / 2));
		env[i].value = b_arena_printf(&pod->arena, "%s%zu", i < N / 2 ? "first" : "second", i);
	}
	env[N] = (struct pod_env){ "PATH", "/custom" };
	env[N + 1] = (struct pod_env){ "NOTIFY_SOCKET", "/elsewhere" };
	c->env = env;
	c->n_env = N + 2;

	cfg = build(pod, "/run/berth/notify");
	e = cfg->process->env;
	ck_assert_str_eq(e[0], "PATH=/custom");
	ck_assert_str_eq(e[1], "NOTIFY_SOCKET=/elsewhere");
	snprintf(want, sizeof(want), "V0=second%d", N / 2);
	ck_assert_str_eq(e[2], want);
	snprintf(want, sizeof(want), "V1=second%d", N / 2 + 1);
	ck_assert_str_eq(e[3], want);
	snprintf(want, sizeof(want), "V%d=second%d", N / 2 - 1, N - 1);
	ck_assert_str_eq(e[2 + N / 2 - 1], want);
	ck_assert_ptr_null(e[2 + N / 2]);
	oci_config_free(cfg);

	/* Without sd-notify there is no NOTIFY_SOCKET but the container's. */
	c->n_env = 3;
	env[2] = (struct pod_env){ "PATH", "/mine" };
	cfg = build(pod, NULL);
	e = cfg->process->env;
	ck_assert_str_eq(e[0], "PATH=/mine");
	ck_assert_str_eq(e[1], "V0=first0");
	ck_assert_str_eq(e[2], "V1=first1");
	ck_assert_ptr_null(e[3]);
	oci_config_free(cfg);
	pod_spec_free(pod);
}
END_TEST

START_TEST(env_defaults)
{
	struct pod_spec *pod = small_pod();
	struct oci_config *cfg = build(pod, "/run/berth/notify");
	char **e = cfg->process->env;

	ck_assert(!strncmp(e[0], "PATH=/usr/local/sbin:", 21));
	ck_assert(!strncmp(e[1], "NOTIFY_SOCKET=", 14));
	ck_assert_ptr_null(e[2]);
	oci_config_free(cfg);
	pod_spec_free(pod);
}
END_TEST

static Suite *pod_oci_suite(void)
{
	Suite *s = suite_create("pod_oci");
	TCase *tc = tcase_create("env");

	/* Fast once linear; the quadratic loop hits the timeout instead. */
	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, env_many_and_replaced);
	tcase_add_test(tc, env_defaults);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(pod_oci_suite)
