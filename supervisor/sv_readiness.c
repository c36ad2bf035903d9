/* Readiness and health of containers and of the pod, from the state the
 * probes and sd_notify leave: what systemd's READY=1, the Ready condition
 * and `berth pod ps` report.  No I/O (tests/unit/test_sv_readiness.c). */
#include <stdio.h>
#include <string.h>

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

/* "readiness probe failed 3 times: exit code 1" and the like; control
 * bytes of the probe's output become spaces (it reaches terminals). */
static void probe_why(const struct sv_probe *p, const char *kind, char *buf, size_t size)
{
	const struct sv_probe_result *r;

	if (!p->n_results) {
		snprintf(buf, size, "%s probe: no result yet", kind);
		return;
	}
	r = &p->hist[(p->n_results - 1) % SV_PROBE_HIST];
	if (r->ok)
		snprintf(buf, size, "%s probe: %d of %d successes", kind, p->consec_ok,
			 p->spec->success_threshold);
	else
		snprintf(buf, size, "%s probe failed %d time%s: %s", kind, p->consec_fail,
			 p->consec_fail == 1 ? "" : "s", r->output);
	for (unsigned char *q = (unsigned char *)buf; *q; q++)
		if (*q < 0x20 || *q == 0x7f)
			*q = ' ';
		else if (*q == 0xc2 && q[1] >= 0x80 && q[1] <= 0x9f)   /* C1 controls: CSI is one */
			q[0] = q[1] = ' ';
	for (size_t n = strlen(buf); n && buf[n - 1] == ' '; n--)
		buf[n - 1] = '\0';
}

void sv_ctr_why(const struct sv_ctr *c, int64_t now, char *buf, size_t size)
{
	const struct sv_probe *const *p = (const struct sv_probe *const *)c->probes;

	buf[0] = '\0';
	if (c->st == CS_BACKOFF) {
		int64_t left = c->restart_at_ms > now ? (c->restart_at_ms - now + 999) / 1000 : 0;
		snprintf(buf, size, "back-off: restart in %llds", (long long)left);
	} else if (c->st != CS_RUNNING) {
		return;   /* its state says it */
	} else if (!c->startup_done && p[SV_PROBE_STARTUP]) {
		probe_why(p[SV_PROBE_STARTUP], "startup", buf, size);
	} else if (c->unhealthy && p[SV_PROBE_LIVENESS]) {
		probe_why(p[SV_PROBE_LIVENESS], "liveness", buf, size);
	} else if (c->c->sd_notify && !c->notify_ready) {
		snprintf(buf, size, "waiting for its READY=1 (sd-notify)");
	} else if (p[SV_PROBE_READINESS] && !c->ready) {
		probe_why(p[SV_PROBE_READINESS], "readiness", buf, size);
	}
}
