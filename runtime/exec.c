/* `exec`: a new process inside a running container.  The parent joins only
 * the container's pid namespace "for children", clones the process straight
 * into the container's cgroup, and the child joins every other namespace
 * through the init's pidfd in one setns(2) call. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fsutil.h"
#include "identity.h"
#include "internal.h"
#include "rlimits.h"
#include "safepath.h"
#include "sched.h"
#include "seccomp.h"
#include "syscalls.h"

static const struct { const char *name; int flag; } ns_files[] = {
	{ "user", CLONE_NEWUSER }, { "mnt", CLONE_NEWNS }, { "net", CLONE_NEWNET },
	{ "ipc", CLONE_NEWIPC }, { "uts", CLONE_NEWUTS }, { "cgroup", CLONE_NEWCGROUP },
	{ "time", CLONE_NEWTIME }, { "pid", CLONE_NEWPID },
};

/* Namespaces of `pid` that differ from ours (setns into our own user
 * namespace is an error, into the others a waste). */
static int differing_ns(pid_t pid)
{
	int flags = 0;

	for (size_t i = 0; i < B_ARRAY_SIZE(ns_files); i++) {
		char a[64], b[64];
		struct stat sa, sb;

		snprintf(a, sizeof(a), "/proc/self/ns/%s", ns_files[i].name);
		snprintf(b, sizeof(b), "/proc/%d/ns/%s", (int)pid, ns_files[i].name);
		if (stat(a, &sa) < 0 || stat(b, &sb) < 0)
			continue;
		if (sa.st_ino != sb.st_ino || sa.st_dev != sb.st_dev)
			flags |= ns_files[i].flag;
	}
	return flags;
}

struct exec_job {
	const struct rt_exec_opts *o;
	struct oci_process proc;      /* merged process */
	const struct oci_config *cfg; /* container config (may be NULL) */
	struct rt_seccomp *seccomp;
	int pidfd;                    /* the container init */
	int root_fd;                  /* the init's root directory, -1 */
	int ns_flags;
	bool join_pid;
	int sync_fd;
	int console_fd;
	int stub_fd;                  /* the exec stub (rt_exe_guard_prepare), -1 */
	char *notify_state;           /* seccomp listener message, NULL */
};

/* Into the container: its namespaces, then its root.  Then every fd of
 * berth's but the sync socket and the console goes: the child held the
 * host's cgroup directory, the init's root and pidfd, and a path the
 * container chose (the cwd) must never be resolved while one is open
 * (CVE-2024-21626). */
static int exec_enter(struct exec_job *j, struct b_err *err)
{
	const int keep[] = { j->sync_fd, j->console_fd, j->stub_fd };
	int r;

	for (int i = 0; i < 3; i++)
		if (j->o->stdio[i] >= 0 && dup2(j->o->stdio[i], i) < 0)
			return b_err_sys(err, errno, "exec: stdio");
	if (j->ns_flags && setns(j->pidfd, j->ns_flags) < 0)
		return b_err_sys(err, errno, "exec: joining the container's namespaces");
	/* setns() puts us at the mount namespace's root mount, which is the
	 * container's root only if pivot_root could make it so; a host whose
	 * root is the initramfs (chroot'ed rather than switched) or a
	 * --no-pivot container has another one.  The init's root is always
	 * right. */
	if (j->root_fd >= 0 && (fchdir(j->root_fd) < 0 || chroot(".") < 0))
		return b_err_sys(err, errno, "exec: entering the container's root");
	if ((r = sp_close_fds_from(3 + (j->o->preserve_fds > 0 ? j->o->preserve_fds : 0), keep,
				   B_ARRAY_SIZE(keep))) < 0)
		return b_err_sys(err, -r, "exec: closing the runtime's fds");
	j->pidfd = j->root_fd = -1;
	if ((r = sp_chdir_in_root(j->proc.cwd, err)) < 0)
		return b_err_prefix(err, "exec");
	return 0;
}

