/* A CNI network configuration list, and each plugin's stdin built from it
 * (CNI spec 1.0.0 section 3; libcni's conf.go and api.go for what runtimes
 * actually accept).  The parsed tree is kept: a plugin's stdin is its
 * object as written, members berth knows nothing about included. */
#include "cni_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"

#define CNI_NAME_MAX 128
#define CNI_TYPE_MAX 255

void cni_conflist_free(struct cni_conflist *l)
{
	if (!l)
		return;
	yajl_tree_free(l->doc);
	b_arena_release(&l->arena);
	free(l);
}

static bool name_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' || ch == '-';
}

/* libcni's ValidateNetworkName: it ends up in file names (host-local's
 * data dir, the result cache) and iptables comments. */
static bool network_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > CNI_NAME_MAX || !name_char(s[0]) || s[0] == '_' ||
	    s[0] == '.' || s[0] == '-')
		return false;
	for (size_t i = 1; i < n; i++)
		if (!name_char(s[i]))
			return false;
	return true;
}

/* The plugin is found as CNI_PATH/<type>: no '/' and no "." or "..", or
 * a config could run any binary on the host. */
static bool type_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > CNI_TYPE_MAX || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!name_char(s[i]))
			return false;
	return true;
}

static int parse_name(struct oj *c, yajl_val doc, char **out)
{
	size_t mark;
	int r = oj_str(c, doc, "name", true, out);

	if (r < 0)
		return r;
	if (network_name_ok(*out))
		return 0;
	mark = oj_push_key(c, "name");
	r = oj_fail(c, "\"%s\" is not a network name (a letter or digit, then letters, "
		    "digits, '_', '.' or '-'; at most %d bytes)", oj_quote(c, *out), CNI_NAME_MAX);
	oj_pop(c, mark);
	return r;
}

static int parse_type(struct oj *c, yajl_val obj, char **out)
{
	size_t mark;
	int r = oj_str(c, obj, "type", true, out);

	if (r < 0)
		return r;
	if (type_ok(*out))
		return 0;
	mark = oj_push_key(c, "type");
	r = oj_fail(c, "\"%s\" is not a plugin name (letters, digits, '_', '.' or '-', "
		    "not \".\" or \"..\"; at most %d bytes)", oj_quote(c, *out), CNI_TYPE_MAX);
	oj_pop(c, mark);
	return r;
}

/* libcni reads "capabilities" as map[string]bool: anything else there is
 * an error for it too, not just for the names berth supplies. */
static int parse_caps(struct oj *c, yajl_val obj, struct cni_plugin *p)
{
	size_t mark, m;
	bool on;
	yajl_val caps;
	int r = oj_obj(c, obj, "capabilities", false, &caps);

	if (r <= 0)
		return r;
	mark = oj_push_key(c, "capabilities");
	for (size_t i = 0; i < caps->u.object.len; i++) {
		const char *key = caps->u.object.keys[i];

		m = oj_push_field(c, key);
		if ((r = oj_v_bool(c, caps->u.object.values[i], &on)) < 0)
			return r;
		if (!strcmp(key, "portMappings"))
			p->cap_port_mappings = on;
		oj_pop(c, m);
	}
	oj_pop(c, mark);
	return 0;
}

/* The path names the plugin's object.  Its depth is checked so that its
 * stdin, where it is the root, can always be written. */
static int parse_plugin(struct oj *c, yajl_val v, void *item, void *ud)
{
	struct cni_plugin *p = item;
	int r;

	(void)ud;
	if ((r = oj_v_object(c, v)) < 0)
		return r;
	if (cni_tree_depth(v) > CNI_GEN_DEPTH)
		return oj_fail(c, "nesting too deep (at most %d levels)", CNI_GEN_DEPTH);
	p->obj = v;
	if ((r = parse_type(c, v, &p->type)) < 0 || (r = parse_caps(c, v, p)) < 0)
		return r;
	return 0;
}

static int parse_list(struct oj *c, yajl_val doc, struct cni_conflist *l)
{
	size_t mark;
	void *items = NULL;
	int r;

	if ((r = oj_bool(c, doc, "disableCheck", &l->disable_check)) < 0)
		return r;
	r = oj_array(c, doc, "plugins", true, sizeof(struct cni_plugin), &items,
		     &l->n_plugins, parse_plugin, NULL);
	if (r < 0)
		return r;
	l->plugins = items;
	if (l->n_plugins > 0)
		return 0;
	mark = oj_push_key(c, "plugins");
	r = oj_fail(c, "empty list: a network needs at least one plugin");
	oj_pop(c, mark);
	return r;
}

/* A .conf: the document is the one plugin (libcni's ConfListFromConf). */
static int parse_single(struct oj *c, yajl_val doc, struct cni_conflist *l)
{
	l->plugins = b_arena_calloc(c->arena, 1, sizeof(*l->plugins));
	l->n_plugins = 1;
	return parse_plugin(c, doc, l->plugins, NULL);
}

static int parse_doc(struct oj *c, yajl_val doc, struct cni_conflist *l)
{
	size_t mark;
	int r;

	if (!YAJL_IS_OBJECT(doc))
		return oj_fail(c, "expected a JSON object, got %s", oj_type_name(doc));
	if ((r = parse_name(c, doc, &l->name)) < 0 ||
	    (r = cni_version(c, doc, &l->cni_version)) < 0)
		return r;
	if (oj_member(doc, "plugins"))
		return parse_list(c, doc, l);
	if (oj_member(doc, "type"))
		return parse_single(c, doc, l);
	mark = oj_push_key(c, "plugins");
	r = oj_fail(c, "required field is missing (or a top-level \"type\" for a "
		    "single-plugin config)");
	oj_pop(c, mark);
	return r;
}

