/* The pod's status in the shape of a Kubernetes Pod's `status`, so tools
 * that read `kubectl get pod -o json` read `berth pod inspect` too; what
 * only berth knows sits in `berth` objects beside the standard fields. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cleanup.h"
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

/* memory.current of the container's cgroup, -1 when unknown. */
static int64_t mem_usage(const struct sv_ctr *c)
{
	char path[1100];
	_cleanup_free_ char *buf = NULL;
	size_t len;

	if (!c->cg[0] || !sv_alive(c))
		return -1;
	snprintf(path, sizeof(path), "%s/memory.current", c->cg);
	if (b_read_file(path, 64, &buf, &len) < 0)
		return -1;
	return strtoll(buf, NULL, 10);
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

static void write_state(struct jw *w, const struct sv *s, const struct sv_ctr *c)
{
	char msg[160];

	jw_key(w, "state");
	jw_obj_open(w);
	switch (c->st) {
	case CS_RUNNING:
	case CS_TERMINATING:
		jw_key(w, "running");
		jw_obj_open(w);
		jw_kstr(w, "startedAt", c->started_at);
		jw_obj_close(w);
		break;
	case CS_BACKOFF:
		jw_key(w, "waiting");
		jw_obj_open(w);
		jw_kstr(w, "reason", "CrashLoopBackOff");
		snprintf(msg, sizeof(msg), "back-off %" PRId64 "ms restarting failed container=%s",
			 c->backoff_ms, c->c->name);
		jw_kstr(w, "message", msg);
		jw_obj_close(w);
		break;
	case CS_WAITING:
	case CS_STARTING:
		jw_key(w, "waiting");
		jw_obj_open(w);
		jw_kstr(w, "reason", c->c->init || s->main_started ? "ContainerCreating" : "PodInitializing");
		jw_obj_close(w);
		break;
	case CS_EXITED:
	case CS_DONE:
	case CS_N:
		if (c->last.set)
			write_term(w, &c->last);
		break;
	}
	jw_obj_close(w);
	jw_key(w, "lastState");
	jw_obj_open(w);
	/* A finished container's last run is its state, not its lastState. */
	if (c->st != CS_DONE && c->st != CS_EXITED && c->last.set)
		write_term(w, &c->last);
	jw_obj_close(w);
}

static void write_berth_ctr(struct jw *w, const struct sv_ctr *c)
{
	int64_t use = mem_usage(c);

	jw_key(w, "berth");
	jw_obj_open(w);
	jw_kint(w, "pid", sv_alive(c) ? c->pid : 0);
	jw_kbool(w, "sidecar", c->c->sidecar);
	jw_kstr(w, "oomPolicy", pod_oom_policy_name(c->c->oom_policy));
	jw_key(w, "memoryUsageBytes");
	if (use >= 0)
		jw_int(w, use);
	else
		jw_null(w);
	jw_key(w, "memoryLimitBytes");
	if (c->mem_limit >= 0)
		jw_int(w, c->mem_limit);
	else
		jw_null(w);
	jw_kstr(w, "cgroup", c->cg);
	jw_kstr(w, "health", sv_ctr_health(c));
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
	jw_key(w, "metadata");
	jw_obj_open(w);
	jw_kstr(w, "name", s->pod->name);
	jw_obj_close(w);
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
