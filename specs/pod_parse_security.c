/* spec.securityContext and containers[].securityContext.  A container's
 * settings start as the pod's and its own securityContext overrides them,
 * so struct pod_security is what the container actually gets. */
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "pod_parse_internal.h"

/* Kubernetes' bounds for runAsUser / runAsGroup. */
#define POD_ID_MAX 2147483647

static const char *const pod_sec_known[] = {
	"runAsUser", "runAsGroup", "runAsNonRoot", "sysctls", "seccompProfile", NULL,
};
static const char *const pod_sec_unsupported[] = {
	"seLinuxOptions", "windowsOptions", "supplementalGroups",
	"supplementalGroupsPolicy", "fsGroup", "fsGroupChangePolicy",
	"appArmorProfile", "seLinuxChangePolicy", NULL,
};
static const struct pod_fields pod_sec_fields = { pod_sec_known, pod_sec_unsupported, NULL };

static const char *const sec_known[] = {
	"runAsUser", "runAsGroup", "runAsNonRoot", "readOnlyRootFilesystem",
	"allowPrivilegeEscalation", "privileged", "capabilities", "seccompProfile", NULL,
};
static const char *const sec_unsupported[] = {
	"seLinuxOptions", "windowsOptions", "procMount", "appArmorProfile", NULL,
};
static const struct pod_fields sec_fields = { sec_known, sec_unsupported, NULL };

static const char *const caps_known[] = { "add", "drop", NULL };
static const struct pod_fields caps_fields = { caps_known, NULL, NULL };

static const char *const seccomp_known[] = { "type", "localhostProfile", NULL };
static const struct pod_fields seccomp_fields = { seccomp_known, NULL, NULL };

static const char *const sysctl_known[] = { "name", "value", NULL };
static const struct pod_fields sysctl_fields = { sysctl_known, NULL, NULL };

static const struct oj_name seccomp_types[] = {
	{ "RuntimeDefault", POD_SECCOMP_RUNTIME_DEFAULT },
	{ "Unconfined", POD_SECCOMP_UNCONFINED },
	{ "Localhost", POD_SECCOMP_LOCALHOST },
};

/* ---- ids ------------------------------------------------------------- */

static int parse_id(struct oj *c, yajl_val v, const char *key, bool *has,
		    uint32_t *out)
{
	int64_t id;
	int r = oj_i64(c, v, key, false, 0, POD_ID_MAX, &id);

	if (r > 0) {
		*has = true;
		*out = (uint32_t)id;
	}
	return r < 0 ? r : 0;
}

/* ---- seccompProfile -------------------------------------------------- */

/* Kubernetes resolves localhostProfile below the kubelet's seccomp
 * directory; berth resolves it against the pod file's directory.  Either
 * way it must stay below: relative, without "..". */
static int parse_seccomp(struct oj *c, yajl_val v, void *item, void *ud)
{
	struct pod_seccomp *s = item;
	const struct pod_spec *pod = ud;
	size_t mark;
	long type;
	int r;

	/* A container's profile replaces what it inherited, whole. */
	*s = (struct pod_seccomp){ 0 };
	if ((r = pod_v_object(c, v, &seccomp_fields)) < 0 ||
	    (r = oj_enum(c, v, "type", true, seccomp_types, B_ARRAY_SIZE(seccomp_types),
			 "seccomp profile type", true, &type)) < 0 ||
	    (r = oj_str(c, v, "localhostProfile", false, &s->localhost_profile)) < 0)
		return r;
	s->type = (enum pod_seccomp_type)type;
	mark = oj_push_key(c, "localhostProfile");
	if (type != POD_SECCOMP_LOCALHOST) {
		if (s->localhost_profile)
			return oj_fail(c, "only allowed when type is Localhost");
	} else if (!s->localhost_profile) {
		return oj_fail(c, "required when type is Localhost");
	} else if (!s->localhost_profile[0] || s->localhost_profile[0] == '/' ||
		   pod_path_has_dotdot(s->localhost_profile)) {
		return oj_fail(c, "\"%s\" must be a relative path without '..' "
			       "(resolved against the pod file's directory)",
			       oj_quote(c, s->localhost_profile));
	} else {
		s->localhost_path = pod_path_join(c->arena, pod->base_dir,
						  s->localhost_profile);
	}
	oj_pop(c, mark);
	return 0;
}

