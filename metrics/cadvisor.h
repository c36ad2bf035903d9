/* The container_* families, with cAdvisor's names, units and meaning, from
 * a cgroup's statistics (cgroups/stats.h), so that dashboards and alerts
 * written against the kubelet's /metrics/cadvisor work on a berth host.
 * docs/metrics.md lists them and where berth differs. */
#pragma once

#include <stddef.h>

#include "cgroups/stats.h"
#include "common/textbuf.h"

/* One cgroup: a container (container = its name) or a pod (container ""). */
struct mx_cg_row {
	const char *namespace_, *pod, *container;
	const char *id;             /* the cgroup path from the cgroup2 root */
	const char *name;           /* the runtime container id, "" for a pod */
	const char *image;
	const struct cg_stats *st;
	double start_time;          /* Unix seconds of its start, 0: unknown */
};

/* Every family, each once, with a sample per row that has the data (a
 * family no row has is still declared).  Nothing is read here: the rows
 * carry the statistics. */
void mx_cadvisor(struct b_text *t, const struct mx_cg_row *rows, size_t n);
