#include "metrics/cadvisor.h"

#include <stdbool.h>

#include "metrics/expo.h"

typedef bool (*cg_get)(const struct cg_stats *st, double *v);

struct cg_family {
	const char *name;
	enum mx_type type;
	const char *help;
	cg_get get;
};

static bool cpu_usage(const struct cg_stats *st, double *v) { *v = st->cpu_usage_usec / 1e6; return st->has_cpu; }
static bool cpu_user(const struct cg_stats *st, double *v) { *v = st->cpu_user_usec / 1e6; return st->has_cpu; }
static bool cpu_system(const struct cg_stats *st, double *v) { *v = st->cpu_system_usec / 1e6; return st->has_cpu; }

/* As cAdvisor: the CFS families only where a quota is set. */
static bool quota_set(const struct cg_stats *st) { return st->has_cpu && st->cpu_quota_usec != CG_MAX; }
static bool cfs_periods(const struct cg_stats *st, double *v) { *v = (double)st->nr_periods; return quota_set(st); }
static bool cfs_throttled(const struct cg_stats *st, double *v) { *v = (double)st->nr_throttled; return quota_set(st); }
static bool cfs_throttled_s(const struct cg_stats *st, double *v) { *v = st->throttled_usec / 1e6; return quota_set(st); }
static bool cpu_quota(const struct cg_stats *st, double *v) { *v = (double)st->cpu_quota_usec; return quota_set(st); }
static bool cpu_period(const struct cg_stats *st, double *v) { *v = (double)st->cpu_period_usec; return quota_set(st); }

static bool mem_usage(const struct cg_stats *st, double *v) { *v = (double)st->mem_current; return st->has_memory; }

static bool mem_stat(const struct cg_stats *st, const char *key, double *v)
{
	uint64_t x = 0;
	bool ok = st->has_memory && cg_stats_mem_stat(st, key, &x);

	*v = (double)x;
	return ok;
}

/* What the kubelet evicts on and `kubectl top` shows: usage less the
 * page cache the kernel can drop at once, never below zero. */
static bool mem_working_set(const struct cg_stats *st, double *v)
{
	uint64_t inactive = 0;

	if (!st->has_memory)
		return false;
	cg_stats_mem_stat(st, "inactive_file", &inactive);
	*v = st->mem_current > inactive ? (double)(st->mem_current - inactive) : 0;
	return true;
}

static bool mem_rss(const struct cg_stats *st, double *v) { return mem_stat(st, "anon", v); }
static bool mem_cache(const struct cg_stats *st, double *v) { return mem_stat(st, "file", v); }
static bool mem_mapped(const struct cg_stats *st, double *v) { return mem_stat(st, "file_mapped", v); }
static bool mem_swap(const struct cg_stats *st, double *v) { *v = (double)st->swap_current; return st->has_memory && st->has_swap; }
static bool mem_peak(const struct cg_stats *st, double *v) { *v = (double)st->mem_peak; return st->has_memory && st->mem_peak; }

/* cAdvisor exports "no limit" as 0. */
static bool mem_limit(const struct cg_stats *st, double *v)
{
	*v = st->mem_max == CG_MAX ? 0 : (double)st->mem_max;
	return st->has_memory;
}

/* One per OOM kill event: with memory.oom.group (berth sets it on every
 * limited container) one event kills every process of the container and
 * oom_kill counts each of them, oom_group_kill the event. */
static bool oom_kills(const struct cg_stats *st, double *v)
{
	*v = (double)(st->mem_events_oom_group_kill ? st->mem_events_oom_group_kill : st->mem_events_oom_kill);
	return st->has_memory;
}
static bool processes(const struct cg_stats *st, double *v) { *v = (double)st->n_procs; return st->has_procs; }

static bool psi_total(const struct cg_stats *st, enum cg_psi_res r, bool full, double *v)
{
	const struct cg_psi_line *l = full ? &st->psi[r].full : &st->psi[r].some;

	*v = l->total_us / 1e6;
	return st->psi[r].present && l->set;
}

static bool cpu_waiting(const struct cg_stats *st, double *v) { return psi_total(st, CG_PSI_CPU, false, v); }
static bool cpu_stalled(const struct cg_stats *st, double *v) { return psi_total(st, CG_PSI_CPU, true, v); }
static bool mem_waiting(const struct cg_stats *st, double *v) { return psi_total(st, CG_PSI_MEMORY, false, v); }
static bool mem_stalled(const struct cg_stats *st, double *v) { return psi_total(st, CG_PSI_MEMORY, true, v); }
static bool io_waiting(const struct cg_stats *st, double *v) { return psi_total(st, CG_PSI_IO, false, v); }
static bool io_stalled(const struct cg_stats *st, double *v) { return psi_total(st, CG_PSI_IO, true, v); }

