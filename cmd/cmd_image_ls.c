/* berth image ls | inspect | rm | prune. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd/cli.h"
#include "cmd/image_cmds.h"
#include "cmd/opts.h"
#include "cmd/table.h"
#include "common/cleanup.h"
#include "images/record.h"
#include "specs/jsonw.h"

static void human_size(uint64_t b, char *buf, size_t size)
{
	static const char *const units[] = { "B", "kB", "MB", "GB", "TB" };
	double v = (double)b;
	size_t u = 0;

	while (v >= 1000 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1000;
		u++;
	}
	snprintf(buf, size, u ? "%.3g %s" : "%.0f %s", v, units[u]);
}

/* "3 days ago" from an RFC 3339 time, "" for none. */
static void ago(const char *rfc3339, char *buf, size_t size)
{
	struct tm tm = { 0 };
	long d;

	buf[0] = '\0';
	if (!rfc3339[0] || !strptime(rfc3339, "%Y-%m-%dT%H:%M:%S", &tm))
		return;
	d = (long)(time(NULL) - timegm(&tm));
	if (d < 120)
		snprintf(buf, size, "%ld seconds ago", d < 0 ? 0 : d);
	else if (d < 7200)
		snprintf(buf, size, "%ld minutes ago", d / 60);
	else if (d < 2 * 86400)
		snprintf(buf, size, "%ld hours ago", d / 3600);
	else if (d < 60 * 86400)
		snprintf(buf, size, "%ld days ago", d / 86400);
	else
		snprintf(buf, size, "%.10s", rfc3339);
}

/* "repo:tag" → repo, tag; "repo@sha256:…" → repo, <none>. */
static void split_name(const char *name, char *repo, size_t rsize, const char **tag)
{
	const char *at = strchr(name, '@'), *slash = strrchr(name, '/');
	const char *colon = strrchr(slash ? slash : name, ':');

	if (at) {
		snprintf(repo, rsize, "%.*s", (int)(at - name), name);
		*tag = "<none>";
	} else if (colon) {
		snprintf(repo, rsize, "%.*s", (int)(colon - name), name);
		*tag = colon + 1;
	} else {
		snprintf(repo, rsize, "%s", name);
		*tag = "<none>";
	}
}

static void ls_row(struct table *t, const struct img_info *v, const char *name, bool no_trunc)
{
	char repo[300], size[32], when[64];
	const char *tag = "<none>";

	snprintf(repo, sizeof(repo), "<none>");
	if (name)
		split_name(name, repo, sizeof(repo), &tag);
	human_size(v->size, size, sizeof(size));
	ago(v->created, when, sizeof(when));
	table_add(t, repo);
	table_add(t, tag);
	table_addf(t, "%.*s", no_trunc ? 71 : 12, no_trunc ? v->id : v->id + 7);
	table_add(t, size);
	table_add(t, when);
}

static void ls_table(const struct img_info *v, size_t n, bool no_trunc)
{
	static const char *const head[] = { "REPOSITORY", "TAG", "IMAGE ID", "SIZE", "CREATED" };
	struct table t;

	table_init(&t, 5);
	for (size_t i = 0; i < 5; i++)
		table_add(&t, head[i]);
	for (size_t i = 0; i < n; i++) {
		if (!v[i].names[0])
			ls_row(&t, &v[i], NULL, no_trunc);
		for (char **p = v[i].names; *p; p++)
			ls_row(&t, &v[i], *p, no_trunc);
	}
	table_print(&t, stdout);
	table_free(&t);
}

int image_ls(struct cli *cli, const struct command *c, int argc, char **argv)
{
	struct img_store s __attribute__((cleanup(img_store_close))) = { .dir = -1, .lock_fd = -1 };
	struct img_info *v = NULL;
	struct b_err err = { 0 };
	bool quiet = false, no_trunc = false;
	CLI_ARGS a = { 0 };
	size_t n;
	int k;

	if (cli_args_init(&a, cli, c, argc, argv) < 0)
		return cli_errorf(cli, "out of memory");
	while ((k = cli_next(&a)) > 0)
		if (k == 'q')
			quiet = true;
		else if (k == OPT_NO_TRUNC)
			no_trunc = true;
	if (k == CLI_EXIT || cli_want_pos(&a, 0, 0, "no arguments"))
		return a.rc;
	if (image_store_open(cli, &s, IMG_STORE_SHARED))
		return 1;
	if (img_image_list(&s, &v, &n, &err) < 0)
		return cli_error(cli, &err);
	if (quiet)
		for (size_t i = 0; i < n; i++)
			printf("%s\n", no_trunc ? v[i].id : v[i].id + 7);
	else
		ls_table(v, n, no_trunc);
	img_info_free(v, n);
	return 0;
}

static void kstrv(struct jw *w, const char *key, char **v, size_t n)
{
	jw_key(w, key);
	if (!v) {
		jw_null(w);
		return;
	}
	jw_arr_open(w);
	for (size_t i = 0; i < n; i++)
		jw_str(w, v[i]);
	jw_arr_close(w);
}

static void inspect_config(struct jw *w, const struct img_config *c)
{
	jw_key(w, "Config");
	jw_obj_open(w);
	kstrv(w, "Entrypoint", c->entrypoint, c->n_entrypoint);
	kstrv(w, "Cmd", c->cmd, c->n_cmd);
	kstrv(w, "Env", c->env, c->n_env);
	jw_kstr(w, "WorkingDir", c->working_dir ? c->working_dir : "");
	jw_kstr(w, "User", c->user ? c->user : "");
	jw_kstr(w, "StopSignal", c->stop_signal);
	jw_obj_close(w);
	jw_key(w, "RootFS");
	jw_arr_open(w);
	for (size_t i = 0; i < c->n_diff_ids; i++)
		jw_str(w, c->diff_ids[i]);
	jw_arr_close(w);
}

char *image_inspect_json(const struct img_info *v, const struct img_manifest *m,
			  const struct img_config *c)
{
	__attribute__((cleanup(jw_freep))) struct jw *w = jw_new(true);

	jw_obj_open(w);
	jw_kstr(w, "Id", v->id);
	jw_kstr(w, "ConfigDigest", m->config.digest);
	jw_key(w, "Names");
	jw_arr_open(w);
	for (char **p = v->names; *p; p++)
		jw_str(w, *p);
	jw_arr_close(w);
	jw_kstr(w, "Created", c->created);
	jw_kstr(w, "Os", c->os);
	jw_kstr(w, "Architecture", c->architecture);
	jw_kstr(w, "Variant", c->variant);
	jw_kuint(w, "Size", v->size);
	jw_kbool(w, "InUse", v->pinned);
	inspect_config(w, c);
	jw_obj_close(w);
	return jw_finish(w, NULL);
}
