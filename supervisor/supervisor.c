/* The pod supervisor's event loop: start order, exits, restarts with
 * backoff, graceful stop, logs, events and teardown. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <sys/file.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroups/cgroup.h"
#include "common/cleanup.h"
#include "common/fsutil.h"
#include "common/safedir.h"
#include "specs/oci_write.h"
#include "supervisor/sv_internal.h"

static void stream_close(struct sv *s, struct sv_ctr *c, int which)
{
	struct sv_stream *st = &c->out[which];

	if (st->fd < 0)
		return;
	if (st->len)
		sv_log_line(s, c, which, st->buf, st->len, false);
	st->len = 0;
	epoll_ctl(s->ep, EPOLL_CTL_DEL, st->fd, NULL);
	close(st->fd);
	st->fd = -1;
}

/* Read what is there; returns true at EOF. */
static bool stream_read(struct sv *s, struct sv_ctr *c, int which)
{
	struct sv_stream *st = &c->out[which];

	for (;;) {
		ssize_t n = read(st->fd, st->buf + st->len, sizeof(st->buf) - st->len);
		char *nl;
		size_t off = 0;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno != EAGAIN;
		if (n == 0)
			return true;
		st->len += (size_t)n;
		while ((nl = memchr(st->buf + off, '\n', st->len - off))) {
			sv_log_line(s, c, which, st->buf + off, (size_t)(nl - st->buf - off), false);
			off = (size_t)(nl - st->buf) + 1;
		}
		if (off == 0 && st->len == sizeof(st->buf)) {
			sv_log_line(s, c, which, st->buf, st->len, true);
			off = st->len;
		}
		memmove(st->buf, st->buf + off, st->len - off);
		st->len -= off;
	}
}

/* ---- containers ------------------------------------------------------ */

static uint64_t ev_data(int kind, size_t idx, int which)
{
	return ((uint64_t)kind << 32) | ((uint64_t)idx << 1) | (uint64_t)which;
}

static int ep_add(struct sv *s, int fd, uint64_t data, struct b_err *err)
{
	struct epoll_event e = { .events = EPOLLIN, .data.u64 = data };

	if (epoll_ctl(s->ep, EPOLL_CTL_ADD, fd, &e) < 0)
		return b_err_sys(err, errno, "epoll_ctl");
	return 0;
}

static void schedule_check(struct sv *s);
static void send_term(struct sv *s, struct sv_ctr *c);

static void drop_config(struct sv *s, struct sv_ctr *c)
{
	c->bpf = NULL; /* c->profile's, kept for the next run */
	oci_config_free(c->cfg);
	c->cfg = NULL;
}

/* Every profile was compiled at pod setup (sv_seccomp.c): each run of the
 * container, and its probe and preStop execs, use that filter. */
