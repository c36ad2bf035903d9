/* Controller bookkeeping shared by cgroup.c and resources.c. */
#pragma once

#include <stdbool.h>

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
