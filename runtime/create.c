/* `create`: validate, claim the id, prepare the cgroup, clone the init into
 * its namespaces and drive it through setup.  On any failure everything
 * made so far is undone: no process, cgroup or state directory remains. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroups/cgroup.h"
#include "common/cleanup.h"
#include "common/fsutil.h"
#include "common/strutil.h"
#include "internal.h"
#include "seccomp.h"
#include "syscalls.h"

struct create_job {
	const struct rt_ctx *ctx;
	const struct rt_create_opts *o;
	const struct oci_config *cfg;
	char bundle[PATH_MAX];
	char rootfs[PATH_MAX];
	char dir[PATH_MAX];        /* state directory */
	struct cg_path cg;
	bool have_dir, have_cg;
	int lock_fd, cg_fd, start_fd, console_fd, sync_fd, stub_fd;
	int console_ours;          /* our end of the console socketpair */
	struct rt_seccomp *seccomp;
	pid_t pid;
	int pidfd;
	bool is_child;             /* pid is our own child (waitable) */
	char created[64];
	struct rt_ctx init_log;    /* the init's trace, relayed to ctx */
};

static void job_undo(struct create_job *j)
{
	struct b_err ignored = { 0 };

	rt_logf(j->ctx, RT_LOG_DEBUG, "create %s: undoing: init pid %d, cgroup %s, state dir %s",
		j->o->id, (int)j->pid, j->have_cg ? j->cg.abs : "(none)", j->have_dir ? j->dir : "(none)");
	if (j->pid > 0) {
		if (j->pidfd >= 0)
			b_pidfd_send_signal(j->pidfd, SIGKILL, NULL, 0);
		else
			kill(j->pid, SIGKILL);
		if (j->is_child)
			waitpid(j->pid, NULL, 0);
	}
	if (j->have_cg) {
		cg_kill_all(j->cg.abs, &ignored);
		cg_destroy_made(&j->cg, &ignored);
	}
	if (j->have_dir)
		b_rm_rf(j->dir);
}

static void job_close(struct create_job *j)
{
	int *fds[] = { &j->lock_fd, &j->cg_fd, &j->start_fd, &j->console_fd, &j->sync_fd,
			&j->console_ours, &j->stub_fd };

	for (size_t i = 0; i < B_ARRAY_SIZE(fds); i++)
		if (*fds[i] >= 0) {
			close(*fds[i]);
			*fds[i] = -1;
		}
	if (j->seccomp && j->seccomp != j->o->seccomp)
		rt_seccomp_free(j->seccomp);
	j->seccomp = NULL;
}

static int validate_for_create(const struct oci_config *cfg, struct b_err *err)
{
	const struct oci_process *p = cfg->process;
	int r;

	if (!p)
		return b_err_set(err, EINVAL, "config.json: process: required to create a container");
	if ((r = rt_apparmor_check(p->apparmor_profile, err)) < 0)
		return b_err_prefix(err, "config.json");
	if (p->selinux_label && *p->selinux_label)
		return b_err_set(err, ENOTSUP,
			"config.json: process.selinuxLabel: SELinux is not supported by berth (remove the field)");
	if (p->terminal && !p->args)
		return b_err_set(err, EINVAL, "config.json: process.args: required");
	if ((r = rt_namespaces_validate(cfg, err)) < 0)
		return r;
	return rt_sysctl_validate(cfg, err);
}

static int resolve_rootfs(struct create_job *j, struct b_err *err)
{
	char joined[PATH_MAX * 2];
	struct stat st;

	if (j->cfg->root_path[0] == '/')
		snprintf(joined, sizeof(joined), "%s", j->cfg->root_path);
	else
		snprintf(joined, sizeof(joined), "%s/%s", j->bundle, j->cfg->root_path);
	if (!realpath(joined, j->rootfs))
		return b_err_sys(err, errno, "config.json: root.path: \"%s\" (%s)", j->cfg->root_path, joined);
	if (stat(j->rootfs, &st) < 0 || !S_ISDIR(st.st_mode))
		return b_err_set(err, ENOTDIR, "config.json: root.path: %s is not a directory", j->rootfs);
	rt_logf(j->ctx, RT_LOG_DEBUG, "create %s: bundle %s, rootfs %s", j->o->id, j->bundle, j->rootfs);
	return 0;
}