/* ---- sysctls --------------------------------------------------------- */

/* Kubernetes' sysctl name syntax: segments of [a-z0-9]([-_a-z0-9]*[a-z0-9])?
 * separated by '.' or '/'. */
static bool sysctl_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 253)
		return false;
	while (*s) {
		size_t k = strcspn(s, "./");

		if (k == 0 || !strchr("abcdefghijklmnopqrstuvwxyz0123456789", s[0]) ||
		    !strchr("abcdefghijklmnopqrstuvwxyz0123456789", s[k - 1]))
			return false;
		for (size_t i = 0; i < k; i++)
			if (!strchr("abcdefghijklmnopqrstuvwxyz0123456789-_", s[i]))
				return false;
		s += k;
		if (*s && !*++s)
			return false;      /* a trailing separator */
	}
	return true;
}

static bool ipc_sysctl(const char *s)
{
	return !strncmp(s, "kernel.shm", 10) || !strncmp(s, "kernel.msg", 10) ||
	       !strcmp(s, "kernel.sem") || !strncmp(s, "fs.mqueue.", 10);
}

struct sysctls_ctx {
	struct pod_spec *pod;
	const struct b_strindex *names;   /* of the list's entries, as written */
};

/* With host namespaces a namespaced sysctl would change the host.  Entry i
 * is checked once those before it passed. */
static int check_sysctl(struct oj *c, const struct sysctls_ctx *sc, size_t i,
			const char *name)
{
	const struct pod_spec *pod = sc->pod;

	if (!sysctl_name_ok(name))
		return oj_fail(c, "\"%s\" is not a valid sysctl name", oj_quote(c, name));
	if (pod->host_network && !strncmp(name, "net.", 4))
		return oj_fail(c, "\"%s\" is not allowed with hostNetwork (it would change the host)",
			       oj_quote(c, name));
	if (pod->host_ipc && ipc_sysctl(name))
		return oj_fail(c, "\"%s\" is not allowed with hostIPC (it would change the host)",
			       oj_quote(c, name));
	if (b_strindex_dup(sc->names, i))
		return oj_fail(c, "\"%s\" is set twice", oj_quote(c, name));
	return 0;
}

static int parse_sysctl(struct oj *c, yajl_val v, void *item, void *ud)
{
	struct sysctls_ctx *sc = ud;
	struct pod_spec *pod = sc->pod;
	size_t i = pod->sysctls.n;
	struct oci_kv *kv = &pod->sysctls.items[i];
	size_t mark;
	int r;

	if ((r = pod_v_object(c, v, &sysctl_fields)) < 0 ||
	    (r = oj_str(c, v, "name", true, &kv->key)) < 0 ||
	    (r = oj_str(c, v, "value", true, &kv->value)) < 0)
		return r;
	mark = oj_push_key(c, "name");
	if ((r = check_sysctl(c, sc, i, kv->key)) < 0)
		return r;
	oj_pop(c, mark);
	pod->sysctls.n++;
	return 0;
}

/* The "name" of each entry as parse_sysctl() will read it (NULL where it
 * will fail), indexed up front so that each entry is checked against the
 * earlier ones in O(log n). */
static int index_names(struct oj *c, yajl_val list, struct b_strindex *ix)
{
	size_t n = list->u.array.len;
	const char **names = calloc(n + 1, sizeof(*names));

	for (size_t i = 0; names && i < n; i++) {
		yajl_val name = oj_member(list->u.array.values[i], "name");

		names[i] = YAJL_IS_STRING(name) ? name->u.string : NULL;
	}
	return b_strindex_adopt(ix, names, n) < 0 ? oj_oom(c) : 0;
}

/* Entries go straight into pod->sysctls (an oci_kv_list), one at a time
 * so each is checked against the earlier ones. */
