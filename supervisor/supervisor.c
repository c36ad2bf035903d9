/* The pod supervisor's event loop: start order, exits, restarts with
 * backoff, graceful stop, logs, events and teardown. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
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
#include "specs/jsonw.h"
#include "supervisor/supervisor.h"

#define LOG_BUF 16384

enum cstate { CS_WAITING, CS_RUNNING, CS_BACKOFF, CS_DONE };
enum { EV_SIGNAL = 1, EV_TIMER, EV_PIDFD, EV_PIPE };

struct stream {
	int fd;
	size_t len;
	char buf[LOG_BUF];
};

struct ctr {
	const struct pod_container *c;
	char id[256];
	char dir[PATH_MAX];
	char cg[1024];              /* cgroup directory, "" when unknown */
	enum cstate st;
	bool created;               /* a runtime container exists */
	pid_t pid;
	int pidfd;
	pid_t prestop_pid;          /* a running preStop exec, 0 */
	struct stream out[2];
	int log_fd;
	int restarts;
	int64_t started_ms, restart_at_ms, next_delay_ms;
	bool exited, succeeded;
};

struct sv {
	const struct rt_ctx *ctx;
	const struct pod_spec *pod;
	const struct sv_opts *o;
	char dir[PATH_MAX];
	char pod_cg[1024];
	struct sv_pod_ns ns;
	int ep, sfd, tfd, ev_fd;
	struct ctr *cs;
	size_t n, n_init, init_next;
	bool main_started, stopping, by_signal, failed, killed, done;
	int stop_phase;
	int64_t grace_deadline;
	char pid_ns_path[64];       /* shareProcessNamespace: the namespace to join */
	struct ctr *pid_owner;      /* the container whose pid namespace that is */
	struct b_err fatal;
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void warn(struct sv *s, const struct b_err *e)
{
	if (s->o->on_warn)
		s->o->on_warn(s->o->ud, e);
}

/* ---- systemd notify -------------------------------------------------- */

static void sd_notify_msg(const char *msg)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	socklen_t len;
	_cleanup_close_ int fd = -1;

	if (!path || !*path || strlen(path) >= sizeof(sa.sun_path))
		return;
	memcpy(sa.sun_path, path, strlen(path));
	if (path[0] == '@')
		sa.sun_path[0] = '\0';
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path));
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd >= 0)
		(void)sendto(fd, msg, strlen(msg), MSG_NOSIGNAL, (struct sockaddr *)&sa, len);
}

/* ---- events ---------------------------------------------------------- */

struct ev {
	const char *type;
	const struct ctr *c;
	bool has_exit;
	int code, signal;
	const char *reason;
	int64_t backoff_ms;     /* < 0: none */
	const char *message;
};

static void wall_time(char *buf, size_t size)
{
	struct timespec ts;
	struct tm tm;
	size_t n;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, size - n, ".%09ldZ", ts.tv_nsec);
}

static void event(struct sv *s, const struct ev *e)
{
	_cleanup_(jw_freep) struct jw *w = jw_new(false);
	_cleanup_free_ char *out = NULL;
	char ts[64];
	size_t len;

	if (!w || s->ev_fd < 0)
		return;
	wall_time(ts, sizeof(ts));
	jw_obj_open(w);
	jw_kstr(w, "time", ts);
	jw_kstr(w, "type", e->type);
	jw_kstr(w, "pod", s->pod->name);
	if (e->c) {
		jw_kstr(w, "container", e->c->c->name);
		jw_kint(w, "restartCount", e->c->restarts);
	}
	if (e->has_exit) {
		if (e->code >= 0)
			jw_kint(w, "code", e->code);
		else
			jw_key(w, "code"), jw_null(w);
		jw_kint(w, "signal", e->signal);
		jw_kstr(w, "reason", e->reason);
	}
	if (e->backoff_ms >= 0)
		jw_kint(w, "backoffMs", e->backoff_ms);
	if (e->message)
		jw_kstr(w, "message", e->message);
	jw_obj_close(w);
	out = jw_finish(w, &len);
	if (!out)
		return;
	out[len] = '\n';   /* jw_finish leaves room for the NUL */
	(void)b_write_all(s->ev_fd, out, len + 1);
}

static void simple_event(struct sv *s, const char *type, const struct ctr *c)
{
	struct ev e = { .type = type, .c = c, .backoff_ms = -1 };

	event(s, &e);
}

/* ---- logs ------------------------------------------------------------ */

