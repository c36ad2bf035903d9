/* supervisor/pod_oci.c: the OCI config built for a pod container (the
 * parts that need no namespaces, mounts or root). */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "images/passwd.h"
#include "specs/image.h"
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

/* ---- images (docs/design/image-facts.md §9) ------------------------------ */

#define DIFF_ID "sha256:0000000000000000000000000000000000000000000000000000000000000000"

/* An image config with `config` as its "config" object's members. */
static struct img_config *image(const char *config)
{
	_cleanup_free_ char *json = NULL;
	struct img_config *ic = NULL;
	struct b_err err = { 0 };

	ck_assert_int_ge(asprintf(&json, "{\"architecture\":\"amd64\",\"os\":\"linux\","
				  "\"config\":{%s},\"rootfs\":{\"type\":\"layers\","
				  "\"diff_ids\":[\"" DIFF_ID "\"]}}", config), 0);
	ck_assert_msg(img_config_parse("config", json, strlen(json), &ic, &err) == 0, "%s", err.msg);
	return ic;
}

static struct pod_spec *image_pod(void)
{
	static const char json[] =
		"{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"},"
		"\"spec\":{\"securityContext\":{\"seccompProfile\":{\"type\":\"Unconfined\"}},"
		"\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]}}";
	struct pod_spec *pod = NULL;
	struct b_err err = { 0 };

	ck_assert_msg(pod_spec_parse("pod.json", "/", json, strlen(json), &pod, &err) == 0,
		      "%s", err.msg);
	ck_assert_ptr_null(pod->containers[0].command);
	return pod;
}

/* sv_build_oci for the pod's container over `ic` and `user`; NULL with
 * err filled when it fails. */
static struct oci_config *build_image(const struct pod_spec *pod, const struct img_config *ic,
				      const struct img_user *user, const char *notify_dir,
				      struct b_err *err)
{
	struct sv_pod_ns ns = { -1, -1, -1 };
	struct sv_oci_ctx oc = {
		.pod = pod, .ns = &ns, .pod_dir = "/run/berth/pods/p", .rootfs = "/m",
		.notify_dir = notify_dir, .cgroup_base = "/berth/pods/p",
		.image = ic, .user = user,
	};
	struct oci_config *cfg = NULL;

	return sv_build_oci(&oc, &pod->containers[0], &cfg, err) == 0 ? cfg : NULL;
}

/* The argv as one string, elements separated by '|'. */
static void check_argv(struct pod_spec *pod, char **command, char **args,
		       const struct img_config *ic, const char *want)
{
	struct pod_container *c = &pod->containers[0];
	struct b_err err = { 0 };
	struct oci_config *cfg;
	char got[256] = "";

	c->command = command;
	c->args = args;
	cfg = build_image(pod, ic, NULL, NULL, &err);
	ck_assert_msg(cfg != NULL, "%s", err.msg);
	for (char **a = cfg->process->args; *a; a++)
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s", got[0] ? "|" : "", *a);
	ck_assert_str_eq(got, want);
	oci_config_free(cfg);
}

static char *cmd_x[] = { "x", "-y", NULL }, *args_a[] = { "a", NULL }, *none[] = { NULL };

START_TEST(image_argv_matrix)
{
	struct pod_spec *pod = image_pod();
	struct img_config *ic = image("\"Entrypoint\":[\"/ep\",\"e1\"],\"Cmd\":[\"c1\",\"c2\"]");

	check_argv(pod, NULL, none, ic, "/ep|e1|c1|c2");       /* neither: Entrypoint + Cmd */
	check_argv(pod, cmd_x, none, ic, "x|-y");              /* command: the Cmd goes too */
	check_argv(pod, NULL, args_a, ic, "/ep|e1|a");         /* args: Entrypoint + args */
	check_argv(pod, cmd_x, args_a, ic, "x|-y|a");          /* both */
	check_argv(pod, none, NULL, ic, "/ep|e1|c1|c2");       /* empty lists are absent */
	img_config_free(ic);

	ic = image("\"Entrypoint\":[\"\"],\"Cmd\":[\"c1\"]");   /* [""] is no Entrypoint */
	check_argv(pod, NULL, none, ic, "c1");
	check_argv(pod, NULL, args_a, ic, "a");
	img_config_free(ic);

	ic = image("\"Cmd\":[\"/bin/sh\"]");
	check_argv(pod, NULL, none, ic, "/bin/sh");
	check_argv(pod, NULL, args_a, ic, "a");
	img_config_free(ic);

	ic = image("\"Entrypoint\":[\"/ep\"],\"Cmd\":null");
	check_argv(pod, NULL, none, ic, "/ep");
	img_config_free(ic);
	pod_spec_free(pod);
}
END_TEST

