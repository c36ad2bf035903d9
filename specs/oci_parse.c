/* config.json: the document entry points and the top-level members
 * (ociVersion, root, mounts, hooks, annotations).  process and linux live in
 * their own files. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/fsutil.h"
#include "oci_parse_internal.h"

/* The newest minor version berth knows; any patch level of it is fine since
 * patch releases do not add fields. */
#define OCI_MINOR_MAX 3

/* ---- ociVersion ------------------------------------------------------ */

static const char *digits(const char *s, unsigned long *out)
{
	char *end;

	if (!isdigit((unsigned char)*s))
		return NULL;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return errno ? NULL : end;
}

/* SemVer MAJOR.MINOR.PATCH with an optional -prerelease / +build tail. */
static bool parse_semver(const char *s, unsigned long *major, unsigned long *minor)
{
	unsigned long patch;

	s = digits(s, major);
	if (!s || *s++ != '.')
		return false;
	s = digits(s, minor);
	if (!s || *s++ != '.')
		return false;
	s = digits(s, &patch);
	if (!s)
		return false;
	if (*s == '\0')
		return true;
	if ((*s != '-' && *s != '+') || s[1] == '\0')
		return false;
	for (s++; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr(".-+", *s))
			return false;
	return true;
}

static int parse_version(struct oj *c, yajl_val root, char **out)
{
	unsigned long major, minor;
	size_t mark;
	int r = oj_str(c, root, "ociVersion", true, out);

	if (r < 0)
		return r;
	mark = oj_push_key(c, "ociVersion");
	if (!parse_semver(*out, &major, &minor))
		return oj_fail(c, "\"%s\" is not a valid version (expected MAJOR.MINOR.PATCH)",
			       oj_quote(c, *out));
	if (major != 1 || minor > OCI_MINOR_MAX)
		return oj_fail(c, "unsupported version \"%s\" (berth supports 1.0.0 to 1.%d.x)",
			       oj_quote(c, *out), OCI_MINOR_MAX);
	oj_pop(c, mark);
	return 0;
}

/* ---- shared item parsers --------------------------------------------- */

int oci_parse_idmap(struct oj *c, yajl_val v, void *item, void *ud)
{
	struct oci_idmap *m = item;
	int r;

	if ((r = oj_v_object(c, v)) < 0 ||
	    (r = oj_u32(c, v, "containerID", true, &m->container_id)) < 0 ||
	    (r = oj_u32(c, v, "hostID", true, &m->host_id)) < 0 ||
	    (r = oj_u32(c, v, "size", true, &m->size)) < 0)
		return r;
	return 0;
}

int oci_parse_env(struct oj *c, yajl_val obj, const char *key, char ***out)
{
	size_t mark;
	int r = oj_strv(c, obj, key, out);

	if (r <= 0)
		return r;
	mark = oj_push_key(c, key);
	for (size_t i = 0; (*out)[i]; i++) {
		const char *e = (*out)[i];

		if (e[0] == '=' || !strchr(e, '=')) {
			oj_push_index(c, i);
			return oj_fail(c, "\"%s\" is not of the form KEY=VALUE",
				       oj_quote(c, e));
		}
	}
	oj_pop(c, mark);
	return 1;
}

/* ---- root, mounts ---------------------------------------------------- */

static int parse_root(struct oj *c, yajl_val doc, struct oci_config *cfg)
{
	size_t mark;
	yajl_val v;
	int r = oj_obj(c, doc, "root", true, &v);

	if (r < 0)
		return r;
	mark = oj_push_key(c, "root");
	r = oj_str(c, v, "path", true, &cfg->root_path);
	if (r < 0)
		return r;
	if (cfg->root_path[0] == '\0') {
		oj_push_key(c, "path");
		return oj_fail(c, "must not be empty");
	}
	r = oj_bool(c, v, "readonly", &cfg->root_readonly);
	if (r < 0)
		return r;
	oj_pop(c, mark);
	return 0;
}

static int parse_mount(struct oj *c, yajl_val v, void *item, void *ud)
{
	struct oci_mount *m = item;
	int r;

	if ((r = oj_v_object(c, v)) < 0 ||
	    (r = oj_abspath(c, v, "destination", true, &m->destination)) < 0 ||
	    (r = oj_str(c, v, "type", false, &m->type)) < 0 ||
	    (r = oj_str(c, v, "source", false, &m->source)) < 0 ||
	    (r = oj_strv(c, v, "options", &m->options)) < 0 ||
	    (r = oj_array(c, v, "uidMappings", false, sizeof(struct oci_idmap),
			  (void **)&m->uid_mappings, &m->n_uid_mappings,
			  oci_parse_idmap, NULL)) < 0 ||
	    (r = oj_array(c, v, "gidMappings", false, sizeof(struct oci_idmap),
			  (void **)&m->gid_mappings, &m->n_gid_mappings,
			  oci_parse_idmap, NULL)) < 0)
		return r;
	return 0;
}

/* ---- hooks ----------------------------------------------------------- */

static int parse_hook(struct oj *c, yajl_val v, void *item, void *ud)
{
	struct oci_hook *h = item;
	int64_t timeout;
	int r;

	if ((r = oj_v_object(c, v)) < 0 ||
	    (r = oj_abspath(c, v, "path", true, &h->path)) < 0 ||
	    (r = oj_strv(c, v, "args", &h->args)) < 0 ||
	    (r = oci_parse_env(c, v, "env", &h->env)) < 0 ||
	    (r = oj_i64(c, v, "timeout", false, 1, INT32_MAX, &timeout)) < 0)
		return r;
	h->timeout = r > 0 ? (int)timeout : 0;
	return 0;
}