static int exec_child_setup(struct exec_job *j, char **exe, char ***env, struct b_err *err)
{
	const struct oci_process *p = &j->proc;
	int notify = -1, r;

	/* While /proc is still ours, not the container's. */
	if ((r = rt_apparmor_exec_profile(p->apparmor_profile, err)) < 0 ||
	    (r = exec_enter(j, err)) < 0)
		return r;
	if (p->terminal && (r = rt_console_setup(j->console_fd, p, false, err)) < 0)
		return r;
	if (p->n_rlimits && (r = rt_rlimits_apply(p->rlimits, p->n_rlimits, err)) < 0)
		return r;
	if (p->has_oom_score_adj && (r = rt_oom_score_adj_apply(p->oom_score_adj, err)) < 0)
		return r;
	umask(p->user.has_umask ? (mode_t)p->user.umask : 022);
	/* Before any filter: a filter loaded without noNewPrivileges leaves
	 * berth only the credential changes (which it must allow) and execve. */
	*env = rt_build_env(p);
	if (!*env)
		return b_err_set(err, ENOMEM, "out of memory");
	if ((r = rt_find_executable(p->args[0], *env, exe, err)) < 0)
		return r;
	for (int fd = 3; fd < 3 + j->o->preserve_fds; fd++) {
		int fl = fcntl(fd, F_GETFD);
		if (fl >= 0)
			fcntl(fd, F_SETFD, fl & ~FD_CLOEXEC);
	}
	if (j->seccomp && !p->no_new_privileges && (r = rt_seccomp_load(j->seccomp, &notify, err)) < 0)
		return r;
	if ((r = rt_identity_apply(&p->user, p->capabilities, err)) < 0)
		return r;
	if (p->no_new_privileges && (r = rt_no_new_privs(err)) < 0)
		return r;
	if (j->seccomp && p->no_new_privileges && (r = rt_seccomp_load(j->seccomp, &notify, err)) < 0)
		return r;
	if (notify >= 0) {
		r = rt_seccomp_send_listener(j->cfg->linux.seccomp->listener_path, notify,
					     j->notify_state, err);
		close(notify);
		if (r < 0)
			return r;
	}
	return 0;
}

__attribute__((noreturn)) static void exec_child(struct exec_job *j)
{
	struct b_err err = { 0 };
	char *exe = NULL, **env = NULL;
	sigset_t none;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	prctl(PR_SET_DUMPABLE, 0);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (exec_child_setup(j, &exe, &env, &err) < 0) {
		rt_sync_send_err(j->sync_fd, &err);
		_exit(127);
	}
	prctl(PR_SET_PDEATHSIG, 0);
	b_err_sys(&err, -rt_guarded_execve(j->stub_fd, j->sync_fd, exe, j->proc.args, env), "exec %s",
		  exe);
	rt_sync_send_err(j->sync_fd, &err);
	_exit(127);
}

/* Merge KEY=V overrides into a base environment (arena-owned). */
static char **merge_env(struct b_arena *a, char *const *base, char *const *add)
{
	size_t nb = 0, na = 0, n = 0;
	char **out;

	while (base && base[nb])
		nb++;
	while (add && add[na])
		na++;
	out = b_arena_calloc(a, nb + na + 1, sizeof(*out));
	for (size_t i = 0; i < nb; i++) {
		const char *eq = strchr(base[i], '=');
		size_t k = eq ? (size_t)(eq - base[i]) : strlen(base[i]);
		bool overridden = false;
		for (size_t j = 0; j < na; j++)
			if (!strncmp(add[j], base[i], k) && add[j][k] == '=')
				overridden = true;
		if (!overridden)
			out[n++] = base[i];
	}
	for (size_t j = 0; j < na; j++)
		out[n++] = add[j];
	return out;
}

