/* The pod's status in the shape of a Kubernetes Pod's `status`, so tools
 * that read `kubectl get pod -o json` read `berth pod inspect` too; what
 * only berth knows sits in `berth` objects beside the standard fields. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "cgroups/stats.h"
#include "common/fsutil.h"
#include "specs/jsonw.h"
#include "supervisor/sv_internal.h"

const char *sv_phase(const struct sv *s)
{
	bool all_done = true, all_ok = true;

	if (!s->main_started)
		return s->failed ? "Failed" : "Pending";
	for (size_t i = s->n_init; i < s->n; i++) {
		if (s->cs[i].st != CS_DONE)
			all_done = false;
		else if (!s->cs[i].succeeded)
			all_ok = false;
	}
	if (!all_done)
		return "Running";
	return all_ok && !s->failed ? "Succeeded" : "Failed";
}

/* The cgroup's figures, when the container runs (false otherwise). */
static bool ctr_stats(const struct sv_ctr *c, struct cg_stats *st)
{
	struct b_err ign = { 0 };

	return c->cg[0] && sv_alive(c) && cg_stats_read_parts(c->cg, 0, st, &ign) == 0;
}

static void kint_or_null(struct jw *w, const char *key, bool known, int64_t v)
{
	jw_key(w, key);
	if (known)
		jw_int(w, v);
	else
		jw_null(w);
}

static void write_term(struct jw *w, const struct sv_term *t)
{
	jw_key(w, "terminated");
	jw_obj_open(w);
	jw_kint(w, "exitCode", t->code);
	if (t->signal)
		jw_kint(w, "signal", t->signal);
	jw_kstr(w, "reason", t->reason);
	if (t->message[0])
		jw_kstr(w, "message", t->message);
	jw_kstr(w, "startedAt", t->started_at);
	jw_kstr(w, "finishedAt", t->finished_at);
	jw_obj_close(w);
}

const char *sv_waiting_reason(const struct sv *s, const struct sv_ctr *c)
{
	switch (c->st) {
	case CS_BACKOFF:
		return "CrashLoopBackOff";
	case CS_WAITING:
	case CS_STARTING:
		return c->c->init || s->main_started ? "ContainerCreating" : "PodInitializing";
	case CS_RUNNING:
	case CS_TERMINATING:
	case CS_EXITED:
	case CS_DONE:
	case CS_N:
		break;
	}
	return NULL;
}

static void write_state(struct jw *w, const struct sv *s, const struct sv_ctr *c)
{
	const char *waiting = sv_waiting_reason(s, c);
	char msg[160];

	jw_key(w, "state");
	jw_obj_open(w);
	if (waiting) {
		jw_key(w, "waiting");
		jw_obj_open(w);
		jw_kstr(w, "reason", waiting);
		if (c->st == CS_BACKOFF) {
			snprintf(msg, sizeof(msg), "back-off %" PRId64 "ms restarting failed container=%s",
				 c->backoff_ms, c->c->name);
			jw_kstr(w, "message", msg);
		}
		jw_obj_close(w);
	} else if (c->st == CS_RUNNING || c->st == CS_TERMINATING) {
		jw_key(w, "running");
		jw_obj_open(w);
		jw_kstr(w, "startedAt", c->started_at);
		jw_obj_close(w);
	} else if (c->last.set) {
		write_term(w, &c->last);
	}
	jw_obj_close(w);
	jw_key(w, "lastState");
	jw_obj_open(w);
	/* A finished container's last run is its state, not its lastState. */
	if (c->st != CS_DONE && c->st != CS_EXITED && c->last.set)
		write_term(w, &c->last);
	jw_obj_close(w);
}

/* Per resource: the "some" avg10 now (when the cgroup has PSI), and
 * what its trigger saw. */
