/* The container init: the child of clone3 that becomes the container's
 * process.  It sets up everything from inside its namespaces, reports each
 * failure to the parent over the sync socket, then waits for `start` on a
 * listening socket and execs.  It never prints: errors travel to the
 * parent, or after `start` to the starter over the start connection. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fsutil.h"
#include "internal.h"
#include "identity.h"
#include "netns/netns.h"
#include "rlimits.h"
#include "safepath.h"
#include "oom_score.h"
#include "personality.h"
#include "sched.h"
#include "seccomp.h"
#include "syscalls.h"

#define KEYCTL_JOIN_SESSION_KEYRING 1

struct init_state {
	char *exe;            /* resolved args[0] */
	char **env;           /* final environment */
	char *state_json;     /* state "created": startContainer hooks, notify */
	pid_t host_pid;       /* our pid as the runtime sees it */
	int notify_fd;        /* seccomp listener loaded early, -1 */
	struct rt_sync_msg *m; /* during setup: the last message from the parent */
};

static void reset_signals(void)
{
	sigset_t all;
	struct sigaction dfl = { .sa_handler = SIG_DFL };

	for (int s = 1; s < NSIG; s++)
		sigaction(s, &dfl, NULL);
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
}

/* Then nothing of berth's but the sockets the init still talks on stays
 * open: every fd the parent held (its cgroup directory, a supervisor's
 * namespaces and logs) is gone before the first path from the config is
 * looked up (CVE-2024-21626). */
static int setup_stdio(const struct rt_init_args *a, struct b_err *err)
{
	const int keep[] = { a->sync_fd, a->start_fd, a->console_fd, a->stub_fd };
	int r;

	for (int i = 0; i < 3; i++)
		if (a->stdio[i] >= 0 && a->stdio[i] != i && dup2(a->stdio[i], i) < 0)
			return b_err_sys(err, errno, "init: setting up stdio fd %d", i);
	if ((r = sp_close_fds_from(3 + a->preserve_fds, keep, B_ARRAY_SIZE(keep))) < 0)
		return b_err_sys(err, -r, "init: closing the runtime's fds");
	return 0;
}

static int become_root_in_userns(struct b_err *err)
{
	if (setresgid(0, 0, 0) < 0)
		return b_err_sys(err, errno, "init: setresgid(0) in the user namespace (is gid 0 mapped?)");
	if (setresuid(0, 0, 0) < 0)
		return b_err_sys(err, errno, "init: setresuid(0) in the user namespace (is uid 0 mapped?)");
	return 0;
}

static int setup_uts(const struct oci_config *cfg, struct b_err *err)
{
	if (cfg->hostname && sethostname(cfg->hostname, strlen(cfg->hostname)) < 0)
		return b_err_sys(err, errno, "init: sethostname \"%s\"", cfg->hostname);
	if (cfg->domainname && setdomainname(cfg->domainname, strlen(cfg->domainname)) < 0)
		return b_err_sys(err, errno, "init: setdomainname \"%s\"", cfg->domainname);
	return 0;
}

static int namespaces_setup(const struct rt_init_args *a, struct b_err *err)
{
	const struct oci_config *cfg = a->cfg;
	const struct oci_namespace *ns;
	int r;

	ns = oci_config_ns(cfg, OCI_NS_USER);
	if (ns && !ns->path) {
		rt_logf(a->log, RT_LOG_DEBUG, "init: becoming root in the new user namespace");
		if ((r = become_root_in_userns(err)) < 0)
			return r;
	}
	if (a->unshare_cgroupns && unshare(CLONE_NEWCGROUP) < 0)
		return b_err_sys(err, errno, "init: unshare(CLONE_NEWCGROUP)");
	ns = oci_config_ns(cfg, OCI_NS_NETWORK);
	if (ns && !ns->path) {
		rt_logf(a->log, RT_LOG_DEBUG, "init: bringing up lo in the new network namespace");
		if ((r = ns_loopback_up(err)) < 0)
			return r;
	}
	return setup_uts(cfg, err);
}