static int build_process(struct exec_job *j, struct b_arena *a, struct b_err *err)
{
	const struct rt_exec_opts *o = j->o;
	const struct oci_process *base = j->cfg ? j->cfg->process : NULL;
	static char *const default_env[] = { "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", NULL };
	int r;

	if (o->process) {
		j->proc = *o->process;
		return rt_apparmor_check(j->proc.apparmor_profile, err);
	}
	if (!o->args || !o->args[0])
		return b_err_set(err, EINVAL, "exec: a command (or --process FILE) is required");
	if (base)
		j->proc = *base;
	j->proc.args = (char **)o->args;
	j->proc.env = merge_env(a, base ? base->env : default_env, o->env);
	j->proc.terminal = o->tty;
	j->proc.has_console_size = false;
	if (o->apparmor_profile)
		j->proc.apparmor_profile = (char *)o->apparmor_profile;
	if ((r = rt_apparmor_check(j->proc.apparmor_profile, err)) < 0)
		return b_err_prefix(err, "exec");
	if (o->cwd)
		j->proc.cwd = (char *)o->cwd;
	if (!j->proc.cwd)
		j->proc.cwd = "/";
	if (o->has_user) {
		j->proc.user.uid = o->uid;
		j->proc.user.gid = o->gid;
		j->proc.user.n_additional_gids = 0;
	}
	if (o->n_add_gids) {
		size_t n = j->proc.user.n_additional_gids;
		uint32_t *g = b_arena_calloc(a, n + o->n_add_gids, sizeof(*g));
		if (n)
			memcpy(g, j->proc.user.additional_gids, n * sizeof(*g));
		memcpy(g + n, o->add_gids, o->n_add_gids * sizeof(*g));
		j->proc.user.additional_gids = g;
		j->proc.user.n_additional_gids = n + o->n_add_gids;
	}
	if (o->no_new_privs)
		j->proc.no_new_privileges = true;
	if (o->caps_add) {
		struct oci_caps *c = b_arena_alloc(a, sizeof(*c));
		if (j->proc.capabilities)
			*c = *j->proc.capabilities;
		c->bounding |= o->caps_add;
		c->effective |= o->caps_add;
		c->permitted |= o->caps_add;
		j->proc.capabilities = c;
	}
	return 0;
}

static int load_container_config(const char *dir, struct oci_config **cfg, struct b_err *err)
{
	char path[PATH_MAX + 16];
	_cleanup_free_ char *json = NULL;
	size_t len;

	snprintf(path, sizeof(path), "%s/config.json", dir);
	if (b_read_file(path, 0, &json, &len) < 0)
		return 0; /* created from an in-memory config: no defaults */
	return oci_config_parse("config.json", json, len, cfg, err);
}

static int open_exec_cgroup(const char *cg, const char *sub, int *fd, struct b_err *err)
{
	char path[PATH_MAX];

	if (!sub) {
		*fd = open(cg, O_PATH | O_DIRECTORY | O_CLOEXEC);
		return 0;
	}
	if (strchr(sub, '/') || !strcmp(sub, ".") || !strcmp(sub, ".."))
		return b_err_set(err, EINVAL, "exec: bad sub-cgroup name \"%s\"", sub);
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", cg, sub) >= sizeof(path))
		return b_err_set(err, ENAMETOOLONG, "exec: cgroup path too long");
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return b_err_sys(err, errno, "exec: creating cgroup %s", path);
	*fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (*fd < 0)
		return b_err_sys(err, errno, "exec: opening cgroup %s", path);
	return 0;
}

/* The way back from the container's pid namespace, opened before leaving:
 * without it there is none. */
static int open_own_pidns(int min_fd, struct b_err *err)
{
	_cleanup_close_ int fd = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
	int r;

	if (fd < 0)
		return b_err_sys(err, errno, "exec: opening /proc/self/ns/pid");
	/* Below min_fd it would be one of the fds --preserve-fds hands over. */
	if ((r = rt_lift_fd(&fd, min_fd)) < 0)
		return b_err_sys(err, -r, "exec: moving fds above --preserve-fds");
	return b_steal_fd(fd);
}

/* Every later child of the caller (the pod supervisor's next container)
 * would be born in the container's pid namespace: the process spawned is
 * killed and the caller told it must not go on (RT_EXEC_PIDNS_STUCK). */
