/* start, state, kill, delete, pause, resume, list, ps, update. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cgroups/cgroup.h"
#include "cgroups/stats.h"
#include "common/cleanup.h"
#include "common/fsutil.h"
#include "internal.h"
#include "syscalls.h"

struct locked {
	char dir[PATH_MAX];
	int lock_fd;
	struct oci_state *st;
};

static void locked_release(struct locked *l)
{
	if (l->lock_fd >= 0)
		close(l->lock_fd);
	if (l->st)
		oci_state_free(l->st);
}

static int lock_and_load(const struct rt_ctx *ctx, const char *id, struct locked *l,
			 struct b_err *err)
{
	int r;

	l->lock_fd = -1;
	l->st = NULL;
	if ((r = rt_validate_id(id, err)) < 0)
		return r;
	if (rt_state_dir(ctx, id, l->dir, sizeof(l->dir)) < 0)
		return b_err_set(err, ENAMETOOLONG, "container id too long");
	if (access(l->dir, F_OK) < 0)
		return b_err_set(err, ENOENT, "container \"%s\" does not exist", id);
	l->lock_fd = rt_state_lock(l->dir, err);
	if (l->lock_fd < 0)
		return l->lock_fd;
	return rt_state_load(ctx, id, &l->st, err);
}

int rt_state(const struct rt_ctx *ctx, const char *id, struct oci_state **out,
	     struct b_err *err)
{
	return rt_state_load(ctx, id, out, err);
}

static int connect_start(const char *dir, struct b_err *err)
{
	struct sockaddr_un sa;
	_cleanup_close_ int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	_cleanup_close_ int dfd = -1;
	int r;

	if (s < 0)
		return b_err_sys(err, errno, "socket");
	if ((r = rt_start_sockaddr(dir, &sa, &dfd)) < 0)
		return b_err_sys(err, -r, "opening %s", dir);
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return b_err_sys(err, errno, "connecting to the container init (%s/start.sock)", dir);
	return b_steal_fd(s);
}

/* The init answers "0" once hooks and seccomp are done, then its end closes
 * on a successful execve (close-on-exec); anything else is an error text,
 * or after "0" the exec stub's binary report (rt_sync_exec_error_frame). */
static int read_start_reply(int fd, struct b_err *err)
{
	char buf[B_ERR_MSG_MAX + 4096 + 64];
	size_t len = 0;

	for (;;) {
		ssize_t n = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return b_err_sys(err, errno, "reading from the container init");
		if (n == 0 || len + (size_t)n >= sizeof(buf) - 1) {
			len += n > 0 ? (size_t)n : 0;
			break;
		}
		len += (size_t)n;
	}
	buf[len] = '\0';
	if (len == 1 && buf[0] == '0')
		return 0;
	if (len == 0)
		return b_err_set(err, EPIPE, "the container init exited before starting the process");
	if (buf[0] == '0' && rt_sync_exec_error_frame(buf + 1, len - 1, err))
		return -err->code;
	return b_err_set(err, ECANCELED, "%s", buf[0] == '0' ? buf + 1 : buf);
}

/* poststart failures are warnings (runtime-spec): they go to *warn and the
 * remaining hooks still run. */
static void run_poststart(const struct rt_ctx *ctx, struct locked *l, struct b_err *warn)
{
	char path[PATH_MAX + 16];
	_cleanup_free_ char *json = NULL, *state = NULL;
	struct oci_config *cfg = NULL;
	struct b_err herr = { 0 };
	size_t len;

	snprintf(path, sizeof(path), "%s/config.json", l->dir);
	if (b_read_file(path, 0, &json, &len) < 0 ||
	    oci_config_parse("config.json", json, len, &cfg, &herr) < 0)
		return;
	if (cfg->hooks[OCI_HOOK_POSTSTART].n) {
		l->st->status = "running";
		state = oci_state_to_json(l->st, false, false);
		rt_hooks_run_all(ctx, cfg->hooks, OCI_HOOK_POSTSTART, state, warn);
	}
	oci_config_free(cfg);
}

