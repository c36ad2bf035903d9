/* The OCI config of one pod container, built in memory. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fsutil.h"
#include "specs/oci_default.h"
#include "runtime/safepath.h"
#include "specs/seccomp_default.h"
#include "supervisor/image_proc.h"
#include "supervisor/supervisor.h"

static char **strv_dup(struct b_arena *a, const char *const *v)
{
	size_t n = 0;
	char **out;

	while (v && v[n])
		n++;
	out = b_arena_calloc(a, n + 1, sizeof(*out));
	for (size_t i = 0; i < n; i++)
		out[i] = b_arena_strdup(a, v[i]);
	return out;
}

static char **split_opts(struct b_arena *a, const char *csv)
{
	size_t n = 1, k = 0;
	char **out;
	char *s = b_arena_strdup(a, csv), *tok, *save = NULL;

	for (const char *p = csv; *p; p++)
		n += *p == ',';
	out = b_arena_calloc(a, n + 1, sizeof(*out));
	for (tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		out[k++] = tok;
	return out;
}

static void add_mount(struct oci_config *cfg, size_t *cap, const char *dst,
		      const char *type, const char *src, const char *opts)
{
	struct oci_mount *m;

	if (cfg->n_mounts == *cap) {
		struct oci_mount *nm = b_arena_calloc(&cfg->arena, *cap * 2 + 8, sizeof(*nm));
		if (cfg->n_mounts)
			memcpy(nm, cfg->mounts, cfg->n_mounts * sizeof(*nm));
		cfg->mounts = nm;
		*cap = *cap * 2 + 8;
	}
	m = &cfg->mounts[cfg->n_mounts++];
	m->destination = b_arena_strdup(&cfg->arena, dst);
	m->type = type ? b_arena_strdup(&cfg->arena, type) : NULL;
	m->source = src ? b_arena_strdup(&cfg->arena, src) : NULL;
	m->options = split_opts(&cfg->arena, opts ? opts : "");
}

static void add_ns(struct oci_config *cfg, enum oci_ns_kind kind, int flag, const char *path)
{
	struct oci_namespace *ns = &cfg->linux.namespaces[cfg->linux.n_namespaces++];

	ns->kind = kind;
	ns->clone_flag = flag;
	ns->path = path ? b_arena_strdup(&cfg->arena, path) : NULL;
}

static int prepare_host_path(const struct pod_volume *v, const char *src, struct b_err *err)
{
	int r;

	switch (v->host_path_type) {
	case POD_HOST_PATH_DIRECTORY_OR_CREATE:
		r = b_mkdir_p(src, 0755);
		if (r < 0)
			return b_err_sys(err, -r, "volume %s: creating hostPath directory %s", v->name, src);
		break;
	case POD_HOST_PATH_FILE_OR_CREATE:
		if (access(src, F_OK) < 0) {
			_cleanup_close_ int fd = open(src, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
			if (fd < 0)
				return b_err_sys(err, errno, "volume %s: creating hostPath file %s", v->name, src);
		}
		break;
	/* Kubernetes checks the kind of file for all but UNSET; berth only that it exists. */
	case POD_HOST_PATH_UNSET:
	case POD_HOST_PATH_DIRECTORY:
	case POD_HOST_PATH_FILE:
	case POD_HOST_PATH_SOCKET:
	case POD_HOST_PATH_CHAR_DEVICE:
	case POD_HOST_PATH_BLOCK_DEVICE:
		break;
	}
	if (access(src, F_OK) < 0)
		return b_err_sys(err, errno, "volume %s: hostPath %s", v->name, src);
	return 0;
}

void sv_held_fds_close(struct sv_held_fds *h)
{
	for (size_t i = 0; i < h->n; i++)
		close(h->fd[i]);
	free(h->fd);
	h->fd = NULL;
	h->n = 0;
}

static int hold_fd(struct sv_held_fds *h, int fd)
{
	int *n = realloc(h->fd, (h->n + 1) * sizeof(*n));

	if (!n) {
		close(fd);
		return -ENOMEM;
	}
	h->fd = n;
	h->fd[h->n++] = fd;
	return 0;
}

/* A subPath is container content: another container of the pod (or this
 * one, before a restart) may have made any part of it a symlink to the
 * host (CVE-2017-1002101).  It is resolved inside the volume, created there
 * for an emptyDir, and the mount's source becomes a detached mount of
 * exactly what was resolved, named through our /proc entry. */