int cni_conflist_parse(const char *docname, const char *json, size_t len,
		       struct cni_conflist **out, struct b_err *err)
{
	struct cni_conflist *l;
	struct oj c;
	int r;

	l = calloc(1, sizeof(*l));
	if (!l)
		return b_err_set(err, ENOMEM, "%s: out of memory", docname ? docname : "config");
	oj_init(&c, docname, &l->arena, err);
	l->docname = b_arena_strdup(&l->arena, c.name);
	r = oj_parse_text(&c, json, len, &l->doc);
	if (r == 0)
		r = parse_doc(&c, l->doc, l);
	if (r < 0) {
		cni_conflist_free(l);
		return r;
	}
	*out = l;
	return 0;
}

/* ---- a plugin's stdin ------------------------------------------------- */

/* Members berth sets itself; the others pass through. */
static bool replaced(const char *key, bool prev, bool rc)
{
	return !strcmp(key, "name") || !strcmp(key, "cniVersion") ||
	       !strcmp(key, "capabilities") ||
	       (prev && !strcmp(key, "prevResult")) || (rc && !strcmp(key, "runtimeConfig"));
}

static void write_stdin(struct jw *w, const struct cni_conflist *l, yajl_val obj,
			yajl_val prev, const struct cni_runtime_args *rc)
{
	jw_obj_open(w);
	jw_kstr(w, "cniVersion", l->cni_version);
	jw_kstr(w, "name", l->name);
	for (size_t k = 0; k < obj->u.object.len; k++) {
		if (replaced(obj->u.object.keys[k], prev, rc))
			continue;
		jw_key(w, obj->u.object.keys[k]);
		jw_tree(w, obj->u.object.values[k]);
	}
	if (prev) {
		jw_key(w, "prevResult");
		jw_tree(w, prev);
	}
	if (rc) {
		jw_key(w, "runtimeConfig");
		jw_obj_open(w);
		jw_key(w, "portMappings");
		cni_write_mappings(w, rc->port_mappings, rc->n_port_mappings);
		jw_obj_close(w);
	}
	jw_obj_close(w);
}

/* prev_result as a tree to embed; *prev stays NULL without one.  Its
 * messages name it "<docname>: prevResult". */
static int parse_prev(const struct cni_conflist *l, const char *text, yajl_val *prev,
		      struct b_err *err)
{
	struct b_arena arena = { 0 };
	char name[256];
	struct oj c;
	int r;

	if (!text)
		return 0;
	snprintf(name, sizeof(name), "%s: prevResult", l->docname);
	oj_init(&c, name, &arena, err);
	r = cni_object_text(&c, text, strlen(text), prev);
	if (r == 0 && cni_tree_depth(*prev) >= CNI_GEN_DEPTH) {
		r = oj_fail(&c, "nesting too deep (at most %d levels)", CNI_GEN_DEPTH - 1);
		yajl_tree_free(*prev);
		*prev = NULL;
	}
	b_arena_release(&arena);
	return r;
}

int cni_plugin_stdin(const struct cni_conflist *l, size_t i, const char *prev_result,
		     const struct cni_runtime_args *rt, char **out, size_t *len, struct b_err *err)
{
	_cleanup_(jw_freep) struct jw *w = NULL;
	const struct cni_plugin *p;
	yajl_val prev = NULL;
	bool rc;
	int r;

	if (i >= l->n_plugins)
		return b_err_set(err, EINVAL, "%s: no plugin %zu (the list has %zu)",
				 l->docname, i, l->n_plugins);
	p = &l->plugins[i];
	rc = p->cap_port_mappings && rt && rt->n_port_mappings > 0;
	if ((r = parse_prev(l, prev_result, &prev, err)) < 0)
		return r;
	w = jw_new(false);
	if (w)
		write_stdin(w, l, p->obj, prev, rc ? rt : NULL);
	yajl_tree_free(prev);
	*out = w ? jw_finish(w, len) : NULL;
	if (!*out)
		return b_err_set(err, ENOMEM, "%s: plugins[%zu] (%s): cannot write its stdin",
				 l->docname, i, p->type);
	return 0;
}

/* ---- what berth reads of a plugin's own members ----------------------- */

static const char *member_str(yajl_val obj, const char *key)
{
	yajl_val v = oj_member(obj, key);

	return v && YAJL_IS_STRING(v) ? v->u.string : NULL;
}

/* For the lease sweep (supervisor/sv_net_gc.c): where host-local keeps
 * its files.  The object was validated only as an object: members of the
 * wrong type read as absent. */
bool cni_plugin_ipam(const struct cni_conflist *l, size_t i, const char **type,
		     const char **data_dir)
{
	yajl_val ipam = i < l->n_plugins ? oj_member(l->plugins[i].obj, "ipam") : NULL;

	if (!ipam || !YAJL_IS_OBJECT(ipam))
		return false;
	*type = member_str(ipam, "type");
	*data_dir = member_str(ipam, "dataDir");
	return true;
}
