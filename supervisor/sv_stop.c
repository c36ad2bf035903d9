/* Stopping: a container goes RUNNING -> TERMINATING (preStop, then the
 * stop signal, SIGKILL when the grace period runs out); the pod goes to
 * STOPPING_MAIN, then (sv_progress.c) STOPPING_SIDECARS and DONE. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "supervisor/sv_internal.h"

void sv_send_stop_signal(struct sv *s, struct sv_ctr *c)
{
	struct b_err e = { 0 };

	if (rt_kill(s->ctx, c->id, SIGTERM, false, &e) < 0 && e.code != ESRCH)
		sv_warn(s, &e);
}

/* preStop (exec only) in the container; returns whether it runs.  The
 * stop signal follows when it has been reaped (sv_exit.c). */
static bool run_prestop(struct sv *s, struct sv_ctr *c)
{
	struct rt_exec_opts xo;
	struct rt_created out = { .pidfd = -1, .console_master = -1 };
	struct b_err e = { 0 };
	int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC), r;

	rt_exec_opts_init(&xo);
	xo.args = c->c->pre_stop;
	xo.config = c->cfg;
	xo.seccomp = c->seccomp;
	xo.stdio[0] = xo.stdio[1] = xo.stdio[2] = null_fd;
	r = rt_exec(s->ctx, c->id, &xo, &out, &e);
	if (r < 0) {
		b_err_prefix(&e, "container %s: preStop", c->c->name);
		if (r == -RT_EXEC_PIDNS_STUCK)
			sv_fatal(s, c, &e);
		else
			sv_warn(s, &e);
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
	return r >= 0;
}

/* Both the preStop and the stop signal count against the pod's grace
 * period, after which everything left gets SIGKILL (sv_grace_check). */
void sv_terminate(struct sv *s, struct sv_ctr *c)
{
	if (c->st != CS_RUNNING)
		return;   /* already terminating: a failed probe got there first */
	sv_set_state(s, c, CS_TERMINATING, "pod stopping", NULL);
	if (!c->c->pre_stop || !run_prestop(s, c))
		sv_send_stop_signal(s, c);
}

void sv_begin_stop(struct sv *s, bool by_signal, const char *why)
{
	char msg[64];

	/* SIGTERM during a restart's stop: the pod stops for good. */
	if (by_signal) {
		s->by_signal = true;
		sv_cancel_restart(s);
	}
	if (sv_stopping(s))
		return;
	/* A restart is a reload for systemd: the unit stays active, and the
	 * next run's READY=1 ends it (STOPPING=1 would have systemd wait
	 * for the exit and kill the supervisor at TimeoutStopSec). */
	snprintf(msg, sizeof(msg), "RELOADING=1\nMONOTONIC_USEC=%lld\nSTATUS=Restarting",
		 (long long)sv_now_ms() * 1000);
	sv_notify(s->restart_requested ? msg : "STOPPING=1");
	s->grace_deadline = sv_now_ms() + s->pod->termination_grace_period_seconds * 1000;
	sv_pod_set_state(s, PS_STOPPING_MAIN, why);
	for (size_t i = 0; i < s->n; i++)
		if (s->cs[i].st == CS_BACKOFF || s->cs[i].st == CS_WAITING)
			sv_set_state(s, &s->cs[i], CS_DONE, "pod stopping", NULL);
	/* As the kubelet: no probing of containers being stopped. */
	for (size_t i = 0; i < s->n; i++)
		sv_probes_stop(s, &s->cs[i]);
	for (size_t i = 0; i < s->n; i++)
		if (!s->cs[i].c->sidecar)
			sv_terminate(s, &s->cs[i]);
}

void sv_cancel_restart(struct sv *s)
{
	if (!s->restart_requested)
		return;
	s->restart_requested = false;
	sv_notify("STOPPING=1");   /* systemd had RELOADING=1 */
}

/* Sidecars last, in the reverse of their start order. */
void sv_stop_sidecars(struct sv *s)
{
	for (size_t i = s->n; i-- > 0;)
		if (s->cs[i].c->sidecar)
			sv_terminate(s, &s->cs[i]);
}

void sv_grace_check(struct sv *s, int64_t now)
{
	if (!sv_stopping(s) || s->killed || now < s->grace_deadline)
		return;
	s->killed = true;
	sv_trace(s, "pod %s: grace period over, SIGKILL to what is left", s->pod->name);
	for (size_t i = 0; i < s->n; i++)
		if (sv_alive(&s->cs[i])) {
			struct b_err e = { 0 };
			if (rt_kill(s->ctx, s->cs[i].id, SIGKILL, true, &e) < 0 && e.code != ESRCH)
				sv_warn(s, &e);
		}
}