static int process_attrs(const struct rt_ctx *log, const struct oci_process *p, struct b_err *err)
{
	int r;

	rt_logf(log, RT_LOG_DEBUG, "init: %zu rlimits, oomScoreAdj %s%d, ioPriority %s, scheduler %s",
		p->n_rlimits, p->has_oom_score_adj ? "" : "(unset) ", p->oom_score_adj,
		p->io_priority ? "set" : "unset", p->scheduler ? "set" : "unset");

	if (p->n_rlimits && (r = rt_rlimits_apply(p->rlimits, p->n_rlimits, err)) < 0)
		return r;
	if (p->has_oom_score_adj && (r = rt_oom_score_adj_apply(p->oom_score_adj, err)) < 0)
		return r;
	if (p->io_priority && (r = rt_io_priority_apply(p->io_priority, err)) < 0)
		return r;
	if (p->scheduler && (r = rt_scheduler_apply(p->scheduler, err)) < 0)
		return r;
	if (p->user.has_umask)
		umask((mode_t)p->user.umask);
	else
		umask(022);
	return 0;
}

static int prepare_fds(const struct rt_init_args *a, struct b_err *err)
{
	unsigned first = 3 + (unsigned)a->preserve_fds;

	for (int fd = 3; fd < (int)first; fd++) {
		int fl = fcntl(fd, F_GETFD);
		if (fl >= 0 && fcntl(fd, F_SETFD, fl & ~FD_CLOEXEC) < 0)
			return b_err_sys(err, errno, "init: preserving fd %d", fd);
	}
	/* The runtime's fds were closed at the start and what it opened since
	 * is O_CLOEXEC: this pass only guards against a library that forgot. */
	rt_cloexec_from((int)first);
	return 0;
}

/* Resolved inside the root with no magic links, so neither a leaked fd nor a
 * cwd the container replaced with a symlink can lead outside. */
static int check_cwd(const char *cwd, struct b_err *err)
{
	int r = sp_chdir_in_root(cwd, err);

	return r < 0 ? b_err_prefix(err, "init") : 0;
}

/* As the final user: a cwd root may enter but the user not.  When the
 * container's filter is already loaded (noNewPrivileges false) it may
 * refuse chdir itself; only EACCES then says the user may not enter. */
static int check_cwd_access(const char *cwd, bool filtered, struct b_err *err)
{
	if (chdir(".") < 0 && (errno == EACCES || !filtered))
		return b_err_sys(err, errno, "init: process.cwd %s", cwd);
	return 0;
}

/* args[0] was found before the filter, as root: whether the final user may
 * run it is known only now.  Same rule as for the cwd under a filter. */
static int check_exe_access(const char *exe, bool filtered, struct b_err *err)
{
	if (access(exe, X_OK) < 0 && (errno == EACCES || !filtered))
		return b_err_sys(err, errno, "exec: \"%s\"", exe);
	return 0;
}

static int security_setup(const struct rt_init_args *a, struct init_state *st, struct b_err *err)
{
	const struct oci_process *p = a->cfg->process;
	bool filtered;
	int r;

	if (!a->no_new_keyring && syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, a->id) < 0 &&
	    errno != ENOSYS && errno != EPERM && errno != EACCES)
		return b_err_sys(err, errno, "init: creating a session keyring");
	/* Without no_new_privs, loading a filter needs CAP_SYS_ADMIN: do it
	 * while we still have it. */
	if (a->seccomp && !p->no_new_privileges) {
		rt_logf(a->log, RT_LOG_DEBUG, "init: loading the seccomp filter (before dropping privileges)");
		r = rt_seccomp_load(a->seccomp, &st->notify_fd, err);
		if (r < 0)
			return r;
	}
	rt_logf(a->log, RT_LOG_DEBUG, "init: becoming uid %u gid %u (%zu additional groups)%s",
		(unsigned)p->user.uid, (unsigned)p->user.gid, p->user.n_additional_gids,
		p->no_new_privileges ? ", no_new_privs" : "");
	r = rt_identity_apply(&p->user, p->capabilities, err);
	if (r < 0)
		return r;
	if (p->no_new_privileges && (r = rt_no_new_privs(err)) < 0)
		return r;
	filtered = a->seccomp && !p->no_new_privileges;
	if ((r = check_cwd_access(p->cwd, filtered, err)) < 0)
		return r;
	return check_exe_access(st->exe, filtered, err);
}

static int step_wait_go(const struct rt_init_args *a, struct init_state *st, struct b_err *err)
{
	int r = rt_sync_expect(a->sync_fd, RT_SYNC_GO, st->m, err);

	if (r == 0 && st->m->len == sizeof(pid_t))
		memcpy(&st->host_pid, st->m->payload, sizeof(pid_t));
	return r;
}

static int step_stdio(const struct rt_init_args *a, struct init_state *st, struct b_err *err)
{
	return setup_stdio(a, err);
}

static int step_namespaces(const struct rt_init_args *a, struct init_state *st, struct b_err *err)
{
	return namespaces_setup(a, err);
}

