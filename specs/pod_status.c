/* Reading a pod status document back (see pod_status.h). */
#include "specs/pod_status.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "specs/oci_json.h"

void pod_status_free(struct pod_status_view *v)
{
	if (!v)
		return;
	b_arena_release(&v->arena);
	free(v);
}

static int opt_i64(struct oj *c, yajl_val obj, const char *key, int64_t *out)
{
	int r = oj_i64(c, obj, key, false, INT64_MIN, INT64_MAX, out);

	if (r == 0)
		*out = -1;
	return r < 0 ? r : 0;
}

/* state / lastState: an object with one of running, waiting, terminated. */
static int parse_state(struct oj *c, yajl_val obj, const char *key, struct pod_ctr_status *cs,
		       bool last)
{
	static const char *const kinds[] = { "running", "waiting", "terminated" };
	yajl_val st = NULL, v;
	int r;

	if ((r = oj_obj(c, obj, key, false, &st)) <= 0)
		return r;
	for (size_t i = 0; i < 3; i++) {
		size_t m;
		char *reason = NULL;

		if (!(v = oj_member(st, kinds[i])))
			continue;
		m = oj_push_key(c, key);
		if ((r = oj_obj(c, st, kinds[i], true, &v)) < 0 ||
		    (r = oj_str(c, v, "reason", false, &reason)) < 0)
			return r;
		if (last) {
			if (i == 2)
				cs->last_reason = reason;
		} else {
			cs->state = (char *)kinds[i];
			cs->reason = reason;
			if (i == 0 && (r = oj_str(c, v, "startedAt", false, &cs->started_at)) < 0)
				return r;
			if (i == 2 && (r = opt_i64(c, v, "exitCode", &cs->exit_code)) < 0)
				return r;
		}
		oj_pop(c, m);
	}
	return 0;
}

/* berth.pressure.<resource>: {"avg10": percent, "high": bool, ...}. */
static int parse_pressure(struct oj *c, yajl_val b, struct pod_ctr_status *cs)
{
	static const char *const res[3] = { "cpu", "memory", "io" };
	yajl_val p = NULL, one = NULL, avg;
	int r;

	if ((r = oj_obj(c, b, "pressure", false, &p)) <= 0)
		return r;
	for (int i = 0; i < 3; i++) {
		size_t m = oj_push_key(c, "pressure");

		if ((r = oj_obj(c, p, res[i], false, &one)) < 0)
			return r;
		if (r > 0) {
			oj_push_key(c, res[i]);
			avg = oj_member(one, "avg10");
			if (avg && !YAJL_IS_DOUBLE(avg))
				return oj_fail(c, "avg10: expected a number");
			cs->psi_avg10[i] = avg ? YAJL_GET_DOUBLE(avg) : -1;
			if ((r = oj_bool(c, one, "high", &cs->psi_high[i])) < 0)
				return r;
		}
		oj_pop(c, m);
	}
	return 0;
}

static int parse_berth_ctr(struct oj *c, yajl_val obj, struct pod_ctr_status *cs)
{
	yajl_val b = NULL;
	int r;

	cs->memory_usage = cs->memory_limit = cs->memory_working_set = cs->cpu_usage_usec = -1;
	for (int i = 0; i < 3; i++)
		cs->psi_avg10[i] = -1;
	if ((r = oj_obj(c, obj, "berth", false, &b)) <= 0)
		return r;
	{
		size_t m = oj_push_key(c, "berth");
		if ((r = oj_bool(c, b, "sidecar", &cs->sidecar)) < 0 ||
		    (r = oj_str(c, b, "health", false, &cs->health)) < 0 ||
		    (r = oj_str(c, b, "why", false, &cs->why)) < 0 ||
		    (r = opt_i64(c, b, "memoryUsageBytes", &cs->memory_usage)) < 0 ||
		    (r = opt_i64(c, b, "memoryLimitBytes", &cs->memory_limit)) < 0 ||
		    (r = opt_i64(c, b, "memoryWorkingSetBytes", &cs->memory_working_set)) < 0 ||
		    (r = opt_i64(c, b, "cpuUsageUsec", &cs->cpu_usage_usec)) < 0 ||
		    (r = parse_pressure(c, b, cs)) < 0)
			return r;
		oj_pop(c, m);
	}
	return 0;
}

static int parse_ctr(struct oj *c, yajl_val v, void *item, void *ud)
{
	struct pod_ctr_status *cs = item;
	int r;

	cs->init = *(bool *)ud;
	cs->state = "";
	cs->exit_code = -1;
	if ((r = oj_v_object(c, v)) < 0 ||
	    (r = oj_str(c, v, "name", true, &cs->name)) < 0 ||
	    (r = oj_bool(c, v, "ready", &cs->ready)) < 0 ||
	    (r = oj_i64(c, v, "restartCount", false, 0, INT32_MAX, &cs->restart_count)) < 0 ||
	    (r = parse_state(c, v, "state", cs, false)) < 0 ||
	    (r = parse_state(c, v, "lastState", cs, true)) < 0 ||
	    (r = parse_berth_ctr(c, v, cs)) < 0)
		return r;
	return 0;
}