static int compile_seccomp(struct sv *s, struct sv_ctr *c, const struct oci_config *cfg,
			   struct b_err *err)
{
	drop_config(s, c);
	if (!cfg->linux.seccomp)
		return 0;
	if (!c->profile || cfg->linux.seccomp != c->profile->spec)
		return b_err_set(err, EINVAL, "container %s: its seccomp profile was not compiled at pod setup",
				 c->c->name);
	c->bpf = c->profile->bpf;
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

void sv_set_state(struct sv *s, struct sv_ctr *c, enum cstate to, const char *why)
{
	if (!sv_policy_transition_legal(c->st, to)) {
		struct b_err e = { 0 };
		b_err_set(&e, EINVAL, "container %s: illegal state change %s -> %s (%s): a bug in berth",
			  c->c->name, sv_cstate_name(c->st), sv_cstate_name(to), why);
		sv_warn(s, &e);
	}
	c->st = to;
	c->st_since_ms = sv_now_ms();
	c->st_why = why;
}

static int start_ctr(struct sv *s, size_t i, struct b_err *err)
{
	struct sv_ctr *c = &s->cs[i];
	struct sv_oci_ctx oc = { .pod = s->pod, .ns = &s->ns, .pod_dir = s->dir };
	struct rt_create_opts o;
	struct rt_created out = { .pidfd = -1, .console_master = -1 };
	struct oci_config *cfg = NULL;
	_cleanup_free_ char *json = NULL;
	char merged[PATH_MAX + 8];
	int p[2][2] = { { -1, -1 }, { -1, -1 } };
	_cleanup_close_ int null_fd = -1;
	_cleanup_(sv_held_fds_close) struct sv_held_fds held = { 0 };
	struct b_err ign = { 0 }, warn = { 0 };
	int r;

	if (c->created) {
		rt_delete(s->ctx, c->id, true, NULL, &ign);
		c->created = false;
	}
	if (access(c->c->rootfs, X_OK) < 0) {
		r = b_err_sys(err, errno, "container %s: image %s", c->c->name, c->c->rootfs);
		goto fail;
	}
	if ((r = sv_overlay_setup(c->dir, c->c->rootfs, err)) < 0) {
		b_err_prefix(err, "container %s", c->c->name);
		goto fail;
	}
	snprintf(merged, sizeof(merged), "%s/merged", c->dir);
	oc.rootfs = merged;
	oc.memory_limit = c->mem_limit;
	oc.notify_dir = c->notify_fd >= 0 ? c->notify_dir : NULL;
	oc.seccomp = c->profile ? c->profile->spec : NULL;
	oc.cgroup_base = s->cg_base;
	oc.held = &held;
	if (s->pod->share_process_namespace && !c->c->init && s->pid_ns_path[0])
		oc.pid_ns_path = s->pid_ns_path;
	if ((r = sv_build_oci(&oc, c->c, &cfg, err)) < 0)
		goto fail;
	if ((r = compile_seccomp(s, c, cfg, err)) < 0)
		goto fail;
	null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null_fd < 0 || pipe2(p[0], O_CLOEXEC) < 0 || pipe2(p[1], O_CLOEXEC) < 0) {
		r = b_err_sys(err, errno, "container %s: creating stdio pipes", c->c->name);
		goto fail;
	}
	rt_create_opts_init(&o);
	o.id = c->id;
	o.bundle = c->dir;
	o.keep_parent = true;
	o.stdio[0] = null_fd;
	o.stdio[1] = p[0][1];
	o.stdio[2] = p[1][1];
	o.seccomp = c->bpf;
	if ((r = exec_config(c, cfg, &json, err)) < 0)
		goto fail;
	r = rt_create_config(s->ctx, &o, cfg, json, &out, err);
	sv_held_fds_close(&held);
	/* Kept while it runs, so probe and preStop execs need not read and
	 * parse it back. */
	c->cfg = cfg;
	cfg = NULL;
	close(p[0][1]);
	close(p[1][1]);
	p[0][1] = p[1][1] = -1;
	if (r < 0) {
		b_err_prefix(err, "container %s", c->c->name);
		goto fail;
	}
	c->created = true;
	c->pid = out.pid;
	c->pidfd = out.pidfd;
	for (int w = 0; w < 2; w++) {
		c->out[w].fd = p[w][0];
		c->out[w].len = 0;
		p[w][0] = -1;
		fcntl(c->out[w].fd, F_SETFL, O_NONBLOCK);
		if ((r = ep_add(s, c->out[w].fd, ev_data(EV_PIPE, i, w), err)) < 0)
			goto fail_started;
	}
	if (c->pidfd >= 0 && (r = ep_add(s, c->pidfd, ev_data(EV_PIDFD, i, 0), err)) < 0)
		goto fail_started;
	r = rt_start(s->ctx, c->id, &warn, err);
	if (r < 0) {
		b_err_prefix(err, "container %s: starting", c->c->name);
		goto fail_started;
	}
	if (warn.code)
		sv_warn(s, &warn);
	sv_set_state(s, c, CS_RUNNING, "started");
	c->started_ms = sv_now_ms();
	sv_wall_time(c->started_at, sizeof(c->started_at), false);
	sv_probes_start(s, c);
	if (s->pod->share_process_namespace && !c->c->init && !s->pid_ns_path[0]) {
		snprintf(s->pid_ns_path, sizeof(s->pid_ns_path), "/proc/%d/ns/pid", (int)c->pid);
		s->pid_owner = c;
	}
	sv_simple_event(s, "container-started", c);
	return 0;

fail_started:
	rt_kill(s->ctx, c->id, SIGKILL, true, &ign);
	while (waitpid(c->pid, NULL, 0) < 0 && errno == EINTR)
		;
	c->pid = 0;
	for (int w = 0; w < 2; w++)
		stream_close(s, c, w);
	if (c->pidfd >= 0) {
		epoll_ctl(s->ep, EPOLL_CTL_DEL, c->pidfd, NULL);
		close(c->pidfd);
		c->pidfd = -1;
	}
fail:
	for (int w = 0; w < 2; w++)
		for (int k = 0; k < 2; k++)
			if (p[w][k] >= 0)
				close(p[w][k]);
	oci_config_free(cfg);
	return r;
}

/* A container that cannot be started ends the pod: it is a setup problem
 * (a missing controller, a bad image), not a crash to retry. */

static void start_or_fail(struct sv *s, size_t i)
{
	struct b_err e = { 0 };

	if (start_ctr(s, i, &e) < 0) {
		struct sv_ev ev = { .type = "start-failed", .c = &s->cs[i], .backoff_ms = -1,
				 .message = e.msg };
		sv_event(s, &ev);
		if (!s->fatal.code)
			s->fatal = e;
		sv_set_state(s, &s->cs[i], CS_DONE, "start failed");
		s->cs[i].exited = true;
		s->failed = true;
		sv_begin_stop(s, false);
	}
}

/* Pod-level memory.max = the sum of the containers' (current) limits,
 * when the pod cgroup has one (every container has a limit). */