static int pidns_stuck(pid_t pid, int pidfd, int e, struct b_err *err)
{
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	if (pidfd >= 0)
		close(pidfd);
	return b_err_set(err, RT_EXEC_PIDNS_STUCK,
			 "exec: returning to the caller's pid namespace: %s (its next children "
			 "would be born in the container's)", strerror(e));
}

static int spawn_exec(struct exec_job *j, int cg_fd, struct rt_created *out, struct b_err *err)
{
	struct clone_args ca = { .flags = CLONE_PIDFD, .exit_signal = SIGCHLD };
	_cleanup_close_ int own_pidns = -1;
	int min_fd = 3 + (j->o->preserve_fds > 0 ? j->o->preserve_fds : 0);
	int pidfd = -1, e;
	pid_t pid;

	ca.pidfd = (uint64_t)(uintptr_t)&pidfd;
	if (cg_fd >= 0) {
		ca.flags |= CLONE_INTO_CGROUP;
		ca.cgroup = (uint64_t)cg_fd;
	}
	/* Only our future children enter the container's pid namespace. */
	if (j->join_pid) {
		own_pidns = open_own_pidns(min_fd, err);
		if (own_pidns < 0)
			return own_pidns;
		if (setns(j->pidfd, CLONE_NEWPID) < 0)
			return b_err_sys(err, errno, "exec: joining the pid namespace");
	}
	pid = b_clone3(&ca);
	if (pid < 0 && cg_fd >= 0) {
		ca.flags &= ~(uint64_t)CLONE_INTO_CGROUP;
		pid = b_clone3(&ca);
	}
	if (pid == 0)
		exec_child(j);
	e = errno;
	if (own_pidns >= 0 && setns(own_pidns, CLONE_NEWPID) < 0)
		return pidns_stuck(pid, pidfd, errno, err);
	if (pid < 0)
		return b_err_sys(err, e, "exec: clone3");
	out->pid = pid;
	out->pidfd = pidfd;
	return 0;
}

static int wait_exec_result(struct exec_job *j, struct rt_created *out, struct b_err *err)
{
	struct rt_sync_msg *m = malloc(sizeof(*m));
	int r;

	if (!m)
		return b_err_set(err, ENOMEM, "out of memory");
	r = rt_sync_recv(j->sync_fd, m);
	if (r == -EPIPE) {
		r = 0; /* close-on-exec closed the child's end: it exec'd */
	} else if (r == 0 && (m->type == RT_SYNC_ERROR || m->type == RT_SYNC_EXEC_ERROR)) {
		r = rt_sync_error_of(m, err);
	} else {
		r = b_err_sys(err, r < 0 ? -r : EPROTO, "exec: reading from the child");
	}
	free(m);
	if (r < 0) {
		waitpid(out->pid, NULL, 0);
		close(out->pidfd);
		out->pidfd = -1;
	}
	return r;
}

/* What the seccomp listener is sent along with the notify fd. */
static int notify_state(struct exec_job *j, const struct oci_state *st, struct b_err *err)
{
	_cleanup_free_ char *state = oci_state_to_json(st, false, false);

	if (!state)
		return b_err_set(err, ENOMEM, "out of memory");
	return rt_seccomp_process_state(j->cfg->oci_version, st->pid,
					j->cfg->linux.seccomp->listener_metadata, state,
					&j->notify_state, err);
}

/* A terminal for the process: a pty whose master goes to the caller's
 * --console-socket, or a pair whose master rt_exec hands back. */
static int exec_console(struct exec_job *j, int *console_ours, struct b_err *err)
{
	if (!j->proc.terminal)
		return 0;
	if (j->o->console_socket)
		return rt_console_connect(j->o->console_socket, &j->console_fd, err);
	if (j->o->want_console)
		return rt_console_pair(console_ours, &j->console_fd, err);
	return b_err_set(err, EINVAL, "exec: --tty needs --console-socket");
}

