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

bool sv_policy_transition_legal(enum cstate from, enum cstate to)
{
	switch (from) {
	case CS_WAITING:
		return to == CS_RUNNING || to == CS_DONE;
	case CS_RUNNING:
		return to == CS_BACKOFF || to == CS_DONE;
	case CS_BACKOFF:
		return to == CS_RUNNING || to == CS_DONE;
	case CS_DONE:
		return false;
	}
	return false;
}

const char *sv_cstate_name(enum cstate st)
{
	switch (st) {
	case CS_WAITING:
		return "waiting";
	case CS_RUNNING:
		return "running";
	case CS_BACKOFF:
		return "backoff";
	case CS_DONE:
		return "done";
	}
	return "?";
}