static void update_pod_memory(struct sv *s)
{
	struct oci_resources res = { .has_memory_limit = true };
	struct cg_path cg;
	struct b_err e = { 0 };

	if (!s->pod_mem_limited)
		return;
	for (size_t i = 0; i < s->n; i++)
		if (!s->cs[i].c->init || s->cs[i].c->sidecar)
			res.memory_limit += s->cs[i].mem_limit;
	if (cg_path_from_abs(s->pod_cg, &cg, &e) < 0 || cg_apply_resources(&cg, &res, &e) < 0) {
		b_err_prefix(&e, "raising the pod's memory.max");
		sv_warn(s, &e);
	}
}

/* oom-policy grow (sv_policy_grown_limit): returns whether the limit rose. */
static bool grow_memory(struct sv *s, struct sv_ctr *c)
{
	int64_t next = sv_policy_grown_limit(&s->pod->oom_grow, c->mem_limit);
	struct sv_ev e = { .type = "memory-grown", .c = c, .backoff_ms = -1 };

	if (!next)
		return false;
	e.from = c->mem_limit;
	e.to = next;
	c->mem_limit = next;
	sv_event(s, &e);
	update_pod_memory(s);
	return true;
}

static void record_term(struct sv_ctr *c, int code, int sig, const char *reason)
{
	c->last = (struct sv_term){ .set = true, .code = code, .signal = sig, .reason = reason };
	memcpy(c->last.started_at, c->started_at, sizeof(c->started_at));
	sv_wall_time(c->last.finished_at, sizeof(c->last.finished_at), false);
}

/* Its last output and its process handles. */
static void drain_ctr(struct sv *s, struct sv_ctr *c)
{
	for (int w = 0; w < 2; w++) {
		if (c->out[w].fd >= 0)
			stream_read(s, c, w);
		stream_close(s, c, w);
	}
	if (c->pidfd >= 0) {
		epoll_ctl(s->ep, EPOLL_CTL_DEL, c->pidfd, NULL);
		close(c->pidfd);
		c->pidfd = -1;
	}
	c->pid = 0;
	if (s->pid_owner == c) {
		/* Its pid namespace is gone; the next main container to start
		 * creates the pod's new one. */
		s->pid_owner = NULL;
		s->pid_ns_path[0] = '\0';
	}
}

/* The runtime container and its cgroup; a failure is only a warning,
 * since the pod goes on (or is being torn down anyway). */
static void delete_ctr(struct sv *s, struct sv_ctr *c)
{
	struct b_err e = { 0 }, warn = { 0 };

	if (rt_delete(s->ctx, c->id, true, &warn, &e) < 0)
		sv_warn(s, &e);
	if (warn.code)
		sv_warn(s, &warn);
	c->created = false;
}

/* The runtime container, its cgroup and its writable layer. */
static void remove_ctr(struct sv *s, struct sv_ctr *c)
{
	struct b_err e = { 0 };

	delete_ctr(s, c);
	if (sv_overlay_remove(c->dir, &e) < 0)
		sv_warn(s, &e);
	drop_config(s, c);
}

/* Back off (sv_policy_backoff, the kubelet's curve), then start again. */
static void schedule_restart(struct sv *s, struct sv_ctr *c, int64_t ran)
{
	int64_t delay = sv_policy_backoff(&s->pod->backoff, &c->next_delay_ms, ran);
	struct sv_ev e = { .type = "restarting", .c = c, .backoff_ms = delay };

	sv_event(s, &e);
	sv_set_state(s, c, CS_BACKOFF, "exited, restart wanted");
	c->backoff_ms = delay;
	c->restart_at_ms = sv_now_ms() + delay;
}

static void handle_exit(struct sv *s, struct sv_ctr *c, int status)
{
	struct sv_ev e = { .type = "exited", .c = c, .has_exit = true, .backoff_ms = -1 };
	/* Read before remove_ctr() deletes the container and its cgroup,
	 * which is created afresh for every run. */
	bool oom = c->cg[0] && cg_oom_kills(c->cg) > 0;
	struct sv_exit_facts f = { .oom = oom, .stopping = s->stopping };
	bool ok;

	sv_probes_stop(s, c);
	drain_ctr(s, c);
	/* As Kubernetes reports it: a signal death is exit code 128+N
	 * (an OOM kill is 137), with the signal kept beside it. */
	e.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	e.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	ok = e.code == 0;
	e.reason = oom ? "OOMKilled" : c->unhealthy ? "Unhealthy" : ok ? "Completed" : "Error";
	e.message = c->unhealthy && !oom ? c->term_message : NULL;
	record_term(c, e.code, e.signal, e.reason);
	if (e.message)
		snprintf(c->last.message, sizeof(c->last.message), "%s", e.message);
	sv_event(s, &e);
	if (oom)
		sv_simple_event(s, "oom-killed", c);
	/* After the event, so its time is the exit's, not the cleanup's. */
	remove_ctr(s, c);
	c->exited = true;
	c->succeeded = ok;
	if (oom && c->c->oom_policy == POD_OOM_GROW && !s->stopping)
		f.grown = grow_memory(s, c);
	f.ok = ok;
	switch (sv_policy_after_exit(s->pod->restart_policy, c->c, &f)) {
	case SV_AFTER_RESTART:
		schedule_restart(s, c, sv_now_ms() - c->started_ms);
		return;
	case SV_AFTER_FAIL_POD:
		sv_set_state(s, c, CS_DONE, "init container failed");
		s->failed = true;
		sv_begin_stop(s, false);
		return;
	case SV_AFTER_DONE:
		sv_set_state(s, c, CS_DONE, "exited for good");
		return;
	}
}