static int step_rootfs(const struct rt_init_args *a, struct init_state *st, struct b_err *err)
{
	return a->new_mntns ? rt_rootfs_prepare(a, err) : 0;
}

/* prestart and createRuntime run in the parent meanwhile. */
static int step_runtime_hooks(const struct rt_init_args *a, struct init_state *st,
			      struct b_err *err)
{
	struct rt_sync_msg *m = st->m;
	int r = rt_sync_send(a->sync_fd, RT_SYNC_HOOKS, 0, NULL, 0);

	if (r < 0)
		return b_err_sys(err, -r, "init: sync");
	if ((r = rt_sync_expect(a->sync_fd, RT_SYNC_HOOKS_DONE, m, err)) < 0)
		return r;
	if (strlen(m->payload) + 1 < m->len)
		st->state_json = strdup(m->payload + strlen(m->payload) + 1);
	if (!st->state_json)
		return b_err_set(err, EPROTO, "init: no state from the parent");
	return 0;
}

static int step_container_hooks(const struct rt_init_args *a, struct init_state *st,
				struct b_err *err)
{
	return rt_hooks_run_stub(a->log, a->cfg->hooks, OCI_HOOK_CREATE_CONTAINER, st->m->payload,
				 a->stub_fd, err);
}

/* With or without a mount namespace: the container's / is root.path. */
static int step_apparmor(const struct rt_init_args *a, struct init_state *st, struct b_err *err)
{
	return rt_apparmor_exec_profile(a->cfg->process->apparmor_profile, err);
}

static int step_pivot(const struct rt_init_args *a, struct init_state *st, struct b_err *err)
{
	return rt_rootfs_pivot(a, err);
}

static int step_console(const struct rt_init_args *a, struct init_state *st, struct b_err *err)
{
	const struct oci_process *p = a->cfg->process;

	if (!p->terminal || a->console_fd < 0)
		return 0;
	/* The /dev/console bind would be made in the runtime's namespace. */
	return rt_console_setup(a->console_fd, p, a->new_mntns, err);
}

static int step_finalize(const struct rt_init_args *a, struct init_state *st, struct b_err *err)
{
	return a->new_mntns ? rt_rootfs_finalize(a, err) : 0;
}

static int step_personality(const struct rt_init_args *a, struct init_state *st,
			    struct b_err *err)
{
	const struct oci_personality *p = a->cfg->linux.personality;

	return p ? rt_personality_apply(p, err) : 0;
}

static int step_cwd(const struct rt_init_args *a, struct init_state *st, struct b_err *err)
{
	rt_logf(a->log, RT_LOG_DEBUG, "init: process.cwd %s", a->cfg->process->cwd);
	return check_cwd(a->cfg->process->cwd, err);
}

static int step_process_attrs(const struct rt_init_args *a, struct init_state *st,
			      struct b_err *err)
{
	return process_attrs(a->log, a->cfg->process, err);
}

static int step_security(const struct rt_init_args *a, struct init_state *st, struct b_err *err)
{
	return security_setup(a, st, err);
}

static int step_executable(const struct rt_init_args *a, struct init_state *st,
			   struct b_err *err)
{
	const struct oci_process *p = a->cfg->process;
	int r;

	st->env = rt_build_env(p);
	if (!st->env)
		return b_err_set(err, ENOMEM, "out of memory");
	if ((r = rt_find_executable(p->args[0], st->env, &st->exe, err)) < 0)
		return r;
	rt_logf(a->log, RT_LOG_DEBUG, "init: process.args[0] %s is %s", p->args[0], st->exe);
	return 0;
}

static int step_fds(const struct rt_init_args *a, struct init_state *st, struct b_err *err)
{
	return prepare_fds(a, err);
}

/* In the order of create-sequence.md; each name is what the trace says
 * the init is doing, and which step failed. */
static const struct {
	const char *name;
	int (*fn)(const struct rt_init_args *a, struct init_state *st, struct b_err *err);
} init_steps[] = {
	{ "waiting for GO", step_wait_go },
	{ "stdio, closing the runtime's fds", step_stdio },
	{ "namespaces", step_namespaces },
	{ "rootfs and mounts", step_rootfs },
	{ "waiting for the prestart and createRuntime hooks", step_runtime_hooks },
	{ "createContainer hooks", step_container_hooks },
	/* Still the host's /proc; the hooks above are not confined by it. */
	{ "AppArmor profile", step_apparmor },
	{ "pivot_root", step_pivot },
	{ "console", step_console },
	{ "sysctls, masked and read-only paths", step_finalize },
	{ "personality", step_personality },
	{ "cwd", step_cwd },
	{ "rlimits, oomScoreAdj, ioPriority, scheduler, umask", step_process_attrs },
	/* Last, because without noNewPrivileges it loads the container's
	 * seccomp filter: under it berth then only changes credentials (which
	 * the filter has to allow anyway), answers start and execs. */
	{ "environment and executable", step_executable },
	{ "preserved fds", step_fds },
	{ "keyring, seccomp, user and capabilities", step_security },
};