static int claim_id(struct create_job *j, const char *config_json, struct b_err *err)
{
	int r = b_mkdir_p(j->ctx->root, 0711);

	if (r < 0)
		return b_err_sys(err, -r, "creating state root %s", j->ctx->root);
	if (rt_state_dir(j->ctx, j->o->id, j->dir, sizeof(j->dir)) < 0)
		return b_err_set(err, ENAMETOOLONG, "state path for \"%s\" is too long", j->o->id);
	if (mkdir(j->dir, 0700) < 0) {
		if (errno == EEXIST)
			return b_err_set(err, EEXIST, "container \"%s\" already exists", j->o->id);
		return b_err_sys(err, errno, "creating %s", j->dir);
	}
	j->have_dir = true;
	rt_logf(j->ctx, RT_LOG_DEBUG, "create %s: state dir %s", j->o->id, j->dir);
	j->lock_fd = rt_state_lock(j->dir, err);
	if (j->lock_fd < 0)
		return j->lock_fd;
	if (config_json) {
		char path[PATH_MAX + 16];
		snprintf(path, sizeof(path), "%s/config.json", j->dir);
		r = b_write_atomic(path, config_json, strlen(config_json), 0600);
		if (r < 0)
			return b_err_sys(err, -r, "writing %s", path);
	}
	return 0;
}

static int save_state(struct create_job *j, const char *status, struct b_err *err)
{
	struct oci_state st = {
		.oci_version = j->cfg->oci_version,
		.id = (char *)j->o->id,
		.status = (char *)status,
		.pid = j->pid,
		.bundle = j->bundle,
		.rootfs = j->rootfs,
		.created = j->created,
		.owner = "",
		.annotations = j->cfg->annotations,
		.pid_start_time = j->pid > 0 ? rt_proc_start_time(j->pid) : 0,
		.cgroup_path = j->have_cg ? j->cg.abs : "",
		.systemd_cgroup = j->ctx->systemd_cgroup,
		.has_exec_fifo = true,
		.oom_kill_base = j->have_cg ? cg_oom_kills(j->cg.abs) : 0,
	};

	return rt_state_save(j->dir, &st, err);
}

static int setup_cgroup(struct create_job *j, struct b_err *err)
{
	int r;

	/* crun's --cgroup-manager disabled (podman --cgroups=disabled): no
	 * cgroup, so no limit or device rule can be applied. */
	if (j->ctx->no_cgroup) {
		if (j->cfg->linux.resources)
			rt_logf(j->ctx, RT_LOG_WARN, "linux.resources ignored: --cgroup-manager disabled");
		return 0;
	}
	if ((r = cg_resolve(j->cfg->linux.cgroups_path, j->o->id, j->ctx->systemd_cgroup, &j->cg, err)) < 0)
		return r;
	rt_cg_trace(j->ctx, &j->cg);
	rt_logf(j->ctx, RT_LOG_DEBUG, "cgroup: %s (linux.cgroupsPath \"%s\")", j->cg.abs,
		j->cfg->linux.cgroups_path ? j->cfg->linux.cgroups_path : "");
	if (access(j->cg.abs, F_OK) == 0 && !cg_is_empty(j->cg.abs))
		return b_err_set(err, EBUSY, "cgroup %s already has processes in it", j->cg.abs);
	/* Recorded before it exists: if berth is killed from here on (in a
	 * createRuntime hook, say), `delete` still knows what to remove. */
	j->have_cg = true;
	if ((r = save_state(j, "creating", err)) < 0)
		return r;
	r = cg_create(&j->cg, j->cfg->linux.resources, &j->cg_fd, err);
	if (r < 0)
		return r;
	r = cg_apply_resources(&j->cg, j->cfg->linux.resources, err);
	if (r < 0)
		return r;
	rt_logf(j->ctx, RT_LOG_DEBUG, "cgroup: attaching the device filter to %s", j->cg.abs);
	return cg_devices_apply(j->cg.abs, j->cfg->linux.resources, j->cfg->linux.devices,
				j->cfg->linux.n_devices, err);
}

static int listen_start_socket(struct create_job *j, struct b_err *err)
{
	struct sockaddr_un sa;
	_cleanup_close_ int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	_cleanup_close_ int dfd = -1;
	int r;

	if (s < 0)
		return b_err_sys(err, errno, "start socket");
	if ((r = rt_start_sockaddr(j->dir, &sa, &dfd)) < 0)
		return b_err_sys(err, -r, "opening %s", j->dir);
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(s, 1) < 0)
		return b_err_sys(err, errno, "creating %s/start.sock", j->dir);
	j->start_fd = b_steal_fd(s);
	return 0;
}

