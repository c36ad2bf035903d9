/* linux.resources: validated and stored; cgroups/ decides what each cgroup
 * version can do with it. */
#include <string.h>

#include "oci_parse_internal.h"

/* Optional members into (has, value) pairs.  Signed limits keep the full
 * int64 range: the spec gives -1 the meaning "unlimited" and cgroups/ knows
 * best which other values each controller takes. */
static int opt_i64(struct oj *c, yajl_val v, const char *key, bool *has, int64_t *val)
{
	int r = oj_i64(c, v, key, false, INT64_MIN, INT64_MAX, val);

	if (r > 0)
		*has = true;
	return r;
}

static int opt_u64(struct oj *c, yajl_val v, const char *key, bool *has, uint64_t *val)
{
	int r = oj_u64(c, v, key, false, UINT64_MAX, val);

	if (r > 0)
		*has = true;
	return r;
}

static int opt_bool(struct oj *c, yajl_val v, const char *key, bool *has, bool *val)
{
	int r = oj_bool(c, v, key, val);

	if (r > 0)
		*has = true;
	return r;
}

static int opt_u16(struct oj *c, yajl_val v, const char *key, bool *has, uint16_t *val)
{
	int r = oj_u16(c, v, key, false, val);

	if (r > 0)
		*has = true;
	return r;
}

/* Enter an optional sub-object; returns 1 with the path pushed. */
static int sub(struct oj *c, yajl_val v, const char *key, yajl_val *out, size_t *mark)
{
	int r = oj_obj(c, v, key, false, out);

	if (r > 0)
		*mark = oj_push_key(c, key);
	return r;
}

/* ---- devices --------------------------------------------------------- */

/* Normalise "access" to the canonical order with no repeats. */
static int parse_access(struct oj *c, yajl_val v, char access[4])
{
	char *s = NULL;
	size_t mark;
	int r = oj_str(c, v, "access", false, &s);
	bool want[3] = { false, false, false };
	size_t n = 0;

	if (r < 0)
		return r;
	if (!s || !*s)
		s = "rwm";
	mark = oj_push_key(c, "access");
	for (const char *p = s; *p; p++) {
		const char *hit = strchr("rwm", *p);

		if (!hit)
			return oj_fail(c, "\"%s\" is not a subset of \"rwm\"", oj_quote(c, s));
		want[hit - "rwm"] = true;
	}
	for (int i = 0; i < 3; i++)
		if (want[i])
			access[n++] = "rwm"[i];
	access[n] = '\0';
	oj_pop(c, mark);
	return 0;
}

static int parse_device_rule(struct oj *c, yajl_val v, void *item, void *ud)
{
	struct oci_device_rule *d = item;
	size_t mark;
	yajl_val av;
	char *type = NULL;
	int r;

	if ((r = oj_v_object(c, v)) < 0)
		return r;
	mark = oj_push_key(c, "allow");
	av = oj_member(v, "allow");
	if (!av)
		return oj_fail(c, "required field is missing");
	if ((r = oj_v_bool(c, av, &d->allow)) < 0)
		return r;
	oj_pop(c, mark);
	if ((r = oj_str(c, v, "type", false, &type)) < 0)
		return r;
	if (!type || !*type)
		type = "a";
	if (strlen(type) != 1 || !strchr("abc", type[0])) {
		oj_push_key(c, "type");
		return oj_fail(c, "unknown device type \"%s\" (expected a, b or c)",
			       oj_quote(c, type));
	}
	d->type = type[0];
	d->major = d->minor = -1;
	if ((r = oj_i64(c, v, "major", false, -1, INT64_MAX, &d->major)) < 0 ||
	    (r = oj_i64(c, v, "minor", false, -1, INT64_MAX, &d->minor)) < 0)
		return r;
	return parse_access(c, v, d->access);
}

/* ---- memory, cpu, pids ----------------------------------------------- */