static int init_setup(const struct rt_init_args *a, struct init_state *st, struct b_err *err)
{
	int r = 0;

	st->m = malloc(sizeof(*st->m));
	if (!st->m)
		return b_err_set(err, ENOMEM, "out of memory");
	for (size_t i = 0; i < B_ARRAY_SIZE(init_steps) && r == 0; i++) {
		rt_logf(a->log, RT_LOG_DEBUG, "init: %s", init_steps[i].name);
		r = init_steps[i].fn(a, st, err);
		if (r < 0)
			rt_logf(a->log, RT_LOG_DEBUG, "init: step \"%s\" failed: %s", init_steps[i].name,
				err->msg);
	}
	free(st->m);
	st->m = NULL;
	return r;
}

__attribute__((noreturn)) static void fail_start(int conn, const struct b_err *e)
{
	if (conn >= 0)
		(void)send(conn, e->msg, strlen(e->msg), MSG_NOSIGNAL);
	_exit(127);
}

__attribute__((noreturn)) static void wait_start_and_exec(const struct rt_init_args *a,
							  struct init_state *st)
{
	const struct oci_process *p = a->cfg->process;
	struct b_err err = { 0 };
	int conn;

	do
		conn = accept4(a->start_fd, NULL, NULL, SOCK_CLOEXEC);
	while (conn < 0 && errno == EINTR);
	if (conn < 0)
		_exit(127);
	close(a->start_fd);
	if (rt_hooks_run_stub(a->log, a->cfg->hooks, OCI_HOOK_START_CONTAINER, st->state_json,
			      a->stub_fd, &err) < 0)
		fail_start(conn, &err);
	/* As close to execve as possible, so berth's own work is not
	 * filtered. */
	if (a->seccomp && p->no_new_privileges &&
	    rt_seccomp_load(a->seccomp, &st->notify_fd, &err) < 0)
		fail_start(conn, &err);
	if (st->notify_fd >= 0) {
		const struct oci_seccomp *sc = a->cfg->linux.seccomp;
		char *msg = NULL;

		if (rt_seccomp_process_state(a->cfg->oci_version, st->host_pid, sc->listener_metadata,
					     st->state_json, &msg, &err) < 0 ||
		    rt_seccomp_send_listener(sc->listener_path, st->notify_fd, msg, &err) < 0)
			fail_start(conn, &err);
		free(msg);
		close(st->notify_fd);
	}
	if (send(conn, "0", 1, MSG_NOSIGNAL) != 1)
		_exit(127);
	b_err_sys(&err, -rt_guarded_execve(a->stub_fd, conn, st->exe, p->args, st->env), "exec %s",
		  st->exe);
	fail_start(conn, &err);
}

void rt_init_main(const struct rt_init_args *a)
{
	struct init_state st = { .notify_fd = -1 };
	struct b_err err = { 0 };

	for (size_t i = 0; i < B_ARRAY_SIZE(a->parent_fds); i++)
		if (a->parent_fds[i] >= 0)
			close(a->parent_fds[i]);

	/* If the parent dies mid-setup nobody would ever start or reap us.
	 * (Not under an intermediate process, which exits right away.) */
	if (a->direct_child)
		prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* Other container processes must not reach our /proc/PID/exe or mm. */
	prctl(PR_SET_DUMPABLE, 0);
	reset_signals();
	if (init_setup(a, &st, &err) < 0) {
		rt_sync_send_err(a->sync_fd, &err);
		_exit(1);
	}
	prctl(PR_SET_PDEATHSIG, 0);
	rt_logf(a->log, RT_LOG_DEBUG, "init: ready, waiting for start");
	if (rt_sync_send(a->sync_fd, RT_SYNC_READY, 0, NULL, 0) < 0)
		_exit(1);
	/* Nobody reads sync_fd any more, and its number may come back. */
	a->log->log = NULL;
	close(a->sync_fd);
	if (a->console_fd >= 0)
		close(a->console_fd);
	wait_start_and_exec(a, &st);
}
