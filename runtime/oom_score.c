/* process.oomScoreAdj (oom_score.h). */
#include "oom_score.h"

#include <errno.h>
#include <stdio.h>

#include "common/fsutil.h"

int rt_oom_score_adj_apply(int adj, struct b_err *err)
{
	char buf[16];
	int n, rc;

	if (adj < -1000 || adj > 1000)
		return b_err_set(err, EINVAL, "oomScoreAdj %d is out of range (-1000..1000)", adj);
	n = snprintf(buf, sizeof(buf), "%d", adj);
	rc = b_write_file("/proc/self/oom_score_adj", buf, (size_t)n);
	if (rc == -EACCES || rc == -EPERM)
		return b_err_sys(err, -rc,
				 "oomScoreAdj %d: writing /proc/self/oom_score_adj (lowering it below the inherited value needs CAP_SYS_RESOURCE)",
				 adj);
	if (rc < 0)
		return b_err_sys(err, -rc, "oomScoreAdj %d: writing /proc/self/oom_score_adj", adj);
	return 0;
}
