/* Startup, liveness and readiness probes, run the way the kubelet runs
 * them, inside the supervisor's event loop: exec probes are processes in
 * the container (in a child cgroup of its own, so a timeout kills the
 * whole tree), httpGet and tcpSocket are sockets the supervisor opens in
 * the pod's network namespace (probe_net.c).  Every probe is scheduled on
 * the monotonic clock from its own start time, so one slow probe never
 * shifts another and nothing drifts under load. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroups/cgroup.h"
#include "common/cleanup.h"
#include "specs/jsonw.h"
#include "common/utf8.h"
#include "supervisor/sv_internal.h"

#define PROBE_CGROUP "berth-probe"

static const char *const kind_names[SV_PROBE_N] = { "startup", "liveness", "readiness" };

static uint64_t probe_tag(size_t ctr, enum sv_probe_kind k)
{
	return sv_tag(EV_PROBE, ctr * SV_PROBE_N + k, 0);
}

static size_t ctr_index(const struct sv *s, const struct sv_ctr *c)
{
	return (size_t)(c - s->cs);
}

int sv_probes_init(struct sv *s, struct sv_ctr *c)
{
	const struct pod_probe *specs[SV_PROBE_N] = {
		c->c->startup, c->c->liveness, c->c->readiness,
	};

	(void)s;
	for (int k = 0; k < SV_PROBE_N; k++) {
		struct sv_probe *p;

		if (!specs[k])
			continue;
		p = calloc(1, sizeof(*p));
		if (!p)
			return -ENOMEM;
		p->spec = specs[k];
		p->kind = (enum sv_probe_kind)k;
		p->out_fd = -1;
		probe_net_init(&p->net);
		c->probes[k] = p;
	}
	return 0;
}

void sv_probes_free(struct sv_ctr *c)
{
	for (int k = 0; k < SV_PROBE_N; k++) {
		if (c->probes[k])
			probe_net_close(&c->probes[k]->net);
		free(c->probes[k]);
		c->probes[k] = NULL;
	}
	free(c->term_message);
	c->term_message = NULL;
}

/* ---- scheduling ------------------------------------------------------- */

/* Containers started together would probe in lockstep: 100 connects in
 * the same millisecond overflow a server's listen backlog, and the SYNs
 * dropped then time out.  Like the kubelet after its own start, the first
 * runs are spread over one period, here by the container's position. */
static int64_t spread(const struct sv *s, const struct sv_ctr *c, const struct sv_probe *p)
{
	int64_t period = (int64_t)p->spec->period_seconds * 1000;

	return s->n < 2 ? 0 : period * (int64_t)(c - s->cs) / (int64_t)s->n;
}

/* After starting many containers in one go (the loop was busy all that
 * time), the first runs of all their probes are due at once: spread them
 * over a period from now. */
void sv_probes_spread(struct sv *s)
{
	int64_t now = sv_now_ms();

	for (size_t i = 0; i < s->n; i++)
		for (int k = 0; k < SV_PROBE_N; k++) {
			struct sv_probe *p = s->cs[i].probes[k];
			int64_t at;

			if (!p || !p->active || p->running || p->n_results)
				continue;
			at = now + spread(s, &s->cs[i], p);
			if (p->next_ms < at)
				p->next_ms = at;
		}
}

static void activate(const struct sv *s, const struct sv_ctr *c, struct sv_probe *p,
		     int64_t now)
{
	int64_t first = c->started_ms + (int64_t)p->spec->initial_delay_seconds * 1000;

	(void)s;
	p->active = true;
	p->next_ms = first > now ? first : now;
	p->consec_fail = p->consec_ok = 0;
}

void sv_probes_start(struct sv *s, struct sv_ctr *c)
{
	int64_t now = sv_now_ms();

	c->unhealthy = false;
	c->kill_at_ms = 0;
	c->ready = false;
	c->notify_ready = false;
	c->startup_done = !c->probes[SV_PROBE_STARTUP];
	if (c->probes[SV_PROBE_STARTUP]) {
		activate(s, c, c->probes[SV_PROBE_STARTUP], now);
		return;
	}
	for (int k = SV_PROBE_LIVENESS; k < SV_PROBE_N; k++)
		if (c->probes[k])
			activate(s, c, c->probes[k], now);
}

