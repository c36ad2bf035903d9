/* process.oomScoreAdj, for the calling process (the container child before
 * exec, or the process of `berth exec`). */
#pragma once

#include "common/error.h"

/* Write `adj` (-1000..1000) to /proc/self/oom_score_adj.  Lowering it below
 * the inherited minimum needs CAP_SYS_RESOURCE. */
int rt_oom_score_adj_apply(int adj, struct b_err *err);
