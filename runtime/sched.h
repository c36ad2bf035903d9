/* Per-process scheduling knobs: process.oomScoreAdj, process.ioPriority,
 * process.scheduler and linux.personality.  Each acts on the calling
 * process (the container child before exec). */
#pragma once

#include "common/error.h"
#include "specs/oci_config.h"

/* Write `adj` (-1000..1000) to /proc/self/oom_score_adj.  Lowering it below
 * the inherited minimum needs CAP_SYS_RESOURCE. */
int rt_oom_score_adj_apply(int adj, struct b_err *err);

/* ioprio_set(IOPRIO_WHO_PROCESS, 0, class/priority).  Class 1..3
 * (RT, BE, IDLE), priority 0..7. */
int rt_io_priority_apply(const struct oci_io_priority *p, struct b_err *err);

/* sched_setattr(0, ...) with policy, nice, priority, flags and the
 * SCHED_DEADLINE runtime/deadline/period (ns). */
int rt_scheduler_apply(const struct oci_scheduler *s, struct b_err *err);

/* personality(domain).  The spec defines no flags yet; any given are
 * ignored, as runc does (it only warns). */
int rt_personality_apply(const struct oci_personality *p, struct b_err *err);