static void end_run(struct sv *s, struct sv_probe *p)
{
	if (p->out_fd >= 0) {
		epoll_ctl(s->ep, EPOLL_CTL_DEL, p->out_fd, NULL);
		close(p->out_fd);
		p->out_fd = -1;
	}
	if (p->net.fd >= 0)
		epoll_ctl(s->ep, EPOLL_CTL_DEL, p->net.fd, NULL);
	probe_net_close(&p->net);
	p->running = false;
}

/* Kill a running exec probe's whole tree; its exit is reaped later. */
static void kill_exec(struct sv_ctr *c, struct sv_probe *p)
{
	char cg[1100];
	struct b_err ign = { 0 };

	if (!p->pid)
		return;
	if (c->cg[0]) {
		snprintf(cg, sizeof(cg), "%s/%s", c->cg, PROBE_CGROUP);
		(void)cg_kill_all(cg, &ign);
	}
	kill(p->pid, SIGKILL);
	p->timed_out = true;
}

void sv_probes_stop(struct sv *s, struct sv_ctr *c)
{
	for (int k = 0; k < SV_PROBE_N; k++) {
		struct sv_probe *p = c->probes[k];

		if (!p)
			continue;
		if (p->running) {
			kill_exec(c, p);
			end_run(s, p);
		}
		p->active = false;
	}
}

int64_t sv_probes_next(const struct sv *s)
{
	int64_t next = -1;

	for (size_t i = 0; i < s->n; i++) {
		const struct sv_ctr *c = &s->cs[i];

		if (c->st == CS_TERMINATING && c->kill_at_ms && (next < 0 || c->kill_at_ms < next))
			next = c->kill_at_ms;
		for (int k = 0; k < SV_PROBE_N; k++) {
			const struct sv_probe *p = c->probes[k];
			int64_t t;

			if (!p || !p->active)
				continue;
			t = p->running ? p->deadline_ms : p->next_ms;
			if (next < 0 || t < next)
				next = t;
		}
	}
	return next;
}

/* ---- results ---------------------------------------------------------- */

static void record(struct sv_probe *p, bool ok, const char *out, size_t len)
{
	struct sv_probe_result *r = &p->hist[p->n_results % SV_PROBE_HIST];
	size_t n = len < sizeof(r->output) - 1 ? len : sizeof(r->output) - 1;

	p->n_results++;
	sv_wall_time(r->time, sizeof(r->time), false);
	r->ok = ok;
	r->duration_ms = (int32_t)(sv_now_ms() - p->began_ms);
	if (ok)
		p->n_ok++;
	else
		p->n_failed++;
	p->dur_counts[mx_bucket_index(mx_def_buckets, MX_DEF_BUCKETS, r->duration_ms / 1000.0)]++;
	p->dur_sum += r->duration_ms / 1000.0;
	b_utf8_copy_text(r->output, out, n);
	n = len < sizeof(p->last_output) - 1 ? len : sizeof(p->last_output) - 1;
	b_utf8_copy_text(p->last_output, out, n);
}

/* Stop signal now, SIGKILL after the grace period (the probe's own
 * terminationGracePeriodSeconds, else the pod's); what the restart policy
 * makes of the exit is handle_exit's business. */
static void kill_unhealthy(struct sv *s, struct sv_ctr *c, struct sv_probe *p)
{
	int64_t grace = p->spec->has_termination_grace_period ?
		p->spec->termination_grace_period_seconds : s->pod->termination_grace_period_seconds;
	struct sv_ev e = { .type = "unhealthy", .c = c, .backoff_ms = -1, .message = p->last_output };
	struct b_err err = { 0 };
	char msg[SV_PROBE_OUT_MAX + 64];

	if (c->st != CS_RUNNING)
		return;
	c->unhealthy = true;
	c->kill_at_ms = sv_now_ms() + grace * 1000;
	snprintf(msg, sizeof(msg), "%s probe failed: %s", kind_names[p->kind], p->last_output);
	free(c->term_message);
	c->term_message = strdup(msg);
	sv_set_state(s, c, CS_TERMINATING,
		     p->kind == SV_PROBE_STARTUP ? "startup probe failed" : "liveness probe failed", &e);
	sv_probes_stop(s, c);
	if (rt_kill(s->ctx, c->id, SIGTERM, false, &err) < 0 && err.code != ESRCH)
		sv_warn(s, &err);
}