START_TEST(image_argv_none)
{
	static const char *const configs[] = {
		"\"Env\":[\"A=1\"]", "\"Entrypoint\":[\"\"]", "\"Entrypoint\":[],\"Cmd\":[]",
	};
	struct pod_spec *pod = image_pod();
	struct b_err err = { 0 };

	for (size_t i = 0; i < B_ARRAY_SIZE(configs); i++) {
		struct img_config *ic = image(configs[i]);

		ck_assert_ptr_null(build_image(pod, ic, NULL, NULL, &err));
		ck_assert_int_eq(err.code, EINVAL);
		ck_assert_str_eq(err.msg, "container c: no command specified: the pod gives no "
				 "command and image busybox has no Entrypoint or Cmd");
		img_config_free(ic);
	}
	/* Args alone need an image Entrypoint or nothing: they run as they are. */
	pod->containers[0].args = args_a;
	{
		struct img_config *ic = image("\"Env\":[\"A=1\"]");
		struct oci_config *cfg = build_image(pod, ic, NULL, NULL, &err);

		ck_assert_msg(cfg != NULL, "%s", err.msg);
		ck_assert_str_eq(cfg->process->args[0], "a");
		oci_config_free(cfg);
		img_config_free(ic);
	}
	pod_spec_free(pod);
}
END_TEST

static char **env_of(struct pod_spec *pod, const struct img_config *ic, const char *notify,
		     struct oci_config **cfg)
{
	struct b_err err = { 0 };

	pod->containers[0].command = cmd_x;
	*cfg = build_image(pod, ic, NULL, notify, &err);
	ck_assert_msg(*cfg != NULL, "%s", err.msg);
	return (*cfg)->process->env;
}

/* PATH default, image Env, NOTIFY_SOCKET, pod env; later names replace
 * earlier ones in their place. */
