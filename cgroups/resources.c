/* OCI linux.resources → cgroup v2 files. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "common/cleanup.h"
#include "common/fsutil.h"
#include "common/strutil.h"
#include "resources.h"

static const char *const ctrl_names[CG_CTRL_COUNT] = {
	[CG_CPU] = "cpu", [CG_CPUSET] = "cpuset", [CG_MEMORY] = "memory",
	[CG_PIDS] = "pids", [CG_IO] = "io", [CG_HUGETLB] = "hugetlb",
	[CG_RDMA] = "rdma", [CG_MISC] = "misc",
};

const char *cg_ctrl_name(unsigned ctrl)
{
	return ctrl < CG_CTRL_COUNT ? ctrl_names[ctrl] : "?";
}

int cg_ctrl_from_name(const char *name, size_t len)
{
	for (unsigned i = 0; i < CG_CTRL_COUNT; i++)
		if (strlen(ctrl_names[i]) == len && !strncmp(ctrl_names[i], name, len))
			return (int)i;
	return -1;
}

bool cg_word_in(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; (p = strstr(p, word)); p += n) {
		bool start = p == list || p[-1] == ' ' || p[-1] == '\n';
		bool end = p[n] == '\0' || p[n] == ' ' || p[n] == '\n';
		if (start && end)
			return true;
	}
	return false;
}

unsigned cg_needed_controllers(const struct oci_resources *r)
{
	unsigned need = 0;

	if (!r)
		return 0;
	if (r->has_memory_limit || r->has_memory_reservation || r->has_memory_swap)
		need |= 1u << CG_MEMORY;
	if (r->has_cpu_shares || r->has_cpu_quota || r->has_cpu_period ||
	    r->has_cpu_burst || r->has_cpu_idle)
		need |= 1u << CG_CPU;
	if (r->cpu_cpus || r->cpu_mems)
		need |= 1u << CG_CPUSET;
	if (r->has_pids_limit && r->pids_limit != 0)
		need |= 1u << CG_PIDS;
	if (r->has_blkio_weight || r->n_blkio_weight_devices || r->n_throttle_read_bps ||
	    r->n_throttle_write_bps || r->n_throttle_read_iops || r->n_throttle_write_iops)
		need |= 1u << CG_IO;
	if (r->n_hugepage_limits)
		need |= 1u << CG_HUGETLB;
	for (size_t i = 0; i < r->unified.n; i++) {
		const char *k = r->unified.items[i].key;
		const char *dot = strchr(k, '.');
		int c = dot ? cg_ctrl_from_name(k, (size_t)(dot - k)) : -1;
		if (c >= 0)
			need |= 1u << c;
	}
	return need;
}

int cg_check_available(const char *mount, unsigned need, struct b_err *err)
{
	char path[512];
	_cleanup_free_ char *have = NULL;
	int r;

	snprintf(path, sizeof(path), "%s/cgroup.controllers", mount);
	r = b_read_file(path, 0, &have, NULL);
	if (r < 0)
		return b_err_sys(err, -r, "reading %s", path);
	for (unsigned i = 0; i < CG_CTRL_COUNT; i++) {
		if (!(need & (1u << i)) || cg_word_in(have, ctrl_names[i]))
			continue;
		b_rstrip(have);
		return b_err_set(err, ENOTSUP,
			"cgroup: the %s controller is not available in %s (cgroup.controllers: \"%s\"): "
			"this host's cgroup v2 does not delegate it, so %s limits cannot be applied here",
			ctrl_names[i], mount, have, ctrl_names[i]);
	}
	return 0;
}

unsigned long long cg_shares_to_weight(unsigned long long shares)
{
	double l, exponent;

	if (shares == 0)
		return 0;
	if (shares <= 2)
		return 1;
	if (shares >= 262144)
		return 10000;
	l = log2((double)shares);
	exponent = (l * l + 125.0 * l) / 612.0 - 7.0 / 34.0;
	return (unsigned long long)ceil(pow(10.0, exponent));
}

void cg_tracef(const struct cg_path *cg, const char *fmt, ...)
{
	char msg[1400];
	va_list ap;

	if (!cg->trace)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cg->trace(cg->trace_ud, msg);
}

static int put(const struct cg_path *cg, const char *file, const char *val, struct b_err *err)
{
	char path[1200];
	int r;

	snprintf(path, sizeof(path), "%s/%s", cg->abs, file);
	cg_tracef(cg, "cgroup: writing \"%s\" to %s", val, path);
	r = b_write_file(path, val, strlen(val));
	if (r == -ENOENT)
		return b_err_set(err, ENOENT, "cgroup: %s does not exist in %s (controller or kernel feature missing)",
				 file, cg->abs);
	if (r < 0)
		return b_err_sys(err, -r, "cgroup: writing \"%s\" to %s", val, path);
	return 0;
}

static void fmt_limit(char *buf, size_t n, int64_t v)
{
	if (v < 0)
		snprintf(buf, n, "max");
	else
		snprintf(buf, n, "%" PRId64, v);
}

static int apply_memory(const struct cg_path *cg, const struct oci_resources *r, struct b_err *err)
{
	char buf[64];
	int64_t limit = r->has_memory_limit ? r->memory_limit : 0;
	int q;

	if (r->has_memory_reservation) {
		fmt_limit(buf, sizeof(buf), r->memory_reservation);
		if ((q = put(cg, "memory.low", buf, err)) < 0)
			return q;
	}
	if (r->has_memory_swap) {
		int64_t swap = r->memory_swap, v;

		/* OCI swap is memory+swap (v1 semantics); v2 wants swap alone. */
		if (swap == -1 || (swap == 0 && limit == -1))
			v = -1;
		else if (swap == 0)
			v = -2; /* unset */
		else if (limit <= 0)
			return b_err_set(err, EINVAL, "cgroup: memory.swap needs memory.limit to be set");
		else if (swap < limit)
			return b_err_set(err, EINVAL,
				"cgroup: memory.swap (%" PRId64 ") must be >= memory.limit (%" PRId64 "): it counts memory+swap",
				swap, limit);
		else
			v = swap - limit;
		if (v != -2) {
			fmt_limit(buf, sizeof(buf), v);
			/* Set the limit first when shrinking so swap fits. */
			if ((q = put(cg, "memory.swap.max", buf, err)) < 0)
				return q;
		}
	}
	if (r->has_memory_limit && r->has_check_before_update && r->check_before_update &&
	    r->memory_limit >= 0) {
		char path[1200];
		_cleanup_free_ char *cur = NULL;

		/* Lowering the limit under current usage would trigger the OOM
		 * killer at once: refuse instead, as asked. */
		snprintf(path, sizeof(path), "%s/memory.current", cg->abs);
		if (b_read_file(path, 0, &cur, NULL) == 0 &&
		    strtoll(cur, NULL, 10) > r->memory_limit)
			return b_err_set(err, EBUSY,
				"cgroup: memory.limit %" PRId64 " is below the current usage %lld (checkBeforeUpdate)",
				r->memory_limit, strtoll(cur, NULL, 10));
	}
	if (r->has_memory_limit) {
		fmt_limit(buf, sizeof(buf), r->memory_limit);
		if ((q = put(cg, "memory.max", buf, err)) < 0)
			return q;
	}
	return 0;
}