static int parse_memory(struct oj *c, yajl_val v, struct oci_resources *res)
{
	size_t mark;
	yajl_val m;
	int r = sub(c, v, "memory", &m, &mark);

	if (r <= 0)
		return r;
	if ((r = opt_i64(c, m, "limit", &res->has_memory_limit, &res->memory_limit)) < 0 ||
	    (r = opt_i64(c, m, "reservation", &res->has_memory_reservation, &res->memory_reservation)) < 0 ||
	    (r = opt_i64(c, m, "swap", &res->has_memory_swap, &res->memory_swap)) < 0 ||
	    (r = opt_i64(c, m, "kernel", &res->has_memory_kernel, &res->memory_kernel)) < 0 ||
	    (r = opt_i64(c, m, "kernelTCP", &res->has_memory_kernel_tcp, &res->memory_kernel_tcp)) < 0 ||
	    (r = opt_u64(c, m, "swappiness", &res->has_memory_swappiness, &res->memory_swappiness)) < 0 ||
	    (r = opt_bool(c, m, "disableOOMKiller", &res->has_disable_oom_killer, &res->disable_oom_killer)) < 0 ||
	    (r = opt_bool(c, m, "useHierarchy", &res->has_use_hierarchy, &res->use_hierarchy)) < 0 ||
	    (r = opt_bool(c, m, "checkBeforeUpdate", &res->has_check_before_update, &res->check_before_update)) < 0)
		return r;
	oj_pop(c, mark);
	return 0;
}

static int parse_cpu(struct oj *c, yajl_val v, struct oci_resources *res)
{
	size_t mark;
	yajl_val m;
	int r = sub(c, v, "cpu", &m, &mark);

	if (r <= 0)
		return r;
	if ((r = opt_u64(c, m, "shares", &res->has_cpu_shares, &res->cpu_shares)) < 0 ||
	    (r = opt_i64(c, m, "quota", &res->has_cpu_quota, &res->cpu_quota)) < 0 ||
	    (r = opt_u64(c, m, "burst", &res->has_cpu_burst, &res->cpu_burst)) < 0 ||
	    (r = opt_u64(c, m, "period", &res->has_cpu_period, &res->cpu_period)) < 0 ||
	    (r = opt_i64(c, m, "realtimeRuntime", &res->has_cpu_realtime_runtime, &res->cpu_realtime_runtime)) < 0 ||
	    (r = opt_u64(c, m, "realtimePeriod", &res->has_cpu_realtime_period, &res->cpu_realtime_period)) < 0 ||
	    (r = oj_str(c, m, "cpus", false, &res->cpu_cpus)) < 0 ||
	    (r = oj_str(c, m, "mems", false, &res->cpu_mems)) < 0 ||
	    (r = opt_i64(c, m, "idle", &res->has_cpu_idle, &res->cpu_idle)) < 0)
		return r;
	oj_pop(c, mark);
	return 0;
}

static int parse_pids(struct oj *c, yajl_val v, struct oci_resources *res)
{
	size_t mark;
	yajl_val m;
	int r = sub(c, v, "pids", &m, &mark);

	if (r <= 0)
		return r;
	r = oj_i64(c, m, "limit", true, INT64_MIN, INT64_MAX, &res->pids_limit);
	if (r < 0)
		return r;
	res->has_pids_limit = true;
	oj_pop(c, mark);
	return 0;
}

/* ---- blockIO --------------------------------------------------------- */

static int parse_major_minor(struct oj *c, yajl_val v, int64_t *major, int64_t *minor)
{
	int r;

	if ((r = oj_v_object(c, v)) < 0 ||
	    (r = oj_i64(c, v, "major", true, 0, INT64_MAX, major)) < 0 ||
	    (r = oj_i64(c, v, "minor", true, 0, INT64_MAX, minor)) < 0)
		return r;
	return 0;
}

/* blkio weights are 10..1000 (0: unset): anything else would map to no
 * valid io.weight, and the kernel's refusal would not name the field. */
static int check_blkio_weight(struct oj *c, const char *key, bool has, uint16_t w)
{
	size_t mark;
	int r;

	if (!has || w == 0 || (w >= 10 && w <= 1000))
		return 0;
	mark = oj_push_key(c, key);
	r = oj_fail(c, "%u is out of range (10 to 1000, or 0 for none)", (unsigned)w);
	oj_pop(c, mark);
	return r;
}

static int parse_weight_device(struct oj *c, yajl_val v, void *item, void *ud)
{
	struct oci_weight_device *d = item;
	int r;

	if ((r = parse_major_minor(c, v, &d->major, &d->minor)) < 0 ||
	    (r = opt_u16(c, v, "weight", &d->has_weight, &d->weight)) < 0 ||
	    (r = check_blkio_weight(c, "weight", d->has_weight, d->weight)) < 0 ||
	    (r = opt_u16(c, v, "leafWeight", &d->has_leaf_weight, &d->leaf_weight)) < 0)
		return r;
	return 0;
}