static const struct cg_family families[] = {
	{ "container_cpu_usage_seconds_total", MX_COUNTER, "CPU time consumed, in seconds (cpu.stat usage_usec; one cpu=\"total\" series: cgroup v2 has no per-CPU figures).", cpu_usage },
	{ "container_cpu_user_seconds_total", MX_COUNTER, "CPU time consumed in user mode, in seconds.", cpu_user },
	{ "container_cpu_system_seconds_total", MX_COUNTER, "CPU time consumed in kernel mode, in seconds.", cpu_system },
	{ "container_cpu_cfs_periods_total", MX_COUNTER, "Enforcement periods elapsed under a CPU quota.", cfs_periods },
	{ "container_cpu_cfs_throttled_periods_total", MX_COUNTER, "Periods in which the container was throttled by its CPU quota.", cfs_throttled },
	{ "container_cpu_cfs_throttled_seconds_total", MX_COUNTER, "Time the container was throttled by its CPU quota, in seconds.", cfs_throttled_s },
	{ "container_memory_usage_bytes", MX_GAUGE, "Memory in use, page cache included (memory.current).", mem_usage },
	{ "container_memory_working_set_bytes", MX_GAUGE, "Memory in use less inactive page cache: what an OOM kill is measured against.", mem_working_set },
	{ "container_memory_rss", MX_GAUGE, "Anonymous memory, in bytes (memory.stat anon).", mem_rss },
	{ "container_memory_cache", MX_GAUGE, "Page cache, in bytes (memory.stat file).", mem_cache },
	{ "container_memory_mapped_file", MX_GAUGE, "Mapped files, in bytes (memory.stat file_mapped).", mem_mapped },
	{ "container_memory_swap", MX_GAUGE, "Swap in use, in bytes (memory.swap.current).", mem_swap },
	{ "container_memory_max_usage_bytes", MX_GAUGE, "Highest memory use recorded, in bytes (memory.peak).", mem_peak },
	{ "container_spec_memory_limit_bytes", MX_GAUGE, "Memory limit in bytes (memory.max); 0 when unlimited.", mem_limit },
	{ "container_spec_cpu_quota", MX_GAUGE, "CPU quota in microseconds per period (cpu.max); absent when unlimited.", cpu_quota },
	{ "container_spec_cpu_period", MX_GAUGE, "CPU quota period in microseconds (cpu.max).", cpu_period },
	{ "container_oom_events_total", MX_COUNTER, "OOM kills: memory.events oom_group_kill (one per kill of a whole container), else oom_kill (one per process); cAdvisor reads the kernel log instead.", oom_kills },
	{ "container_processes", MX_GAUGE, "Processes in the cgroup (cgroup.procs; threads not counted).", processes },
	{ "container_pressure_cpu_waiting_seconds_total", MX_COUNTER, "Time some tasks waited for CPU, in seconds (cpu.pressure some total).", cpu_waiting },
	{ "container_pressure_cpu_stalled_seconds_total", MX_COUNTER, "Time all tasks waited for CPU, in seconds (cpu.pressure full total).", cpu_stalled },
	{ "container_pressure_memory_waiting_seconds_total", MX_COUNTER, "Time some tasks stalled on memory, in seconds (memory.pressure some total).", mem_waiting },
	{ "container_pressure_memory_stalled_seconds_total", MX_COUNTER, "Time all tasks stalled on memory, in seconds (memory.pressure full total).", mem_stalled },
	{ "container_pressure_io_waiting_seconds_total", MX_COUNTER, "Time some tasks stalled on I/O, in seconds (io.pressure some total).", io_waiting },
	{ "container_pressure_io_stalled_seconds_total", MX_COUNTER, "Time all tasks stalled on I/O, in seconds (io.pressure full total).", io_stalled },
};

enum { ROW_LABELS = 6 };

static size_t row_labels(const struct mx_cg_row *r, struct mx_label *l, bool cpu)
{
	size_t n = 0;

	l[n++] = (struct mx_label){ "container", r->container };
	if (cpu)
		l[n++] = (struct mx_label){ "cpu", "total" };
	l[n++] = (struct mx_label){ "id", r->id };
	l[n++] = (struct mx_label){ "image", r->image };
	l[n++] = (struct mx_label){ "name", r->name };
	l[n++] = (struct mx_label){ "namespace", r->namespace_ };
	l[n++] = (struct mx_label){ "pod", r->pod };
	return n;
}

static void write_family(struct b_text *t, const struct cg_family *f,
			 const struct mx_cg_row *rows, size_t n)
{
	bool cpu = f->get == cpu_usage;

	mx_family(t, f->name, f->type, f->help);
	for (size_t i = 0; i < n; i++) {
		struct mx_label l[ROW_LABELS + 1];
		double v;

		if (rows[i].st && f->get(rows[i].st, &v))
			mx_sample(t, f->name, NULL, l, row_labels(&rows[i], l, cpu), v);
	}
}

void mx_cadvisor(struct b_text *t, const struct mx_cg_row *rows, size_t n)
{
	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++)
		write_family(t, &families[i], rows, n);
	mx_family(t, "container_start_time_seconds", MX_GAUGE,
		  "Start time of the container since the Unix epoch, in seconds.");
	for (size_t i = 0; i < n; i++) {
		struct mx_label l[ROW_LABELS];

		if (rows[i].start_time > 0)
			mx_sample(t, "container_start_time_seconds", NULL, l,
				  row_labels(&rows[i], l, false), rows[i].start_time);
	}
}