static void reap(struct sv *s)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (sv_probe_reaped(s, pid, status))
			continue;
		for (size_t i = 0; i < s->n; i++)
			if (s->cs[i].prestop_pid == pid) {
				s->cs[i].prestop_pid = 0;
				if (s->cs[i].st == CS_RUNNING)
					send_term(s, &s->cs[i]);
				break;
			}
		for (size_t i = 0; i < s->n; i++)
			if (s->cs[i].st == CS_RUNNING && s->cs[i].pid == pid) {
				handle_exit(s, &s->cs[i], status);
				break;
			}
	}
}

static size_t n_running(const struct sv *s, bool sidecars)
{
	size_t n = 0;

	for (size_t i = 0; i < s->n; i++)
		if (s->cs[i].st == CS_RUNNING && s->cs[i].c->sidecar == sidecars)
			n++;
	return n;
}

static void send_term(struct sv *s, struct sv_ctr *c)
{
	struct b_err e = { 0 };

	if (rt_kill(s->ctx, c->id, SIGTERM, false, &e) < 0 && e.code != ESRCH)
		sv_warn(s, &e);
}

/* preStop (exec only) first, SIGTERM when it has finished (see reap());
 * both within the grace period, after which everything gets SIGKILL. */
static void term(struct sv *s, struct sv_ctr *c)
{
	struct rt_exec_opts xo;
	struct rt_created out = { .pidfd = -1, .console_master = -1 };
	struct b_err e = { 0 };
	int null_fd, r;

	if (!c->c->pre_stop) {
		send_term(s, c);
		return;
	}
	null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	rt_exec_opts_init(&xo);
	xo.args = c->c->pre_stop;
	xo.config = c->cfg;
	xo.seccomp = c->bpf;
	xo.stdio[0] = xo.stdio[1] = xo.stdio[2] = null_fd;
	r = rt_exec(s->ctx, c->id, &xo, &out, &e);
	if (r < 0) {
		b_err_prefix(&e, "container %s: preStop", c->c->name);
		if (r == -RT_EXEC_PIDNS_STUCK)
			sv_fatal(s, c, &e);
		else
			sv_warn(s, &e);
		send_term(s, c);
	} else {
		c->prestop_pid = out.pid;
		sv_simple_event(s, "prestop-started", c);
	}
	if (out.pidfd >= 0)
		close(out.pidfd);
	if (out.console_master >= 0)
		close(out.console_master);
	if (null_fd >= 0)
		close(null_fd);
}

void sv_begin_stop(struct sv *s, bool by_signal)
{
	if (by_signal)
		s->by_signal = true;
	if (s->stopping)
		return;
	s->stopping = true;
	sv_notify("STOPPING=1");
	sv_simple_event(s, "stopping", NULL);
	s->grace_deadline = sv_now_ms() + s->pod->termination_grace_period_seconds * 1000;
	for (size_t i = 0; i < s->n; i++)
		if (s->cs[i].st == CS_BACKOFF || s->cs[i].st == CS_WAITING)
			sv_set_state(s, &s->cs[i], CS_DONE, "pod stopping");
	s->stop_phase = 1;
	/* As the kubelet: no probing of containers being stopped. */
	for (size_t i = 0; i < s->n; i++)
		sv_probes_stop(s, &s->cs[i]);
	for (size_t i = 0; i < s->n; i++)
		if (s->cs[i].st == CS_RUNNING && !s->cs[i].c->sidecar)
			term(s, &s->cs[i]);
}

/* Advance the pod: init containers in order, then the main containers;
 * while stopping, sidecars after the others, then done. */
static void progress(struct sv *s)
{
	if (s->stopping) {
		if (s->stop_phase == 1 && !n_running(s, false)) {
			s->stop_phase = 2;
			for (size_t i = s->n; i-- > 0;)
				if (s->cs[i].st == CS_RUNNING && s->cs[i].c->sidecar)
					term(s, &s->cs[i]);
		}
		if (s->stop_phase == 2 && !n_running(s, true))
			s->done = true;
		return;
	}
	while (s->init_next < s->n_init) {
		struct sv_ctr *c = &s->cs[s->init_next];

		if (c->st == CS_WAITING) {
			start_or_fail(s, s->init_next);
			if (s->stopping)
				return progress(s);
		}
		if (c->c->sidecar && c->st != CS_WAITING) {
			s->init_next++;
			continue;
		}
		if (c->st == CS_DONE && c->succeeded) {
			s->init_next++;
			continue;
		}
		return;
	}
	if (!s->main_started) {
		s->main_started = true;
		for (size_t i = s->n_init; i < s->n && !s->stopping; i++)
			start_or_fail(s, i);
		if (s->stopping)
			return progress(s);
		sv_probes_spread(s);
		if (s->o->on_ready)
			s->o->on_ready(s->o->ud);
	}
	for (size_t i = s->n_init; i < s->n; i++)
		if (s->cs[i].st != CS_DONE)
			return;
	sv_begin_stop(s, false);
	progress(s);
}

