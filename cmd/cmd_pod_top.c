/* berth pod top [NAME...] [--no-stream] [--interval SECS] [--format table|json]:
 * what each container uses now, with what explains it: CPU (the cgroup's
 * usage between two reads: 100% is one core), working-set memory against
 * the limit, PSI "some" avg10 per resource, restarts, the last reason,
 * readiness and probe health.  Refreshed every interval on a terminal;
 * --no-stream prints once (after one interval, as CPU needs two reads). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "opts.h"
#include "pod_cmds.h"
#include "pod_ps.h"
#include "specs/jsonw.h"
#include "specs/pod_status.h"
#include "supervisor/supervisor.h"

struct sample {
	struct pod_status_view **v;   /* per pod, NULL when it did not answer */
	size_t n;
	int64_t at_us;
};

struct top_row {
	const struct pod_status_view *pod;
	const struct pod_ctr_status *c;
	double cpu;                   /* percent of one core, < 0: unknown */
};

static int64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void sample_free(struct sample *s)
{
	for (size_t i = 0; i < s->n; i++)
		pod_status_free(s->v[i]);
	free(s->v);
	s->v = NULL;
}

static int take(struct cli *cli, char **names, size_t n, struct sample *s)
{
	s->n = n;
	if (!(s->v = calloc(n + 1, sizeof(*s->v))))
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *doc = NULL;
		struct b_err err = { 0 };
		size_t len;

		if (sv_pod_request(&cli->ctx, names[i], "status", &doc, &len, &err) == 0)
			pod_status_parse(names[i], doc, len, &s->v[i], &err);
	}
	s->at_us = mono_us();
	return 0;
}

static const struct pod_ctr_status *find_ctr(const struct pod_status_view *v, const char *name)
{
	for (size_t i = 0; v && i < v->n_ctrs; i++)
		if (!strcmp(v->ctrs[i].name, name))
			return &v->ctrs[i];
	return NULL;
}

static double cpu_percent(const struct pod_ctr_status *now, const struct pod_ctr_status *then,
			  int64_t dt_us)
{
	if (!then || now->cpu_usage_usec < 0 || then->cpu_usage_usec < 0 || dt_us <= 0 ||
	    now->cpu_usage_usec < then->cpu_usage_usec)   /* restarted in between */
		return -1;
	return (double)(now->cpu_usage_usec - then->cpu_usage_usec) * 100.0 / (double)dt_us;
}

static int by_cpu(const void *a, const void *b)
{
	const struct top_row *x = a, *y = b;

	return (y->cpu > x->cpu) - (y->cpu < x->cpu);
}

/* One row per container of every pod that answered both times, each
 * pod's containers busiest first. */
static size_t rows_of(const struct sample *now, const struct sample *then, struct top_row **out)
{
	size_t n = 0, cap = 0;
	struct top_row *rows = NULL;

	for (size_t i = 0; i < now->n; i++) {
		const struct pod_status_view *v = now->v[i];
		size_t first = n;

		for (size_t j = 0; v && j < v->n_ctrs; j++) {
			if (n == cap) {
				struct top_row *nr = realloc(rows, (cap = cap ? cap * 2 : 16) * sizeof(*nr));
				if (!nr)
					break;
				rows = nr;
			}
			rows[n++] = (struct top_row){ v, &v->ctrs[j],
				cpu_percent(&v->ctrs[j], find_ctr(then->v[i], v->ctrs[j].name),
					    now->at_us - then->at_us) };
		}
		if (n > first)
			qsort(rows + first, n - first, sizeof(*rows), by_cpu);
	}
	*out = rows;
	return n;
}

enum { C_POD, C_NAME, C_CPU, C_MEM, C_BAR, C_PSI, C_RESTARTS, C_REASON, C_READY, C_HEALTH, C_N };

struct cells {
	char s[C_N][64];
};

static void bar(char *buf, size_t size, int64_t use, int64_t lim)
{
	int full = lim > 0 && use >= 0 ? (int)(use * 10 / lim) : -1;

	if (full < 0) {
		snprintf(buf, size, "-");
		return;
	}
	if (full > 10)
		full = 10;
	snprintf(buf, size, "[%.*s%.*s]", full, "##########", 10 - full, "..........");
}

