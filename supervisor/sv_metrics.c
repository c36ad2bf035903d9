/* The pod's metrics, built when asked (`metrics` on the control socket):
 * nothing is sampled between scrapes, so an idle supervisor stays asleep
 * when nobody scrapes.  cgroup figures come from metrics/cadvisor.c, the
 * pod's state from sv_metrics_ksm.c, probes and berth's own figures from
 * here.  docs/metrics.md is the list. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgroups/stats.h"
#include "common/cleanup.h"
#include "common/fsutil.h"
#include "metrics/cadvisor.h"
#include "supervisor/sv_internal.h"

const char *sv_metrics_namespace(const struct sv *s)
{
	return s->pod->namespace_ && *s->pod->namespace_ ? s->pod->namespace_ : "berth";
}

/* Where the cgroup2 root ends in the absolute paths: pod_cg is that root
 * followed by cg_base. */
static size_t cg_root_len(const struct sv *s)
{
	size_t a = strlen(s->pod_cg), b = strlen(s->cg_base);

	return a >= b && !strcmp(s->pod_cg + a - b, s->cg_base) ? a - b : 0;
}

static void cadvisor(struct b_text *t, const struct sv *s)
{
	struct mx_cg_row rows[s->n + 1];
	struct cg_stats *st = calloc(s->n + 1, sizeof(*st));
	size_t n = 0, root = cg_root_len(s);
	struct b_err ign = { 0 };

	if (!st)
		return (void)(t->oom = true);
	for (size_t i = 0; i < s->n; i++) {
		const struct sv_ctr *c = &s->cs[i];

		if (!c->cg[0] || !sv_alive(c) || cg_stats_read_parts(c->cg, 0, &st[n], &ign) < 0)
			continue;
		rows[n] = (struct mx_cg_row){ sv_metrics_namespace(s), s->pod->name, c->c->name,
			strlen(c->cg) > root ? c->cg + root : c->cg, c->id, c->c->image, &st[n],
			(double)c->started_unix };
		n++;
	}
	if (s->pod_cg[0] && cg_stats_read_parts(s->pod_cg, 0, &st[n], &ign) == 0) {
		st[n].has_procs = false;   /* its processes are its containers', not its own */
		rows[n] = (struct mx_cg_row){ sv_metrics_namespace(s), s->pod->name, "",
			s->pod_cg + root, "", "", &st[n], 0 };
		n++;
	}
	mx_cadvisor(t, rows, n);
	free(st);
}

static const char *const probe_types[SV_PROBE_N] = { "Startup", "Liveness", "Readiness" };

static size_t probe_labels(const struct sv *s, const struct sv_ctr *c, int k, struct mx_label *l)
{
	l[0] = (struct mx_label){ "probe_type", probe_types[k] };
	l[1] = (struct mx_label){ "container", c->c->name };
	l[2] = (struct mx_label){ "pod", s->pod->name };
	l[3] = (struct mx_label){ "namespace", sv_metrics_namespace(s) };
	return 4;
}

static void probes(struct b_text *t, const struct sv *s)
{
	mx_family(t, "prober_probe_total", MX_COUNTER, "Probe runs by type and result, as the kubelet counts them.");
	for (size_t i = 0; i < s->n; i++)
		for (int k = 0; k < SV_PROBE_N; k++) {
			const struct sv_probe *p = s->cs[i].probes[k];
			struct mx_label l[5];
			size_t n;

			if (!p)
				continue;
			n = probe_labels(s, &s->cs[i], k, l);
			l[n] = (struct mx_label){ "result", "successful" };
			mx_sample_u64(t, "prober_probe_total", NULL, l, n + 1, p->n_ok);
			l[n] = (struct mx_label){ "result", "failed" };
			mx_sample_u64(t, "prober_probe_total", NULL, l, n + 1, p->n_failed);
		}
	mx_family(t, "prober_probe_duration_seconds", MX_HISTOGRAM, "How long probe runs took, in seconds.");
	for (size_t i = 0; i < s->n; i++)
		for (int k = 0; k < SV_PROBE_N; k++) {
			const struct sv_probe *p = s->cs[i].probes[k];
			struct mx_label l[4];

			if (p)
				mx_histogram(t, "prober_probe_duration_seconds", l,
					     probe_labels(s, &s->cs[i], k, l),
					     &(struct mx_hist){ mx_def_buckets, MX_DEF_BUCKETS,
								p->dur_counts, p->dur_sum });
		}
}

/* Resident memory of this process, from /proc/self/statm (pages). */
static double self_rss(void)
{
	_cleanup_free_ char *buf = NULL;
	unsigned long long size, rss;

	if (b_read_file("/proc/self/statm", 256, &buf, NULL) < 0 ||
	    sscanf(buf, "%llu %llu", &size, &rss) != 2)
		return 0;
	return (double)rss * (double)sysconf(_SC_PAGESIZE);
}

static void own(struct b_text *t, const struct sv *s)
{
	struct mx_label l[3] = { { "namespace", sv_metrics_namespace(s) }, { "pod", s->pod->name } };

	mx_family(t, "berth_supervisor_resident_memory_bytes", MX_GAUGE, "Resident memory of the pod's supervisor process.");
	mx_sample(t, "berth_supervisor_resident_memory_bytes", NULL, l, 2, self_rss());
	mx_family(t, "berth_supervisor_wakeups_total", MX_COUNTER, "Times the supervisor's event loop woke up with work.");
	mx_sample_u64(t, "berth_supervisor_wakeups_total", NULL, l, 2, s->wakeups);
	mx_family(t, "berth_event_log_bytes", MX_GAUGE, "Size of the pod's current event log file.");
	mx_sample(t, "berth_event_log_bytes", NULL, l, 2, (double)(s->events.fd >= 0 ? s->events.size : 0));
	mx_family(t, "berth_restart_backoff_seconds", MX_GAUGE, "The back-off before the container's next restart; 0 when it is not waiting for one.");
	for (size_t i = 0; i < s->n; i++) {
		const struct sv_ctr *c = &s->cs[i];

		l[2] = (struct mx_label){ "container", c->c->name };
		mx_sample(t, "berth_restart_backoff_seconds", NULL, l, 3,
			  c->st == CS_BACKOFF ? c->backoff_ms / 1000.0 : 0);
	}
}

static void pressure_events(struct b_text *t, const struct sv *s)
{
	struct mx_label l[4] = { { "namespace", sv_metrics_namespace(s) }, { "pod", s->pod->name } };

	mx_family(t, "berth_pressure_events_total", MX_COUNTER, "PSI trigger events: the container's stall time passed its berth.dev/pressure threshold.");
	for (size_t i = 0; i < s->n; i++)
		for (int r = 0; r < POD_PRESSURE_N; r++) {
			if (s->cs[i].psi[r].fd < 0 && !s->cs[i].psi[r].events)
				continue;
			l[2] = (struct mx_label){ "container", s->cs[i].c->name };
			l[3] = (struct mx_label){ "resource", pod_pressure_res_name(r) };
			mx_sample_u64(t, "berth_pressure_events_total", NULL, l, 4, s->cs[i].psi[r].events);
		}
}

char *sv_metrics_text(struct sv *s, size_t *len)
{
	struct b_text t = { 0 };

	cadvisor(&t, s);
	sv_metrics_ksm(&t, s);
	probes(&t, s);
	own(&t, s);
	pressure_events(&t, s);
	return b_text_finish(&t, len);
}
