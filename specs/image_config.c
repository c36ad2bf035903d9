/* An image config (OCI image-spec config.md, Docker's container image v1
 * JSON; docs/design/image-facts.md §2): the platform, what the container
 * runs by default, and the diffIDs of its layers.  Docker's many other
 * keys (container_config, docker_version, Hostname, ...) are ignored. */
#include "image_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void img_config_free(struct img_config *x)
{
	if (!x)
		return;
	b_arena_release(&x->arena);
	free(x);
}

/* The runtime splits each entry at its first '=': without one, or with
 * nothing before it, there is no variable to set. */
static int check_env(struct oj *c, char **env, size_t n)
{
	size_t mark = oj_push_key(c, "Env");

	for (size_t i = 0; i < n; i++) {
		const char *eq = strchr(env[i], '=');

		if (eq && eq != env[i])
			continue;
		oj_push_index(c, i);
		return oj_fail(c, "\"%s\" is not NAME=value", oj_quote(c, env[i]));
	}
	oj_pop(c, mark);
	return 0;
}

/* "config": what a container of the image runs unless the pod says
 * otherwise.  Absent or null is an image without defaults. */
static int parse_exec(struct oj *c, yajl_val doc, struct img_config *x)
{
	yajl_val cfg = NULL;
	size_t mark;
	int r = oj_obj(c, doc, "config", false, &cfg);

	if (r <= 0)
		return r;
	mark = oj_push_key(c, "config");
	if ((r = img_opt_str(c, cfg, "User", &x->user)) < 0 ||
	    (r = img_strv(c, cfg, "Env", &x->env, &x->n_env)) < 0 ||
	    (r = check_env(c, x->env, x->n_env)) < 0 ||
	    (r = img_strv(c, cfg, "Entrypoint", &x->entrypoint, &x->n_entrypoint)) < 0 ||
	    (r = img_strv(c, cfg, "Cmd", &x->cmd, &x->n_cmd)) < 0 ||
	    (r = img_opt_str(c, cfg, "WorkingDir", &x->working_dir)) < 0 ||
	    (r = oj_str(c, cfg, "StopSignal", false, &x->stop_signal)) < 0)
		return r;
	oj_pop(c, mark);
	return 0;
}

/* Each diffID names an unpacked layer directory in the store: checked
 * like any digest before it can become a file name. */
static int parse_diff_ids(struct oj *c, yajl_val fs, struct img_config *x)
{
	yajl_val v = oj_member(fs, "diff_ids");
	size_t mark = oj_push_key(c, "diff_ids"), n;
	int r;

	if (!v)
		return oj_fail(c, "required field is missing");
	if (!YAJL_IS_ARRAY(v))
		return oj_fail(c, "expected an array of digests, got %s", oj_type_name(v));
	n = v->u.array.len;
	x->diff_ids = b_arena_calloc(c->arena, n, IMG_DIGEST_SIZE);
	for (size_t i = 0; i < n; i++) {
		yajl_val id = v->u.array.values[i];
		size_t m = oj_push_index(c, i);

		if (!YAJL_IS_STRING(id))
			return oj_fail(c, "expected a string, got %s", oj_type_name(id));
		if ((r = img_v_digest(c, id->u.string)) < 0)
			return r;
		memcpy(x->diff_ids[i], id->u.string, IMG_DIGEST_SIZE);
		oj_pop(c, m);
	}
	x->n_diff_ids = n;
	oj_pop(c, mark);
	return 0;
}

static int parse_rootfs(struct oj *c, yajl_val doc, struct img_config *x)
{
	yajl_val fs = NULL;
	char *type = NULL;
	size_t mark;
	int r = oj_obj(c, doc, "rootfs", true, &fs);

	if (r < 0)
		return r;
	mark = oj_push_key(c, "rootfs");
	if ((r = oj_str(c, fs, "type", true, &type)) < 0)
		return r;
	if (strcmp(type, "layers")) {
		oj_push_key(c, "type");
		return oj_fail(c, "\"%s\" is not supported (expected \"layers\")", oj_quote(c, type));
	}
	if ((r = img_layer_count(c, fs, "diff_ids")) < 0 ||
	    (r = parse_diff_ids(c, fs, x)) < 0)
		return r;
	oj_pop(c, mark);
	return 0;
}

/* Only counted: `image inspect` shows it, nothing runs from it. */
static int count_history(struct oj *c, yajl_val doc, size_t *n)
{
	yajl_val v = oj_member(doc, "history");

	if (!v)
		return 0;
	if (!YAJL_IS_ARRAY(v)) {
		oj_push_key(c, "history");
		return oj_fail(c, "expected an array, got %s", oj_type_name(v));
	}
	*n = v->u.array.len;
	return 0;
}

static int parse_config(struct oj *c, yajl_val doc, void *res)
{
	struct img_config *x = res;
	int r;

	if ((r = img_top_object(c, doc)) < 0 ||
	    (r = img_required_str(c, doc, "architecture", &x->architecture)) < 0 ||
	    (r = img_required_str(c, doc, "os", &x->os)) < 0 ||
	    (r = img_opt_str(c, doc, "variant", &x->variant)) < 0 ||
	    (r = oj_str(c, doc, "created", false, &x->created)) < 0 ||
	    (r = parse_exec(c, doc, x)) < 0 ||
	    (r = parse_rootfs(c, doc, x)) < 0)
		return r;
	return count_history(c, doc, &x->n_history);
}

int img_config_parse(const char *docname, const char *json, size_t len,
		     struct img_config **out, struct b_err *err)
{
	struct img_config *x = calloc(1, sizeof(*x));
	const char *name = docname ? docname : "image config";
	int r;

	if (!x)
		return b_err_set(err, ENOMEM, "%s: out of memory", name);
	r = img_doc_run(name, json, len, &x->arena, parse_config, x, err);
	if (r < 0) {
		img_config_free(x);
		return r;
	}
	*out = x;
	return 0;
}