static uint64_t new_ns_flags(const struct oci_config *cfg)
{
	uint64_t f = 0;

	for (size_t i = 0; i < cfg->linux.n_namespaces; i++)
		if (!cfg->linux.namespaces[i].path)
			f |= (uint64_t)cfg->linux.namespaces[i].clone_flag;
	return f;
}

static bool needs_intermediate(const struct oci_config *cfg)
{
	const struct oci_namespace *t = oci_config_ns(cfg, OCI_NS_TIME);

	for (size_t i = 0; i < cfg->linux.n_namespaces; i++)
		if (cfg->linux.namespaces[i].path)
			return true;
	/* Offsets can only be written before any process is inside. */
	return t && !t->path && (cfg->linux.time_monotonic.set || cfg->linux.time_boottime.set);
}

static pid_t clone_init(struct rt_init_args *a, uint64_t flags, int cg_fd, int *pidfd,
			bool *into_cgroup)
{
	struct clone_args ca = {
		.flags = flags | CLONE_PIDFD,
		.pidfd = (uint64_t)(uintptr_t)pidfd,
		.exit_signal = SIGCHLD,
	};
	pid_t pid;

	if (cg_fd >= 0) {
		ca.flags |= CLONE_INTO_CGROUP;
		ca.cgroup = (uint64_t)cg_fd;
	}
	a->unshare_cgroupns = false;
	pid = b_clone3(&ca);
	if (pid < 0 && cg_fd >= 0 && errno != ENOMEM && errno != EAGAIN) {
		/* Older kernels or a cgroup that refuses direct placement:
		 * join after the fact, and create the cgroup namespace only
		 * then so its root is the container's cgroup. */
		ca.flags &= ~(uint64_t)(CLONE_INTO_CGROUP | CLONE_NEWCGROUP);
		ca.cgroup = 0;
		a->unshare_cgroupns = (flags & CLONE_NEWCGROUP) != 0;
		*into_cgroup = false;
		pid = b_clone3(&ca);
	} else {
		*into_cgroup = cg_fd >= 0;
	}
	if (pid == 0)
		rt_init_main(a);
	return pid;
}

