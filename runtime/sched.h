/* Per-process scheduling knobs: process.ioPriority and process.scheduler.
 * Each acts on the calling process (the container child before exec). */
#pragma once

#include "common/error.h"
#include "specs/oci_config.h"
/* Only for runtime/exec.c, which includes this header for
 * rt_oom_score_adj_apply: drop once it includes oom_score.h itself. */
#include "oom_score.h"

/* ioprio_set(IOPRIO_WHO_PROCESS, 0, class/priority).  Class 1..3
 * (RT, BE, IDLE), priority 0..7. */
int rt_io_priority_apply(const struct oci_io_priority *p, struct b_err *err);

/* sched_setattr(0, ...) with policy, nice, priority, flags and the
 * SCHED_DEADLINE runtime/deadline/period (ns). */
int rt_scheduler_apply(const struct oci_scheduler *s, struct b_err *err);