static void write_pressure(struct jw *w, const struct sv_ctr *c, const struct cg_stats *st)
{
	jw_key(w, "pressure");
	jw_obj_open(w);
	for (int r = 0; r < POD_PRESSURE_N; r++) {
		const struct sv_psi *p = &c->psi[r];
		bool now = st && st->psi[r].present;

		if (!now && p->fd < 0 && !p->events)
			continue;
		jw_key(w, pod_pressure_res_name(r));
		jw_obj_open(w);
		jw_key(w, "avg10");
		jw_fixed(w, now ? st->psi[r].some.avg10 : p->avg10, 2);
		jw_kbool(w, "armed", p->fd >= 0);
		jw_kbool(w, "high", p->high);
		jw_kuint(w, "events", p->events);
		jw_obj_close(w);
	}
	jw_obj_close(w);
}

static void write_usage(struct jw *w, const struct sv_ctr *c, const struct cg_stats *st)
{
	uint64_t inactive = 0;
	bool mem = st && st->has_memory;

	if (mem)
		cg_stats_mem_stat(st, "inactive_file", &inactive);
	kint_or_null(w, "memoryUsageBytes", mem, mem ? (int64_t)st->mem_current : 0);
	kint_or_null(w, "memoryWorkingSetBytes", mem,
		     mem && st->mem_current > inactive ? (int64_t)(st->mem_current - inactive) : 0);
	kint_or_null(w, "memoryLimitBytes", c->mem_limit >= 0, c->mem_limit);
	kint_or_null(w, "cpuUsageUsec", st && st->has_cpu, st ? (int64_t)st->cpu_usage_usec : 0);
}

static void write_berth_ctr(struct jw *w, const struct sv_ctr *c)
{
	struct cg_stats stats;
	const struct cg_stats *st = ctr_stats(c, &stats) ? &stats : NULL;
	char why[300];

	jw_key(w, "berth");
	jw_obj_open(w);
	jw_kint(w, "pid", sv_alive(c) ? c->pid : 0);
	jw_kbool(w, "sidecar", c->c->sidecar);
	jw_kstr(w, "oomPolicy", pod_oom_policy_name(c->c->oom_policy));
	write_usage(w, c, st);
	jw_kstr(w, "cgroup", c->cg);
	jw_kstr(w, "health", sv_ctr_health(c));
	sv_ctr_why(c, sv_now_ms(), why, sizeof(why));
	if (why[0])
		jw_kstr(w, "why", why);
	write_pressure(w, c, st);
	sv_write_probes(w, c);
	jw_obj_close(w);
}

static void write_ctr(struct jw *w, const struct sv *s, const struct sv_ctr *c)
{
	char id[300];

	jw_obj_open(w);
	jw_kstr(w, "name", c->c->name);
	jw_kstr(w, "image", c->c->image);
	snprintf(id, sizeof(id), "berth://%s", c->id);
	jw_kstr(w, "containerID", id);
	jw_kint(w, "restartCount", c->restarts);
	jw_kbool(w, "started", sv_alive(c) && c->startup_done);
	jw_kbool(w, "ready", sv_ctr_ready(c));
	write_state(w, s, c);
	write_berth_ctr(w, c);
	jw_obj_close(w);
}

static void write_ctrs(struct jw *w, const struct sv *s, const char *key, size_t from, size_t to)
{
	jw_key(w, key);
	jw_arr_open(w);
	for (size_t i = from; i < to; i++)
		write_ctr(w, s, &s->cs[i]);
	jw_arr_close(w);
}

static void write_condition(struct jw *w, const char *type, bool ok)
{
	jw_obj_open(w);
	jw_kstr(w, "type", type);
	jw_kstr(w, "status", ok ? "True" : "False");
	jw_obj_close(w);
}

static void write_conditions(struct jw *w, const struct sv *s)
{
	bool ready = sv_pod_ready(s);
	jw_key(w, "conditions");
	jw_arr_open(w);
	write_condition(w, "Initialized", s->main_started);
	write_condition(w, "ContainersReady", ready);
	write_condition(w, "Ready", ready);
	jw_arr_close(w);
}

