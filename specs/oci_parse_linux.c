/* The "linux" object of config.json, except resources and seccomp which have
 * their own files. */
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/personality.h>

#include "common/cleanup.h"
#include "oci_parse_internal.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const int ns_clone_flags[OCI_NS_KINDS] = {
	[OCI_NS_PID] = CLONE_NEWPID,
	[OCI_NS_NETWORK] = CLONE_NEWNET,
	[OCI_NS_MOUNT] = CLONE_NEWNS,
	[OCI_NS_IPC] = CLONE_NEWIPC,
	[OCI_NS_UTS] = CLONE_NEWUTS,
	[OCI_NS_USER] = CLONE_NEWUSER,
	[OCI_NS_CGROUP] = CLONE_NEWCGROUP,
	[OCI_NS_TIME] = CLONE_NEWTIME,
};

static const struct oj_name propagations[] = {
	{ "private", MS_PRIVATE },
	{ "rprivate", MS_PRIVATE | MS_REC },
	{ "slave", MS_SLAVE },
	{ "rslave", MS_SLAVE | MS_REC },
	{ "shared", MS_SHARED },
	{ "rshared", MS_SHARED | MS_REC },
	{ "unbindable", MS_UNBINDABLE },
	{ "runbindable", MS_UNBINDABLE | MS_REC },
};

static const struct oj_name personality_domains[] = {
	{ "LINUX", PER_LINUX },
	{ "LINUX32", PER_LINUX32 },
};

void oci_linux_defaults(struct b_arena *a, struct oci_linux *l)
{
	if (!l->masked_paths)
		l->masked_paths = b_arena_calloc(a, 1, sizeof(char *));
	if (!l->readonly_paths)
		l->readonly_paths = b_arena_calloc(a, 1, sizeof(char *));
}

/* ---- namespaces ------------------------------------------------------ */

/* `ud` is a bitmask of kinds seen so far. */
static int parse_namespace(struct oj *c, yajl_val v, void *item, void *ud)
{
	struct oci_namespace *ns = item;
	unsigned *seen = ud;
	char *type;
	int r, k;

	if ((r = oj_v_object(c, v)) < 0 ||
	    (r = oj_str(c, v, "type", true, &type)) < 0)
		return r;
	for (k = 0; k < OCI_NS_KINDS; k++)
		if (!strcmp(type, oci_ns_name(k)))
			break;
	if (k == OCI_NS_KINDS) {
		oj_push_key(c, "type");
		return oj_fail(c, "unknown namespace type \"%s\" (expected pid, network, "
			       "mount, ipc, uts, user, cgroup or time)", oj_quote(c, type));
	}
	if (*seen & (1u << k))
		return oj_fail(c, "duplicate namespace \"%s\"", type);
	*seen |= 1u << k;
	ns->kind = k;
	ns->clone_flag = ns_clone_flags[k];
	r = oj_abspath(c, v, "path", false, &ns->path);
	return r < 0 ? r : 0;
}

static int parse_namespaces(struct oj *c, yajl_val v, struct oci_linux *l)
{
	struct oci_namespace *items;
	unsigned seen = 0;
	size_t n = 0;
	int r;

	r = oj_array(c, v, "namespaces", false, sizeof(*items), (void **)&items,
		     &n, parse_namespace, &seen);
	if (r <= 0)
		return r;
	/* Duplicates are rejected above, so at most OCI_NS_KINDS remain. */
	memcpy(l->namespaces, items, n * sizeof(*items));
	l->n_namespaces = n;
	return 0;
}

static bool has_ns(const struct oci_linux *l, enum oci_ns_kind kind)
{
	for (size_t i = 0; i < l->n_namespaces; i++)
		if (l->namespaces[i].kind == kind)
			return true;
	return false;
}

/* ---- id mappings ----------------------------------------------------- */