static int parse_ctrs(struct oj *c, yajl_val st, struct pod_status_view *v)
{
	struct pod_ctr_status *a = NULL, *b = NULL;
	size_t na = 0, nb = 0;
	bool init = true, main_ = false;
	int r;

	if ((r = oj_array(c, st, "initContainerStatuses", false, sizeof(*a), (void **)&a, &na,
			  parse_ctr, &init)) < 0 ||
	    (r = oj_array(c, st, "containerStatuses", false, sizeof(*b), (void **)&b, &nb,
			  parse_ctr, &main_)) < 0)
		return r;
	v->n_ctrs = na + nb;
	v->ctrs = b_arena_calloc(&v->arena, v->n_ctrs ? v->n_ctrs : 1, sizeof(*v->ctrs));
	if (!v->ctrs)
		return b_err_set(c->err, ENOMEM, "out of memory");
	if (na)
		memcpy(v->ctrs, a, na * sizeof(*a));
	if (nb)
		memcpy(v->ctrs + na, b, nb * sizeof(*b));
	return 0;
}

static int parse_labels(struct oj *c, yajl_val md, struct pod_status_view *v)
{
	const char *path[] = { "labels", NULL };
	yajl_val l = yajl_tree_get(md, path, yajl_t_object);

	if (!l)
		return 0;
	v->labels = b_arena_calloc(&v->arena, l->u.object.len + 1, sizeof(*v->labels));
	if (!v->labels)
		return oj_fail(c, "out of memory");
	for (size_t i = 0; i < l->u.object.len; i++)
		if (YAJL_IS_STRING(l->u.object.values[i]) &&
		    !(v->labels[v->n_labels++] = b_arena_printf(&v->arena, "%s=%s", l->u.object.keys[i],
							YAJL_GET_STRING(l->u.object.values[i]))))
			return oj_fail(c, "out of memory");
	return 0;
}

/* One term: "k=v", "k==v", "k!=v", "k" (present) or "!k" (absent). */
static int term_matches(char *const *labels, size_t n, const char *t, size_t len)
{
	if (len > 1 && t[0] == '!' && !memchr(t, '=', len)) {
		int m = term_matches(labels, n, t + 1, len - 1);
		return m < 0 ? m : !m;
	}
	const char *ne = memmem(t, len, "!=", 2), *eq = memchr(t, '=', len);
	size_t klen = ne ? (size_t)(ne - t) : eq ? (size_t)(eq - t) : len;
	const char *val = ne ? ne + 2 : eq ? eq + 1 + (eq + 1 < t + len && eq[1] == '=') : NULL;
	size_t vlen = val ? (size_t)(t + len - val) : 0;

	if (!klen || memchr(t, ' ', len) || t[0] == '!')
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		const char *l = labels[i];
		if (strncmp(l, t, klen) || l[klen] != '=')
			continue;
		if (!val)
			return 1;
		return (strlen(l + klen + 1) == vlen && !strncmp(l + klen + 1, val, vlen)) != !!ne;
	}
	return !val ? 0 : !!ne;
}

int pod_label_selector_match(char *const *labels, size_t n, const char *selector,
			     struct b_err *err)
{
	int all = 1;

	for (const char *t = selector;; t++) {
		size_t len = strcspn(t, ",");
		int m = term_matches(labels, n, t, len);

		if (m < 0)
			return b_err_set(err, EINVAL, "label selector \"%s\": \"%.*s\" is not key=value, "
					 "key!=value, key or !key", selector, (int)len, t);
		all = all && m;
		t += len;
		if (!*t)
			break;
	}
	return all;
}

static int parse_doc(struct oj *c, yajl_val doc, struct pod_status_view *v)
{
	yajl_val md = NULL, st = NULL, b = NULL;
	int r;

	v->supervisor_pid = -1;
	v->run = 1;
	if ((r = oj_v_object(c, doc)) < 0 ||
	    (r = oj_obj(c, doc, "metadata", true, &md)) < 0 ||
	    (r = oj_obj(c, doc, "status", true, &st)) < 0)
		return r;
	{
		size_t m = oj_push_key(c, "metadata");
		if ((r = oj_str(c, md, "name", true, &v->name)) < 0 || (r = parse_labels(c, md, v)) < 0)
			return r;
		oj_pop(c, m);
	}
	{
		size_t m = oj_push_key(c, "status");
		if ((r = oj_str(c, st, "phase", true, &v->phase)) < 0 ||
		    (r = oj_str(c, st, "startTime", false, &v->start_time)) < 0 ||
		    (r = oj_str(c, st, "podIP", false, &v->pod_ip)) < 0 ||
		    (r = parse_ctrs(c, st, v)) < 0 ||
		    (r = oj_obj(c, st, "berth", false, &b)) < 0)
			return r;
		if (b) {
			size_t m2 = oj_push_key(c, "berth");
			if ((r = oj_bool(c, b, "stopping", &v->stopping)) < 0 ||
			    (r = opt_i64(c, b, "supervisorPid", &v->supervisor_pid)) < 0 ||
			    (r = opt_i64(c, b, "run", &v->run)) < 0 ||
			    (r = oj_str(c, b, "endedAt", false, &v->ended_at)) < 0)
				return r;
			if (v->run < 1)
				v->run = 1;   /* a status from before berth.run */
			oj_pop(c, m2);
		}
		oj_pop(c, m);
	}
	return 0;
}

int pod_status_parse(const char *name, const char *json, size_t len,
		     struct pod_status_view **out, struct b_err *err)
{
	struct pod_status_view *v = calloc(1, sizeof(*v));
	yajl_val doc = NULL;
	struct oj c;
	int r;

	if (!v)
		return b_err_set(err, ENOMEM, "%s: out of memory", name);
	oj_init(&c, name, &v->arena, err);
	r = oj_parse_text(&c, json, len, &doc);
	if (r == 0)
		r = parse_doc(&c, doc, v);
	yajl_tree_free(doc);
	if (r < 0) {
		pod_status_free(v);
		return r;
	}
	*out = v;
	return 0;
}