static int apply_cpu(const struct cg_path *cg, const struct oci_resources *r, struct b_err *err)
{
	char buf[64];
	int q;

	if (r->has_cpu_realtime_runtime || r->has_cpu_realtime_period)
		return b_err_set(err, ENOTSUP, "cgroup: cpu.realtimeRuntime/realtimePeriod are cgroup v1 only");
	if (r->has_cpu_shares && r->cpu_shares) {
		snprintf(buf, sizeof(buf), "%llu", cg_shares_to_weight(r->cpu_shares));
		if ((q = put(cg, "cpu.weight", buf, err)) < 0)
			return q;
	}
	if (r->has_cpu_quota || r->has_cpu_period) {
		uint64_t period = r->has_cpu_period && r->cpu_period ? r->cpu_period : 100000;
		if (r->has_cpu_quota && r->cpu_quota > 0)
			snprintf(buf, sizeof(buf), "%" PRId64 " %" PRIu64, r->cpu_quota, period);
		else
			snprintf(buf, sizeof(buf), "max %" PRIu64, period);
		if ((q = put(cg, "cpu.max", buf, err)) < 0)
			return q;
	}
	if (r->has_cpu_burst) {
		snprintf(buf, sizeof(buf), "%" PRIu64, r->cpu_burst);
		if ((q = put(cg, "cpu.max.burst", buf, err)) < 0)
			return q;
	}
	if (r->has_cpu_idle) {
		snprintf(buf, sizeof(buf), "%" PRId64, r->cpu_idle);
		if ((q = put(cg, "cpu.idle", buf, err)) < 0)
			return q;
	}
	if (r->cpu_cpus && *r->cpu_cpus && (q = put(cg, "cpuset.cpus", r->cpu_cpus, err)) < 0)
		return q;
	if (r->cpu_mems && *r->cpu_mems && (q = put(cg, "cpuset.mems", r->cpu_mems, err)) < 0)
		return q;
	return 0;
}

