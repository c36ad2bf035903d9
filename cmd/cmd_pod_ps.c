/* berth pod ps: one line per pod and one per container (state, restarts,
 * last reason, uptime, memory use against the limit), or the status
 * documents as a JSON array. */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/cleanup.h"
#include "pod_ps.h"
#include "specs/pod_status.h"

void pod_human_bytes(char *buf, size_t size, int64_t v)
{
	static const char *const units[] = { "B", "Ki", "Mi", "Gi", "Ti" };
	double d = (double)v;
	size_t u = 0;

	if (v < 0) {
		snprintf(buf, size, "-");
		return;
	}
	while (d >= 1024 && u + 1 < sizeof(units) / sizeof(units[0])) {
		d /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, size, "%" PRId64 "B", v);
	else
		snprintf(buf, size, d < 10 ? "%.1f%s" : "%.0f%s", d, units[u]);
}

static void human_age(char *buf, size_t size, const char *since)
{
	struct tm tm = { 0 };
	time_t t, now = time(NULL);
	long d;

	if (!since || !strptime(since, "%Y-%m-%dT%H:%M:%S", &tm)) {
		snprintf(buf, size, "-");
		return;
	}
	t = timegm(&tm);
	d = now > t ? (long)(now - t) : 0;
	if (d < 120)
		snprintf(buf, size, "%lds", d);
	else if (d < 7200)
		snprintf(buf, size, "%ldm%lds", d / 60, d % 60);
	else if (d < 172800)
		snprintf(buf, size, "%ldh%ldm", d / 3600, d / 60 % 60);
	else
		snprintf(buf, size, "%ldd%ldh", d / 86400, d / 3600 % 24);
}

#define ROW "%-24s %-28s %-6s %-9s %-12s %-8s %-18s %s\n"

static void print_ctr(const struct pod_ctr_status *cs)
{
	char name[64], state[96], mem[64], use[24], lim[24], age[32], rs[24];

	snprintf(name, sizeof(name), "  %s", cs->name);
	if (cs->reason && *cs->state)
		snprintf(state, sizeof(state), "%s: %s", cs->state, cs->reason);
	else if (cs->health && *cs->health)
		snprintf(state, sizeof(state), "%s, %s", cs->state, cs->health);
	else
		snprintf(state, sizeof(state), "%s", *cs->state ? cs->state : "-");
	for (int r = 0; r < 3; r++)
		if (cs->psi_high[r]) {
			static const char *const res[3] = { "cpu", "memory", "io" };
			size_t n = strlen(state);
			snprintf(state + n, sizeof(state) - n, ", %s pressure", res[r]);
		}
	if (cs->sidecar)
		strncat(state, " [sidecar]", sizeof(state) - strlen(state) - 1);
	else if (cs->init)
		strncat(state, " [init]", sizeof(state) - strlen(state) - 1);
	pod_human_bytes(use, sizeof(use), cs->memory_usage);
	pod_human_bytes(lim, sizeof(lim), cs->memory_limit);
	snprintf(mem, sizeof(mem), "%s/%s", use, cs->memory_limit < 0 ? "-" : lim);
	if (!strcmp(cs->state, "running"))
		human_age(age, sizeof(age), cs->started_at);
	else
		snprintf(age, sizeof(age), "-");
	snprintf(rs, sizeof(rs), "%" PRId64, cs->restart_count);
	printf(ROW, name, state, cs->ready ? "yes" : "no", rs,
	       cs->last_reason ? cs->last_reason : "-", age, mem, "");
}

static void print_pod(const struct pod_status_view *v)
{
	char ready[16], restarts[16], age[32], phase[64];
	size_t n_ready = 0, n = 0;
	int64_t r = 0;

	for (size_t i = 0; i < v->n_ctrs; i++) {
		r += v->ctrs[i].restart_count;
		if (v->ctrs[i].init && !v->ctrs[i].sidecar)
			continue;
		n++;
		n_ready += v->ctrs[i].ready;
	}
	snprintf(ready, sizeof(ready), "%zu/%zu", n_ready, n);
	snprintf(restarts, sizeof(restarts), "%" PRId64, r);
	snprintf(phase, sizeof(phase), "%s%s", v->phase, v->stopping ? " (stopping)" : "");
	human_age(age, sizeof(age), v->start_time);
	printf(ROW, v->name, phase, ready, restarts, "", age, "", v->pod_ip ? v->pod_ip : "");
	for (size_t i = 0; i < v->n_ctrs; i++)
		print_ctr(&v->ctrs[i]);
}

static void print_dead(const char *name, const char *why)
{
	printf(ROW, name, why, "-", "-", "", "-", "", "");
}

int pod_ps_print(struct cli *cli, char **names, size_t n, bool json, pod_status_fn get)
{
	int rc = 0;

	if (json)
		printf("[");
	else
		printf(ROW, "POD / CONTAINER", "STATE", "READY", "RESTARTS", "LAST REASON", "UPTIME",
		       "MEMORY", "IP");
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *doc = NULL;
		struct b_err err = { 0 };
		struct pod_status_view *v = NULL;
		size_t len;

		if (get(cli, names[i], false, &doc, &len, &err) < 0) {
			if (err.code != ESRCH) {
				rc = cli_error(cli, &err);
				continue;
			}
			if (json)
				printf("%s{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"%s\"},"
				       "\"status\":{\"phase\":\"Unknown\",\"reason\":\"SupervisorGone\"}}",
				       i ? "," : "", names[i]);
			else
				print_dead(names[i], "Unknown (supervisor gone)");
			continue;
		}
		if (json) {
			while (len && (doc[len - 1] == '\n'))
				len--;
			printf("%s%.*s", i ? "," : "", (int)len, doc);
			continue;
		}
		if (pod_status_parse(names[i], doc, len, &v, &err) < 0) {
			rc = cli_error(cli, &err);
			continue;
		}
		print_pod(v);
		pod_status_free(v);
	}
	if (json)
		printf("]\n");
	return rc;
}