static int join_paths(const struct rt_ctx *log, const struct oci_config *cfg, struct b_err *err)
{
	/* The user namespace first: the others are owned by it. */
	static const enum oci_ns_kind order[] = {
		OCI_NS_USER, OCI_NS_PID, OCI_NS_NETWORK, OCI_NS_IPC, OCI_NS_UTS,
		OCI_NS_CGROUP, OCI_NS_TIME, OCI_NS_MOUNT,
	};

	for (size_t i = 0; i < B_ARRAY_SIZE(order); i++) {
		const struct oci_namespace *ns = oci_config_ns(cfg, order[i]);
		_cleanup_close_ int fd = -1;

		if (!ns || !ns->path)
			continue;
		rt_logf(log, RT_LOG_DEBUG, "namespaces: joining %s namespace %s", oci_ns_name(ns->kind),
			ns->path);
		fd = open(ns->path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return b_err_sys(err, errno, "config.json: linux.namespaces: opening %s namespace %s",
					 oci_ns_name(ns->kind), ns->path);
		if (setns(fd, ns->clone_flag) < 0)
			return b_err_sys(err, errno, "config.json: linux.namespaces: joining %s namespace %s",
					 oci_ns_name(ns->kind), ns->path);
	}
	return 0;
}

/* Joining a pid or time namespace only affects children, and so does a new
 * time namespace with offsets: a short-lived intermediate process joins,
 * clones the init and reports its pid. */
__attribute__((noreturn)) static void intermediate(struct rt_init_args *a, uint64_t flags, int cg_fd)
{
	struct b_err err = { 0 };
	int pidfd = -1;
	bool into = false;
	pid_t pid;

	if (join_paths(a->log, a->cfg, &err) < 0)
		goto fail;
	if ((flags & CLONE_NEWTIME) &&
	    (a->cfg->linux.time_monotonic.set || a->cfg->linux.time_boottime.set)) {
		if (unshare(CLONE_NEWTIME) < 0) {
			b_err_sys(&err, errno, "unshare(CLONE_NEWTIME)");
			goto fail;
		}
		if (rt_write_time_offsets(a->cfg, &err) < 0)
			goto fail;
		rt_logf(a->log, RT_LOG_DEBUG, "namespaces: new time namespace, offsets written");
		flags &= ~(uint64_t)CLONE_NEWTIME;
	}
	a->direct_child = false;
	pid = clone_init(a, flags, cg_fd, &pidfd, &into);
	if (pid < 0) {
		b_err_sys(&err, errno, "clone3");
		goto fail;
	}
	{
		int payload[2] = { (int)pid, into ? 1 : 0 };
		rt_sync_send(a->sync_fd, RT_SYNC_PID, 0, payload, sizeof(payload));
	}
	_exit(0);
fail:
	rt_logf(a->log, RT_LOG_DEBUG, "intermediate: failed: %s", err.msg);
	rt_sync_send_err(a->sync_fd, &err);
	_exit(1);
}

/* The trace's view of the namespaces: which are new, and how. */
static void trace_namespaces(const struct create_job *j, uint64_t flags, bool via_intermediate)
{
	char buf[256];
	size_t n = 0;

	if (!rt_log_enabled(j->ctx, RT_LOG_DEBUG))
		return;
	buf[0] = '\0';
	for (size_t i = 0; i < j->cfg->linux.n_namespaces && n < sizeof(buf); i++) {
		const struct oci_namespace *ns = &j->cfg->linux.namespaces[i];
		if (!ns->path)
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s", n ? "," : "",
					      oci_ns_name(ns->kind));
	}
	rt_logf(j->ctx, RT_LOG_DEBUG, "namespaces: cloning the init with new %s (flags %#llx)%s",
		n ? buf : "(none)", (unsigned long long)flags,
		via_intermediate ? " from an intermediate process that joins the given paths" : "");
}

static int spawn(struct create_job *j, struct rt_init_args *a, int parent_sync, bool *into,
		 struct b_err *err)
{
	uint64_t flags = new_ns_flags(j->cfg);
	struct rt_sync_msg *m;
	pid_t mid;
	int status;

	trace_namespaces(j, flags, needs_intermediate(j->cfg));
	if (!needs_intermediate(j->cfg)) {
		a->direct_child = true;
		j->pid = clone_init(a, flags, j->cg_fd, &j->pidfd, into);
		if (j->pid < 0)
			return b_err_sys(err, errno, "clone3 (namespaces 0x%llx)", (unsigned long long)flags);
		j->is_child = true;
		rt_logf(j->ctx, RT_LOG_DEBUG, "create %s: init is pid %d (placed in its cgroup by clone3: %s)",
			j->o->id, (int)j->pid, *into ? "yes" : "no");
		return 0;
	}
	mid = fork();
	if (mid < 0)
		return b_err_sys(err, errno, "fork");
	if (mid == 0)
		intermediate(a, flags, j->cg_fd);
	m = malloc(sizeof(*m));
	if (!m) {
		kill(mid, SIGKILL);
		waitpid(mid, NULL, 0);
		return b_err_set(err, ENOMEM, "out of memory");
	}
	status = rt_sync_expect_log(j->ctx, parent_sync, RT_SYNC_PID, m, err);
	waitpid(mid, NULL, 0);
	if (status == 0) {
		int payload[2];
		memcpy(payload, m->payload, sizeof(payload));
		j->pid = payload[0];
		*into = payload[1] != 0;
		j->pidfd = b_pidfd_open(j->pid, 0);
		rt_logf(j->ctx, RT_LOG_DEBUG, "create %s: init is pid %d (placed in its cgroup by clone3: %s)",
			j->o->id, (int)j->pid, *into ? "yes" : "no");
	}
	free(m);
	return status;
}

