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
#include "table.h"
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

static void ctr_state(const struct pod_ctr_status *cs, char *state, size_t size)
{
	static const char *const res[3] = { "cpu", "memory", "io" };

	if (cs->reason && *cs->state)
		snprintf(state, size, "%s: %s", cs->state, cs->reason);
	else if (cs->health && *cs->health)
		snprintf(state, size, "%s, %s", cs->state, cs->health);
	else
		snprintf(state, size, "%s", *cs->state ? cs->state : "-");
	for (int r = 0; r < 3; r++)
		if (cs->psi_high[r]) {
			size_t n = strlen(state);
			snprintf(state + n, size - n, ", %s pressure", res[r]);
		}
	if (cs->sidecar)
		strncat(state, " [sidecar]", size - strlen(state) - 1);
	else if (cs->init)
		strncat(state, " [init]", size - strlen(state) - 1);
}

static void print_ctr(struct table *t, const struct pod_ctr_status *cs)
{
	char state[128], use[24], lim[24], age[32];

	ctr_state(cs, state, sizeof(state));
	pod_human_bytes(use, sizeof(use), cs->memory_usage);
	pod_human_bytes(lim, sizeof(lim), cs->memory_limit);
	if (!strcmp(cs->state, "running"))
		human_age(age, sizeof(age), cs->started_at);
	else
		snprintf(age, sizeof(age), "-");
	table_addf(t, "  %s", cs->name);
	table_add(t, state);
	table_add(t, cs->ready ? "yes" : "no");
	table_addf(t, "%" PRId64, cs->restart_count);
	table_add(t, cs->last_reason ? cs->last_reason : "-");
	table_add(t, age);
	table_addf(t, "%s/%s", use, cs->memory_limit < 0 ? "-" : lim);
	table_add(t, cs->why);
}

static void print_pod(struct table *t, const struct pod_status_view *v)
{
	char age[32];
	size_t n_ready = 0, n = 0;
	int64_t r = 0;

	for (size_t i = 0; i < v->n_ctrs; i++) {
		r += v->ctrs[i].restart_count;
		if (v->ctrs[i].init && !v->ctrs[i].sidecar)
			continue;
		n++;
		n_ready += v->ctrs[i].ready;
	}
	human_age(age, sizeof(age), v->ended_at ? v->ended_at : v->start_time);
	table_add(t, v->name);
	if (v->ended_at)
		table_addf(t, "%s (ended %s ago)", v->phase, age);
	else
		table_addf(t, "%s%s", v->phase, v->stopping ? " (stopping)" : "");
	table_addf(t, "%zu/%zu", n_ready, n);
	table_addf(t, "%" PRId64, r);
	table_add(t, "");
	table_add(t, v->ended_at ? "-" : age);
	table_add(t, "");
	table_add(t, v->pod_ip && !v->ended_at ? v->pod_ip : "");
	for (size_t i = 0; i < v->n_ctrs; i++)
		print_ctr(t, &v->ctrs[i]);
}

static void print_dead(struct table *t, const char *name, const char *why)
{
	const char *cells[] = { name, why, "-", "-", "", "-", "", "" };

	for (size_t i = 0; i < 8; i++)
		table_add(t, cells[i]);
}

static void header(struct table *t)
{
	static const char *const head[] = { "POD / CONTAINER", "STATE", "READY", "RESTARTS",
					    "LAST REASON", "UPTIME", "MEMORY", "IP / DETAILS" };

	table_init(t, 8);
	for (size_t i = 0; i < 8; i++)
		table_add(t, head[i]);
}

/* One pod, as JSON (*first: no comma before it) or rows of t; 1 after an
 * error (reported), 0 otherwise. */
static int one(struct cli *cli, const char *name, const struct pod_ps_opts *o, bool *first,
	       struct table *t, pod_status_fn get)
{
	_cleanup_free_ char *doc = NULL;
	struct b_err err = { 0 };
	struct pod_status_view *v = NULL;
	bool json = o->json;
	size_t len;
	int m;

	if (get(cli, name, false, &doc, &len, &err) < 0) {
		/* No answer: between two runs (pod restart), starting or
		 * stopping (EBUSY), or its supervisor is gone (ESRCH). */
		int k = err.code == EAGAIN ? 0 : err.code == EBUSY ? 1 : err.code == ESRCH ? 2 : -1;
		static const char *const phase[] = { "Pending", "Unknown", "Unknown" },
			*const reason[] = { "Restarting", "NotAnswering", "SupervisorGone" },
			*const row[] = { "Pending (restarting)", "Unknown (starting or stopping)",
					 "Unknown (supervisor gone)" };

		if (k < 0)
			return cli_error(cli, &err);
		if (o->selector)
			return 0;   /* its labels are not at hand */
		if (json)
			printf("%s{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"%s\"},"
			       "\"status\":{\"phase\":\"%s\",\"reason\":\"%s\"}}",
			       *first ? "" : ",", name, phase[k], reason[k]);
		else
			print_dead(t, name, row[k]);
		*first = false;
		return 0;
	}
	if (pod_status_parse(name, doc, len, &v, &err) < 0)
		return cli_error(cli, &err);
	m = o->selector ? pod_label_selector_match(v->labels, v->n_labels, o->selector, &err) : 1;
	if (v->ended_at && !o->all)
		m = 0;   /* pod ps -a shows it */
	if (m > 0 && json) {
		while (len && (doc[len - 1] == '\n'))
			len--;
		printf("%s%.*s", *first ? "" : ",", (int)len, doc);
		*first = false;
	} else if (m > 0) {
		print_pod(t, v);
	}
	pod_status_free(v);
	return m < 0 ? cli_error(cli, &err) : 0;
}

int pod_ps_print(struct cli *cli, char **names, size_t n, const struct pod_ps_opts *o,
		 pod_status_fn get)
{
	bool json = o->json;
	struct table t;
	bool first = true;
	int rc = 0;

	header(&t);
	if (json)
		printf("[");
	for (size_t i = 0; i < n; i++)
		rc |= one(cli, names[i], o, &first, &t, get);
	if (json)
		printf("]\n");
	else
		table_print(&t, stdout);
	table_free(&t);
	return rc;
}