static void set_ready(struct sv *s, struct sv_ctr *c, bool ready)
{
	if (c->ready == ready)
		return;
	c->ready = ready;
	sv_simple_event(s, ready ? "ready" : "not-ready", c);
}

static void apply(struct sv *s, struct sv_ctr *c, struct sv_probe *p, bool ok)
{
	if (ok) {
		p->consec_ok++;
		p->consec_fail = 0;
	} else {
		struct sv_ev e = { .type = "probe-failed", .c = c, .backoff_ms = -1,
				   .message = p->last_output, .probe = kind_names[p->kind] };
		p->consec_fail++;
		p->consec_ok = 0;
		sv_event(s, &e);
	}
	switch (p->kind) {
	case SV_PROBE_STARTUP:
		if (ok) {
			p->active = false;
			c->startup_done = true;
			sv_simple_event(s, "started", c);
			for (int k = SV_PROBE_LIVENESS; k < SV_PROBE_N; k++)
				if (c->probes[k])
					activate(s, c, c->probes[k], sv_now_ms());
		} else if (p->consec_fail >= p->spec->failure_threshold) {
			kill_unhealthy(s, c, p);
		}
		break;
	case SV_PROBE_LIVENESS:
		if (!ok && p->consec_fail >= p->spec->failure_threshold)
			kill_unhealthy(s, c, p);
		break;
	case SV_PROBE_READINESS:
		if (ok && p->consec_ok >= p->spec->success_threshold)
			set_ready(s, c, true);
		else if (!ok && p->consec_fail >= p->spec->failure_threshold)
			set_ready(s, c, false);
		break;
	case SV_PROBE_N:
		break;
	}
}

static void finish(struct sv *s, struct sv_ctr *c, struct sv_probe *p, bool ok,
		   const char *out, size_t len)
{
	record(p, ok, out, len);
	end_run(s, p);
	apply(s, c, p, ok);
}

/* ---- running ---------------------------------------------------------- */

static int start_exec(struct sv *s, struct sv_ctr *c, struct sv_probe *p, struct b_err *err)
{
	struct rt_exec_opts xo;
	struct rt_created out = { .pidfd = -1, .console_master = -1 };
	_cleanup_close_ int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	int pp[2], r;
	struct epoll_event e = { .events = EPOLLIN, .data.u64 = probe_tag(ctr_index(s, c), p->kind) };

	if (null_fd < 0 || pipe2(pp, O_CLOEXEC | O_NONBLOCK) < 0)
		return b_err_sys(err, errno, "exec probe: pipe");
	rt_exec_opts_init(&xo);
	xo.args = p->spec->handler.command;
	xo.config = c->cfg;
	xo.seccomp = c->seccomp;
	xo.cwd = "/";
	xo.sub_cgroup = c->cg[0] ? PROBE_CGROUP : NULL;
	xo.stdio[0] = null_fd;
	xo.stdio[1] = xo.stdio[2] = pp[1];
	r = rt_exec(s->ctx, c->id, &xo, &out, err);
	close(pp[1]);
	if (out.pidfd >= 0)
		close(out.pidfd);
	if (r < 0) {
		close(pp[0]);
		return r;
	}
	p->pid = out.pid;
	p->timed_out = false;
	p->out_fd = pp[0];
	p->out_len = 0;
	if (epoll_ctl(s->ep, EPOLL_CTL_ADD, p->out_fd, &e) < 0) {
		close(p->out_fd);
		p->out_fd = -1;
	}
	return 0;
}