static void watchdog(struct sv *s, int64_t now)
{
	if (!s->watchdog_us || now < s->next_watchdog_ms)
		return;
	sv_notify("WATCHDOG=1");
	s->next_watchdog_ms = now + s->watchdog_us / 2000;
}

static void on_timer(struct sv *s)
{
	int64_t now = sv_now_ms();
	uint64_t ticks;

	(void)!read(s->tfd, &ticks, sizeof(ticks));
	watchdog(s, now);
	sv_probes_timer(s, now);
	if (s->stopping && !s->killed && now >= s->grace_deadline) {
		s->killed = true;
		for (size_t i = 0; i < s->n; i++)
			if (s->cs[i].st == CS_RUNNING) {
				struct b_err e = { 0 };
				if (rt_kill(s->ctx, s->cs[i].id, SIGKILL, true, &e) < 0 && e.code != ESRCH)
					sv_warn(s, &e);
			}
	}
	for (size_t i = 0; i < s->n && !s->stopping; i++)
		if (s->cs[i].st == CS_BACKOFF && now >= s->cs[i].restart_at_ms) {
			s->cs[i].restarts++;
			start_or_fail(s, i);
		}
}

static void schedule_check(struct sv *s)
{
	int64_t next = -1, probe;
	struct itimerspec its = { 0 };

	for (size_t i = 0; i < s->n; i++)
		if (s->cs[i].st == CS_BACKOFF && (next < 0 || s->cs[i].restart_at_ms < next))
			next = s->cs[i].restart_at_ms;
	if (s->stopping && !s->killed && (next < 0 || s->grace_deadline < next))
		next = s->grace_deadline;
	if (s->watchdog_us && (next < 0 || s->next_watchdog_ms < next))
		next = s->next_watchdog_ms;
	probe = sv_probes_next(s);
	if (probe >= 0 && (next < 0 || probe < next))
		next = probe;
	if (next >= 0) {
		if (next < 1)
			next = 1;
		its.it_value.tv_sec = next / 1000;
		its.it_value.tv_nsec = (next % 1000) * 1000000;
	}
	timerfd_settime(s->tfd, TFD_TIMER_ABSTIME, &its, NULL);
}

static void on_signal(struct sv *s)
{
	struct signalfd_siginfo si;

	while (read(s->sfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGCHLD)
			reap(s);
		else
			sv_begin_stop(s, true);
	}
	reap(s);
}

/* ---- setup and teardown --------------------------------------------- */

/* With `keep`, what `berth pod ps/inspect` shows of a pod that ended. */
static void write_final_status(struct sv *s)
{
	char path[PATH_MAX + 16];
	size_t len;
	_cleanup_free_ char *json = sv_status_json(s, true, &len);
	struct b_err e = { 0 };

	snprintf(path, sizeof(path), "%s/status.json", s->dir);
	if (!json || b_write_atomic(path, json, len, 0600) < 0) {
		b_err_sys(&e, json ? errno : ENOMEM, "writing %s", path);
		sv_warn(s, &e);
	}
}