static int parse_hooks(struct oj *c, yajl_val doc, struct oci_config *cfg)
{
	size_t mark;
	yajl_val v;
	int r = oj_obj(c, doc, "hooks", false, &v);

	if (r <= 0)
		return r;
	mark = oj_push_key(c, "hooks");
	for (int k = 0; k < OCI_HOOK_KINDS; k++) {
		struct oci_hook_list *l = &cfg->hooks[k];

		r = oj_array(c, v, oci_hook_kind_name(k), false, sizeof(*l->items),
			     (void **)&l->items, &l->n, parse_hook, NULL);
		if (r < 0)
			return r;
	}
	oj_pop(c, mark);
	return 0;
}

/* ---- process, linux -------------------------------------------------- */

static int parse_process_member(struct oj *c, yajl_val doc, struct oci_config *cfg)
{
	size_t mark;
	yajl_val v;
	int r = oj_obj(c, doc, "process", false, &v);

	if (r <= 0)
		return r;
	cfg->process = b_arena_alloc(&cfg->arena, sizeof(*cfg->process));
	mark = oj_push_key(c, "process");
	r = oci_parse_process_obj(c, v, cfg->process);
	if (r < 0)
		return r;
	oj_pop(c, mark);
	return 0;
}

static int parse_linux_member(struct oj *c, yajl_val doc, struct oci_config *cfg)
{
	size_t mark;
	yajl_val v;
	int r = oj_obj(c, doc, "linux", false, &v);

	if (r < 0)
		return r;
	if (r == 0) {
		oci_linux_defaults(&cfg->arena, &cfg->linux);
		return 0;
	}
	cfg->has_linux = true;
	mark = oj_push_key(c, "linux");
	r = oci_parse_linux(c, v, &cfg->linux);
	if (r < 0)
		return r;
	oj_pop(c, mark);
	return 0;
}

/* ---- the document ---------------------------------------------------- */

static int parse_config(struct oj *c, yajl_val doc, struct oci_config *cfg)
{
	int r;

	if (!YAJL_IS_OBJECT(doc))
		return oj_fail(c, "expected a JSON object, got %s", oj_type_name(doc));
	if ((r = parse_version(c, doc, &cfg->oci_version)) < 0 ||
	    (r = parse_root(c, doc, cfg)) < 0 ||
	    (r = oj_array(c, doc, "mounts", false, sizeof(struct oci_mount),
			  (void **)&cfg->mounts, &cfg->n_mounts, parse_mount, NULL)) < 0 ||
	    (r = parse_process_member(c, doc, cfg)) < 0 ||
	    (r = oj_str(c, doc, "hostname", false, &cfg->hostname)) < 0 ||
	    (r = oj_str(c, doc, "domainname", false, &cfg->domainname)) < 0 ||
	    (r = parse_hooks(c, doc, cfg)) < 0 ||
	    (r = oj_kv(c, doc, "annotations", &cfg->annotations)) < 0 ||
	    (r = parse_linux_member(c, doc, cfg)) < 0)
		return r;
	return 0;
}

int oci_config_parse(const char *name, const char *json, size_t len,
		     struct oci_config **out, struct b_err *err)
{
	struct oci_config *cfg;
	yajl_val doc = NULL;
	struct oj c;
	int r;

	cfg = calloc(1, sizeof(*cfg));
	if (!cfg)
		return b_err_set(err, ENOMEM, "%s: out of memory", name);
	oj_init(&c, name, &cfg->arena, err);
	r = oj_parse_text(&c, json, len, &doc);
	if (r == 0)
		r = parse_config(&c, doc, cfg);
	yajl_tree_free(doc);
	if (r < 0) {
		oci_config_free(cfg);
		return r;
	}
	*out = cfg;
	return 0;
}

int oci_config_load(const char *path, const char *name,
		    struct oci_config **out, struct b_err *err)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;
	int r;

	if (!name)
		name = path;
	r = b_read_file(path, 0, &buf, &len);
	if (r < 0)
		return b_err_sys(err, r, "%s: cannot read %s", name, path);
	return oci_config_parse(name, buf, len, out, err);
}

void oci_config_free(struct oci_config *cfg)
{
	if (!cfg)
		return;
	b_arena_release(&cfg->arena);
	free(cfg);
}

int oci_parse_bare(const char *name, const char *json, size_t len, struct b_arena *arena,
		   size_t size, int (*fn)(struct oj *c, yajl_val v, void *obj), void **out,
		   struct b_err *err)
{
	yajl_val doc = NULL;
	struct oj c;
	void *obj;
	int r;

	oj_init(&c, name, arena, err);
	r = oj_parse_text(&c, json, len, &doc);
	if (r < 0)
		return r;
	obj = b_arena_alloc(arena, size);
	if (!YAJL_IS_OBJECT(doc))
		r = oj_fail(&c, "expected a JSON object, got %s", oj_type_name(doc));
	else
		r = fn(&c, doc, obj);
	yajl_tree_free(doc);
	if (r < 0)
		return r;
	*out = obj;
	return 0;
}

static int process_fn(struct oj *c, yajl_val v, void *obj)
{
	return oci_parse_process_obj(c, v, obj);
}

int oci_process_parse(const char *name, const char *json, size_t len,
		      struct b_arena *arena, struct oci_process **out,
		      struct b_err *err)
{
	return oci_parse_bare(name, json, len, arena, sizeof(**out), process_fn, (void **)out, err);
}