/* The filter the caller compiled (the supervisor does it once per pod), or
 * one compiled from the config; and, for a filter with a listener, what
 * the listener is sent. */
static int exec_seccomp(struct exec_job *j, const struct oci_state *st, struct b_err *err)
{
	int r;

	if (j->o->seccomp)
		j->seccomp = j->o->seccomp;
	else if (j->cfg && j->cfg->linux.seccomp &&
		 (r = rt_seccomp_compile(j->cfg->linux.seccomp, &j->seccomp, err)) < 0)
		return r;
	if (j->seccomp && rt_seccomp_uses_notify(j->seccomp) && j->cfg && j->cfg->linux.seccomp)
		return notify_state(j, st, err);
	return 0;
}

/* What needs no look at the running init: a state that allows exec, the
 * config (the caller's, or the one saved at create), the merged process,
 * the exec stub, its console and its seccomp filter.  *cfg is rt_exec's to free. */
static int exec_prepare(const struct rt_ctx *ctx, const char *id, const struct oci_state *st,
			struct exec_job *j, struct oci_config **cfg, struct b_arena *arena,
			int *console_ours, struct b_err *err)
{
	char dir[PATH_MAX];
	int r;

	if (strcmp(st->status, "running") && strcmp(st->status, "created"))
		return b_err_set(err, EINVAL, "cannot exec in container \"%s\": it is %s", id,
				 st->status);
	rt_state_dir(ctx, id, dir, sizeof(dir));
	if (!j->o->config && (r = load_container_config(dir, cfg, err)) < 0)
		return r;
	j->cfg = j->o->config ? j->o->config : *cfg;
	/* The guard may re-execute berth: before anything is connected. */
	if ((r = build_process(j, arena, err)) < 0 ||
	    (r = rt_exe_guard_prepare(ctx, &j->proc, j->cfg, &j->stub_fd, err)) < 0 ||
	    (r = exec_console(j, console_ours, err)) < 0)
		return r;
	return exec_seccomp(j, st, err);
}

/* The init to join: a pidfd, taken only while the pid still has the
 * recorded start time (not a recycled pid), and which of its namespaces
 * differ from ours.  The pid namespace is apart: the parent joins it, for
 * its child (spawn_exec). */
static int exec_target(struct exec_job *j, const char *id, const struct oci_state *st,
		       struct b_err *err)
{
	j->pidfd = b_pidfd_open(st->pid, 0);
	if (j->pidfd < 0 || !rt_proc_alive(st->pid, st->pid_start_time))
		return b_err_set(err, ESRCH, "container \"%s\": container not running", id);
	j->ns_flags = differing_ns(st->pid);
	j->join_pid = (j->ns_flags & CLONE_NEWPID) != 0;
	j->ns_flags &= ~CLONE_NEWPID;
	return 0;
}

/* The child dup2()s its stdio and the --preserve-fds range into place, so
 * no fd of ours may sit there. */
static int lift_exec_fds(struct exec_job *j, int sp[2], int *cg_fd, int *console_ours,
			 struct b_err *err)
{
	int min = 3 + (j->o->preserve_fds > 0 ? j->o->preserve_fds : 0);

	if (rt_lift_fd(&sp[0], min) < 0 || rt_lift_fd(&sp[1], min) < 0 ||
	    rt_lift_fd(&j->pidfd, min) < 0 || rt_lift_fd(cg_fd, min) < 0 ||
	    rt_lift_fd(&j->root_fd, min) < 0 || rt_lift_fd(&j->console_fd, min) < 0 ||
	    rt_lift_fd(console_ours, min) < 0 || rt_lift_fd(&j->stub_fd, min) < 0)
		return b_err_sys(err, errno, "exec: moving fds above --preserve-fds");
	return 0;
}

/* A caller that gets an error must not find the process running anyway. */
static void exec_undo(struct rt_created *out)
{
	kill(out->pid, SIGKILL);
	waitpid(out->pid, NULL, 0);
	if (out->pidfd >= 0)
		close(out->pidfd);
	if (out->console_master >= 0)
		close(out->console_master);
	out->pidfd = out->console_master = -1;
}