static int parse_sysctls(struct oj *c, yajl_val v, struct pod_spec *pod)
{
	_cleanup_strindex_ struct b_strindex names = { 0 };
	struct sysctls_ctx sc = { pod, &names };
	yajl_val list = oj_member(v, "sysctls");
	size_t mark;
	int r;

	if (!list)
		return 0;
	mark = oj_push_key(c, "sysctls");
	if (!YAJL_IS_ARRAY(list))
		return oj_fail(c, "expected an array, got %s", oj_type_name(list));
	if ((r = index_names(c, list, &names)) < 0)
		return r;
	pod->sysctls.items = b_arena_calloc(c->arena, list->u.array.len,
					    sizeof(*pod->sysctls.items));
	for (size_t i = 0; i < list->u.array.len; i++) {
		size_t m = oj_push_index(c, i);

		r = parse_sysctl(c, list->u.array.values[i], NULL, &sc);
		if (r < 0)
			return r;
		oj_pop(c, m);
	}
	oj_pop(c, mark);
	return 0;
}

/* ---- the pod's securityContext --------------------------------------- */

static int parse_pod_sec(struct oj *c, yajl_val v, void *item, void *ud)
{
	struct pod_spec *pod = item;
	int r;

	if ((r = pod_v_object(c, v, &pod_sec_fields)) < 0 ||
	    (r = parse_id(c, v, "runAsUser", &pod->has_run_as_user, &pod->run_as_user)) < 0 ||
	    (r = parse_id(c, v, "runAsGroup", &pod->has_run_as_group, &pod->run_as_group)) < 0 ||
	    (r = oj_bool(c, v, "runAsNonRoot", &pod->run_as_non_root)) < 0 ||
	    (r = pod_member(c, v, "seccompProfile", false, parse_seccomp, &pod->seccomp, pod)) < 0 ||
	    (r = parse_sysctls(c, v, pod)) < 0)
		return r;
	return 0;
}

int pod_parse_pod_security(struct oj *c, yajl_val spec, struct pod_spec *pod)
{
	int r;

	/* berth differs from the kubelet here: a pod that says nothing gets the
	 * RuntimeDefault profile, not Unconfined. */
	pod->seccomp.type = POD_SECCOMP_RUNTIME_DEFAULT;
	r = pod_member(c, spec, "securityContext", false, parse_pod_sec, pod, NULL);
	return r < 0 ? r : 0;
}

/* ---- capabilities ---------------------------------------------------- */

/* Kubernetes passes the names on and containerd and CRI-O upper-case them
 * and add "CAP_": "NET_ADMIN", "net_admin" and "CAP_NET_ADMIN" all work.
 * *cap is -1 for "ALL". */
static int cap_number(struct oj *c, const char *name, int *cap)
{
	_cleanup_free_ char *full = malloc(strlen(name) + 5);
	char *up;

	if (!full)
		return oj_fail(c, "out of memory");
	strcpy(full, "CAP_");
	up = full + 4;
	for (size_t i = 0; name[i]; i++)
		up[i] = (char)(name[i] >= 'a' && name[i] <= 'z' ? name[i] - 32 : name[i]);
	up[strlen(name)] = '\0';
	if (!strcmp(up, "ALL")) {
		*cap = -1;
		return 0;
	}
	*cap = oci_cap_from_name(strncmp(up, "CAP_", 4) ? full : up);
	if (*cap < 0)
		return oj_fail(c, "unknown capability \"%s\"", oj_quote(c, name));
	return 0;
}

static int parse_cap_list(struct oj *c, yajl_val v, const char *key,
			  uint64_t *mask, bool *all)
{
	char **names;
	size_t mark;
	int r = oj_strv(c, v, key, &names);

	if (r <= 0)
		return r;
	mark = oj_push_key(c, key);
	for (size_t i = 0; names[i]; i++) {
		size_t m = oj_push_index(c, i);
		int cap = -1;

		r = cap_number(c, names[i], &cap);
		if (r < 0)
			return r;
		if (cap < 0)
			*all = true;
		else
			*mask |= 1ULL << cap;
		oj_pop(c, m);
	}
	oj_pop(c, mark);
	return 0;
}