static int parse_idmaps(struct oj *c, yajl_val v, struct oci_linux *l)
{
	int r;

	if ((r = oj_array(c, v, "uidMappings", false, sizeof(struct oci_idmap),
			  (void **)&l->uid_mappings, &l->n_uid_mappings,
			  oci_parse_idmap, NULL)) < 0 ||
	    (r = oj_array(c, v, "gidMappings", false, sizeof(struct oci_idmap),
			  (void **)&l->gid_mappings, &l->n_gid_mappings,
			  oci_parse_idmap, NULL)) < 0)
		return r;
	/* As runc: mappings are meaningless without a user namespace to
	 * write them into, and silently ignoring them would run the
	 * container with host ids. */
	if (has_ns(l, OCI_NS_USER))
		return 0;
	if (l->n_uid_mappings) {
		oj_push_key(c, "uidMappings");
		return oj_fail(c, "requires a user namespace (no \"user\" entry in linux.namespaces)");
	}
	if (l->n_gid_mappings) {
		oj_push_key(c, "gidMappings");
		return oj_fail(c, "requires a user namespace (no \"user\" entry in linux.namespaces)");
	}
	return 0;
}

/* ---- timeOffsets ----------------------------------------------------- */

static int parse_time_offset(struct oj *c, yajl_val v, struct oci_time_offset *t)
{
	int r;

	if ((r = oj_v_object(c, v)) < 0 ||
	    (r = oj_i64(c, v, "secs", false, INT64_MIN, INT64_MAX, &t->secs)) < 0 ||
	    (r = oj_u32(c, v, "nanosecs", false, &t->nanosecs)) < 0)
		return r;
	if (t->nanosecs >= 1000000000u) {
		oj_push_key(c, "nanosecs");
		return oj_fail(c, "%u is out of range (0 to 999999999)", t->nanosecs);
	}
	t->set = true;
	return 0;
}

static int parse_time_offsets(struct oj *c, yajl_val v, struct oci_linux *l)
{
	size_t mark;
	yajl_val to;
	int r = oj_obj(c, v, "timeOffsets", false, &to);

	if (r <= 0)
		return r;
	mark = oj_push_key(c, "timeOffsets");
	if (to->u.object.len && !has_ns(l, OCI_NS_TIME))
		return oj_fail(c, "requires a time namespace (no \"time\" entry in linux.namespaces)");
	for (size_t i = 0; i < to->u.object.len; i++) {
		const char *clock = to->u.object.keys[i];
		size_t m = oj_push_key(c, oj_quote(c, clock));
		struct oci_time_offset *t;

		if (!strcmp(clock, "monotonic"))
			t = &l->time_monotonic;
		else if (!strcmp(clock, "boottime"))
			t = &l->time_boottime;
		else
			return oj_fail(c, "unknown clock \"%s\" (expected monotonic or boottime)",
				       oj_quote(c, clock));
		if (YAJL_IS_NULL(to->u.object.values[i])) {
			oj_pop(c, m);
			continue;
		}
		*t = (struct oci_time_offset){ 0 };
		r = parse_time_offset(c, to->u.object.values[i], t);
		if (r < 0)
			return r;
		oj_pop(c, m);
	}
	oj_pop(c, mark);
	return 0;
}

/* ---- devices --------------------------------------------------------- */

static int parse_device(struct oj *c, yajl_val v, void *item, void *ud)
{
	struct oci_device *d = item;
	char *type;
	bool need_numbers;
	int r;

	if ((r = oj_v_object(c, v)) < 0 ||
	    (r = oj_str(c, v, "type", true, &type)) < 0)
		return r;
	if (strlen(type) != 1 || !strchr("cbup", type[0])) {
		oj_push_key(c, "type");
		return oj_fail(c, "unknown device type \"%s\" (expected c, b, u or p)",
			       oj_quote(c, type));
	}
	d->type = type[0];
	need_numbers = d->type != 'p';
	if ((r = oj_abspath(c, v, "path", true, &d->path)) < 0 ||
	    (r = oj_i64(c, v, "major", need_numbers, 0, INT64_MAX, &d->major)) < 0 ||
	    (r = oj_i64(c, v, "minor", need_numbers, 0, INT64_MAX, &d->minor)) < 0)
		return r;
	if ((r = oj_u32(c, v, "fileMode", false, &d->file_mode)) < 0)
		return r;
	d->has_file_mode = r > 0;
	if ((r = oj_u32(c, v, "uid", false, &d->uid)) < 0)
		return r;
	d->has_uid = r > 0;
	if ((r = oj_u32(c, v, "gid", false, &d->gid)) < 0)
		return r;
	d->has_gid = r > 0;
	return 0;
}

/* ---- small members --------------------------------------------------- */

