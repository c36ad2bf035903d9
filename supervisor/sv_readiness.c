/* Readiness and health of containers and of the pod, from the state the
 * probes and sd_notify leave: what systemd's READY=1, the Ready condition
 * and `berth pod ps` report.  No I/O (tests/unit/test_sv_readiness.c). */
#include "supervisor/sv_internal.h"

bool sv_ctr_ready(const struct sv_ctr *c)
{
	if (c->st != CS_RUNNING || !c->startup_done || c->unhealthy)
		return false;
	if (c->c->sd_notify && !c->notify_ready)
		return false;
	return c->probes[SV_PROBE_READINESS] ? c->ready : true;
}

bool sv_pod_ready(const struct sv *s)
{
	if (s->pst != PS_RUNNING)
		return false;
	for (size_t i = 0; i < s->n; i++) {
		const struct sv_ctr *c = &s->cs[i];

		if (c->c->init && !c->c->sidecar)
			continue;
		/* A completed container (restartPolicy Never/OnFailure) is not
		 * ready, as in Kubernetes. */
		if (!sv_ctr_ready(c))
			return false;
	}
	return true;
}

const char *sv_ctr_health(const struct sv_ctr *c)
{
	const struct sv_probe *l = c->probes[SV_PROBE_LIVENESS];

	if (!sv_alive(c))
		return "";
	if (c->unhealthy)
		return "unhealthy";
	if (!c->startup_done)
		return "starting";
	if (l)
		return l->consec_fail ? "unhealthy" : "healthy";
	return c->probes[SV_PROBE_READINESS] ? "healthy" : "";
}
