/* The pod's state machine: what to do next in each pod state.  The loop
 * calls sv_progress() after every batch of events; each step either moves
 * the pod to another state (and the next state gets its turn at once) or
 * waits for an event. */
#include "supervisor/sv_internal.h"

static size_t n_alive(const struct sv *s, bool sidecars)
{
	size_t n = 0;

	for (size_t i = 0; i < s->n; i++)
		if (sv_alive(&s->cs[i]) && s->cs[i].c->sidecar == sidecars)
			n++;
	return n;
}

/* INITIALIZING -> RUNNING: every main container at once. */
static void start_main(struct sv *s)
{
	s->main_started = true;
	sv_pod_set_state(s, PS_RUNNING, "init containers done");
	for (size_t i = s->n_init; i < s->n && !sv_stopping(s); i++)
		sv_start_or_fail(s, i);
	if (sv_stopping(s))
		return;
	sv_probes_spread(s);
	if (s->o->on_ready)
		s->o->on_ready(s->o->ud);
}

/* Init containers one at a time, in order (sv_policy_init_step). */
static bool step_initializing(struct sv *s)
{
	while (s->init_next < s->n_init) {
		struct sv_ctr *c = &s->cs[s->init_next];

		switch (sv_policy_init_step(c->c, c->st, c->succeeded)) {
		case SV_INIT_START:
			sv_start_or_fail(s, s->init_next);
			if (sv_stopping(s))
				return true;
			break;
		case SV_INIT_NEXT:
			s->init_next++;
			break;
		case SV_INIT_WAIT:
			return false;
		}
	}
	start_main(s);
	return true;
}

/* RUNNING until every main container is done for good. */
static bool step_running(struct sv *s)
{
	for (size_t i = s->n_init; i < s->n; i++)
		if (s->cs[i].st != CS_DONE)
			return false;
	sv_begin_stop(s, false, "every container has finished");
	return true;
}

static bool step_stopping(struct sv *s)
{
	enum pstate next = sv_policy_stop_step(s->pst, n_alive(s, false), n_alive(s, true));

	if (next == s->pst)
		return false;
	if (next == PS_STOPPING_SIDECARS) {
		sv_pod_set_state(s, next, "no other container left");
		sv_stop_sidecars(s);
	} else {
		sv_pod_set_state(s, next, "no sidecar left");
	}
	return true;
}

/* One step; true when the pod's state changed and the next one must be
 * looked at now. */
static bool step(struct sv *s)
{
	switch (s->pst) {
	case PS_INITIALIZING:
		return step_initializing(s);
	case PS_RUNNING:
		return step_running(s);
	case PS_STOPPING_MAIN:
	case PS_STOPPING_SIDECARS:
		return step_stopping(s);
	case PS_DONE:
	case PS_N:
		break;
	}
	return false;
}

void sv_progress(struct sv *s)
{
	while (step(s))
		;
}