static int parse_abs_list(struct oj *c, yajl_val v, const char *key, char ***out)
{
	size_t mark;
	int r = oj_strv(c, v, key, out);

	if (r <= 0)
		return r;
	mark = oj_push_key(c, key);
	for (size_t i = 0; (*out)[i]; i++) {
		size_t m = oj_push_index(c, i);

		r = oj_v_abspath(c, (*out)[i]);
		if (r < 0)
			return r;
		oj_pop(c, m);
	}
	oj_pop(c, mark);
	return 0;
}

static int parse_personality(struct oj *c, yajl_val v, struct oci_linux *l)
{
	struct oci_personality *p;
	size_t mark;
	long domain;
	yajl_val pv;
	int r = oj_obj(c, v, "personality", false, &pv);

	if (r <= 0)
		return r;
	p = b_arena_alloc(c->arena, sizeof(*p));
	mark = oj_push_key(c, "personality");
	if ((r = oj_enum(c, pv, "domain", true, personality_domains,
			 B_ARRAY_SIZE(personality_domains), "personality domain",
			 true, &domain)) < 0 ||
	    (r = oj_strv(c, pv, "flags", &p->flags)) < 0)
		return r;
	p->domain = (unsigned long)domain;
	l->personality = p;
	oj_pop(c, mark);
	return 0;
}

static int parse_propagation(struct oj *c, yajl_val v, struct oci_linux *l)
{
	long flags;
	int r = oj_enum(c, v, "rootfsPropagation", false, propagations,
			B_ARRAY_SIZE(propagations), "propagation", true, &flags);

	if (r > 0)
		l->rootfs_propagation = (unsigned long)flags;
	return r < 0 ? r : 0;
}

static int parse_resources_member(struct oj *c, yajl_val v, struct oci_linux *l)
{
	size_t mark;
	yajl_val rv;
	int r = oj_obj(c, v, "resources", false, &rv);

	if (r <= 0)
		return r;
	l->resources = b_arena_alloc(c->arena, sizeof(*l->resources));
	mark = oj_push_key(c, "resources");
	r = oci_parse_resources(c, rv, l->resources);
	if (r < 0)
		return r;
	oj_pop(c, mark);
	return 0;
}

static int parse_seccomp_member(struct oj *c, yajl_val v, struct oci_linux *l)
{
	size_t mark;
	yajl_val sv;
	int r = oj_obj(c, v, "seccomp", false, &sv);

	if (r <= 0)
		return r;
	l->seccomp = b_arena_alloc(c->arena, sizeof(*l->seccomp));
	mark = oj_push_key(c, "seccomp");
	r = oci_parse_seccomp(c, sv, l->seccomp);
	if (r < 0)
		return r;
	oj_pop(c, mark);
	return 0;
}

int oci_parse_linux(struct oj *c, yajl_val v, struct oci_linux *l)
{
	int r;

	/* Namespaces first: idmaps and timeOffsets are checked against them.
	 * intelRdt and unknown members are accepted and ignored. */
	if ((r = parse_namespaces(c, v, l)) < 0 ||
	    (r = parse_idmaps(c, v, l)) < 0 ||
	    (r = parse_time_offsets(c, v, l)) < 0 ||
	    (r = oj_array(c, v, "devices", false, sizeof(struct oci_device),
			  (void **)&l->devices, &l->n_devices, parse_device, NULL)) < 0 ||
	    (r = oj_str(c, v, "cgroupsPath", false, &l->cgroups_path)) < 0 ||
	    (r = parse_resources_member(c, v, l)) < 0 ||
	    (r = oj_kv(c, v, "sysctl", &l->sysctl)) < 0 ||
	    (r = parse_seccomp_member(c, v, l)) < 0 ||
	    (r = parse_propagation(c, v, l)) < 0 ||
	    (r = parse_abs_list(c, v, "maskedPaths", &l->masked_paths)) < 0 ||
	    (r = parse_abs_list(c, v, "readonlyPaths", &l->readonly_paths)) < 0 ||
	    (r = oj_str(c, v, "mountLabel", false, &l->mount_label)) < 0 ||
	    (r = parse_personality(c, v, l)) < 0)
		return r;
	oci_linux_defaults(c->arena, l);
	return 0;
}