static int parse_throttle_device(struct oj *c, yajl_val v, void *item, void *ud)
{
	struct oci_throttle_device *d = item;
	int r;

	if ((r = parse_major_minor(c, v, &d->major, &d->minor)) < 0 ||
	    (r = oj_u64(c, v, "rate", false, UINT64_MAX, &d->rate)) < 0)
		return r;
	return 0;
}

static int throttle(struct oj *c, yajl_val v, const char *key,
		    struct oci_throttle_device **items, size_t *n)
{
	return oj_array(c, v, key, false, sizeof(**items), (void **)items, n,
			parse_throttle_device, NULL);
}

static int parse_block_io(struct oj *c, yajl_val v, struct oci_resources *res)
{
	size_t mark;
	yajl_val b;
	int r = sub(c, v, "blockIO", &b, &mark);

	if (r <= 0)
		return r;
	if ((r = opt_u16(c, b, "weight", &res->has_blkio_weight, &res->blkio_weight)) < 0 ||
	    (r = check_blkio_weight(c, "weight", res->has_blkio_weight, res->blkio_weight)) < 0 ||
	    (r = opt_u16(c, b, "leafWeight", &res->has_blkio_leaf_weight, &res->blkio_leaf_weight)) < 0 ||
	    (r = oj_array(c, b, "weightDevice", false, sizeof(struct oci_weight_device),
			  (void **)&res->blkio_weight_devices, &res->n_blkio_weight_devices,
			  parse_weight_device, NULL)) < 0 ||
	    (r = throttle(c, b, "throttleReadBpsDevice", &res->throttle_read_bps,
			  &res->n_throttle_read_bps)) < 0 ||
	    (r = throttle(c, b, "throttleWriteBpsDevice", &res->throttle_write_bps,
			  &res->n_throttle_write_bps)) < 0 ||
	    (r = throttle(c, b, "throttleReadIOPSDevice", &res->throttle_read_iops,
			  &res->n_throttle_read_iops)) < 0 ||
	    (r = throttle(c, b, "throttleWriteIOPSDevice", &res->throttle_write_iops,
			  &res->n_throttle_write_iops)) < 0)
		return r;
	oj_pop(c, mark);
	return 0;
}

/* ---- hugetlb, network, rdma ------------------------------------------ */

static int parse_hugepage(struct oj *c, yajl_val v, void *item, void *ud)
{
	struct oci_hugepage_limit *h = item;
	int r;

	if ((r = oj_v_object(c, v)) < 0 ||
	    (r = oj_str(c, v, "pageSize", true, &h->page_size)) < 0 ||
	    (r = oj_u64(c, v, "limit", true, UINT64_MAX, &h->limit)) < 0)
		return r;
	return 0;
}

/* network (v1 net_cls/net_prio) and rdma are accepted but not applied; only
 * check that they are objects so a typo'd type is still reported. */
static int parse_ignored(struct oj *c, yajl_val v, struct oci_resources *res)
{
	yajl_val m;
	int r = oj_obj(c, v, "network", false, &m);

	if (r < 0)
		return r;
	res->has_network = r > 0;
	r = oj_obj(c, v, "rdma", false, &m);
	return r < 0 ? r : 0;
}

int oci_parse_resources(struct oj *c, yajl_val v, struct oci_resources *res)
{
	int r;

	/* Also the top level of `update --resources FILE`. */
	if ((r = oj_v_object(c, v)) < 0 ||
	    (r = oj_array(c, v, "devices", false, sizeof(struct oci_device_rule),
			  (void **)&res->devices, &res->n_devices,
			  parse_device_rule, NULL)) < 0 ||
	    (r = parse_memory(c, v, res)) < 0 ||
	    (r = parse_cpu(c, v, res)) < 0 ||
	    (r = parse_pids(c, v, res)) < 0 ||
	    (r = parse_block_io(c, v, res)) < 0 ||
	    (r = oj_array(c, v, "hugepageLimits", false, sizeof(struct oci_hugepage_limit),
			  (void **)&res->hugepage_limits, &res->n_hugepage_limits,
			  parse_hugepage, NULL)) < 0 ||
	    (r = parse_ignored(c, v, res)) < 0 ||
	    (r = oj_kv(c, v, "unified", &res->unified)) < 0)
		return r;
	return 0;
}
