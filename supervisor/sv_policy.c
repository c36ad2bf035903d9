/* The supervisor's decisions after an exit (see sv_policy.h). */
#include <math.h>

#include "supervisor/sv_policy.h"

bool sv_policy_restart_wanted(enum pod_restart_policy policy, const struct pod_container *c,
			      bool ok)
{
	if (c->sidecar)
		return true;
	switch (policy) {
	case POD_RESTART_ALWAYS:
		return !c->init || !ok;
	case POD_RESTART_ON_FAILURE:
		return !ok;
	case POD_RESTART_NEVER:
		return false;
	}
	return false;
}

int64_t sv_policy_grown_limit(const struct pod_oom_grow *g, int64_t limit)
{
	double want;
	int64_t next;

	if (!g->set || limit <= 0 || limit >= g->max_bytes)
		return 0;
	want = ceil((double)limit * g->factor);
	next = want >= (double)g->max_bytes ? g->max_bytes : (int64_t)want;
	next = (next + 4095) & ~(int64_t)4095;
	if (next > g->max_bytes)
		next = g->max_bytes;
	return next > limit ? next : 0;
}

enum sv_after_exit sv_policy_after_exit(enum pod_restart_policy policy,
					const struct pod_container *c,
					const struct sv_exit_facts *f)
{
	bool down = f->stopping || (!f->grown && !sv_policy_restart_wanted(policy, c, f->ok)) ||
		    (f->oom && c->oom_policy == POD_OOM_STOP);

	if (!down)
		return SV_AFTER_RESTART;
	/* A failed init container fails the pod, unless the pod was being
	 * stopped anyway (then the exit is the stop's doing). */
	if (c->init && !c->sidecar && !f->ok && !f->stopping)
		return SV_AFTER_FAIL_POD;
	return SV_AFTER_DONE;
}

int64_t sv_policy_backoff(const struct pod_backoff *b, int64_t *next_ms, int64_t ran_ms)
{
	int64_t now;

	if (ran_ms >= b->reset_ms)
		*next_ms = 0;
	now = *next_ms;
	if (*next_ms == 0)
		*next_ms = b->initial_ms;
	else
		*next_ms = *next_ms * 2 > b->max_ms ? b->max_ms : *next_ms * 2;
	return now;
}

/* [from][to]: the moves listed in sv_policy.h. */
static const bool ctr_moves[CS_N][CS_N] = {
	[CS_WAITING] = { [CS_STARTING] = true, [CS_DONE] = true },
	[CS_STARTING] = { [CS_RUNNING] = true, [CS_DONE] = true },
	[CS_RUNNING] = { [CS_TERMINATING] = true, [CS_EXITED] = true },
	[CS_TERMINATING] = { [CS_EXITED] = true },
	[CS_EXITED] = { [CS_BACKOFF] = true, [CS_DONE] = true },
	[CS_BACKOFF] = { [CS_STARTING] = true, [CS_DONE] = true },
};

static const char *const ctr_names[CS_N] = {
	[CS_WAITING] = "waiting", [CS_STARTING] = "starting", [CS_RUNNING] = "running",
	[CS_TERMINATING] = "terminating", [CS_EXITED] = "exited", [CS_BACKOFF] = "backoff",
	[CS_DONE] = "done",
};

bool sv_policy_transition_legal(enum cstate from, enum cstate to)
{
	return from < CS_N && to < CS_N && ctr_moves[from][to];
}

const char *sv_cstate_name(enum cstate st)
{
	return st < CS_N ? ctr_names[st] : "?";
}

bool sv_cstate_alive(enum cstate st)
{
	return st == CS_RUNNING || st == CS_TERMINATING;
}

static const bool pod_moves[PS_N][PS_N] = {
	[PS_INITIALIZING] = { [PS_RUNNING] = true, [PS_STOPPING_MAIN] = true },
	[PS_RUNNING] = { [PS_STOPPING_MAIN] = true },
	[PS_STOPPING_MAIN] = { [PS_STOPPING_SIDECARS] = true },
	[PS_STOPPING_SIDECARS] = { [PS_DONE] = true },
};

static const char *const pod_names[PS_N] = {
	[PS_INITIALIZING] = "initializing", [PS_RUNNING] = "running",
	[PS_STOPPING_MAIN] = "stopping-main", [PS_STOPPING_SIDECARS] = "stopping-sidecars",
	[PS_DONE] = "done",
};

bool sv_policy_pod_transition_legal(enum pstate from, enum pstate to)
{
	return from < PS_N && to < PS_N && pod_moves[from][to];
}

const char *sv_pstate_name(enum pstate st)
{
	return st < PS_N ? pod_names[st] : "?";
}

enum pstate sv_policy_stop_step(enum pstate st, size_t others_alive, size_t sidecars_alive)
{
	if (st == PS_STOPPING_MAIN && others_alive == 0)
		return PS_STOPPING_SIDECARS;
	if (st == PS_STOPPING_SIDECARS && sidecars_alive == 0)
		return PS_DONE;
	return st;
}

enum sv_init_step sv_policy_init_step(const struct pod_container *c, enum cstate st,
				      bool succeeded)
{
	if (st == CS_WAITING)
		return SV_INIT_START;
	/* A sidecar (restartPolicy Always init container) lets the next one
	 * start as soon as it was started; it keeps running beside them. */
	if (c->sidecar)
		return SV_INIT_NEXT;
	return st == CS_DONE && succeeded ? SV_INIT_NEXT : SV_INIT_WAIT;
}
