/* Reading a cgroup's statistics (cpu.stat, memory.*, pids.*, io.stat,
 * hugetlb.*) into plain numbers.  Files a controller does not provide are
 * left out (has_* false), never an error. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

	bool has_memory;
	uint64_t mem_current, mem_max, mem_peak, swap_current, swap_max;
	uint64_t mem_events_max, mem_events_oom, mem_events_oom_kill;
	struct cg_kv64 mem_stat[64];
	size_t n_mem_stat;

	bool has_pids;
	uint64_t pids_current, pids_max;

	struct cg_io_dev io[16];
	size_t n_io;

	struct cg_hugetlb hugetlb[4];
	size_t n_hugetlb;
};

int cg_stats_read(const char *abs, struct cg_stats *st, struct b_err *err);