static int apply_throttle(const struct cg_path *cg, const struct oci_throttle_device *d,
			  size_t n, const char *key, struct b_err *err)
{
	char buf[128];
	int q;

	for (size_t i = 0; i < n; i++) {
		snprintf(buf, sizeof(buf), "%" PRId64 ":%" PRId64 " %s=%" PRIu64,
			 d[i].major, d[i].minor, key, d[i].rate);
		if ((q = put(cg, "io.max", buf, err)) < 0)
			return q;
	}
	return 0;
}

/* blkio weight 10..1000 → io.weight 1..10000, as runc converts. */
uint64_t cg_blkio_to_io_weight(uint64_t w)
{
	return w ? 1 + (w - 10) * 9999 / 990 : 0;
}

static int apply_io(const struct cg_path *cg, const struct oci_resources *r, struct b_err *err)
{
	char buf[128];
	int q;

	if (r->has_blkio_weight && r->blkio_weight) {
		snprintf(buf, sizeof(buf), "default %" PRIu64, cg_blkio_to_io_weight(r->blkio_weight));
		if ((q = put(cg, "io.weight", buf, err)) < 0)
			return q;
	}
	for (size_t i = 0; i < r->n_blkio_weight_devices; i++) {
		const struct oci_weight_device *d = &r->blkio_weight_devices[i];
		if (!d->has_weight)
			continue;
		snprintf(buf, sizeof(buf), "%" PRId64 ":%" PRId64 " %" PRIu64, d->major, d->minor,
			 cg_blkio_to_io_weight(d->weight));
		if ((q = put(cg, "io.weight", buf, err)) < 0)
			return q;
	}
	if ((q = apply_throttle(cg, r->throttle_read_bps, r->n_throttle_read_bps, "rbps", err)) < 0 ||
	    (q = apply_throttle(cg, r->throttle_write_bps, r->n_throttle_write_bps, "wbps", err)) < 0 ||
	    (q = apply_throttle(cg, r->throttle_read_iops, r->n_throttle_read_iops, "riops", err)) < 0 ||
	    (q = apply_throttle(cg, r->throttle_write_iops, r->n_throttle_write_iops, "wiops", err)) < 0)
		return q;
	return 0;
}

static int apply_unified(const struct cg_path *cg, const struct oci_resources *r, struct b_err *err)
{
	for (size_t i = 0; i < r->unified.n; i++) {
		const struct oci_kv *kv = &r->unified.items[i];
		char path[1200];
		int q;

		if (strchr(kv->key, '/') || !strcmp(kv->key, ".") || !strcmp(kv->key, ".."))
			return b_err_set(err, EINVAL, "cgroup: unified key \"%s\" is not a file name", kv->key);
		snprintf(path, sizeof(path), "%s/%s", cg->abs, kv->key);
		if (access(path, F_OK) < 0)
			return b_err_set(err, ENOENT,
				"cgroup: unified key \"%s\": no such file in %s (controller not enabled or unknown file)",
				kv->key, cg->abs);
		if ((q = put(cg, kv->key, kv->value, err)) < 0)
			return q;
	}
	return 0;
}

int cg_apply_resources(const struct cg_path *cg, const struct oci_resources *r, struct b_err *err)
{
	char buf[64], file[96];
	int q;

	if (!r)
		return 0;
	if ((q = apply_memory(cg, r, err)) < 0 || (q = apply_cpu(cg, r, err)) < 0)
		return q;
	if (r->has_pids_limit && r->pids_limit != 0) {
		fmt_limit(buf, sizeof(buf), r->pids_limit);
		if ((q = put(cg, "pids.max", buf, err)) < 0)
			return q;
	}
	if ((q = apply_io(cg, r, err)) < 0)
		return q;
	for (size_t i = 0; i < r->n_hugepage_limits; i++) {
		snprintf(file, sizeof(file), "hugetlb.%s.max", r->hugepage_limits[i].page_size);
		snprintf(buf, sizeof(buf), "%" PRIu64, r->hugepage_limits[i].limit);
		if ((q = put(cg, file, buf, err)) < 0)
			return q;
	}
	return apply_unified(cg, r, err);
}