static int handshake(struct create_job *j, int fd, bool into_cgroup, struct b_err *err)
{
	const struct oci_namespace *user = oci_config_ns(j->cfg, OCI_NS_USER);
	struct rt_sync_msg *m = malloc(sizeof(*m));
	_cleanup_free_ char *state = NULL;
	int r;

	if (!m)
		return b_err_set(err, ENOMEM, "out of memory");
	if (user && !user->path) {
		rt_logf(j->ctx, RT_LOG_DEBUG, "namespaces: writing the uid/gid maps of pid %d", (int)j->pid);
		if ((r = rt_write_id_maps(j->pid, j->cfg, err)) < 0)
			goto out;
	}
	if (!into_cgroup && j->have_cg && (r = cg_enter(&j->cg, j->pid, err)) < 0)
		goto out;
	rt_logf(j->ctx, RT_LOG_DEBUG, "sync: sending GO to the init");
	/* The init cannot see its own host pid from inside its pid
	 * namespace; seccomp listeners need it. */
	if ((r = rt_sync_send(fd, RT_SYNC_GO, 0, &j->pid, sizeof(j->pid))) < 0) {
		r = b_err_sys(err, -r, "starting container init");
		goto out;
	}
	if ((r = rt_sync_expect_log(j->ctx, fd, RT_SYNC_HOOKS, m, err)) < 0)
		goto out;
	r = rt_state_json_for_hooks(j->cfg, j->o->id, "creating", j->pid, j->bundle, &state);
	if (r < 0) {
		r = b_err_set(err, ENOMEM, "out of memory");
		goto out;
	}
	if ((r = rt_hooks_run(j->ctx, j->cfg->hooks, OCI_HOOK_PRESTART, state, err)) < 0 ||
	    (r = rt_hooks_run(j->ctx, j->cfg->hooks, OCI_HOOK_CREATE_RUNTIME, state, err)) < 0)
		goto out;
	/* Two documents, NUL-separated: the state as it is now (for
	 * createContainer) and as it will be when start runs. */
	{
		_cleanup_free_ char *created = NULL, *both = NULL;
		size_t a, b;

		if (rt_state_json_for_hooks(j->cfg, j->o->id, "created", j->pid, j->bundle, &created) < 0) {
			r = b_err_set(err, ENOMEM, "out of memory");
			goto out;
		}
		a = strlen(state) + 1;
		b = strlen(created) + 1;
		both = malloc(a + b);
		if (!both) {
			r = b_err_set(err, ENOMEM, "out of memory");
			goto out;
		}
		memcpy(both, state, a);
		memcpy(both + a, created, b);
		rt_logf(j->ctx, RT_LOG_DEBUG, "sync: sending HOOKS_DONE to the init");
		if ((r = rt_sync_send(fd, RT_SYNC_HOOKS_DONE, 0, both, a + b)) < 0) {
			r = b_err_sys(err, -r, "container init");
			goto out;
		}
	}
	r = rt_sync_expect_log(j->ctx, fd, RT_SYNC_READY, m, err);
out:
	free(m);
	return r;
}

static int run_job(struct create_job *j, const char *config_json, struct rt_created *out,
		   struct b_err *err)
{
	const struct oci_config *cfg = j->cfg;
	struct rt_init_args a = { 0 };
	int sp[2], r, min_fd = 3 + (j->o->preserve_fds > 0 ? j->o->preserve_fds : 0);
	bool into = false;

