/* One host's metrics: every pod's (asked of its supervisor, with a
 * deadline so that a stopped or stuck supervisor costs a scrape at most
 * that long) and every container `berth run/create` made (read from its
 * cgroup here), merged into one exposition (metrics/expo.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgroups/cgroup.h"
#include "cgroups/stats.h"
#include "common/cleanup.h"
#include "metrics/cadvisor.h"
#include "metrics/expo.h"
#include "specs/state.h"
#include "supervisor/supervisor.h"

struct bodies {
	char **v;
	size_t n, cap;
};

static int push(struct bodies *b, char *body)
{
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 16;
		char **nv = realloc(b->v, cap * sizeof(*nv));
		if (!nv) {
			free(body);
			return -ENOMEM;
		}
		b->v = nv;
		b->cap = cap;
	}
	b->v[b->n++] = body;
	return 0;
}

static void bodies_free(struct bodies *b)
{
	for (size_t i = 0; i < b->n; i++)
		free(b->v[i]);
	free(b->v);
}

#define POD_BATCH 32   /* requests in flight at once (fds, per scrape) */

/* berth_metrics_pod_scrape_success: whether each running pod answered.
 * The requests of a batch all go out before any reply is read, so the
 * supervisors collect at once: a scrape costs about the slowest pod's
 * time per batch, not the sum. */
static int batch(const struct rt_ctx *ctx, char **names, size_t n, int timeout_ms,
		 int64_t deadline, struct bodies *b, struct b_text *up)
{
	struct b_err err = { 0 };
	int fds[POD_BATCH], r = 0;

	for (size_t i = 0; i < n; i++)
		fds[i] = sv_pod_probe(ctx, names[i], &err) == SV_POD_RUNNING ?
			 sv_pod_send(ctx, names[i], "metrics", timeout_ms, &err) : -ENOENT;
	for (size_t i = 0; i < n; i++) {
		struct mx_label l = { "pod", names[i] };
		char *body = NULL;
		size_t len;
		bool ok;

		if (fds[i] == -ENOENT)
			continue;
		ok = fds[i] >= 0 && sv_pod_reply(fds[i], names[i], deadline, &body, &len, &err) == 0;
		if (fds[i] >= 0)
			close(fds[i]);
		mx_sample(up, "berth_metrics_pod_scrape_success", NULL, &l, 1, ok);
		if (ok && r == 0)
			r = push(b, body);
		else
			free(body);
	}
	return r;
}

static int pods(const struct rt_ctx *ctx, int timeout_ms, struct bodies *b, struct b_text *up)
{
	char **names = NULL;
	size_t n = 0;
	struct b_err err = { 0 };
	int r = sv_pod_list(ctx, &names, &n, &err);
	/* One deadline for the whole scrape, however many batches. */
	int64_t deadline = sv_deadline_ms(timeout_ms);

	if (r < 0)
		return r == -ENOENT ? 0 : r;
	for (size_t i = 0; i < n && r == 0; i += POD_BATCH)
		r = batch(ctx, names + i, n - i < POD_BATCH ? n - i : POD_BATCH, timeout_ms, deadline,
			  b, up);
	sv_pod_list_free(names, n);
	return r;
}

static double parse_time(const char *rfc3339)
{
	struct tm tm = { 0 };

	if (!rfc3339 || !strptime(rfc3339, "%Y-%m-%dT%H:%M:%S", &tm))
		return 0;
	return (double)timegm(&tm);
}

/* The containers of `berth run/create`; a pod's own (P_<name>) are its
 * supervisor's to report. */
static int containers(const struct rt_ctx *ctx, struct b_text *t)
{
	struct oci_state **list = NULL;
	size_t n = 0, k = 0;
	char root[PATH_MAX] = "";
	struct b_err err = { 0 };
	struct cg_stats *st;
	int r = rt_list(ctx, &list, &n, &err);

	if (r < 0)
		return r == -ENOENT ? 0 : r;
	cg_find_mount(root, sizeof(root), &err);
	st = calloc(n + 1, sizeof(*st));
	struct mx_cg_row *rows = calloc(n + 1, sizeof(*rows));
	if (!st || !rows) {
		free(st);
		free(rows);
		rt_list_free(list, n);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		const struct oci_state *o = list[i];
		const char *cg = o->cgroup_path ? o->cgroup_path : "";
		size_t rl = strlen(root);

		if (!strcmp(o->status, "stopped") || !*cg || sv_id_reserved(ctx, o->id, &err) < 0 ||
		    cg_stats_read_parts(cg, 0, &st[k], &err) < 0)
			continue;
		rows[k] = (struct mx_cg_row){ "berth", "", o->id, strncmp(cg, root, rl) ? cg : cg + rl,
			o->id, "", &st[k], parse_time(o->created) };
		k++;
	}
	mx_cadvisor(t, rows, k);
	free(st);
	free(rows);
	rt_list_free(list, n);
	return 0;
}

int sv_metrics_host(const struct rt_ctx *ctx, int pod_timeout_ms, char **out, size_t *len,
		    struct b_err *err)
{
	_cleanup_(bodies_free) struct bodies b = { 0 };
	struct b_text ctrs = { 0 }, up = { 0 };
	int r;

	mx_family(&up, "berth_metrics_pod_scrape_success", MX_GAUGE,
		  "Whether the pod's supervisor answered this scrape (1) or not in time (0).");
	if ((r = containers(ctx, &ctrs)) < 0 || (r = pods(ctx, pod_timeout_ms, &b, &up)) < 0) {
		free(ctrs.p);
		free(up.p);
		return b_err_set(err, -r, "collecting metrics under %s", ctx->root);
	}
	if ((r = push(&b, b_text_finish(&ctrs, NULL))) < 0) {
		free(up.p);
		return b_err_set(err, ENOMEM, "out of memory");
	}
	if ((r = push(&b, b_text_finish(&up, NULL))) < 0)
		return b_err_set(err, ENOMEM, "out of memory");
	for (size_t i = 0; i < b.n; i++)
		if (!b.v[i])
			return b_err_set(err, ENOMEM, "out of memory");
	*out = mx_merge((const char *const *)b.v, b.n, len);
	return *out ? 0 : b_err_set(err, ENOMEM, "out of memory");
}