static int resolve_sub_path(const struct sv_oci_ctx *oc, const struct pod_volume_mount *vm,
			    char *src, size_t size, struct b_err *err)
{
	const struct pod_volume *v = vm->volume;
	/* The volume's own directory: the pod state dir's, or the hostPath
	 * the pod author chose. */
	_cleanup_close_ int root = open(src, O_PATH | O_DIRECTORY | O_CLOEXEC);
	int fd, r;

	if (root < 0)
		return b_err_sys(err, errno, "volume %s: opening %s", v->name, src);
	fd = sp_open_in_root(root, vm->sub_path, v->kind == POD_VOLUME_EMPTY_DIR, false, err);
	if (fd < 0)
		return b_err_prefix(err, "volume %s: subPath %s", v->name, vm->sub_path);
	if (!oc->held) {
		close(fd);
		return b_err_set(err, EINVAL, "volume %s: subPath without a place for its fd", v->name);
	}
	/* A detached copy of what was resolved: the init, in a mount namespace
	 * of its own, can attach a detached mount but not bind one of ours. */
	r = sp_tree_clone(fd, "", true);
	close(fd);
	if (r < 0)
		return b_err_sys(err, -r, "volume %s: subPath %s", v->name, vm->sub_path);
	fd = r;
	if ((r = hold_fd(oc->held, fd)) < 0)
		return b_err_set(err, -r, "out of memory");
	snprintf(src, size, "/proc/%d/fd/%d", (int)getpid(), fd);
	return 0;
}

static int add_volume_mounts(const struct sv_oci_ctx *oc, const struct pod_container *c,
			     struct oci_config *cfg, size_t *cap, struct b_err *err)
{
	for (size_t i = 0; i < c->n_mounts; i++) {
		const struct pod_volume_mount *vm = &c->mounts[i];
		const struct pod_volume *v = vm->volume;
		char src[PATH_MAX];
		const char *ro = vm->read_only ? "rbind,ro" : "rbind";
		int r;

		if (v->kind == POD_VOLUME_HOST_PATH) {
			if ((r = prepare_host_path(v, v->host_path, err)) < 0)
				return r;
			snprintf(src, sizeof(src), "%s", v->host_path);
		} else {
			snprintf(src, sizeof(src), "%s/volumes/%s", oc->pod_dir, v->name);
		}
		if (vm->sub_path && (r = resolve_sub_path(oc, vm, src, sizeof(src), err)) < 0)
			return r;
		add_mount(cfg, cap, vm->mount_path, "bind", src, ro);
	}
	return 0;
}

int sv_runtime_default_parse(struct b_arena *a, struct oci_seccomp **out, struct b_err *err)
{
	const char *j = berth_default_seccomp_json();

	return oci_seccomp_parse("RuntimeDefault seccomp profile", j, strlen(j), a, out, err);
}

static int add_seccomp(const struct sv_oci_ctx *oc, const struct pod_container *c,
		       struct oci_config *cfg, struct b_err *err)
{
	const struct pod_seccomp *s = &c->security.seccomp;
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r;

	if (c->security.privileged || s->type == POD_SECCOMP_UNCONFINED)
		return 0;
	/* Parsed once by the supervisor; it outlives every config. */
	if (oc->seccomp) {
		cfg->linux.seccomp = (struct oci_seccomp *)oc->seccomp;
		return 0;
	}
	switch (s->type) {
	case POD_SECCOMP_UNCONFINED:
		return 0;
	case POD_SECCOMP_RUNTIME_DEFAULT:
		return sv_runtime_default_parse(&cfg->arena, &cfg->linux.seccomp, err);
	case POD_SECCOMP_LOCALHOST:
		r = b_read_file(s->localhost_path, 0, &text, &len);
		if (r < 0)
			return b_err_sys(err, -r, "container %s: seccomp profile %s", c->name,
					 s->localhost_path);
		return oci_seccomp_parse(s->localhost_path, text, len, &cfg->arena,
					 &cfg->linux.seccomp, err);
	}
	return 0;
}

/* The pod's name files (sv_names.c), read-only: berth rewrites hosts as
 * pods come and go.  Before the volumes, so a volume mounted on /etc wins,
 * as in Kubernetes. */
static void add_name_mounts(struct oci_config *cfg, size_t *cap, const char *pod_dir)
{
	static const char *const files[] = { "hosts", "resolv.conf", "hostname" };
	char src[PATH_MAX], dst[64];

	for (size_t i = 0; i < B_ARRAY_SIZE(files); i++) {
		snprintf(src, sizeof(src), "%s/%s", pod_dir, files[i]);
		snprintf(dst, sizeof(dst), "/etc/%s", files[i]);
		add_mount(cfg, cap, dst, "bind", src, "bind,ro,nosuid,nodev,noexec");
	}
}

/* The standard filesystems, then the pod's name files and volumes, then the sd-notify
 * socket's directory. */
static int build_mounts(struct oci_config *cfg, const struct sv_oci_ctx *oc,
			const struct pod_container *c, struct b_err *err)
{
	size_t cap = 0;
	int r;

	add_mount(cfg, &cap, "/proc", "proc", "proc", "nosuid,noexec,nodev");
	add_mount(cfg, &cap, "/dev", "tmpfs", "tmpfs", "nosuid,strictatime,mode=755,size=65536k");
	add_mount(cfg, &cap, "/dev/pts", "devpts", "devpts",
		  "nosuid,noexec,newinstance,ptmxmode=0666,mode=0620,gid=5");
	add_mount(cfg, &cap, "/dev/shm", "tmpfs", "shm", "nosuid,noexec,nodev,mode=1777,size=65536k");
	add_mount(cfg, &cap, "/dev/mqueue", "mqueue", "mqueue", "nosuid,noexec,nodev");
	add_mount(cfg, &cap, "/sys", "sysfs", "sysfs", "nosuid,noexec,nodev,ro");
	add_mount(cfg, &cap, "/sys/fs/cgroup", "cgroup", "cgroup", "nosuid,noexec,nodev,relatime,ro");
	if (oc->names)
		add_name_mounts(cfg, &cap, oc->pod_dir);
	if ((r = add_volume_mounts(oc, c, cfg, &cap, err)) < 0)
		return r;
	if (oc->notify_dir)
		add_mount(cfg, &cap, SV_NOTIFY_DIR, "bind", oc->notify_dir, "rbind,nosuid,nodev,noexec");
	return 0;
}