/* Start the process over the socket pair sp (the child gets sp[1]), wait
 * until it has exec'd or failed, then collect the console master and
 * write the pid file. */
static int exec_run(struct exec_job *j, int cg_fd, const int sp[2], int console_ours,
		    struct rt_created *out, struct b_err *err)
{
	int r;

	j->sync_fd = sp[1];
	r = spawn_exec(j, cg_fd, out, err);
	close(sp[1]);
	j->sync_fd = sp[0];
	if (r == 0)
		r = wait_exec_result(j, out, err);
	if (r == 0 && console_ours >= 0)
		r = rt_console_recv(console_ours, &out->console_master, err);
	if (r == 0 && j->o->pid_file && (r = rt_write_pid_file(j->o->pid_file, out->pid, err)) < 0)
		exec_undo(out);
	return r;
}

/* What the job holds that rt_exec does not hand back (the sync socket is
 * rt_exec's own to close). */
static void exec_job_release(struct exec_job *j)
{
	if (j->console_fd >= 0)
		close(j->console_fd);
	if (j->pidfd >= 0)
		close(j->pidfd);
	if (j->root_fd >= 0)
		close(j->root_fd);
	if (j->stub_fd >= 0)
		close(j->stub_fd);
	if (j->seccomp && j->seccomp != j->o->seccomp)
		rt_seccomp_free(j->seccomp);
	free(j->notify_state);
}

int rt_exec(const struct rt_ctx *ctx, const char *id, const struct rt_exec_opts *o,
	    struct rt_created *out, struct b_err *err)
{
	struct exec_job j = { .o = o, .pidfd = -1, .root_fd = -1, .sync_fd = -1, .console_fd = -1,
			      .stub_fd = -1 };
	struct oci_state *st = NULL;
	struct oci_config *cfg = NULL;
	struct b_arena arena = { 0 };
	char root[64];
	_cleanup_close_ int cg_fd = -1;
	int sp[2] = { -1, -1 }, r, console_ours = -1;

	out->console_master = -1;
	if ((r = rt_state_load(ctx, id, &st, err)) < 0)
		return r;
	rt_logf(ctx, RT_LOG_DEBUG, "exec %s: into init pid %d, cgroup %s%s%s", id, (int)st->pid,
		st->cgroup_path ? st->cgroup_path : "(none)", o->sub_cgroup ? "/" : "",
		o->sub_cgroup ? o->sub_cgroup : "");
	if ((r = exec_prepare(ctx, id, st, &j, &cfg, &arena, &console_ours, err)) < 0 ||
	    (r = exec_target(&j, id, st, err)) < 0)
		goto out;
	snprintf(root, sizeof(root), "/proc/%d/root", (int)st->pid);
	j.root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (st->cgroup_path && *st->cgroup_path &&
	    (r = open_exec_cgroup(st->cgroup_path, o->sub_cgroup, &cg_fd, err)) < 0)
		goto out;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0) {
		r = b_err_sys(err, errno, "socketpair");
		goto out;
	}
	if ((r = lift_exec_fds(&j, sp, &cg_fd, &console_ours, err)) == 0)
		r = exec_run(&j, cg_fd, sp, console_ours, out, err);  /* closes sp[1] */
	else
		close(sp[1]);
	if (r == 0)
		rt_logf(ctx, RT_LOG_DEBUG, "exec %s: process %d exec'd", id, (int)out->pid);
out:
	if (r < 0)
		rt_logf(ctx, RT_LOG_DEBUG, "exec %s: failed: %s", id, err->msg);
	if (sp[0] >= 0)
		close(sp[0]);
	if (console_ours >= 0)
		close(console_ours);
	exec_job_release(&j);
	if (cfg)
		oci_config_free(cfg);
	b_arena_release(&arena);
	oci_state_free(st);
	return r;
}
