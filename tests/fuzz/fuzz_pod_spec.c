/* pod.json: a Kubernetes Pod manifest, `berth pod run FILE`.  The
 * supervisor runs as root and trusts what pod_spec_parse() returns
 * ("validates everything that can be checked without touching the host"),
 * so besides not crashing the parser must deliver the invariants
 * specs/pod_spec.h promises; the ones that guard the host are checked
 * here: paths that must be absolute and free of "..", a local rootfs or
 * an image reference without blanks, runAsNonRoot,
 * requests <= limits, unique container names, sane probe settings. */
#include <stdbool.h>

#include "fuzz.h"

#include "specs/pod_spec.h"

#define FUZZ_MAX_INPUT (64 * 1024)

static bool has_dotdot(const char *p)
{
	for (const char *s = p; (s = strstr(s, "..")); s += 2)
		if ((s == p || s[-1] == '/') && (s[2] == '\0' || s[2] == '/'))
			return true;
	return false;
}

static void check_abs_clean(const char *p)
{
	FUZZ_CHECK(p && p[0] == '/');
	FUZZ_CHECK(!has_dotdot(p));
}

static void check_quantities(const struct pod_resources *r)
{
	if (r->cpu_limit.set && r->cpu_request.set)
		FUZZ_CHECK(r->cpu_request.value <= r->cpu_limit.value);
	if (r->memory_limit.set && r->memory_request.set)
		FUZZ_CHECK(r->memory_request.value <= r->memory_limit.value);
	FUZZ_CHECK(!r->cpu_limit.set || r->cpu_limit.value >= 0);
	FUZZ_CHECK(!r->memory_limit.set || r->memory_limit.value >= 0);
}

static void check_probe(const struct pod_probe *p, bool single_success)
{
	if (!p)
		return;
	FUZZ_CHECK(p->period_seconds >= 1 && p->timeout_seconds >= 1);
	FUZZ_CHECK(p->success_threshold >= 1 && p->failure_threshold >= 1);
	if (single_success)
		FUZZ_CHECK(p->success_threshold == 1);
	if (p->handler.kind == POD_HANDLER_EXEC)
		FUZZ_CHECK(p->handler.command && p->handler.command[0]);
	else
		FUZZ_CHECK(p->handler.port >= 1);
}

/* A local rootfs: a clean absolute path, a command, a workingDir.  A
 * reference: no blanks or control bytes; a command, if any, non-empty. */
static void check_image(const struct pod_container *c)
{
	FUZZ_CHECK(c->image && c->image[0]);
	FUZZ_CHECK(c->pull_policy <= POD_PULL_NEVER);
	if (c->rootfs) {
		check_abs_clean(c->rootfs);
		FUZZ_CHECK(c->command && c->command[0]);
		FUZZ_CHECK(c->working_dir != NULL);
	} else {
		for (const char *s = c->image; *s; s++)
			FUZZ_CHECK((unsigned char)*s > 0x20 && *s != 0x7f);
	}
	FUZZ_CHECK(!c->command || (c->command[0] && c->command[0][0]));
}

static void check_container(const struct pod_spec *pod, const struct pod_container *c)
{
	FUZZ_CHECK(c->name && c->name[0]);
	FUZZ_CHECK(pod_find_container(pod, c->name) == c);
	check_image(c);
	if (c->working_dir)
		check_abs_clean(c->working_dir);
	/* For an image reference the image's User is checked at start. */
	if (c->security.run_as_non_root && (c->rootfs || c->security.has_run_as_user))
		FUZZ_CHECK(c->security.run_as_user != 0);
	check_quantities(&c->resources);
	for (size_t i = 0; i < c->n_env; i++) {
		const char *n = c->env[i].name;

		FUZZ_CHECK(n && n[0] && !strchr(n, '='));
		FUZZ_CHECK(c->env[i].value != NULL);
	}
	for (size_t i = 0; i < c->n_ports; i++)
		FUZZ_CHECK(c->ports[i].container_port >= 1);
	for (size_t i = 0; i < c->n_mounts; i++) {
		const struct pod_volume_mount *m = &c->mounts[i];

		FUZZ_CHECK(m->volume != NULL);
		check_abs_clean(m->mount_path);
		FUZZ_CHECK(!m->sub_path || (m->sub_path[0] != '/' && !has_dotdot(m->sub_path)));
	}
	if (c->security.seccomp.type == POD_SECCOMP_LOCALHOST)
		check_abs_clean(c->security.seccomp.localhost_path);
	check_probe(c->liveness, true);
	check_probe(c->startup, true);
	check_probe(c->readiness, false);
	/* The helpers the supervisor calls on every container. */
	(void)pod_container_capabilities(c);
	(void)pod_container_no_new_privs(c);
	(void)pod_memory_limit(c);
	if (c->resources.cpu_limit.set)
		(void)pod_cpu_quota(c->resources.cpu_limit.value);
	if (c->resources.cpu_request.set)
		(void)pod_cpu_shares(c->resources.cpu_request.value);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pod_spec *pod = NULL;
	struct b_err err = { 0 };
	int r;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	/* A fixed absolute base: the parser then never looks at the cwd. */
	r = pod_spec_parse("pod.json", "/fuzz/pods", (const char *)data, size, &pod, &err);
	fuzz_check_result(r, &err);
	if (r < 0) {
		FUZZ_CHECK(pod == NULL);
		return 0;
	}
	FUZZ_CHECK(pod->name && pod->name[0]);
	FUZZ_CHECK(pod->n_containers >= 1);
	FUZZ_CHECK(pod->termination_grace_period_seconds >= 0);
	for (size_t i = 0; i < pod->n_volumes; i++)
		if (pod->volumes[i].kind == POD_VOLUME_HOST_PATH)
			check_abs_clean(pod->volumes[i].host_path);
	if (pod->oom_grow.set)
		FUZZ_CHECK(pod->oom_grow.factor > 1 && pod->oom_grow.max_bytes >= 0);
	FUZZ_CHECK(pod->backoff.initial_ms >= 0 && pod->backoff.initial_ms <= pod->backoff.max_ms);
	for (size_t i = 0; i < pod->n_init_containers; i++) {
		FUZZ_CHECK(pod->init_containers[i].init);
		check_container(pod, &pod->init_containers[i]);
	}
	for (size_t i = 0; i < pod->n_containers; i++) {
		FUZZ_CHECK(!pod->containers[i].init);
		check_container(pod, &pod->containers[i]);
	}
	pod_spec_free(pod);
	return 0;
}
