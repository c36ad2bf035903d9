/* The supervisor's decisions after a container exits, as pure functions of
 * the pod spec and what happened: no I/O, no clock, no supervisor state.
 * supervisor.c acts on them; tests/unit/test_sv_policy.c tables them. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "specs/pod_spec.h"

/* A container's state in the supervisor.  Every change goes through
 * sv_set_state() (supervisor.c), which checks it against
 * sv_policy_transition_legal() and records when and why. */
enum cstate { CS_WAITING, CS_RUNNING, CS_BACKOFF, CS_DONE };

/*   WAITING -> RUNNING   started
 *   WAITING -> DONE      could not start, or the pod stopped first
 *   RUNNING -> BACKOFF   exited, restart wanted
 *   RUNNING -> DONE      exited for good
 *   BACKOFF -> RUNNING   restarted
 *   BACKOFF -> DONE      could not restart, or the pod stopped meanwhile
 * DONE is final. */
bool sv_policy_transition_legal(enum cstate from, enum cstate to);
const char *sv_cstate_name(enum cstate st);

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
