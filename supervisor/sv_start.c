/* Starting a container: STARTING -> RUNNING, or -> DONE and the pod ends
 * when it cannot be started (a setup problem, not a crash to retry). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "images/passwd.h"
#include "specs/oci_write.h"
#include "supervisor/sv_internal.h"

void sv_ctr_drop_config(struct sv_ctr *c)
{
	c->seccomp = NULL; /* c->profile's, kept for the next run */
	oci_config_free(c->cfg);
	c->cfg = NULL;
}

/* Every profile was compiled at pod setup (sv_seccomp.c): each run of the
 * container, and its probe and preStop execs, use that filter. */
static int use_seccomp(struct sv_ctr *c, const struct oci_config *cfg, struct b_err *err)
{
	sv_ctr_drop_config(c);
	if (!cfg->linux.seccomp)
		return 0;
	if (!c->profile || cfg->linux.seccomp != c->profile->spec)
		return b_err_set(err, EINVAL, "container %s: its seccomp profile was not compiled at pod setup",
				 c->c->name);
	c->seccomp = c->profile->bpf;
	return 0;
}

/* What `berth exec` into the container reads later (the runtime keeps
 * no config of its own for a config built in memory): the process and
 * the seccomp profile's text. */
static int exec_config(const struct sv_ctr *c, const struct oci_config *cfg, char **out,
		       struct b_err *err)
{
	/* The text the container's filter came from, not the file as it
	 * is now. */
	const char *profile = cfg->linux.seccomp && c->profile ? c->profile->text : NULL;

	*out = oci_exec_config_json(cfg, profile, NULL);
	return *out ? 0 : b_err_set(err, ENOMEM, "out of memory");
}

/* A fresh writable layer over the local rootfs or the image's layers. */
static int mount_root(struct sv *s, struct sv_ctr *c, struct b_err *err)
{
	int r;

	if (c->img.cfg)
		r = sv_image_mount(s, c, err);
	else if (access(c->c->rootfs, X_OK) < 0)
		return b_err_sys(err, errno, "container %s: image %s", c->c->name, c->c->rootfs);
	else
		r = sv_overlay_setup(c->dir, c->c->rootfs, err);
	return r < 0 ? b_err_prefix(err, "container %s", c->c->name) : 0;
}

/* The run's OCI config, on a fresh writable layer over the image. */
static int build_config(struct sv *s, struct sv_ctr *c, struct sv_held_fds *held,
			struct oci_config **cfg, struct b_err *err)
{
	struct sv_oci_ctx oc = { .pod = s->pod, .ns = &s->ns, .pod_dir = s->dir,
				 .names = s->net.names };
	char merged[PATH_MAX + 8];
	int r;

	struct img_user user;

	snprintf(merged, sizeof(merged), "%s/merged", c->dir);
	if ((r = mount_root(s, c, err)) < 0)
		return r;
	if (c->img.cfg) {
		if ((r = sv_image_user(c, merged, &user, err)) < 0 ||
		    (r = sv_image_verify_non_root(c->c, c->img.cfg, err)) < 0)
			return r;
		oc.image = c->img.cfg;
		oc.user = &user;
	}
	oc.rootfs = merged;
	oc.memory_limit = c->mem_limit;
	oc.notify_dir = c->notify_fd >= 0 ? c->notify_dir : NULL;
	oc.seccomp = c->profile ? c->profile->spec : NULL;
	oc.cgroup_base = s->cg_base;
	oc.held = held;
	if (s->pod->share_process_namespace && !c->c->init && s->pid_ns_path[0])
		oc.pid_ns_path = s->pid_ns_path;
	if ((r = sv_build_oci(&oc, c->c, cfg, err)) < 0)
		return r;
	return use_seccomp(c, *cfg, err);
}

/* stdin is /dev/null; stdout and stderr are pipes the loop reads. */
struct run_io {
	int null_fd;
	int p[2][2];
};

static void run_io_close(struct run_io *io)
{
	if (io->null_fd >= 0)
		close(io->null_fd);
	for (int w = 0; w < 2; w++)
		for (int k = 0; k < 2; k++)
			if (io->p[w][k] >= 0)
				close(io->p[w][k]);
}

static int run_io_open(const struct sv_ctr *c, struct run_io *io, struct b_err *err)
{
	io->null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (io->null_fd < 0 || pipe2(io->p[0], O_CLOEXEC) < 0 || pipe2(io->p[1], O_CLOEXEC) < 0)
		return b_err_sys(err, errno, "container %s: creating stdio pipes", c->c->name);
	return 0;
}

/* The runtime container, created (its init waits for rt_start).  The
 * config is kept while it runs, so probe and preStop execs need not read
 * and parse it back. */
static int create(struct sv *s, struct sv_ctr *c, struct oci_config *cfg, struct run_io *io,
		  struct rt_created *out, struct b_err *err)
{
	_cleanup_free_ char *json = NULL;
	struct rt_create_opts o;
	int r;

