/* The exec-relevant part of a config as JSON (see oci_write.h). */
#include "specs/oci_write.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "specs/jsonw.h"

static void write_strv(struct jw *w, const char *key, char *const *v)
{
	jw_key(w, key);
	jw_arr_open(w);
	for (size_t i = 0; v && v[i]; i++)
		jw_str(w, v[i]);
	jw_arr_close(w);
}

static void write_user(struct jw *w, const struct oci_user *u)
{
	jw_key(w, "user");
	jw_obj_open(w);
	jw_kuint(w, "uid", u->uid);
	jw_kuint(w, "gid", u->gid);
	if (u->has_umask)
		jw_kuint(w, "umask", u->umask);
	if (u->n_additional_gids) {
		jw_key(w, "additionalGids");
		jw_arr_open(w);
		for (size_t i = 0; i < u->n_additional_gids; i++)
			jw_uint(w, u->additional_gids[i]);
		jw_arr_close(w);
	}
	jw_obj_close(w);
}

static void write_capset(struct jw *w, const char *key, uint64_t set)
{
	jw_key(w, key);
	jw_arr_open(w);
	for (int c = 0; c <= oci_cap_last() && c < 64; c++)
		if (set & (1ULL << c))
			jw_str(w, oci_cap_name(c));
	jw_arr_close(w);
}

static void write_process(struct jw *w, const struct oci_process *p)
{
	jw_obj_open(w);
	jw_kbool(w, "terminal", false);
	write_user(w, &p->user);
	write_strv(w, "args", p->args);
	write_strv(w, "env", p->env);
	jw_kstr(w, "cwd", p->cwd ? p->cwd : "/");
	if (p->capabilities) {
		jw_key(w, "capabilities");
		jw_obj_open(w);
		write_capset(w, "bounding", p->capabilities->bounding);
		write_capset(w, "effective", p->capabilities->effective);
		write_capset(w, "inheritable", p->capabilities->inheritable);
		write_capset(w, "permitted", p->capabilities->permitted);
		write_capset(w, "ambient", p->capabilities->ambient);
		jw_obj_close(w);
	}
	if (p->n_rlimits) {
		jw_key(w, "rlimits");
		jw_arr_open(w);
		for (size_t i = 0; i < p->n_rlimits; i++) {
			jw_obj_open(w);
			jw_kstr(w, "type", oci_rlimit_name(p->rlimits[i].resource));
			jw_kuint(w, "soft", p->rlimits[i].soft);
			jw_kuint(w, "hard", p->rlimits[i].hard);
			jw_obj_close(w);
		}
		jw_arr_close(w);
	}
	jw_kbool(w, "noNewPrivileges", p->no_new_privileges);
	if (p->has_oom_score_adj)
		jw_kint(w, "oomScoreAdj", p->oom_score_adj);
	jw_obj_close(w);
}

char *oci_exec_config_json(const struct oci_config *cfg, const char *seccomp_json, size_t *len)
{
	_cleanup_(jw_freep) struct jw *w = jw_new(false);
	_cleanup_free_ char *proc = NULL, *root = NULL;
	char *out = NULL;
	size_t n;
	int r;

	if (!w || !cfg->process)
		return NULL;
	write_process(w, cfg->process);
	if (!(proc = jw_finish(w, &n)))
		return NULL;
	jw_free(w);
	if (!(w = jw_new(false)))
		return NULL;
	jw_obj_open(w);
	jw_kstr(w, "path", cfg->root_path);
	jw_kbool(w, "readonly", cfg->root_readonly);
	jw_obj_close(w);
	if (!(root = jw_finish(w, &n)))
		return NULL;
	/* The profile goes in as written: it is JSON already, and parsing it
	 * here only to print it again would gain nothing. */
	if (seccomp_json)
		r = asprintf(&out, "{\"ociVersion\":\"%s\",\"root\":%s,\"process\":%s,"
			     "\"linux\":{\"seccomp\":%s}}\n", cfg->oci_version, root, proc, seccomp_json);
	else
		r = asprintf(&out, "{\"ociVersion\":\"%s\",\"root\":%s,\"process\":%s}\n",
			     cfg->oci_version, root, proc);
	if (r < 0)
		return NULL;
	if (len)
		*len = (size_t)r;
	return out;
}