/* As Kubernetes reports them; a hostNetwork pod has the host's address. */
static void write_ips(struct jw *w, const struct sv *s)
{
	const char *ips[2] = { s->net.ip4[0] ? s->net.ip4 : NULL, s->net.ip6[0] ? s->net.ip6 : NULL };

	if (s->net.host_ip[0])
		jw_kstr(w, "hostIP", s->net.host_ip);
	if (s->pod->host_network && s->net.host_ip[0])
		ips[0] = s->net.host_ip;
	if (!ips[0] && !ips[1])
		return;
	jw_kstr(w, "podIP", ips[0] ? ips[0] : ips[1]);
	jw_key(w, "podIPs");
	jw_arr_open(w);
	for (int i = 0; i < 2; i++)
		if (ips[i]) {
			jw_obj_open(w);
			jw_kstr(w, "ip", ips[i]);
			jw_obj_close(w);
		}
	jw_arr_close(w);
}

static void write_berth_pod(struct jw *w, const struct sv *s)
{
	jw_key(w, "berth");
	jw_obj_open(w);
	jw_kint(w, "supervisorPid", getpid());
	jw_kbool(w, "stopping", sv_stopping(s) && s->pst != PS_DONE);
	jw_kstr(w, "stateDir", s->dir);
	jw_kstr(w, "logDir", s->log_dir);
	jw_kstr(w, "cgroup", s->pod_cg);
	if (s->net.source) {
		jw_kstr(w, "network", s->net.list ? s->net.list->name : NULL);
		jw_kstr(w, "networkConfig", s->net.source);
	}
	jw_kstr(w, "restartPolicy", pod_restart_policy_name(s->pod->restart_policy));
	/* 1, then +1 per `berth pod restart` (the same supervisor) */
	jw_kint(w, "run", s->run > 0 ? s->run : 1);
	if (s->ended_at[0])
		jw_kstr(w, "endedAt", s->ended_at);
	jw_obj_close(w);
}

static void kv_object(struct jw *w, const char *key, const struct oci_kv_list *l)
{
	if (!l->n)
		return;
	jw_key(w, key);
	jw_obj_open(w);
	for (size_t i = 0; i < l->n; i++)
		jw_kstr(w, l->items[i].key, l->items[i].value);
	jw_obj_close(w);
}

static void write_metadata(struct jw *w, const struct pod_spec *pod)
{
	jw_key(w, "metadata");
	jw_obj_open(w);
	jw_kstr(w, "name", pod->name);
	jw_kstr(w, "namespace", pod->namespace_ ? pod->namespace_ : "berth");
	kv_object(w, "labels", &pod->labels);
	kv_object(w, "annotations", &pod->annotations);
	jw_obj_close(w);
}

char *sv_status_json(struct sv *s, bool pretty, size_t *len)
{
	_cleanup_(jw_freep) struct jw *w = jw_new(pretty);

	if (!w)
		return NULL;
	jw_obj_open(w);
	jw_kstr(w, "apiVersion", "v1");
	jw_kstr(w, "kind", "Pod");
	write_metadata(w, s->pod);
	if (pretty) {   /* inspect: the spec as written, as kubectl shows it */
		jw_key(w, "spec");
		if (pod_spec_write_member(w, s->pod, "spec") < 0)
			jw_null(w);
	}
	jw_key(w, "status");
	jw_obj_open(w);
	jw_kstr(w, "phase", sv_phase(s));
	write_conditions(w, s);
	write_ips(w, s);
	jw_kstr(w, "startTime", s->started_at);
	write_ctrs(w, s, "initContainerStatuses", 0, s->n_init);
	write_ctrs(w, s, "containerStatuses", s->n_init, s->n);
	write_berth_pod(w, s);
	jw_obj_close(w);
	jw_obj_close(w);
	return jw_finish(w, len);
}