static void drain_exec(struct sv_probe *p)
{
	while (p->out_fd >= 0 && p->out_len < sizeof(p->out)) {
		ssize_t n = read(p->out_fd, p->out + p->out_len, sizeof(p->out) - p->out_len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		p->out_len += (size_t)n;
	}
}

static void start_net(struct sv *s, struct sv_ctr *c, struct sv_probe *p)
{
	struct b_err err = { 0 };
	struct epoll_event e = { .data.u64 = probe_tag(ctr_index(s, c), p->kind) };
	int r = probe_net_start(&p->net, &p->spec->handler, s->ns.net, &err);
	const char *msg;

	if (r == -ENOTRECOVERABLE) {
		/* Stuck in the pod's network namespace: nothing the supervisor
		 * does from here on can be trusted. */
		sv_fatal(s, c, &err);
		return;
	}
	if (r < 0) {
		finish(s, c, p, false, err.msg, strlen(err.msg));
		return;
	}
	if (r == PROBE_PENDING) {
		e.events = p->net.events;
		if (epoll_ctl(s->ep, EPOLL_CTL_ADD, p->net.fd, &e) == 0)
			return;
		r = (int)probe_net_timeout(&p->net);
	}
	msg = probe_net_message(&p->net);
	finish(s, c, p, r == PROBE_SUCCESS, msg, strlen(msg));
}

static void run_probe(struct sv *s, struct sv_ctr *c, struct sv_probe *p, int64_t now)
{
	struct b_err err = { 0 };
	int r;

	p->running = true;
	p->began_ms = now;
	p->deadline_ms = now + (int64_t)p->spec->timeout_seconds * 1000;
	if (p->spec->handler.kind != POD_HANDLER_EXEC) {
		start_net(s, c, p);
		return;
	}
	r = start_exec(s, c, p, &err);
	if (r == -RT_EXEC_PIDNS_STUCK) {
		b_err_prefix(&err, "container %s: %s probe", c->c->name, kind_names[p->kind]);
		sv_fatal(s, c, &err);
	} else if (r < 0) {
		finish(s, c, p, false, err.msg, strlen(err.msg));
	}
}

/* The loop may have been busy (starting containers) past a deadline while
 * the probe's answer was already there: look before calling it a timeout,
 * so a stall of the supervisor is never blamed on the container. */
static bool answered_meanwhile(struct sv *s, struct sv_ctr *c, struct sv_probe *p)
{
	if (p->spec->handler.kind == POD_HANDLER_EXEC) {
		int st;

		if (p->pid <= 0 || waitpid(p->pid, &st, WNOHANG) != p->pid)
			return false;
		return sv_probe_reaped(s, p->pid, st);
	}
	for (int i = 0; i < 8 && p->running && p->net.fd >= 0; i++) {
		struct pollfd pf = { .fd = p->net.fd, .events = (short)p->net.events };
		enum probe_outcome o;
		const char *m;

		if (poll(&pf, 1, 0) <= 0)
			return false;
		o = probe_net_step(&p->net, (uint32_t)pf.revents);
		if (o != PROBE_PENDING) {
			m = probe_net_message(&p->net);
			finish(s, c, p, o == PROBE_SUCCESS, m, strlen(m));
			return true;
		}
	}
	return false;
}

static void timeout(struct sv *s, struct sv_ctr *c, struct sv_probe *p)
{
	char msg[96];
	const char *m;

	if (answered_meanwhile(s, c, p))
		return;
	if (p->spec->handler.kind == POD_HANDLER_EXEC) {
		drain_exec(p);
		kill_exec(c, p);
		snprintf(msg, sizeof(msg), "command timed out after %ds",
			 (int)p->spec->timeout_seconds);
		finish(s, c, p, false, msg, strlen(msg));
		return;
	}
	probe_net_timeout(&p->net);
	m = probe_net_message(&p->net);
	finish(s, c, p, false, m, strlen(m));
}

static void unhealthy_deadline(struct sv *s, struct sv_ctr *c, int64_t now)
{
	struct b_err e = { 0 };

	if (c->st != CS_TERMINATING || !c->kill_at_ms || now < c->kill_at_ms)
		return;
	c->kill_at_ms = 0;
	if (rt_kill(s->ctx, c->id, SIGKILL, true, &e) < 0 && e.code != ESRCH)
		sv_warn(s, &e);
}

void sv_probes_timer(struct sv *s, int64_t now)
{
	for (size_t i = 0; i < s->n; i++) {
		struct sv_ctr *c = &s->cs[i];

		unhealthy_deadline(s, c, now);
		for (int k = 0; k < SV_PROBE_N && c->st == CS_RUNNING && !sv_stopping(s); k++) {
			struct sv_probe *p = c->probes[k];

			if (!p || !p->active)
				continue;
			if (p->running && now >= p->deadline_ms)
				timeout(s, c, p);
			if (!p->active || p->running || now < p->next_ms)
				continue;
			/* Periods count from the schedule, not from when the
			 * loop got here: no drift, and missed slots are
			 * skipped rather than run in a burst. */
			while (p->next_ms <= now)
				p->next_ms += (int64_t)p->spec->period_seconds * 1000;
			run_probe(s, c, p, now);
		}
	}
}

void sv_probe_io(struct sv *s, size_t tag, uint32_t revents)
{
	size_t i = tag / SV_PROBE_N;
	int k = (int)(tag % SV_PROBE_N);
	struct sv_ctr *c;
	struct sv_probe *p;
	enum probe_outcome o;
	uint32_t was;
	const char *m;

	if (i >= s->n || !(p = s->cs[i].probes[k]) || !p->running)
		return;
	c = &s->cs[i];
	if (p->spec->handler.kind == POD_HANDLER_EXEC) {
		/* Output only; the exit decides (sv_probe_reaped). */
		drain_exec(p);
		if (p->out_len == sizeof(p->out) || (revents & (EPOLLHUP | EPOLLERR))) {
			epoll_ctl(s->ep, EPOLL_CTL_DEL, p->out_fd, NULL);
			close(p->out_fd);
			p->out_fd = -1;
		}
		return;
	}
	was = p->net.events;
	o = probe_net_step(&p->net, revents);
	if (o == PROBE_PENDING) {
		if (p->net.events != was) {
			struct epoll_event e = { .events = p->net.events,
						 .data.u64 = probe_tag(i, (enum sv_probe_kind)k) };
			epoll_ctl(s->ep, EPOLL_CTL_MOD, p->net.fd, &e);
		}
		return;
	}
	m = probe_net_message(&p->net);
	finish(s, c, p, o == PROBE_SUCCESS, m, strlen(m));
}

bool sv_probe_reaped(struct sv *s, pid_t pid, int status)
{
	for (size_t i = 0; i < s->n; i++)
		for (int k = 0; k < SV_PROBE_N; k++) {
			struct sv_probe *p = s->cs[i].probes[k];
			bool ok;

			if (!p || p->pid != pid)
				continue;
			p->pid = 0;
			if (p->timed_out || !p->running)
				return true;   /* already counted as a failure */
			drain_exec(p);
			ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
			if (!ok && !p->out_len) {
				int n = WIFEXITED(status) ?
					snprintf(p->out, sizeof(p->out), "exit code %d", WEXITSTATUS(status)) :
					snprintf(p->out, sizeof(p->out), "killed by signal %d", WTERMSIG(status));
				p->out_len = (size_t)n;
			}
			finish(s, &s->cs[i], p, ok, p->out, p->out_len);
			return true;
		}
	return false;
}

/* ---- status ----------------------------------------------------------- */

static void write_probe(struct jw *w, const struct sv_probe *p)
{
	unsigned n = p->n_results < SV_PROBE_HIST ? p->n_results : SV_PROBE_HIST;

	jw_key(w, kind_names[p->kind]);
	jw_obj_open(w);
	jw_kint(w, "consecutiveFailures", p->consec_fail);
	jw_kint(w, "consecutiveSuccesses", p->consec_ok);
	jw_key(w, "results");
	jw_arr_open(w);
	/* Newest first. */
	for (unsigned j = 0; j < n; j++) {
		const struct sv_probe_result *r = &p->hist[(p->n_results - 1 - j) % SV_PROBE_HIST];

		jw_obj_open(w);
		jw_kstr(w, "time", r->time);
		jw_kstr(w, "outcome", r->ok ? "success" : "failure");
		jw_kint(w, "durationMs", r->duration_ms);
		jw_kstr(w, "output", r->output);
		jw_obj_close(w);
	}
	jw_arr_close(w);
	jw_obj_close(w);
}

void sv_write_probes(struct jw *w, const struct sv_ctr *c)
{
	jw_key(w, "probes");
	jw_obj_open(w);
	for (int k = 0; k < SV_PROBE_N; k++)
		if (c->probes[k])
			write_probe(w, c->probes[k]);
	jw_obj_close(w);
}