static void psi_cell(char *buf, size_t size, const struct pod_ctr_status *c)
{
	char part[3][16];

	for (int i = 0; i < 3; i++)
		if (c->psi_avg10[i] < 0)
			snprintf(part[i], sizeof(part[i]), "-");
		else
			snprintf(part[i], sizeof(part[i]), "%.1f%s", c->psi_avg10[i], c->psi_high[i] ? "!" : "");
	snprintf(buf, size, "%s/%s/%s", part[0], part[1], part[2]);
}

static void cells_of(const struct top_row *r, struct cells *x)
{
	const struct pod_ctr_status *c = r->c;
	char use[16], lim[16];

	snprintf(x->s[C_POD], 64, "%s", r->pod->name);
	snprintf(x->s[C_NAME], 64, "%s", c->name);
	if (r->cpu < 0)
		snprintf(x->s[C_CPU], 64, "-");
	else
		snprintf(x->s[C_CPU], 64, "%.1f%%", r->cpu);
	pod_human_bytes(use, sizeof(use), c->memory_working_set);
	pod_human_bytes(lim, sizeof(lim), c->memory_limit);
	snprintf(x->s[C_MEM], 64, "%s / %s", use, c->memory_limit < 0 ? "-" : lim);
	bar(x->s[C_BAR], 64, c->memory_working_set, c->memory_limit);
	psi_cell(x->s[C_PSI], 64, c);
	snprintf(x->s[C_RESTARTS], 64, "%" PRId64, c->restart_count);
	snprintf(x->s[C_REASON], 64, "%s", c->last_reason ? c->last_reason : "-");
	snprintf(x->s[C_READY], 64, "%s", c->ready ? "yes" : "no");
	snprintf(x->s[C_HEALTH], 64, "%s", c->health && *c->health ? c->health :
		 *c->state ? c->state : "-");
}

static const char *const headers[C_N] = { "POD", "CONTAINER", "CPU", "MEMORY (WS / LIMIT)", "",
					  "PSI CPU/MEM/IO", "RESTARTS", "LAST REASON", "READY", "HEALTH" };

/* Columns as wide as their widest cell; colour only on a terminal: red
 * for pressure going on, yellow for a container that is not ready. */
static void print_table(const struct top_row *rows, size_t n, bool tty)
{
	struct cells *cells = calloc(n + 1, sizeof(*cells));
	size_t w[C_N];

	if (!cells)
		return;
	for (int k = 0; k < C_N; k++)
		w[k] = strlen(headers[k]);
	for (size_t i = 0; i < n; i++) {
		cells_of(&rows[i], &cells[i]);
		for (int k = 0; k < C_N; k++)
			if (strlen(cells[i].s[k]) > w[k])
				w[k] = strlen(cells[i].s[k]);
	}
	if (tty)
		fputs("\033[H\033[J", stdout);
	for (int k = 0; k + 1 < C_N; k++)
		printf("%-*s  ", (int)w[k], headers[k]);
	printf("%s\n", headers[C_N - 1]);
	for (size_t i = 0; i < n; i++) {
		bool hot = rows[i].c->psi_high[0] || rows[i].c->psi_high[1] || rows[i].c->psi_high[2];
		const char *col = !tty ? "" : hot ? "\033[31m" : !rows[i].c->ready ? "\033[33m" : "";

		printf("%s", col);
		for (int k = 0; k + 1 < C_N; k++)
			printf("%-*s  ", (int)w[k], cells[i].s[k]);
		printf("%s", cells[i].s[C_N - 1]);
		printf("%s\n", *col ? "\033[0m" : "");
	}
	if (!n)
		printf("(no running pods)\n");
	free(cells);
	fflush(stdout);
}

static void json_num(struct jw *w, const char *key, double v, bool known)
{
	jw_key(w, key);
	if (known)
		jw_fixed(w, v, 2);
	else
		jw_null(w);
}