START_TEST(image_env)
{
	struct pod_spec *pod = image_pod();
	struct pod_container *c = &pod->containers[0];
	struct img_config *ic = image("\"Env\":[\"A=1\",\"PATH=/img\",\"B=2\",\"NOTIFY_SOCKET=/x\"]");
	struct pod_env env[] = { { "B", "3" }, { "C", "4" }, { "A", "" } };
	struct oci_config *cfg;
	char **e;

	c->env = env;
	c->n_env = 3;
	e = env_of(pod, ic, "/run/berth/notify", &cfg);
	ck_assert_str_eq(e[0], "PATH=/img");
	ck_assert_str_eq(e[1], "A=");
	ck_assert_str_eq(e[2], "B=3");
	ck_assert_str_eq(e[3], "NOTIFY_SOCKET=" SV_NOTIFY_DIR "/notify.sock");
	ck_assert_str_eq(e[4], "C=4");
	ck_assert_ptr_null(e[5]);
	oci_config_free(cfg);
	img_config_free(ic);

	/* Neither sets PATH: the default, first. */
	ic = image("\"Env\":[\"HOME=/root\"]");
	c->n_env = 0;
	e = env_of(pod, ic, NULL, &cfg);
	ck_assert_str_eq(e[0], "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	ck_assert_str_eq(e[1], "HOME=/root");
	ck_assert_ptr_null(e[2]);
	oci_config_free(cfg);

	/* The pod's PATH over the default, and over the image's below. */
	env[0] = (struct pod_env){ "PATH", "/pod" };
	c->n_env = 1;
	e = env_of(pod, ic, NULL, &cfg);
	ck_assert_str_eq(e[0], "PATH=/pod");
	ck_assert_str_eq(e[1], "HOME=/root");
	ck_assert_ptr_null(e[2]);
	oci_config_free(cfg);
	img_config_free(ic);

	ic = image("\"Env\":[\"PATH=/img\"]");
	e = env_of(pod, ic, NULL, &cfg);
	ck_assert_str_eq(e[0], "PATH=/pod");
	ck_assert_ptr_null(e[1]);
	oci_config_free(cfg);
	img_config_free(ic);
	pod_spec_free(pod);
}
END_TEST

START_TEST(image_working_dir)
{
	struct pod_spec *pod = image_pod();
	struct pod_container *c = &pod->containers[0];
	struct img_config *ic = image("\"Cmd\":[\"x\"],\"WorkingDir\":\"/app\"");
	struct img_config *rel = image("\"Cmd\":[\"x\"],\"WorkingDir\":\"app\"");
	struct img_config *no = image("\"Cmd\":[\"x\"]");
	struct b_err err = { 0 };
	struct oci_config *cfg;

	cfg = build_image(pod, ic, NULL, NULL, &err);
	ck_assert_str_eq(cfg->process->cwd, "/app");
	oci_config_free(cfg);
	cfg = build_image(pod, no, NULL, NULL, &err);
	ck_assert_str_eq(cfg->process->cwd, "/");
	oci_config_free(cfg);
	ck_assert_ptr_null(build_image(pod, rel, NULL, NULL, &err));
	ck_assert_str_eq(err.msg, "container c: image busybox: WorkingDir is not an absolute path");
	c->working_dir = "/pod";
	cfg = build_image(pod, ic, NULL, NULL, &err);
	ck_assert_str_eq(cfg->process->cwd, "/pod");
	oci_config_free(cfg);
	/* The pod's workingDir makes the image's, whatever it is, moot. */
	cfg = build_image(pod, rel, NULL, NULL, &err);
	ck_assert_str_eq(cfg->process->cwd, "/pod");
	oci_config_free(cfg);
	img_config_free(ic);
	img_config_free(rel);
	img_config_free(no);
	pod_spec_free(pod);
}
END_TEST

static struct oci_user user_of(struct pod_spec *pod, const struct img_user *u,
			       struct oci_config **cfg)
{
	struct img_config *ic = image("\"Cmd\":[\"x\"]");
	struct b_err err = { 0 };

	*cfg = build_image(pod, ic, u, NULL, &err);
	ck_assert_msg(*cfg != NULL, "%s", err.msg);
	img_config_free(ic);
	return (*cfg)->process->user;
}

/* runAsUser/runAsGroup over the image user; the resolved user's gid and
 * groups only for the uid they were resolved for. */
START_TEST(image_user_precedence)
{
	struct pod_spec *pod = image_pod();
	struct pod_security *s = &pod->containers[0].security;
	const struct img_user app = { .uid = 1000, .gid = 50, .groups = { 10, 20 }, .n_groups = 2 };
	struct oci_config *cfg;
	struct oci_user u;

	u = user_of(pod, &app, &cfg);                 /* the image's user */
	ck_assert_uint_eq(u.uid, 1000);
	ck_assert_uint_eq(u.gid, 50);
	ck_assert_uint_eq(u.n_additional_gids, 2);
	ck_assert_uint_eq(u.additional_gids[0], 10);
	ck_assert_uint_eq(u.additional_gids[1], 20);
	oci_config_free(cfg);

	s->has_run_as_group = true;                   /* runAsGroup alone */
	s->run_as_group = 10;
	u = user_of(pod, &app, &cfg);
	ck_assert_uint_eq(u.uid, 1000);
	ck_assert_uint_eq(u.gid, 10);
	ck_assert_uint_eq(u.n_additional_gids, 1);    /* the primary gid is not repeated */
	ck_assert_uint_eq(u.additional_gids[0], 20);
	oci_config_free(cfg);

	s->has_run_as_user = true;                    /* another uid: nothing of the image user */
	s->run_as_user = 7;
	s->has_run_as_group = false;
	s->run_as_group = 0;
	u = user_of(pod, &app, &cfg);
	ck_assert_uint_eq(u.uid, 7);
	ck_assert_uint_eq(u.gid, 0);
	ck_assert_uint_eq(u.n_additional_gids, 0);
	oci_config_free(cfg);

	s->run_as_user = 1000;                        /* runAsUser resolved: its passwd gid */
	u = user_of(pod, &app, &cfg);
	ck_assert_uint_eq(u.uid, 1000);
	ck_assert_uint_eq(u.gid, 50);
	ck_assert_uint_eq(u.n_additional_gids, 2);
	oci_config_free(cfg);

	u = user_of(pod, NULL, &cfg);                 /* no resolved user at all */
	ck_assert_uint_eq(u.uid, 1000);
	ck_assert_uint_eq(u.gid, 0);
	ck_assert_uint_eq(u.n_additional_gids, 0);
	oci_config_free(cfg);

	s->has_run_as_user = false;                   /* no user anywhere: root */
	s->run_as_user = 0;
	u = user_of(pod, NULL, &cfg);
	ck_assert_uint_eq(u.uid, 0);
	ck_assert_uint_eq(u.gid, 0);
	oci_config_free(cfg);
	pod_spec_free(pod);
}
END_TEST

/* With real passwd and group texts, as the supervisor resolves them. */
START_TEST(image_user_resolved)
{
	static const char pw[] = "root:x:0:0::/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n";
	static const char gr[] = "root:x:0:\nwheel:x:10:root,app\napp:x:1000:\naudio:x:29:app\n";
	struct pod_spec *pod = image_pod();
	struct img_user iu;
	struct b_err err = { 0 };
	struct oci_config *cfg;
	struct oci_user u;

	ck_assert_int_eq(img_user_resolve("app", pw, strlen(pw), gr, strlen(gr), &iu, &err), 0);
	u = user_of(pod, &iu, &cfg);
	ck_assert_uint_eq(u.uid, 1000);
	ck_assert_uint_eq(u.gid, 1000);
	ck_assert_uint_eq(u.n_additional_gids, 2);
	ck_assert_uint_eq(u.additional_gids[0], 10);
	ck_assert_uint_eq(u.additional_gids[1], 29);
	oci_config_free(cfg);
	pod_spec_free(pod);
}
END_TEST

static int non_root(struct pod_spec *pod, const char *config, struct b_err *err)
{
	struct img_config *ic = config ? image(config) : NULL;
	int r = sv_image_verify_non_root(&pod->containers[0], ic, err);

	img_config_free(ic);
	return r;
}

START_TEST(image_non_root)
{
	struct pod_spec *pod = image_pod();
	struct pod_security *s = &pod->containers[0].security;
	struct b_err err = { 0 };

	/* Without runAsNonRoot nothing is checked. */
	ck_assert_int_eq(non_root(pod, "\"User\":\"0\"", &err), 0);
	ck_assert_int_eq(non_root(pod, NULL, &err), 0);

	s->run_as_non_root = true;
	ck_assert_int_eq(non_root(pod, "\"User\":\"1000\"", &err), 0);
	ck_assert_int_eq(non_root(pod, "\"User\":\"1000:0\"", &err), 0);
	ck_assert_int_eq(non_root(pod, "\"User\":\"0\"", &err), -EPERM);
	ck_assert_str_eq(err.msg, "container c: runAsNonRoot is true and image busybox will run as root");
	ck_assert_int_eq(non_root(pod, "\"User\":\"000:1000\"", &err), -EPERM);
	ck_assert_int_eq(non_root(pod, "\"User\":\"app\"", &err), -EPERM);
	ck_assert_str_eq(err.msg, "container c: runAsNonRoot is true and image busybox has non-numeric "
			 "user (app), cannot verify user is non-root");
	ck_assert_int_eq(non_root(pod, "\"User\":\"app\\n\\u00e9:1\"", &err), -EPERM);
	ck_assert_str_eq(err.msg, "container c: runAsNonRoot is true and image busybox has non-numeric "
			 "user (app\?\?\?), cannot verify user is non-root");
	ck_assert_int_eq(non_root(pod, "\"Cmd\":[\"x\"]", &err), -EPERM);
	ck_assert_str_eq(err.msg, "container c: runAsNonRoot is true and image busybox has no user, "
			 "so it would run as root");
	ck_assert_int_eq(non_root(pod, NULL, &err), -EPERM);

	/* runAsUser decides over any image user. */
	s->has_run_as_user = true;
	s->run_as_user = 1000;
	ck_assert_int_eq(non_root(pod, "\"User\":\"0\"", &err), 0);
	ck_assert_int_eq(non_root(pod, "\"User\":\"app\"", &err), 0);
	ck_assert_int_eq(non_root(pod, NULL, &err), 0);
	s->run_as_user = 0;
	ck_assert_int_eq(non_root(pod, "\"User\":\"1000\"", &err), -EPERM);
	ck_assert_str_eq(err.msg, "container c: runAsNonRoot is true but runAsUser is 0");
	pod_spec_free(pod);
}
END_TEST

/* A local rootfs: the pod's command and args, uid/gid from the security
 * context as before. */
START_TEST(local_rootfs_process)
{
	struct pod_spec *pod = small_pod();
	struct pod_security *s = &pod->containers[0].security;
	struct oci_config *cfg;

	s->has_run_as_user = true;
	s->run_as_user = 3;
	cfg = build(pod, NULL);
	ck_assert_str_eq(cfg->process->args[0], "sh");
	ck_assert_ptr_null(cfg->process->args[1]);
	ck_assert_str_eq(cfg->process->cwd, "/");
	ck_assert_uint_eq(cfg->process->user.uid, 3);
	ck_assert_uint_eq(cfg->process->user.gid, 0);
	ck_assert_uint_eq(cfg->process->user.n_additional_gids, 0);
	oci_config_free(cfg);
	pod_spec_free(pod);
}
END_TEST

static Suite *pod_oci_suite(void)
{
	Suite *s = suite_create("pod_oci");
	TCase *tc = tcase_create("env"), *ti;

	/* Fast once linear; the quadratic loop hits the timeout instead. */
	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, env_many_and_replaced);
	tcase_add_test(tc, env_defaults);
	suite_add_tcase(s, tc);

	ti = tcase_create("image");
	tcase_add_test(ti, image_argv_matrix);
	tcase_add_test(ti, image_argv_none);
	tcase_add_test(ti, image_env);
	tcase_add_test(ti, image_working_dir);
	tcase_add_test(ti, image_user_precedence);
	tcase_add_test(ti, image_user_resolved);
	tcase_add_test(ti, image_non_root);
	tcase_add_test(ti, local_rootfs_process);
	suite_add_tcase(s, ti);
	return s;
}

TEST_MAIN(pod_oci_suite)