static void log_line(struct sv *s, struct ctr *c, int which, const char *line,
		     size_t len, bool partial)
{
	const char *stream = which ? "stderr" : "stdout";
	char ts[64], head[128];
	int hl;

	wall_time(ts, sizeof(ts));
	hl = snprintf(head, sizeof(head), "%s %s %s ", ts, stream, partial ? "P" : "F");
	if (c->log_fd >= 0) {
		_cleanup_free_ char *rec = malloc((size_t)hl + len + 1);
		if (rec) {
			memcpy(rec, head, (size_t)hl);
			memcpy(rec + hl, line, len);
			rec[(size_t)hl + len] = '\n';
			(void)b_write_all(c->log_fd, rec, (size_t)hl + len + 1);
		}
	}
	if (s->o->on_log)
		s->o->on_log(s->o->ud, c->c->name, stream, line, len, partial);
}

static void stream_close(struct sv *s, struct ctr *c, int which)
{
	struct stream *st = &c->out[which];

	if (st->fd < 0)
		return;
	if (st->len)
		log_line(s, c, which, st->buf, st->len, false);
	st->len = 0;
	epoll_ctl(s->ep, EPOLL_CTL_DEL, st->fd, NULL);
	close(st->fd);
	st->fd = -1;
}

/* Read what is there; returns true at EOF. */
static bool stream_read(struct sv *s, struct ctr *c, int which)
{
	struct stream *st = &c->out[which];

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
			log_line(s, c, which, st->buf + off, (size_t)(nl - st->buf - off), false);
			off = (size_t)(nl - st->buf) + 1;
		}
		if (off == 0 && st->len == sizeof(st->buf)) {
			log_line(s, c, which, st->buf, st->len, true);
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
static void send_term(struct sv *s, struct ctr *c);

static int start_ctr(struct sv *s, size_t i, struct b_err *err)
{
	struct ctr *c = &s->cs[i];
	struct sv_oci_ctx oc = { .pod = s->pod, .ns = &s->ns, .pod_dir = s->dir };
	struct rt_create_opts o;
	struct rt_created out = { .pidfd = -1, .console_master = -1 };
	struct oci_config *cfg = NULL;
	char merged[PATH_MAX + 8];
	int p[2][2] = { { -1, -1 }, { -1, -1 } };
	_cleanup_close_ int null_fd = -1;
	struct b_err ign = { 0 };
	int r;

	if (c->created) {
		rt_delete(s->ctx, c->id, true, &ign);
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
	if (s->pod->share_process_namespace && !c->c->init && s->pid_ns_path[0])
		oc.pid_ns_path = s->pid_ns_path;
	if ((r = sv_build_oci(&oc, c->c, &cfg, err)) < 0)
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
	r = rt_create_config(s->ctx, &o, cfg, NULL, &out, err);
	oci_config_free(cfg);
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
	r = rt_start(s->ctx, c->id, err);
	if (r < 0) {
		b_err_prefix(err, "container %s: starting", c->c->name);
		goto fail_started;
	}
	if (r > 0)
		warn(s, err);
	c->st = CS_RUNNING;
	c->started_ms = now_ms();
	if (s->pod->share_process_namespace && !c->c->init && !s->pid_ns_path[0])
{
		snprintf(s->pid_ns_path, sizeof(s->pid_ns_path), "/proc/%d/ns/pid", (int)c->pid);
		s->pid_owner = c;
	}
	simple_event(s, "container-started", c);
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
static void begin_stop(struct sv *s, bool by_signal);

static void start_or_fail(struct sv *s, size_t i)
{
	struct b_err e = { 0 };

	if (start_ctr(s, i, &e) < 0) {
		struct ev ev = { .type = "start-failed", .c = &s->cs[i], .backoff_ms = -1,
				 .message = e.msg };
		event(s, &ev);
		if (!s->fatal.code)
			s->fatal = e;
		s->cs[i].st = CS_DONE;
		s->cs[i].exited = true;
		s->failed = true;
		begin_stop(s, false);
	}
}

static bool restart_wanted(const struct sv *s, const struct ctr *c, bool ok)
{
	if (c->c->sidecar)
		return true;
	switch (s->pod->restart_policy) {
	case POD_RESTART_ALWAYS:
		return !c->c->init || !ok;
	case POD_RESTART_ON_FAILURE:
		return !ok;
	case POD_RESTART_NEVER:
		return false;
	}
	return false;
}

static void handle_exit(struct sv *s, struct ctr *c, int status)
{
	struct ev e = { .type = "exited", .c = c, .has_exit = true, .backoff_ms = -1 };
	struct b_err ign = { 0 };
	int64_t ran;
	bool ok;

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
	/* As Kubernetes reports it: a signal death is exit code 128+N
	 * (an OOM kill is 137), with the signal kept beside it. */
	e.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	e.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	ok = e.code == 0;
	if (c->cg[0] && cg_oom_kills(c->cg) > 0)
		e.reason = "OOMKilled";
	else
		e.reason = ok ? "Completed" : "Error";
	event(s, &e);
	c->exited = true;
	c->succeeded = ok;
	if (rt_delete(s->ctx, c->id, true, &ign) < 0)
		warn(s, &ign);
	c->created = false;
	memset(&ign, 0, sizeof(ign));
	if (sv_overlay_remove(c->dir, &ign) < 0)
		warn(s, &ign);
	ran = now_ms() - c->started_ms;
	if (s->stopping || !restart_wanted(s, c, ok) ||
	    (c->c->oom_policy == POD_OOM_STOP && !strcmp(e.reason, "OOMKilled"))) {
		c->st = CS_DONE;
		if (c->c->init && !c->c->sidecar && !ok && !s->stopping) {
			s->failed = true;
			begin_stop(s, false);
		}
		return;
	}
	/* The kubelet's crash-loop backoff: the first restart is immediate,
	 * the next waits `initial`, doubling up to `max`; a container that ran
	 * for `reset` starts over. */
	if (ran >= s->pod->backoff.reset_ms)
		c->next_delay_ms = 0;
	e = (struct ev){ .type = "restarting", .c = c, .backoff_ms = c->next_delay_ms };
	event(s, &e);
	c->st = CS_BACKOFF;
	c->restart_at_ms = now_ms() + c->next_delay_ms;
	if (c->next_delay_ms == 0)
		c->next_delay_ms = s->pod->backoff.initial_ms;
	else
		c->next_delay_ms = c->next_delay_ms * 2 > s->pod->backoff.max_ms ?
			s->pod->backoff.max_ms : c->next_delay_ms * 2;
}

static void reap(struct sv *s)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
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

static void send_term(struct sv *s, struct ctr *c)
{
	struct b_err e = { 0 };

	if (rt_kill(s->ctx, c->id, SIGTERM, false, &e) < 0 && e.code != ESRCH)
		warn(s, &e);
}

/* preStop (exec only) first, SIGTERM when it has finished (see reap());
 * both within the grace period, after which everything gets SIGKILL. */
static void term(struct sv *s, struct ctr *c)
{
	struct rt_exec_opts xo;
	struct rt_created out = { .pidfd = -1, .console_master = -1 };
	struct b_err e = { 0 };
	int null_fd;

	if (!c->c->pre_stop) {
		send_term(s, c);
		return;
	}
	null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	rt_exec_opts_init(&xo);
	xo.args = c->c->pre_stop;
	xo.stdio[0] = xo.stdio[1] = xo.stdio[2] = null_fd;
	if (rt_exec(s->ctx, c->id, &xo, &out, &e) < 0) {
		b_err_prefix(&e, "container %s: preStop", c->c->name);
		warn(s, &e);
		send_term(s, c);
	} else {
		c->prestop_pid = out.pid;
		simple_event(s, "prestop-started", c);
	}
	if (out.pidfd >= 0)
		close(out.pidfd);
	if (out.console_master >= 0)
		close(out.console_master);
	if (null_fd >= 0)
		close(null_fd);
}

static void begin_stop(struct sv *s, bool by_signal)
{
	if (by_signal)
		s->by_signal = true;
	if (s->stopping)
		return;
	s->stopping = true;
	sd_notify_msg("STOPPING=1");
	s->grace_deadline = now_ms() + s->pod->termination_grace_period_seconds * 1000;
	for (size_t i = 0; i < s->n; i++)
		if (s->cs[i].st == CS_BACKOFF || s->cs[i].st == CS_WAITING)
			s->cs[i].st = CS_DONE;
	s->stop_phase = 1;
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
		struct ctr *c = &s->cs[s->init_next];

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
		sd_notify_msg("READY=1");
	}
	for (size_t i = s->n_init; i < s->n; i++)
		if (s->cs[i].st != CS_DONE)
			return;
	begin_stop(s, false);
	progress(s);
}

static void on_timer(struct sv *s)
{
	int64_t now = now_ms();
	uint64_t ticks;

	(void)!read(s->tfd, &ticks, sizeof(ticks));
	if (s->stopping && !s->killed && now >= s->grace_deadline) {
		s->killed = true;
		for (size_t i = 0; i < s->n; i++)
			if (s->cs[i].st == CS_RUNNING) {
				struct b_err e = { 0 };
				if (rt_kill(s->ctx, s->cs[i].id, SIGKILL, true, &e) < 0 && e.code != ESRCH)
					warn(s, &e);
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
	int64_t next = -1;
	struct itimerspec its = { 0 };

	for (size_t i = 0; i < s->n; i++)
		if (s->cs[i].st == CS_BACKOFF && (next < 0 || s->cs[i].restart_at_ms < next))
			next = s->cs[i].restart_at_ms;
	if (s->stopping && !s->killed && (next < 0 || s->grace_deadline < next))
		next = s->grace_deadline;
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
			begin_stop(s, true);
	}
	reap(s);
}

/* ---- setup and teardown --------------------------------------------- */

static void teardown(struct sv *s)
{
	struct b_err e = { 0 };

	for (size_t i = 0; i < s->n; i++) {
		struct ctr *c = &s->cs[i];

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
		memset(&e, 0, sizeof(e));
		if (c->created && rt_delete(s->ctx, c->id, true, &e) < 0)
			warn(s, &e);
		memset(&e, 0, sizeof(e));
		if (sv_overlay_remove(c->dir, &e) < 0)
			warn(s, &e);
		if (c->log_fd >= 0)
			close(c->log_fd);
		c->log_fd = -1;
	}
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	sv_volumes_remove(s->pod, s->dir);
	if (s->ev_fd >= 0)
		close(s->ev_fd);
	s->ev_fd = -1;
	if (b_rm_rf(s->dir) < 0 && errno != ENOENT) {
		b_err_sys(&e, errno, "removing %s", s->dir);
		warn(s, &e);
	}
	if (s->pod_cg[0] && access(s->pod_cg, F_OK) == 0) {
		memset(&e, 0, sizeof(e));
		if (cg_destroy(s->pod_cg, &e) < 0)
			warn(s, &e);
	}
	sv_ns_close(&s->ns);
}

/* The pod-level cgroup: with a memory limit on every container it holds
 * their sum (memory.max); otherwise the runtime creates it as the parent
 * of the containers' cgroups.  Either way it is removed at the end. */
static int pod_cgroup(struct sv *s, struct b_err *err)
{
	struct cg_path cg;
	struct oci_resources res = { 0 };
	char rel[512];
	int fd = -1, r;
	bool all = s->n > 0;

	snprintf(rel, sizeof(rel), "/berth/pods/%s", s->pod->name);
	if (cg_resolve(rel, s->pod->name, false, &cg, err) < 0) {
		b_err_clear(err);
		return 0;   /* no cgroup2 here: the containers will say so */
	}
	snprintf(s->pod_cg, sizeof(s->pod_cg), "%s", cg.abs);
	for (size_t i = 0; i < s->n; i++) {
		const struct pod_container *c = s->cs[i].c;
		if (c->init && !c->sidecar)
			continue;
		if (!c->resources.memory_limit.set)
			all = false;
		else
			res.memory_limit += c->resources.memory_limit.value;
	}
	if (!all)
		return 0;
	res.has_memory_limit = true;
	if ((r = cg_create(&cg, &res, &fd, err)) < 0 ||
	    (r = cg_apply_resources(&cg, &res, err)) < 0) {
		if (fd >= 0)
			close(fd);
		return b_err_prefix(err, "pod cgroup %s", cg.rel);
	}
	close(fd);
	return 0;
}

static int setup(struct sv *s, struct b_err *err)
{
	char path[PATH_MAX + 64];
	sigset_t set;
	int r;
	const char *ld = s->o->log_dir ? s->o->log_dir : s->dir;

	if (s->o->log_dir && (r = b_mkdir_p(s->o->log_dir, 0755)) < 0)
		return b_err_sys(err, -r, "creating log directory %s", s->o->log_dir);

	for (size_t i = 0; i < s->n; i++) {
		struct ctr *c = &s->cs[i];
		struct cg_path cg;
		struct b_err ign = { 0 };
		char rel[512];

		if ((r = rt_validate_id(c->id, err)) < 0)
			return r;
		snprintf(c->dir, sizeof(c->dir), "%s/%s", s->dir, c->c->name);
		snprintf(rel, sizeof(rel), "/berth/pods/%s/%s", s->pod->name, c->c->name);
		if (cg_resolve(rel, c->id, false, &cg, &ign) == 0)
			snprintf(c->cg, sizeof(c->cg), "%s", cg.abs);
		snprintf(path, sizeof(path), "%s/%s.log", ld, c->c->name);
		c->log_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
		if (c->log_fd < 0)
			return b_err_sys(err, errno, "creating %s", path);
	}
	snprintf(path, sizeof(path), "%s/events.jsonl", ld);
	s->ev_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	if (s->ev_fd < 0)
		return b_err_sys(err, errno, "creating %s", path);
	if ((r = pod_cgroup(s, err)) < 0)
		return r;
	if ((r = sv_ns_create(s->pod, &s->ns, err)) < 0)
		return r;
	if ((r = sv_volumes_setup(s->pod, s->dir, err)) < 0)
		return r;
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		return b_err_sys(err, errno, "becoming the child subreaper");
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
	return 0;
}

static void loop(struct sv *s)
{
	progress(s);
	while (!s->done) {
		struct epoll_event evs[16];
		int n;

		schedule_check(s);
		n = epoll_wait(s->ep, evs, 16, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			b_err_sys(&s->fatal, errno, "epoll_wait");
			s->failed = true;
			break;
		}
		for (int k = 0; k < n; k++) {
			uint64_t d = evs[k].data.u64;
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
				/* The exit itself is collected by reap(); a pidfd
				 * of a process that is not (yet) our child must
				 * not keep firing. */
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
			}
		}
		progress(s);
	}
}

int sv_pod_run(const struct rt_ctx *ctx, const struct pod_spec *pod,
	       const struct sv_opts *opts, struct sv_result *res, struct b_err *err)
{
	struct sv s = {
		.ctx = ctx, .pod = pod, .o = opts,
		.ns = { -1, -1, -1 }, .ep = -1, .sfd = -1, .tfd = -1, .ev_fd = -1,
	};
	char pods[PATH_MAX];
	sigset_t set, old;
	int r;

	*res = (struct sv_result){ 0 };
	snprintf(pods, sizeof(pods), "%s/pods", ctx->root);
	if (strlen(pods) + strlen(pod->name) + 2 > sizeof(s.dir))
		return b_err_set(err, ENAMETOOLONG, "pod state path too long");
	strcpy(s.dir, pods);
	strcat(s.dir, "/");
	strcat(s.dir, pod->name);
	if ((r = b_mkdir_p(pods, 0711)) < 0)
		return b_err_sys(err, -r, "creating %s", pods);
	if (mkdir(s.dir, 0700) < 0) {
		if (errno == EEXIST)
			return b_err_set(err, EEXIST, "pod \"%s\" is already running (state directory %s exists)",
					 pod->name, s.dir);
		return b_err_sys(err, errno, "creating %s", s.dir);
	}
	s.n_init = pod->n_init_containers;
	s.n = pod->n_init_containers + pod->n_containers;
	s.cs = calloc(s.n ? s.n : 1, sizeof(*s.cs));
	if (!s.cs) {
		rmdir(s.dir);
		return b_err_set(err, ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < s.n; i++) {
		struct ctr *c = &s.cs[i];
		c->c = i < s.n_init ? &pod->init_containers[i] : &pod->containers[i - s.n_init];
		snprintf(c->id, sizeof(c->id), "%s_%s", pod->name, c->c->name);
		c->pidfd = c->log_fd = -1;
		c->out[0].fd = c->out[1].fd = -1;
	}
	/* Blocked before anything is started, so no signal is lost; the
	 * container inits reset their mask. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, &old);

	r = setup(&s, err);
	if (r == 0) {
		simple_event(&s, "pod-started", NULL);
		loop(&s);
		simple_event(&s, "stopped", NULL);
	}
	teardown(&s);
	if (s.ep >= 0)
		close(s.ep);
	if (s.sfd >= 0)
		close(s.sfd);
	if (s.tfd >= 0)
		close(s.tfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (r == 0 && s.fatal.code) {
		*err = s.fatal;
		r = -s.fatal.code;
	}
	if (r == 0) {
		res->stopped_by_signal = s.by_signal;
		res->all_succeeded = !s.failed;
		for (size_t i = 0; i < s.n; i++)
			if (!s.cs[i].c->sidecar && (!s.cs[i].exited || !s.cs[i].succeeded))
				res->all_succeeded = false;
	}
	free(s.cs);
	return r;
}
