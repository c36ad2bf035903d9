/* The pod's state as kube-state-metrics exports a Pod's, so alerts such as
 * "restarts rising" or "waiting in CrashLoopBackOff" written for a cluster
 * work on a berth host.  Names, labels and which series exist when follow
 * KSM 2.x (docs/design/telemetry-facts.md section 3); the `uid` label is
 * left out, as berth pods have no UID. */
#include <stdio.h>
#include <string.h>

#include "supervisor/sv_internal.h"

enum { LBL_MAX = 5 };

/* namespace, pod, container: the labels every container family starts with. */
static size_t ctr_labels(const struct sv *s, const struct sv_ctr *c, struct mx_label *l)
{
	l[0] = (struct mx_label){ "namespace", sv_metrics_namespace(s) };
	l[1] = (struct mx_label){ "pod", s->pod->name };
	l[2] = (struct mx_label){ "container", c->c->name };
	return 3;
}

static bool terminated(const struct sv_ctr *c)
{
	return (c->st == CS_EXITED || c->st == CS_DONE) && c->last.set;
}

/* The previous run's end, when the container runs again or waits to. */
static const struct sv_term *last_state(const struct sv_ctr *c)
{
	return !terminated(c) && c->last.set ? &c->last : NULL;
}

enum ksm_kind { K_RESTARTS, K_READY, K_RUNNING, K_WAITING, K_TERMINATED, K_WAITING_REASON,
		K_TERMINATED_REASON, K_LAST_REASON, K_LAST_EXITCODE, K_N };

struct ksm_family {
	const char *suffix;
	enum mx_type type;
	const char *help;
};

static const struct ksm_family ksm[K_N] = {
	[K_RESTARTS] = { "status_restarts_total", MX_COUNTER, "Times the container was restarted." },
	[K_READY] = { "status_ready", MX_GAUGE, "Whether the container passes its readiness probe (1) or not (0)." },
	[K_RUNNING] = { "status_running", MX_GAUGE, "Whether the container is running." },
	[K_WAITING] = { "status_waiting", MX_GAUGE, "Whether the container is waiting to start." },
	[K_TERMINATED] = { "status_terminated", MX_GAUGE, "Whether the container has terminated." },
	[K_WAITING_REASON] = { "status_waiting_reason", MX_GAUGE, "Why the container is waiting: one series, value 1, while it waits." },
	[K_TERMINATED_REASON] = { "status_terminated_reason", MX_GAUGE, "Why the container terminated: one series, value 1, while it is terminated." },
	[K_LAST_REASON] = { "status_last_terminated_reason", MX_GAUGE, "Why the container's previous run ended." },
	[K_LAST_EXITCODE] = { "status_last_terminated_exitcode", MX_GAUGE, "The exit code of the container's previous run." },
};

/* Whether the container has a series in this family, and its value and
 * extra `reason` label. */
static bool ksm_value(const struct sv *s, const struct sv_ctr *c, enum ksm_kind k,
		      double *v, const char **reason)
{
	const struct sv_term *last = last_state(c);

	*reason = NULL;
	*v = 1;
	switch (k) {
	case K_RESTARTS: *v = c->restarts; return true;
	case K_READY: *v = sv_ctr_ready(c); return true;
	case K_RUNNING: *v = c->st == CS_RUNNING || c->st == CS_TERMINATING; return true;
	case K_WAITING: *v = sv_waiting_reason(s, c) != NULL; return true;
	case K_TERMINATED: *v = terminated(c); return true;
	case K_WAITING_REASON: *reason = sv_waiting_reason(s, c); return *reason;
	case K_TERMINATED_REASON: *reason = terminated(c) ? c->last.reason : NULL; return *reason;
	case K_LAST_REASON: *reason = last ? last->reason : NULL; return *reason;
	case K_LAST_EXITCODE: *v = last ? last->code : 0; return last;
	case K_N: break;
	}
	return false;
}

static void ksm_family(struct b_text *t, const struct sv *s, enum ksm_kind k, bool init)
{
	char name[96];
	size_t from = init ? 0 : s->n_init, to = init ? s->n_init : s->n;

	snprintf(name, sizeof(name), "kube_pod_%scontainer_%s", init ? "init_" : "", ksm[k].suffix);
	mx_family(t, name, ksm[k].type, ksm[k].help);
	for (size_t i = from; i < to; i++) {
		struct mx_label l[LBL_MAX];
		size_t n = ctr_labels(s, &s->cs[i], l);
		const char *reason;
		double v;

		if (!ksm_value(s, &s->cs[i], k, &v, &reason))
			continue;
		if (reason)
			l[n++] = (struct mx_label){ "reason", reason };
		mx_sample(t, name, NULL, l, n, v);
	}
}

static void pod_families(struct b_text *t, const struct sv *s)
{
	static const char *const phases[] = { "Pending", "Succeeded", "Failed", "Unknown", "Running" };
	static const char *const conds[] = { "true", "false", "unknown" };
	const char *phase = sv_phase(s);
	bool ready = sv_pod_ready(s);
	struct mx_label l[3] = { { "namespace", sv_metrics_namespace(s) }, { "pod", s->pod->name } };

	mx_family(t, "kube_pod_status_phase", MX_GAUGE, "The pod's phase: one series per phase, 1 for the current one.");
	for (size_t i = 0; i < 5; i++) {
		l[2] = (struct mx_label){ "phase", phases[i] };
		mx_sample(t, "kube_pod_status_phase", NULL, l, 3, !strcmp(phase, phases[i]));
	}
	mx_family(t, "kube_pod_status_ready", MX_GAUGE, "The pod's Ready condition: one series per status, 1 for the current one.");
	for (size_t i = 0; i < 3; i++) {
		l[2] = (struct mx_label){ "condition", conds[i] };
		mx_sample(t, "kube_pod_status_ready", NULL, l, 3, i == (ready ? 0u : 1u));
	}
}

void sv_metrics_ksm(struct b_text *t, const struct sv *s)
{
	for (int init = 0; init < 2; init++)
		for (enum ksm_kind k = 0; k < K_N; k++)
			ksm_family(t, s, k, init == 1);
	pod_families(t, s);
}