int rt_start(const struct rt_ctx *ctx, const char *id, struct b_err *warn, struct b_err *err)
{
	struct locked l;
	char sock[PATH_MAX + 16];
	_cleanup_close_ int fd = -1;
	int r = lock_and_load(ctx, id, &l, err);

	if (r < 0)
		goto out;
	if (strcmp(l.st->status, "created")) {
		r = b_err_set(err, EINVAL, "cannot start container \"%s\": it is %s, not created", id,
			      l.st->status);
		goto out;
	}
	rt_logf(ctx, RT_LOG_DEBUG, "start %s: init pid %d, connecting to %s/start.sock", id,
		(int)l.st->pid, l.dir);
	fd = connect_start(l.dir, err);
	if (fd < 0) {
		r = fd;
		goto out;
	}
	snprintf(sock, sizeof(sock), "%s/start.sock", l.dir);
	unlink(sock);
	r = read_start_reply(fd, err);
	if (r == 0) {
		rt_logf(ctx, RT_LOG_DEBUG, "start %s: the init ran its startContainer hooks and exec'd", id);
		run_poststart(ctx, &l, warn);
	}
out:
	if (r < 0)
		rt_logf(ctx, RT_LOG_DEBUG, "start %s: failed: %s", id, err->msg);
	locked_release(&l);
	return r;
}

static int signal_init(const struct oci_state *st, int sig, struct b_err *err)
{
	_cleanup_close_ int pidfd = b_pidfd_open(st->pid, 0);

	if (pidfd < 0)
		return b_err_sys(err, errno, "container \"%s\": init pid %d", st->id, (int)st->pid);
	/* The pidfd pins the process: check it is still ours, then signal. */
	if (!rt_proc_alive(st->pid, st->pid_start_time))
		return b_err_set(err, ESRCH, "container \"%s\": container not running", st->id);
	if (b_pidfd_send_signal(pidfd, sig, NULL, 0) < 0)
		return b_err_sys(err, errno, "sending signal %d to container \"%s\"", sig, st->id);
	return 0;
}

int rt_kill(const struct rt_ctx *ctx, const char *id, int sig, bool all, struct b_err *err)
{
	struct oci_state *st = NULL;
	const char *cg;
	int r = rt_state_load(ctx, id, &st, err);

	if (r < 0)
		return r;
	cg = st->cgroup_path && *st->cgroup_path ? st->cgroup_path : NULL;
	rt_logf(ctx, RT_LOG_DEBUG, "kill %s: signal %d to %s (status %s)", id, sig,
		all && cg ? cg : "the init", st->status);
	if (!strcmp(st->status, "stopped") && !(all && cg && !cg_is_empty(cg))) {
		r = b_err_set(err, ESRCH, "container \"%s\": container not running", id);
	} else if (all && cg) {
		r = sig == SIGKILL ? cg_kill_all(cg, err) : cg_signal_all(cg, sig, err);
		/* A frozen cgroup delivers nothing until thawed. */
		if (r == 0 && sig == SIGKILL && !strcmp(st->status, "paused"))
			cg_freeze(cg, false, err);
	} else {
		r = signal_init(st, sig, err);
	}
	oci_state_free(st);
	return r;
}

/* Wait (bounded) for the init to exit; whoever is its parent reaps it. */
static void wait_gone(const struct oci_state *st)
{
	_cleanup_close_ int pidfd = b_pidfd_open(st->pid, 0);
	struct pollfd p;

	if (pidfd < 0)
		return;
	p.fd = pidfd;
	p.events = POLLIN;
	while (poll(&p, 1, 10000) < 0 && errno == EINTR)
		;
}

static void run_poststop(const struct rt_ctx *ctx, const char *dir, struct oci_state *st,
			 struct b_err *warn)
{
	char path[PATH_MAX + 16];
	_cleanup_free_ char *json = NULL, *state = NULL;
	struct oci_config *cfg = NULL;
	size_t len;