	rt_create_opts_init(&o);
	o.id = c->id;
	o.bundle = c->dir;
	o.keep_parent = true;
	o.stdio[0] = io->null_fd;
	o.stdio[1] = io->p[0][1];
	o.stdio[2] = io->p[1][1];
	o.seccomp = c->seccomp;
	c->cfg = cfg;
	if ((r = exec_config(c, cfg, &json, err)) < 0)
		return r;
	r = rt_create_config(s->ctx, &o, cfg, json, out, err);
	for (int w = 0; w < 2; w++) {
		close(io->p[w][1]);
		io->p[w][1] = -1;
	}
	if (r < 0)
		return b_err_prefix(err, "container %s", c->c->name);
	c->created = true;
	c->pid = out->pid;
	c->pidfd = out->pidfd;
	return 0;
}

/* Output pipes and the pidfd into the loop. */
static int attach(struct sv *s, size_t i, struct run_io *io, struct b_err *err)
{
	struct sv_ctr *c = &s->cs[i];
	int r;

	for (int w = 0; w < 2; w++) {
		c->out[w].fd = io->p[w][0];
		c->out[w].len = 0;
		io->p[w][0] = -1;
		fcntl(c->out[w].fd, F_SETFL, O_NONBLOCK);
		if ((r = sv_ep_add(s, c->out[w].fd, sv_tag(EV_PIPE, i, w), err)) < 0)
			return r;
	}
	if (c->pidfd >= 0)
		return sv_ep_add(s, c->pidfd, sv_tag(EV_PIDFD, i, 0), err);
	return 0;
}

/* Created but not started: killed and reaped here, nothing left open. */
static void abort_created(struct sv *s, struct sv_ctr *c)
{
	struct b_err ign = { 0 };

	rt_kill(s->ctx, c->id, SIGKILL, true, &ign);
	while (waitpid(c->pid, NULL, 0) < 0 && errno == EINTR)
		;
	c->pid = 0;
	for (int w = 0; w < 2; w++)
		sv_stream_close(s, c, w);
	sv_pidfd_close(s, c);
}

static void started(struct sv *s, struct sv_ctr *c)
{
	struct sv_ev ev = { .type = "container-started", .c = c, .backoff_ms = -1 };

	c->started_ms = sv_now_ms();
	c->started_unix = (int64_t)time(NULL);
	sv_wall_time(c->started_at, sizeof(c->started_at), false);
	sv_probes_start(s, c);
	/* shareProcessNamespace: the first main container's pid namespace
	 * is the pod's; the others join it. */
	if (s->pod->share_process_namespace && !c->c->init && !s->pid_ns_path[0]) {
		snprintf(s->pid_ns_path, sizeof(s->pid_ns_path), "/proc/%d/ns/pid", (int)c->pid);
		s->pid_owner = c;
	}
	sv_set_state(s, c, CS_RUNNING, "started", &ev);
	sv_psi_arm(s, c);
}

static int run(struct sv *s, size_t i, struct b_err *err)
{
	struct sv_ctr *c = &s->cs[i];
	struct rt_created out = { .pidfd = -1, .console_master = -1 };
	struct oci_config *cfg = NULL;
	_cleanup_(sv_held_fds_close) struct sv_held_fds held = { 0 };
	_cleanup_(run_io_close) struct run_io io = { .null_fd = -1, .p = { { -1, -1 }, { -1, -1 } } };
	struct b_err warn = { 0 };
	int r;

	r = run_io_open(c, &io, err);
	if (r == 0 && (r = build_config(s, c, &held, &cfg, err)) < 0)
		oci_config_free(cfg);
	if (r < 0)
		return r;
	r = create(s, c, cfg, &io, &out, err);
	sv_held_fds_close(&held);
	if (r < 0)
		return r;
	if ((r = attach(s, i, &io, err)) == 0 && (r = rt_start(s->ctx, c->id, &warn, err)) < 0)
		b_err_prefix(err, "container %s: starting", c->c->name);
	if (r < 0) {
		abort_created(s, c);
		return r;
	}
	if (warn.code)
		sv_warn(s, &warn);
	started(s, c);
	return 0;
}

void sv_start_or_fail(struct sv *s, size_t i)
{
	struct sv_ctr *c = &s->cs[i];
	struct b_err e = { 0 }, ign = { 0 };

	sv_set_state(s, c, CS_STARTING, c->st == CS_BACKOFF ? "backoff over" : "its turn", NULL);
	/* A run that ended in a failed start may have left it. */
	if (c->created) {
		rt_delete(s->ctx, c->id, true, NULL, &ign);
		c->created = false;
	}
	if (run(s, i, &e) == 0)
		return;
	struct sv_ev ev = { .type = "start-failed", .c = c, .backoff_ms = -1, .message = e.msg };
	if (!s->fatal.code)
		s->fatal = e;
	c->exited = true;
	s->failed = true;
	sv_set_state(s, c, CS_DONE, "start failed", &ev);
	sv_begin_stop(s, false, "a container could not be started");
}

void sv_restarts_due(struct sv *s, int64_t now)
{
	for (size_t i = 0; i < s->n && !sv_stopping(s); i++)
		if (s->cs[i].st == CS_BACKOFF && now >= s->cs[i].restart_at_ms) {
			s->cs[i].restarts++;
			sv_start_or_fail(s, i);
		}
}
