/* The supervisor's decisions after a container exits, as pure functions of
 * the pod spec and what happened: no I/O, no clock, no supervisor state.
 * supervisor.c acts on them; tests/unit/test_sv_policy.c tables them. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "specs/pod_spec.h"

/* A container's state in the supervisor.  Every change goes through
 * sv_set_state() (sv_state.c), which checks it against
 * sv_policy_transition_legal() and records when and why.
 *
 *   WAITING     -> STARTING     its turn came
 *   WAITING     -> DONE         the pod stopped first
 *   STARTING    -> RUNNING      created and started
 *   STARTING    -> DONE         could not start (the pod fails)
 *   RUNNING     -> TERMINATING  stop signal or preStop sent (pod stop, failed probe)
 *   RUNNING     -> EXITED       its init exited on its own
 *   TERMINATING -> EXITED       its init exited
 *   EXITED      -> BACKOFF      restart wanted
 *   EXITED      -> DONE         down for good
 *   BACKOFF     -> STARTING     the backoff delay passed
 *   BACKOFF     -> DONE         the pod stopped meanwhile
 * DONE is final.  STARTING and EXITED last only while the supervisor acts
 * (no event loop turn passes in them). */
enum cstate { CS_WAITING, CS_STARTING, CS_RUNNING, CS_TERMINATING, CS_EXITED, CS_BACKOFF,
	      CS_DONE, CS_N };

bool sv_policy_transition_legal(enum cstate from, enum cstate to);
const char *sv_cstate_name(enum cstate st);
/* A process of the container exists: RUNNING or TERMINATING. */
bool sv_cstate_alive(enum cstate st);

/* The pod's state.  Every change goes through sv_pod_set_state().
 *
 *   INITIALIZING      -> RUNNING            the init containers are through, the main ones started
 *   INITIALIZING      -> STOPPING_MAIN      stop asked, or an init container failed
 *   RUNNING           -> STOPPING_MAIN      stop asked, every main container done, or one failed to start
 *   STOPPING_MAIN     -> STOPPING_SIDECARS  no main or init container alive any more
 *   STOPPING_SIDECARS -> DONE               no sidecar alive any more
 */
enum pstate { PS_INITIALIZING, PS_RUNNING, PS_STOPPING_MAIN, PS_STOPPING_SIDECARS, PS_DONE, PS_N };

bool sv_policy_pod_transition_legal(enum pstate from, enum pstate to);
const char *sv_pstate_name(enum pstate st);

/* While stopping: the state the pod moves on to given how many non-sidecar
 * and sidecar containers are still alive (the same state: wait).  Sidecars
 * are stopped only after every other container has exited, as the kubelet
 * does, so that a main container can still use them while it shuts down. */
enum pstate sv_policy_stop_step(enum pstate st, size_t others_alive, size_t sidecars_alive);

/* Init containers run one at a time, in order.  For the current one: */
enum sv_init_step {
	SV_INIT_START,   /* start it */
	SV_INIT_WAIT,    /* it runs (or backs off): wait for it */
	SV_INIT_NEXT,    /* it is through (succeeded, or a sidecar that started): the next one */
};
enum sv_init_step sv_policy_init_step(const struct pod_container *c, enum cstate st,
				      bool succeeded);

/* Does restartPolicy want container `c` run again after an exit (`ok`:
 * exit code 0)?  Sidecars always restart; an init container that
 * succeeded is done even under Always. */
bool sv_policy_restart_wanted(enum pod_restart_policy policy, const struct pod_container *c,
			      bool ok);

/* oom-policy grow: the next limit after an OOM kill at `limit` bytes, the
 * limit times the factor, page aligned, never past the ceiling; 0 when it
 * cannot grow (no grow settings, no limit, already at the ceiling). */
int64_t sv_policy_grown_limit(const struct pod_oom_grow *g, int64_t limit);

struct sv_exit_facts {
	bool ok;         /* exit code 0 */
	bool oom;        /* OOM-killed this run */
	bool grown;      /* oom-policy grow raised the limit for the next run */
	bool stopping;   /* the pod is being stopped */
};

enum sv_after_exit {
	SV_AFTER_RESTART,   /* back off, then start again */
	SV_AFTER_DONE,      /* stays down; the pod goes on */
	SV_AFTER_FAIL_POD,  /* stays down and the pod fails (an init container) */
};

enum sv_after_exit sv_policy_after_exit(enum pod_restart_policy policy,
					const struct pod_container *c,
					const struct sv_exit_facts *f);

/* The kubelet's crash-loop backoff.  `next_ms` is the delay the next
 * restart would wait (0 for the first), `ran_ms` how long the run lasted:
 * a run of at least `reset` starts over.  Returns the delay to wait now
 * and updates *next_ms for the restart after it (initial, doubling up to
 * max). */
int64_t sv_policy_backoff(const struct pod_backoff *b, int64_t *next_ms, int64_t ran_ms);
