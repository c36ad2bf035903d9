/* What resources.c implements for cgroup.c: controller bookkeeping, the
 * OCI -> v2 conversions, and the trace hook.  (cg_apply_resources, the
 * public part of resources.c, is in cgroup.h.) */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "cgroup.h"
#include "common/error.h"
#include "specs/oci_config.h"

enum cg_ctrl {
	CG_CPU, CG_CPUSET, CG_MEMORY, CG_PIDS, CG_IO, CG_HUGETLB, CG_RDMA, CG_MISC,
	CG_CTRL_COUNT
};

const char *cg_ctrl_name(unsigned ctrl);
/* -1 when the name is not a controller (e.g. "cgroup" for core files). */
int cg_ctrl_from_name(const char *name, size_t len);

/* Whether `word` appears as a space-separated word in `list`. */
bool cg_word_in(const char *list, const char *word);

/* Bitmask of controllers the resources need. */
unsigned cg_needed_controllers(const struct oci_resources *res);

/* Error naming the first controller in `need` that the hierarchy root
 * does not offer. */
int cg_check_available(const char *mount, unsigned need, struct b_err *err);

/* cpu.weight for OCI cpu.shares: the quadratic-in-log mapping runc >= 1.4
 * and crun >= 1.23 use (1024 -> 100, 2 -> 1, 262144 -> 10000). */
unsigned long long cg_shares_to_weight(unsigned long long shares);

/* io.weight for OCI blockIO weight (10..1000 -> 1..10000, as runc maps it);
 * 0 stays 0 (unset).  Exposed for tests. */
uint64_t cg_blkio_to_io_weight(uint64_t w);

/* The parts of cg_resolve and cg_path_from_abs that need no host, exposed
 * for tests.  Both take out->mount as set.  cg_resolve_rel: `self` is the
 * caller's own cgroup ("/" at the root), used only for a relative
 * cgroups_path.  cg_path_split: `abs` must lie below out->mount. */
int cg_resolve_rel(const char *cgroups_path, const char *id, const char *self,
		   struct cg_path *out, struct b_err *err);
int cg_path_split(const char *abs, struct cg_path *out, struct b_err *err);

/* cg->trace, formatted, when the caller set one (cg_path in cgroup.h). */
void cg_tracef(const struct cg_path *cg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
