/* Reading a cgroup's statistics (cpu.stat, memory.*, pids.*, io.stat,
 * hugetlb.*) into plain numbers.  Files a controller does not provide are
 * left out (has_* false), never an error. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cgroups/psi.h"
#include "common/error.h"

#define CG_MAX UINT64_MAX   /* "max" in a limit file */

struct cg_kv64 {
	char key[48];
	uint64_t value;
};

struct cg_io_dev {
	unsigned major, minor;
	uint64_t rbytes, wbytes, rios, wios;
};

struct cg_hugetlb {
	char size[16];
	uint64_t current, max, failcnt;
};

struct cg_stats {
	bool has_cpu;
	uint64_t cpu_usage_usec, cpu_user_usec, cpu_system_usec;
	uint64_t nr_periods, nr_throttled, throttled_usec;
	uint64_t cpu_quota_usec, cpu_period_usec;   /* cpu.max; quota CG_MAX: none */

	bool has_memory;
	uint64_t mem_current, mem_max, mem_peak, swap_current, swap_max;
	bool has_swap;              /* memory.swap.current is there (swap accounting) */
	uint64_t mem_events_high, mem_events_max, mem_events_oom, mem_events_oom_kill;
	uint64_t mem_events_oom_group_kill;
	struct cg_kv64 mem_stat[64];
	size_t n_mem_stat;

	bool has_procs;
	uint64_t n_procs;           /* lines of cgroup.procs: processes, not threads */

	struct cg_psi psi[CG_PSI_N];   /* present false: no PSI for this cgroup */

	bool has_pids;
	uint64_t pids_current, pids_max;

	struct cg_io_dev io[16];
	size_t n_io;

	struct cg_hugetlb hugetlb[4];
	size_t n_hugetlb;
};

int cg_stats_read(const char *abs, struct cg_stats *st, struct b_err *err);
/* Only some of it: the cpu, memory, pids and PSI files always, io.stat and
 * the hugetlb files (a directory scan) when asked for. */
enum { CG_STATS_IO = 1, CG_STATS_HUGETLB = 2 };
int cg_stats_read_parts(const char *abs, unsigned parts, struct cg_stats *st, struct b_err *err);
/* A memory.stat key's value; false when the kernel does not report it. */
bool cg_stats_mem_stat(const struct cg_stats *st, const char *key, uint64_t *v);