/* Numbers as numbers (podman's stats JSON has formatted strings). */
static void print_json(const struct top_row *rows, size_t n)
{
	static const char *const res[3] = { "cpu", "memory", "io" };
	_cleanup_(jw_freep) struct jw *w = jw_new(false);
	_cleanup_free_ char *out = NULL;
	size_t len;

	if (!w)
		return;
	jw_arr_open(w);
	for (size_t i = 0; i < n; i++) {
		const struct pod_ctr_status *c = rows[i].c;

		jw_obj_open(w);
		jw_kstr(w, "pod", rows[i].pod->name);
		jw_kstr(w, "container", c->name);
		json_num(w, "cpuPercent", rows[i].cpu, rows[i].cpu >= 0);
		json_num(w, "memoryWorkingSetBytes", (double)c->memory_working_set, c->memory_working_set >= 0);
		json_num(w, "memoryLimitBytes", (double)c->memory_limit, c->memory_limit >= 0);
		jw_key(w, "pressureAvg10");
		jw_obj_open(w);
		for (int k = 0; k < 3; k++)
			json_num(w, res[k], c->psi_avg10[k], c->psi_avg10[k] >= 0);
		jw_obj_close(w);
		jw_kint(w, "restarts", c->restart_count);
		jw_kstr(w, "lastReason", c->last_reason);
		jw_kbool(w, "ready", c->ready);
		jw_kstr(w, "state", *c->state ? c->state : NULL);
		jw_kstr(w, "health", c->health && *c->health ? c->health : NULL);
		jw_obj_close(w);
	}
	jw_arr_close(w);
	if ((out = jw_finish(w, &len)))
		printf("%s\n", out);
	fflush(stdout);
}

struct top_opts {
	bool json, once;
	int64_t interval_us;
};

/* 0, or CLI_EXIT with the exit status in a->rc */
static int parse_opts(struct cli_args *a, struct top_opts *o)
{
	char *end;
	double secs;
	int k;

	*o = (struct top_opts){ .interval_us = 1000000 };
	while ((k = cli_next(a)) > 0)
		if (k == OPT_NO_STREAM)
			o->once = true;
		else if (k == 'f' && (!strcmp(a->arg, "json") || !strcmp(a->arg, "table")))
			o->json = !strcmp(a->arg, "json");
		else if (k == OPT_INTERVAL && (secs = strtod(a->arg, &end)) >= 0.1 && !*end && secs <= 3600)
			o->interval_us = (int64_t)(secs * 1e6);
		else
			return a->rc = cli_usage(a->cli, a->c, "--%s: \"%s\" is not %s",
						 k == 'f' ? "format" : "interval", a->arg,
						 k == 'f' ? "table or json" : "0.1 to 3600 seconds"), CLI_EXIT;
	return k;
}

int pod_top_main(struct cli *cli, const struct command *c, int argc, char **argv)
{
	struct top_opts o;
	char **names = NULL;
	size_t n = 0;
	struct b_err err = { 0 };
	struct sample then = { 0 }, now = { 0 };
	bool tty = isatty(STDOUT_FILENO);
	CLI_ARGS a = { 0 };

	if (cli_args_init(&a, cli, c, argc, argv) < 0)
		return cli_errorf(cli, "out of memory");
	if (parse_opts(&a, &o) == CLI_EXIT)
		return a.rc;
	if (a.npos) {
		names = a.pos;
		n = (size_t)a.npos;
	} else if (sv_pod_list(&cli->ctx, &names, &n, &err) < 0 && err.code != ENOENT) {
		return cli_error(cli, &err);
	}
	for (size_t i = 0; a.npos && i < n; i++)
		if (sv_pod_probe(&cli->ctx, names[i], &err) != SV_POD_RUNNING)
			return err.code ? cli_error(cli, &err) :
				cli_errorf(cli, "top: pod %s is not running", names[i]);
	if (take(cli, names, n, &then) < 0)
		return cli_errorf(cli, "top: out of memory");
	for (;;) {
		_cleanup_free_ struct top_row *rows = NULL;
		size_t nr;

		usleep((useconds_t)o.interval_us);
		if (take(cli, names, n, &now) < 0)
			break;
		nr = rows_of(&now, &then, &rows);
		if (o.json)
			print_json(rows, nr);
		else
			print_table(rows, nr, tty && !o.once);
		sample_free(&then);
		then = now;
		now = (struct sample){ 0 };
		if (o.once)
			break;
		if (!o.json && !tty)
			printf("\n");
	}
	sample_free(&then);
	if (!a.npos)
		sv_pod_list_free(names, n);
	return 0;
}