static void teardown_ctr(struct sv *s, struct sv_ctr *c)
{
	struct b_err e = { 0 };

	if (c->st == CS_RUNNING && c->pid > 0) {
		rt_kill(s->ctx, c->id, SIGKILL, true, &e);
		while (waitpid(c->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	for (int w = 0; w < 2; w++)
		stream_close(s, c, w);
	if (c->pidfd >= 0)
		close(c->pidfd);
	c->pidfd = -1;
	if (c->created)
		delete_ctr(s, c);
	memset(&e, 0, sizeof(e));
	if (sv_overlay_remove(c->dir, &e) < 0)
		sv_warn(s, &e);
	cri_logfile_close(&c->log);
	sv_relay_close(c);
	drop_config(s, c);
}

static void teardown(struct sv *s)
{
	struct b_err e = { 0 };
	int r;

	sv_ctl_close(s);
	for (size_t i = 0; i < s->n; i++)
		teardown_ctr(s, &s->cs[i]);
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	sv_volumes_remove(s->pod, s->dir);
	if (s->pod_cg[0] && access(s->pod_cg, F_OK) == 0 && cg_destroy(s->pod_cg, &e) < 0)
		sv_warn(s, &e);
	sv_ns_close(&s->ns);
	if (s->o->keep && s->lock_fd >= 0) {
		s->stopping = false;   /* it has stopped */
		write_final_status(s);
		sv_simple_event(s, "stopped", NULL);
		cri_logfile_close(&s->events);
		return;
	}
	sv_simple_event(s, "stopped", NULL);
	cri_logfile_close(&s->events);
	/* b_rm_rf returns the error; errno is whatever its last call left. */
	if (s->lock_fd >= 0 && (r = b_rm_rf(s->dir)) < 0 && s->o->on_warn) {
		b_err_sys(&e, -r, "removing %s", s->dir);
		s->o->on_warn(s->o->ud, &e);
	}
}

/* memory.max for the pod: the sum of the containers' limits, when every
 * (non-init) container has one. */
static bool pod_memory_sum(const struct sv *s, struct oci_resources *res)
{
	bool all = s->n > 0;

	for (size_t i = 0; i < s->n; i++) {
		const struct pod_container *c = s->cs[i].c;
		if (c->init && !c->sidecar)
			continue;
		if (!c->resources.memory_limit.set)
			all = false;
		else
			res->memory_limit += c->resources.memory_limit.value;
	}
	return res->has_memory_limit = all;
}

/* The pod-level cgroup, the parent of the containers' cgroups: with a
 * memory limit on every container it holds their sum (memory.max).  It is
 * created here, before the containers, to be marked as the pod's, and
 * removed at the end. */
static int pod_cgroup(struct sv *s, struct b_err *err)
{
	struct cg_path cg;
	struct oci_resources res = { 0 };
	struct b_err e = { 0 };
	char rel[512];
	int fd = -1, r;
	bool all = pod_memory_sum(s, &res);

	snprintf(rel, sizeof(rel), "%s", s->cg_base);
	if (cg_resolve(rel, s->pod->name, false, &cg, err) < 0) {
		b_err_clear(err);
		return 0;   /* no cgroup2 here: the containers will say so */
	}
	/* Not another live pod's (same name, other --root): neither its
	 * limit nor its teardown is ours. */
	if ((r = sv_pod_cgroup_check_free(cg.abs, s->dir, err)) < 0)
		return r;
	snprintf(s->pod_cg, sizeof(s->pod_cg), "%s", cg.abs);
	if ((r = cg_create(&cg, &res, &fd, err)) < 0 ||
	    (all && (r = cg_apply_resources(&cg, &res, err)) < 0)) {
		if (fd >= 0)
			close(fd);
		return b_err_prefix(err, "pod cgroup %s", cg.rel);
	}
	close(fd);
	s->pod_mem_limited = all;
	/* Before any container runs in it: `pod rm` and crash recovery kill
	 * only a cgroup marked as this pod's (sv_trust.c). */
	if (sv_pod_cgroup_mark(cg.abs, s->dir, &e) < 0) {
		b_err_prefix(&e, "pod rm will not kill this pod's cgroup");
		sv_warn(s, &e);
	}
	return 0;
}

/* <state dir>/logs is the log directory, or a symlink to --log-dir.
 * Root appends container output there: the directory must be one only
 * root can change, and every file is opened relative to it without
 * following symlinks (sv_trust.c, crilog.c). */
static int setup_logs(struct sv *s, struct b_err *err)
{
	char path[PATH_MAX + 64], name[NAME_MAX + 1];
	int64_t max = s->o->log_max_size > 0 ? s->o->log_max_size : 10 << 20;
	int files = s->o->log_max_files > 0 ? s->o->log_max_files : 3;
	_cleanup_close_ int dfd = -1;
	int r;

	snprintf(path, sizeof(path), "%s/logs", s->dir);
	if (s->o->log_dir) {
		if ((r = b_mkdir_p(s->o->log_dir, 0755)) < 0)
			return b_err_sys(err, -r, "creating log directory %s", s->o->log_dir);
		dfd = sv_log_dir_open(s->o->log_dir, s->log_dir, sizeof(s->log_dir), err);
		if (dfd < 0)
			return dfd;
		if (symlink(s->log_dir, path) < 0)
			return b_err_sys(err, errno, "creating %s", path);
	} else {
		if ((size_t)snprintf(s->log_dir, sizeof(s->log_dir), "%s", path) >= sizeof(s->log_dir))
			return b_err_set(err, ENAMETOOLONG, "%s: path too long", path);
		if (mkdir(path, 0700) < 0)
			return b_err_sys(err, errno, "creating %s", path);
		if ((dfd = b_dir_open_owned(AT_FDCWD, path, NULL, true, "log directory", err)) < 0)
			return dfd;
	}
	for (size_t i = 0; i < s->n; i++) {
		snprintf(name, sizeof(name), "%s.log", s->cs[i].c->name);
		if ((r = cri_logfile_openat(&s->cs[i].log, dfd, s->log_dir, name, max, files, err)) < 0)
			return r;
	}
	return cri_logfile_openat(&s->events, dfd, s->log_dir, "events.jsonl", max, files, err);
}

static int setup_ctrs(struct sv *s, struct b_err *err)
{
	int r;

	for (size_t i = 0; i < s->n; i++) {
		struct sv_ctr *c = &s->cs[i];
		struct cg_path cg;
		struct b_err ign = { 0 };
		char rel[512];

		if ((r = rt_validate_id(c->id, err)) < 0)
			return r;
		if ((size_t)snprintf(c->dir, sizeof(c->dir), "%s/%s", s->dir, c->c->name) >= sizeof(c->dir))
			return b_err_set(err, ENAMETOOLONG, "%s: path too long", s->dir);
		snprintf(rel, sizeof(rel), "%s/%s", s->cg_base, c->c->name);
		if (cg_resolve(rel, c->id, false, &cg, &ign) == 0)
			snprintf(c->cg, sizeof(c->cg), "%s", cg.abs);
	}
	return 0;
}

/* Recorded first, so that whoever cleans up after a crash finds it. */
static int setup_cgroup_base(struct sv *s, struct b_err *err)
{
	char path[PATH_MAX + 16];
	int r;

	if ((r = sv_cgroup_base(s->o->cgroup_parent, s->pod->name, s->cg_base, sizeof(s->cg_base),
				err)) < 0)
		return r;
	snprintf(path, sizeof(path), "%s/cgroup", s->dir);
	if ((r = b_write_atomic(path, s->cg_base, strlen(s->cg_base), 0600)) < 0)
		return b_err_sys(err, -r, "writing %s", path);
	return 0;
}

static void setup_watchdog(struct sv *s)
{
	const char *usec = getenv("WATCHDOG_USEC"), *pid = getenv("WATCHDOG_PID");

	/* As sd_watchdog_enabled(): WATCHDOG_PID, when set, must be us. */
	if (!usec || (pid && atol(pid) != (long)getpid()))
		return;
	s->watchdog_us = atoll(usec);
	if (s->watchdog_us <= 0) {
		s->watchdog_us = 0;
		return;
	}
	s->next_watchdog_ms = sv_now_ms();
}

static int setup_events(struct sv *s, struct b_err *err)
{
	sigset_t set;
	int r;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGCHLD);
	s->sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	s->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	s->ep = epoll_create1(EPOLL_CLOEXEC);
	if (s->sfd < 0 || s->tfd < 0 || s->ep < 0)
		return b_err_sys(err, errno, "creating the supervisor's event fds");
	if ((r = ep_add(s, s->sfd, ev_data(EV_SIGNAL, 0, 0), err)) < 0 ||
	    (r = ep_add(s, s->tfd, ev_data(EV_TIMER, 0, 0), err)) < 0)
		return r;
	for (size_t i = 0; i < s->n; i++)
		if ((r = sv_relay_open(s, &s->cs[i], err)) < 0)
			return r;
	return sv_ctl_open(s, err);
}

static int setup(struct sv *s, struct b_err *err)
{
	int r;

	sv_wall_time(s->started_at, sizeof(s->started_at), false);
	if ((r = setup_cgroup_base(s, err)) < 0)
		return r;
	if ((r = setup_ctrs(s, err)) < 0 || (r = setup_logs(s, err)) < 0)
		return r;
	if ((r = pod_cgroup(s, err)) < 0)
		return r;
	if ((r = sv_ns_create(s->pod, &s->ns, err)) < 0)
		return r;
	if ((r = sv_seccomp_setup(s, err)) < 0)
		return r;
	if ((r = sv_volumes_setup(s->pod, s->dir, err)) < 0)
		return r;
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		return b_err_sys(err, errno, "becoming the child subreaper");
	setup_watchdog(s);
	return setup_events(s, err);
}

/* systemd hears READY=1 once, when the whole pod is first ready. */
void sv_check_ready(struct sv *s)
{
	if (!s->ready_sent && sv_pod_ready(s)) {
		s->ready_sent = true;
		sv_notify("READY=1");
	}
}

static void dispatch(struct sv *s, uint64_t d, uint32_t revents)
{
	int kind = (int)(d >> 32);
	size_t idx = (size_t)((d & 0xffffffffu) >> 1);
	int which = (int)(d & 1);

	switch (kind) {
	case EV_SIGNAL:
		on_signal(s);
		break;
	case EV_TIMER:
		on_timer(s);
		break;
	case EV_PIDFD:
		/* The exit itself is collected by reap(); a pidfd of a process
		 * that is not (yet) our child must not keep firing. */
		if (s->cs[idx].pidfd >= 0) {
			epoll_ctl(s->ep, EPOLL_CTL_DEL, s->cs[idx].pidfd, NULL);
			close(s->cs[idx].pidfd);
			s->cs[idx].pidfd = -1;
		}
		reap(s);
		break;
	case EV_PIPE:
		if (s->cs[idx].out[which].fd >= 0 && stream_read(s, &s->cs[idx], which))
			stream_close(s, &s->cs[idx], which);
		break;
	case EV_CTL:
		sv_ctl_accept(s);
		break;
	case EV_CONN:
		sv_ctl_read(s, idx);
		break;
	case EV_PROBE:
		sv_probe_io(s, idx, revents);
		break;
	case EV_NOTIFY:
		sv_relay_read(s, idx);
		break;
	}
}

static void loop(struct sv *s)
{
	progress(s);
	while (!s->done) {
		struct epoll_event evs[16];
		int n;

		sv_check_ready(s);
		sv_notify_status(s);
		schedule_check(s);
		n = epoll_wait(s->ep, evs, 16, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			b_err_sys(&s->fatal, errno, "epoll_wait");
			s->failed = true;
			break;
		}
		for (int k = 0; k < n; k++)
			dispatch(s, evs[k].data.u64, evs[k].events);
		progress(s);
	}
}

/* Create the state directory and take its lock, or take over a stale one:
 * a directory whose lock nobody holds was left by a supervisor that was
 * killed (or kept with --keep); what it left is cleaned up first. */
static int claim_dir(struct sv *s, bool *recovered, struct b_err *err)
{
	char lock[PATH_MAX + 8];
	_cleanup_close_ int dfd = -1;
	bool created;
	int r;

	if ((size_t)snprintf(s->dir, sizeof(s->dir), "%s/pods/%s", s->ctx->root, s->pod->name) >=
	    sizeof(s->dir) - 64)
		return b_err_set(err, ENAMETOOLONG, "pod state path too long");
	snprintf(lock, sizeof(lock), "%s/lock", s->dir);
	/* Checked level by level: the leftovers of a stale directory are
	 * killed and removed on its word. */
	dfd = sv_state_dir_open(s->ctx->root, s->pod->name, true, &created, err);
	if (dfd < 0)
		return dfd;
	*recovered = !created;
	s->lock_fd = openat(dfd, "lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (s->lock_fd < 0)
		return b_err_sys(err, errno, "creating %s", lock);
	if (flock(s->lock_fd, LOCK_EX | LOCK_NB) < 0) {
		int e = errno;
		close(s->lock_fd);
		s->lock_fd = -1;
		if (e == EWOULDBLOCK)
			return b_err_set(err, EEXIST, "pod \"%s\" is already running (state directory %s)",
					 s->pod->name, s->dir);
		return b_err_sys(err, e, "locking %s", lock);
	}
	if (*recovered && (r = sv_cleanup_leftovers(s->ctx, s->pod->name, s->dir, dfd, err)) < 0) {
		/* Leave what could not be cleaned up as it is, for `pod rm`
		 * or a person to look at: no teardown of it. */
		close(s->lock_fd);
		s->lock_fd = -1;
		return r;
	}
	return 0;
}

static int init_ctrs(struct sv *s)
{
	const struct pod_spec *pod = s->pod;

	s->n_init = pod->n_init_containers;
	s->n = pod->n_init_containers + pod->n_containers;
	s->cs = calloc(s->n ? s->n : 1, sizeof(*s->cs));
	if (!s->cs)
		return -ENOMEM;
	for (size_t i = 0; i < s->n; i++) {
		struct sv_ctr *c = &s->cs[i];
		c->c = i < s->n_init ? &pod->init_containers[i] : &pod->containers[i - s->n_init];
		snprintf(c->id, sizeof(c->id), "%s_%s", pod->name, c->c->name);
		c->pidfd = c->log.fd = c->notify_fd = -1;
		c->out[0].fd = c->out[1].fd = -1;
		c->mem_limit = pod_memory_limit(c->c);
		if (sv_probes_init(s, c) < 0)
			return -ENOMEM;
	}
	return 0;
}

static void result(const struct sv *s, struct sv_result *res)
{
	res->stopped_by_signal = s->by_signal || s->by_request;
	res->all_succeeded = !s->failed;
	for (size_t i = 0; i < s->n; i++)
		if (!s->cs[i].c->sidecar && (!s->cs[i].exited || !s->cs[i].succeeded))
			res->all_succeeded = false;
}

int sv_pod_run(const struct rt_ctx *ctx, const struct pod_spec *pod,
	       const struct sv_opts *opts, struct sv_result *res, struct b_err *err)
{
	struct sv s = {
		.ctx = ctx, .pod = pod, .o = opts,
		.ns = { -1, -1, -1 }, .ep = -1, .sfd = -1, .tfd = -1, .lock_fd = -1, .ctl_fd = -1,
		.events = { .fd = -1 },
	};
	sigset_t set, old;
	bool recovered = false;
	int r;

	*res = (struct sv_result){ 0 };
	if (init_ctrs(&s) < 0)
		return b_err_set(err, ENOMEM, "out of memory");
	/* Blocked before anything is started, so no signal is lost; the
	 * container inits reset their mask. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, &old);

	r = claim_dir(&s, &recovered, err);
	if (r == 0)
		r = setup(&s, err);
	if (r == 0) {
		sv_simple_event(&s, "pod-started", NULL);
		if (recovered) {
			struct sv_ev ev = { .type = "recovered", .backoff_ms = -1,
					    .message = "removed what an earlier supervisor of this pod left" };
			sv_event(&s, &ev);
		}
		loop(&s);
	}
	if (s.lock_fd >= 0)
		teardown(&s);
	if (s.ep >= 0)
		close(s.ep);
	if (s.sfd >= 0)
		close(s.sfd);
	if (s.tfd >= 0)
		close(s.tfd);
	if (s.lock_fd >= 0)
		close(s.lock_fd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (r == 0 && s.fatal.code) {
		*err = s.fatal;
		r = -s.fatal.code;
	}
	if (r == 0)
		result(&s, res);
	for (size_t i = 0; i < s.n; i++)
		sv_probes_free(&s.cs[i]);
	sv_seccomp_free(&s);
	free(s.cs);
	return r;
}
