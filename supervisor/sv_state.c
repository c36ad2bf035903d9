/* The one place where a container's or the pod's state changes: the move
 * is checked against the tables in sv_policy.c, recorded, and announced.
 * docs/design/supervisor.md draws the diagram and says who moves what. */
#include <errno.h>

#include "supervisor/sv_internal.h"

void sv_set_state(struct sv *s, struct sv_ctr *c, enum cstate to, const char *why,
		  const struct sv_ev *ev)
{
	if (!sv_policy_transition_legal(c->st, to)) {
		struct b_err e = { 0 };
		b_err_set(&e, EINVAL, "container %s: illegal state change %s -> %s (%s): a bug in berth",
			  c->c->name, sv_cstate_name(c->st), sv_cstate_name(to), why);
		sv_warn(s, &e);
	}
	sv_trace(s, "container %s: %s -> %s (%s)", c->c->name, sv_cstate_name(c->st),
		 sv_cstate_name(to), why);
	c->st = to;
	c->st_since_ms = sv_now_ms();
	c->st_why = why;
	if (ev)
		sv_event(s, ev);
}

/* The pod's own moves that users hear about as events. */
static const char *const pod_events[PS_N] = {
	[PS_STOPPING_MAIN] = "stopping",
};

void sv_pod_set_state(struct sv *s, enum pstate to, const char *why)
{
	if (!sv_policy_pod_transition_legal(s->pst, to)) {
		struct b_err e = { 0 };
		b_err_set(&e, EINVAL, "pod %s: illegal state change %s -> %s (%s): a bug in berth",
			  s->pod->name, sv_pstate_name(s->pst), sv_pstate_name(to), why);
		sv_warn(s, &e);
	}
	sv_trace(s, "pod %s: %s -> %s (%s)", s->pod->name, sv_pstate_name(s->pst),
		 sv_pstate_name(to), why);
	s->pst = to;
	s->pst_since_ms = sv_now_ms();
	s->pst_why = why;
	if (to < PS_N && pod_events[to]) {
		struct sv_ev ev = { .type = pod_events[to], .backoff_ms = -1, .message = why };
		sv_event(s, &ev);
	}
}