	/* The guard may re-execute berth: before anything is made. */
	if ((r = validate_for_create(cfg, err)) < 0 || (r = resolve_rootfs(j, err)) < 0 ||
	    (r = rt_exe_guard_prepare(j->ctx, cfg->process, cfg, &j->stub_fd, err)) < 0 ||
	    (r = claim_id(j, config_json, err)) < 0)
		return r;
	b_now_rfc3339(j->created, sizeof(j->created));
	if ((r = save_state(j, "creating", err)) < 0)
		return r;
	if (j->o->seccomp)
		j->seccomp = j->o->seccomp;
	else if (cfg->linux.seccomp && (r = rt_seccomp_compile(cfg->linux.seccomp, &j->seccomp, err)) < 0)
		return r;
	if ((r = setup_cgroup(j, err)) < 0 || (r = listen_start_socket(j, err)) < 0)
		return r;
	if ((r = rt_console_for_create(cfg->process->terminal, j->o->console_socket, j->o->want_console,
					&j->console_ours, &j->console_fd, err)) < 0)
		return r;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
		return b_err_sys(err, errno, "socketpair");
	j->sync_fd = sp[0];
	if (rt_lift_fd(&sp[1], min_fd) < 0 || rt_lift_fd(&j->start_fd, min_fd) < 0 ||
	    rt_lift_fd(&j->console_fd, min_fd) < 0 || rt_lift_fd(&j->cg_fd, min_fd) < 0 ||
	    rt_lift_fd(&j->stub_fd, min_fd) < 0) {
		close(sp[1]);
		return b_err_sys(err, errno, "moving fds above --preserve-fds");
	}
	a = (struct rt_init_args){
		.cfg = cfg, .id = j->o->id, .rootfs = j->rootfs, .bundle = j->bundle,
		.cgroup_abs = j->have_cg ? j->cg.abs : NULL, .sync_fd = sp[1],
		.start_fd = j->start_fd, .console_fd = j->console_fd, .stub_fd = j->stub_fd,
		.seccomp = j->seccomp,
		.preserve_fds = j->o->preserve_fds, .no_pivot = j->o->no_pivot,
		.no_new_keyring = j->o->no_new_keyring,
		.new_mntns = oci_config_ns(cfg, OCI_NS_MOUNT) != NULL,
		.stdio = { j->o->stdio[0], j->o->stdio[1], j->o->stdio[2] },
		.parent_fds = { j->lock_fd, j->sync_fd, j->console_ours },
		.log = &j->init_log,
	};
	/* The child gets a copy of this frame: a.sync_fd stays valid there. */
	rt_init_log_setup(&j->init_log, j->ctx, &a.sync_fd);
	r = spawn(j, &a, j->sync_fd, &into, err);
	close(sp[1]);
	if (r < 0)
		return r;
	if ((r = handshake(j, j->sync_fd, into, err)) < 0)
		return r;
	if ((r = save_state(j, "created", err)) < 0)
		return r;
	if (j->o->pid_file && (r = rt_write_pid_file(j->o->pid_file, j->pid, err)) < 0)
		return r;
	rt_logf(j->ctx, RT_LOG_DEBUG, "create %s: created, init pid %d waits for start", j->o->id,
		(int)j->pid);
	if (j->console_ours >= 0 && (r = rt_console_recv(j->console_ours, &out->console_master, err)) < 0)
		return r;
	out->pid = j->pid;
	out->pidfd = b_steal_fd(j->pidfd);
	return 0;
}

int rt_create_config(const struct rt_ctx *ctx, const struct rt_create_opts *o,
		     const struct oci_config *cfg, const char *config_json,
		     struct rt_created *out, struct b_err *err)
{
	struct create_job j = {
		.ctx = ctx, .o = o, .cfg = cfg,
		.lock_fd = -1, .cg_fd = -1, .start_fd = -1, .console_fd = -1, .sync_fd = -1,
		.stub_fd = -1, .pidfd = -1, .console_ours = -1,
	};
	int r = rt_validate_id(o->id, err);

	out->console_master = -1;
	if (r < 0)
		return r;
	if (!realpath(o->bundle ? o->bundle : ".", j.bundle))
		return b_err_sys(err, errno, "bundle %s", o->bundle ? o->bundle : ".");
	r = run_job(&j, config_json, out, err);
	/* On success the init outlives this call; without keep_parent the
	 * caller's exit hands it to its reaper. */
	if (r < 0) {
		rt_logf(ctx, RT_LOG_DEBUG, "create %s: failed: %s", o->id, err ? err->msg : "");
		job_undo(&j);
	}
	if (j.pidfd >= 0)
		close(j.pidfd);
	job_close(&j);
	return r;
}

int rt_create(const struct rt_ctx *ctx, const struct rt_create_opts *o,
	      struct rt_created *out, struct b_err *err)
{
	char path[PATH_MAX];
	_cleanup_free_ char *json = NULL;
	struct oci_config *cfg = NULL;
	size_t len = 0;
	int r;

	snprintf(path, sizeof(path), "%s/config.json", o->bundle ? o->bundle : ".");
	rt_logf(ctx, RT_LOG_DEBUG, "create %s: reading %s", o->id, path);
	r = b_read_file(path, 16u << 20, &json, &len);
	if (r < 0)
		return b_err_sys(err, -r, "reading %s", path);
	r = oci_config_parse("config.json", json, len, &cfg, err);
	if (r < 0)
		return r;
	if (o->notify_dir && (r = rt_config_add_notify_socket(cfg, o->notify_dir, err)) < 0) {
		oci_config_free(cfg);
		return r;
	}
	r = rt_create_config(ctx, o, cfg, json, out, err);
	oci_config_free(cfg);
	return r;
}