	snprintf(path, sizeof(path), "%s/config.json", dir);
	if (b_read_file(path, 0, &json, &len) < 0 ||
	    oci_config_parse("config.json", json, len, &cfg, warn) < 0)
		return;
	if (cfg->hooks[OCI_HOOK_POSTSTOP].n) {
		st->status = "stopped";
		state = oci_state_to_json(st, false, false);
		rt_hooks_run_all(ctx, cfg->hooks, OCI_HOOK_POSTSTOP, state, warn);
	}
	oci_config_free(cfg);
}

int rt_delete(const struct rt_ctx *ctx, const char *id, bool force, struct b_err *warn,
	      struct b_err *err)
{
	struct locked l;
	struct b_err w = { 0 };   /* the last problem that did not stop us */
	const char *cg;
	int r = lock_and_load(ctx, id, &l, err);

	if (r < 0)
		goto out;
	cg = l.st->cgroup_path && *l.st->cgroup_path ? l.st->cgroup_path : NULL;
	if (!force && (!strcmp(l.st->status, "running") || !strcmp(l.st->status, "paused"))) {
		if (!strcmp(l.st->status, "paused"))
			r = b_err_set(err, EBUSY, "cannot delete container \"%s\": it is paused (berth "
				      "resume %s, then stop it; or delete --force kills it)", id, id);
		else
			r = b_err_set(err, EBUSY, "cannot delete container \"%s\": it is running "
				      "(berth kill %s stops it; delete --force kills it)", id, id);
		goto out;
	}
	rt_logf(ctx, RT_LOG_DEBUG, "delete %s: status %s, pid %d, cgroup %s, state dir %s", id,
		l.st->status, (int)l.st->pid, cg ? cg : "(none)", l.dir);
	if (strcmp(l.st->status, "stopped")) {
		rt_logf(ctx, RT_LOG_DEBUG, "delete %s: killing what is left", id);
		if (cg)
			cg_kill_all(cg, &w);
		if (l.st->pid > 0 && rt_proc_alive(l.st->pid, l.st->pid_start_time))
			kill(l.st->pid, SIGKILL);
		if (cg && !strcmp(l.st->status, "paused"))
			cg_freeze(cg, false, &w);
		wait_gone(l.st);
	} else if (cg && !cg_is_empty(cg)) {
		/* The init is gone but, without a pid namespace, its
		 * children may linger: they die with the container. */
		cg_kill_all(cg, &w);
	}
	rt_logf(ctx, RT_LOG_DEBUG, "delete %s: removing cgroup %s", id, cg ? cg : "(none)");
	if (cg && (r = cg_destroy(cg, err)) < 0)
		goto out;
	run_poststop(ctx, l.dir, l.st, &w);
	r = b_rm_rf(l.dir);
	if (r < 0) {
		r = b_err_sys(err, -r, "removing %s", l.dir);
		goto out;
	}
	if (w.code && warn)
		*warn = w;
out:
	locked_release(&l);
	return r;
}

static int set_frozen(const struct rt_ctx *ctx, const char *id, bool freeze, struct b_err *err)
{
	struct locked l;
	const char *want = freeze ? "running" : "paused";
	int r = lock_and_load(ctx, id, &l, err);

	if (r < 0)
		goto out;
	if (strcmp(l.st->status, want)) {
		r = b_err_set(err, EINVAL, "container \"%s\" is %s, not %s", id, l.st->status, want);
		goto out;
	}
	if (!l.st->cgroup_path || !*l.st->cgroup_path) {
		r = b_err_set(err, ENOTSUP, "container \"%s\" has no cgroup to freeze", id);
		goto out;
	}
	r = cg_freeze(l.st->cgroup_path, freeze, err);
out:
	locked_release(&l);
	return r;
}

int rt_pause(const struct rt_ctx *ctx, const char *id, struct b_err *err)
{
	return set_frozen(ctx, id, true, err);
}