/* Join a namespace the supervisor holds open as fd (skipped when -1),
 * through our own /proc/PID/fd. */
static void add_held_ns(struct oci_config *cfg, enum oci_ns_kind kind, int flag, int fd)
{
	char path[64];

	if (fd < 0)
		return;
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)getpid(), fd);
	add_ns(cfg, kind, flag, path);
}

/* Mount and cgroup namespaces of its own, the pod's shared pid namespace
 * unless hostPID, the pod's held net, ipc and uts namespaces; the cgroup
 * below the pod's, the default masked and read-only paths, the sysctls. */
static void build_linux(struct oci_config *cfg, const struct sv_oci_ctx *oc,
			const struct pod_container *c)
{
	struct b_arena *a = &cfg->arena;

	cfg->has_linux = true;
	add_ns(cfg, OCI_NS_MOUNT, CLONE_NEWNS, NULL);
	add_ns(cfg, OCI_NS_CGROUP, CLONE_NEWCGROUP, NULL);
	if (!oc->pod->host_pid)
		add_ns(cfg, OCI_NS_PID, CLONE_NEWPID, oc->pid_ns_path);
	add_held_ns(cfg, OCI_NS_NETWORK, CLONE_NEWNET, oc->ns->net);
	add_held_ns(cfg, OCI_NS_IPC, CLONE_NEWIPC, oc->ns->ipc);
	add_held_ns(cfg, OCI_NS_UTS, CLONE_NEWUTS, oc->ns->uts);
	cfg->linux.cgroups_path = b_arena_printf(a, "%s/%s", oc->cgroup_base, c->name);
	cfg->linux.masked_paths = strv_dup(a, oci_default_masked_paths);
	cfg->linux.readonly_paths = strv_dup(a, oci_default_readonly_paths);
	cfg->linux.sysctl = oc->pod->sysctls;
}

/* limits.memory, limits.cpu and requests.cpu as cgroup limits. */
static struct oci_resources *build_resources(struct b_arena *a, const struct sv_oci_ctx *oc,
					     const struct pod_container *c)
{
	struct oci_resources *res = b_arena_calloc(a, 1, sizeof(*res));

	if (c->resources.memory_limit.set) {
		res->has_memory_limit = true;
		res->memory_limit = oc->memory_limit > 0 ? oc->memory_limit : pod_memory_limit(c);
		/* As the kubelet on cgroup v2: no swap, and an OOM kill takes
		 * the whole container down rather than leaving it half-killed. */
		res->has_memory_swap = true;
		res->memory_swap = res->memory_limit;
		res->unified.items = b_arena_calloc(a, 1, sizeof(*res->unified.items));
		res->unified.items[0].key = "memory.oom.group";
		res->unified.items[0].value = "1";
		res->unified.n = 1;
	}
	if (c->resources.cpu_limit.set && pod_cpu_quota(c->resources.cpu_limit.value)) {
		res->has_cpu_quota = true;
		res->cpu_quota = (int64_t)pod_cpu_quota(c->resources.cpu_limit.value);
		res->has_cpu_period = true;
		res->cpu_period = POD_CPU_PERIOD;
	}
	if (c->resources.cpu_request.set) {
		res->has_cpu_shares = true;
		res->cpu_shares = pod_cpu_shares(c->resources.cpu_request.value);
	}
	return res;
}

int sv_build_oci(const struct sv_oci_ctx *oc, const struct pod_container *c,
		 struct oci_config **out, struct b_err *err)
{
	struct oci_config *cfg = calloc(1, sizeof(*cfg));
	int r;

	if (!cfg)
		return b_err_set(err, ENOMEM, "out of memory");
	cfg->oci_version = b_arena_strdup(&cfg->arena, "1.2.0");
	cfg->root_path = b_arena_strdup(&cfg->arena, oc->rootfs);
	cfg->root_readonly = c->security.read_only_root_filesystem;
	if ((r = sv_build_process(cfg, oc, c, err)) < 0 || (r = build_mounts(cfg, oc, c, err)) < 0)
		goto fail;
	build_linux(cfg, oc, c);
	cfg->linux.resources = build_resources(&cfg->arena, oc, c);
	if ((r = add_seccomp(oc, c, cfg, err)) < 0)
		goto fail;
	*out = cfg;
	return 0;
fail:
	oci_config_free(cfg);
	return r;
}
