/* A container's init exited: RUNNING/TERMINATING -> EXITED, what the run
 * left is cleaned up, and the restart policy (sv_policy.c) decides
 * between BACKOFF and DONE. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "cgroups/cgroup.h"
#include "supervisor/sv_internal.h"

/* Pod-level memory.max = the sum of the containers' (current) limits,
 * when the pod cgroup has one (every container has a limit). */
void sv_pod_memory_update(struct sv *s)
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
	sv_pod_memory_update(s);
	return true;
}

static void record_term(struct sv_ctr *c, const struct sv_ev *e)
{
	c->last = (struct sv_term){ .set = true, .code = e->code, .signal = e->signal,
				    .reason = e->reason };
	memcpy(c->last.started_at, c->started_at, sizeof(c->started_at));
	sv_wall_time(c->last.finished_at, sizeof(c->last.finished_at), false);
	if (e->message)
		snprintf(c->last.message, sizeof(c->last.message), "%s", e->message);
}

/* Its last output and its process handles. */
static void drain_ctr(struct sv *s, struct sv_ctr *c)
{
	sv_streams_drain(s, c);
	sv_pidfd_close(s, c);
	sv_psi_disarm(s, c);
	c->pid = 0;
	if (s->pid_owner == c) {
		/* Its pid namespace is gone; the next main container to start
		 * creates the pod's new one. */
		s->pid_owner = NULL;
		s->pid_ns_path[0] = '\0';
	}
}

void sv_ctr_delete(struct sv *s, struct sv_ctr *c)
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

	sv_ctr_delete(s, c);
	if (sv_overlay_remove(c->dir, &e) < 0)
		sv_warn(s, &e);
	sv_ctr_drop_config(c);
}

/* Back off (sv_policy_backoff, the kubelet's curve), then start again. */
static void schedule_restart(struct sv *s, struct sv_ctr *c, int64_t ran)
{
	int64_t delay = sv_policy_backoff(&s->pod->backoff, &c->next_delay_ms, ran);
	struct sv_ev e = { .type = "restarting", .c = c, .backoff_ms = delay };

	c->backoff_ms = delay;
	c->restart_at_ms = sv_now_ms() + delay;
	sv_set_state(s, c, CS_BACKOFF, "exited, restart wanted", &e);
}

/* The "exited" event as Kubernetes reports the end of a run: a signal
 * death is exit code 128+N (an OOM kill is 137), the signal kept beside. */
static void exit_event(const struct sv_ctr *c, int status, bool oom, struct sv_ev *e)
{
	*e = (struct sv_ev){ .type = "exited", .c = c, .has_exit = true, .backoff_ms = -1 };
	e->code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	e->signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	e->reason = oom ? "OOMKilled" : c->unhealthy ? "Unhealthy" : e->code == 0 ? "Completed" : "Error";
	e->message = c->unhealthy && !oom ? c->term_message : NULL;
}

static void after_exit(struct sv *s, struct sv_ctr *c, struct sv_exit_facts *f)
{
	if (f->oom && c->c->oom_policy == POD_OOM_GROW && !f->stopping)
		f->grown = grow_memory(s, c);
	switch (sv_policy_after_exit(s->pod->restart_policy, c->c, f)) {
	case SV_AFTER_RESTART:
		schedule_restart(s, c, sv_now_ms() - c->started_ms);
		return;
	case SV_AFTER_FAIL_POD:
		sv_set_state(s, c, CS_DONE, "init container failed", NULL);
		s->failed = true;
		sv_begin_stop(s, false, "an init container failed");
		return;
	case SV_AFTER_DONE:
		sv_set_state(s, c, CS_DONE, f->stopping ? "exited, pod stopping" : "exited for good", NULL);
		return;
	}
}

static void handle_exit(struct sv *s, struct sv_ctr *c, int status)
{
	/* Read before remove_ctr() deletes the container and its cgroup,
	 * which is created afresh for every run. */
	bool oom = c->cg[0] && cg_oom_kills(c->cg) > 0;
	struct sv_exit_facts f = { .oom = oom, .stopping = sv_stopping(s) };
	struct sv_ev e;

	sv_probes_stop(s, c);
	drain_ctr(s, c);
	exit_event(c, status, oom, &e);
	record_term(c, &e);
	sv_set_state(s, c, CS_EXITED, oom ? "OOM-killed" : "its init exited", &e);
	if (oom)
		sv_simple_event(s, "oom-killed", c);
	/* After the event, so its time is the exit's, not the cleanup's. */
	remove_ctr(s, c);
	c->exited = true;
	c->succeeded = f.ok = e.code == 0;
	after_exit(s, c, &f);
}

/* A preStop exec finished: the stop signal follows. */
static bool prestop_reaped(struct sv *s, pid_t pid)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->cs[i].prestop_pid == pid) {
			s->cs[i].prestop_pid = 0;
			if (s->cs[i].st == CS_TERMINATING)
				sv_send_stop_signal(s, &s->cs[i]);
			return true;
		}
	return false;
}

void sv_reap(struct sv *s)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (sv_probe_reaped(s, pid, status) || prestop_reaped(s, pid))
			continue;
		for (size_t i = 0; i < s->n; i++)
			if (sv_alive(&s->cs[i]) && s->cs[i].pid == pid) {
				handle_exit(s, &s->cs[i], status);
				break;
			}
	}
}