int rt_resume(const struct rt_ctx *ctx, const char *id, struct b_err *err)
{
	return set_frozen(ctx, id, false, err);
}

static int cmp_state(const void *a, const void *b)
{
	const struct oci_state *x = *(struct oci_state *const *)a, *y = *(struct oci_state *const *)b;

	return strcmp(x->id, y->id);
}

int rt_list(const struct rt_ctx *ctx, struct oci_state ***out, size_t *n, struct b_err *err)
{
	const char *root = ctx->root ? ctx->root : RT_DEFAULT_ROOT;
	DIR *d = opendir(root);
	struct oci_state **v = NULL;
	size_t cnt = 0;
	struct dirent *de;

	*out = NULL;
	*n = 0;
	if (!d)
		return errno == ENOENT ? 0 : b_err_sys(err, errno, "listing %s", root);
	while ((de = readdir(d))) {
		struct oci_state *st = NULL, **nv;
		struct b_err ignored = { 0 };

		if (de->d_name[0] == '.' || rt_state_load(ctx, de->d_name, &st, &ignored) < 0)
			continue;
		nv = realloc(v, (cnt + 1) * sizeof(*v));
		if (!nv) {
			oci_state_free(st);
			break;
		}
		v = nv;
		v[cnt++] = st;
	}
	closedir(d);
	if (cnt)
		qsort(v, cnt, sizeof(*v), cmp_state);
	*out = v;
	*n = cnt;
	return 0;
}

void rt_list_free(struct oci_state **list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		oci_state_free(list[i]);
	free(list);
}

int rt_ps(const struct rt_ctx *ctx, const char *id, pid_t **pids, size_t *n, struct b_err *err)
{
	struct oci_state *st = NULL;
	int r = rt_state_load(ctx, id, &st, err);

	if (r < 0)
		return r;
	if (st->cgroup_path && *st->cgroup_path && access(st->cgroup_path, F_OK) == 0) {
		r = cg_pids(st->cgroup_path, pids, n, err);
	} else if (strcmp(st->status, "stopped")) {
		*pids = malloc(sizeof(pid_t));
		if (!*pids) {
			r = -ENOMEM;
		} else {
			(*pids)[0] = st->pid;
			*n = 1;
		}
	} else {
		*pids = NULL;
		*n = 0;
	}
	oci_state_free(st);
	return r;
}

int rt_update(const struct rt_ctx *ctx, const char *id, const struct oci_resources *res,
	      struct b_err *err)
{
	struct locked l;
	struct cg_path cg = { 0 };
	int r = lock_and_load(ctx, id, &l, err);

	if (r < 0)
		goto out;
	if (!strcmp(l.st->status, "stopped")) {
		r = b_err_set(err, EINVAL, "container \"%s\" is stopped", id);
		goto out;
	}
	if (!l.st->cgroup_path || !*l.st->cgroup_path) {
		r = b_err_set(err, ENOTSUP, "container \"%s\" has no cgroup", id);
		goto out;
	}
	if ((r = cg_path_from_abs(l.st->cgroup_path, &cg, err)) < 0)
		goto out;
	rt_cg_trace(ctx, &cg);
	if ((r = cg_enable(&cg, res, err)) < 0)
		goto out;
	r = cg_apply_resources(&cg, res, err);
out:
	locked_release(&l);
	return r;
}

int rt_stats(const struct rt_ctx *ctx, const char *id, struct cg_stats *out, struct b_err *err)
{
	struct oci_state *st = NULL;
	int r = rt_state_load(ctx, id, &st, err);

	if (r < 0)
		return r;
	if (!strcmp(st->status, "stopped"))
		r = b_err_set(err, ESRCH, "container \"%s\": container not running", id);
	else if (!st->cgroup_path || !*st->cgroup_path)
		r = b_err_set(err, ENOTSUP, "container \"%s\" has no cgroup", id);
	else
		r = cg_stats_read(st->cgroup_path, out, err);
	oci_state_free(st);
	return r;
}