static int parse_caps(struct oj *c, yajl_val v, void *item, void *ud)
{
	struct pod_caps *caps = item;
	int r;

	if ((r = pod_v_object(c, v, &caps_fields)) < 0 ||
	    (r = parse_cap_list(c, v, "add", &caps->add, &caps->add_all)) < 0 ||
	    (r = parse_cap_list(c, v, "drop", &caps->drop, &caps->drop_all)) < 0)
		return r;
	return 0;
}

/* ---- a container's securityContext ----------------------------------- */

/* Kubernetes' own rule: no_new_privs cannot be asked for together with
 * what needs privilege escalation. */
static int check_escalation(struct oj *c, const struct pod_security *s)
{
	const uint64_t sys_admin = 1ULL << oci_cap_from_name("CAP_SYS_ADMIN");
	size_t mark;

	if (s->allow_privilege_escalation)
		return 0;
	mark = oj_push_key(c, "allowPrivilegeEscalation");
	if (s->privileged)
		return oj_fail(c, "cannot be false when privileged is true");
	if (s->caps.add_all || (s->caps.add & sys_admin))
		return oj_fail(c, "cannot be false when capabilities.add has SYS_ADMIN");
	oj_pop(c, mark);
	return 0;
}

static int parse_sec(struct oj *c, yajl_val v, void *item, void *ud)
{
	struct pod_security *s = item;
	int r;

	if ((r = pod_v_object(c, v, &sec_fields)) < 0 ||
	    (r = parse_id(c, v, "runAsUser", &s->has_run_as_user, &s->run_as_user)) < 0 ||
	    (r = parse_id(c, v, "runAsGroup", &s->has_run_as_group, &s->run_as_group)) < 0 ||
	    (r = oj_bool(c, v, "runAsNonRoot", &s->run_as_non_root)) < 0 ||
	    (r = oj_bool(c, v, "readOnlyRootFilesystem", &s->read_only_root_filesystem)) < 0 ||
	    (r = oj_bool(c, v, "allowPrivilegeEscalation", &s->allow_privilege_escalation)) < 0 ||
	    (r = oj_bool(c, v, "privileged", &s->privileged)) < 0 ||
	    (r = pod_member(c, v, "capabilities", false, parse_caps, &s->caps, NULL)) < 0 ||
	    (r = pod_member(c, v, "seccompProfile", false, parse_seccomp, &s->seccomp, ud)) < 0 ||
	    (r = check_escalation(c, s)) < 0)
		return r;
	return 0;
}

/* A local root filesystem has no image config, so there is no USER to run
 * as: without runAsUser the process is root, which runAsNonRoot forbids
 * (the kubelet refuses such a container when it starts it).  An image's
 * User is only known when the container starts, and is checked then
 * (sv_image_verify_non_root); a runAsUser of 0 fails whatever the image
 * says, so that is refused here for both. */
static int check_non_root(struct oj *c, const struct pod_container *ct)
{
	const struct pod_security *s = &ct->security;

	if (!s->run_as_non_root)
		return 0;
	if (s->has_run_as_user && s->run_as_user == 0)
		return oj_fail(c, "runAsNonRoot is true but runAsUser is 0");
	if (!s->has_run_as_user && ct->rootfs)
		return oj_fail(c, "runAsNonRoot is true but no runAsUser is set, so the "
			       "container would run as root (a local root filesystem has no USER)");
	return 0;
}

int pod_parse_container_security(struct oj *c, yajl_val cont,
				 struct pod_spec *pod, struct pod_container *ct)
{
	struct pod_security *s = &ct->security;
	int r;

	s->has_run_as_user = pod->has_run_as_user;
	s->run_as_user = pod->run_as_user;
	s->has_run_as_group = pod->has_run_as_group;
	s->run_as_group = pod->run_as_group;
	s->run_as_non_root = pod->run_as_non_root;
	s->allow_privilege_escalation = true;
	s->seccomp = pod->seccomp;
	r = pod_member(c, cont, "securityContext", false, parse_sec, s, pod);
	if (r < 0)
		return r;
	return check_non_root(c, ct);
}
