/* berth's record of one CNI attachment, kept so that DEL can run with the
 * same config, arguments and result after a crash or a reboot (libcni's
 * result cache does the same; cni-facts.md 5).  The config is kept as the
 * text it was parsed from, the result as a JSON object. */
#include "cni_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"

#define CNI_CACHE_KIND "berthCniCacheV1"

void cni_cache_free(struct cni_cache *c)
{
	if (!c)
		return;
	b_arena_release(&c->arena);
	free(c);
}

static const struct oj_name protocols[] = {
	{ "tcp", 0 }, { "udp", 1 }, { "sctp", 2 },
};

/* ---- writing ---------------------------------------------------------- */

static void write_cache(struct jw *w, const struct cni_cache *c, yajl_val result)
{
	jw_obj_open(w);
	jw_kstr(w, "kind", CNI_CACHE_KIND);
	jw_kstr(w, "network", c->network);
	jw_kstr(w, "containerId", c->container_id);
	jw_kstr(w, "ifName", c->ifname);
	jw_kstr(w, "netns", c->netns);
	jw_kstr(w, "cniArgs", c->cni_args);
	jw_kstr(w, "config", c->config);
	if (c->cni_path)
		jw_kstr(w, "cniPath", c->cni_path);
	jw_key(w, "portMappings");
	cni_write_mappings(w, c->port_mappings, c->n_port_mappings);
	if (result) {
		jw_key(w, "result");
		jw_tree(w, result);
	}
	jw_obj_close(w);
}

/* The result is parsed, not pasted: a truncated or foreign text must not
 * turn the whole cache into something that cannot be read back. */
static int parse_result_text(const char *text, yajl_val *out, struct b_err *err)
{
	struct b_arena arena = { 0 };
	struct oj c;
	int r;

	oj_init(&c, "CNI cache: result", &arena, err);
	r = cni_object_text(&c, text, strlen(text), out);
	if (r == 0 && cni_tree_depth(*out) >= CNI_GEN_DEPTH) {
		r = oj_fail(&c, "nesting too deep (at most %d levels)", CNI_GEN_DEPTH - 1);
		yajl_tree_free(*out);
		*out = NULL;
	}
	b_arena_release(&arena);
	return r;
}

int cni_cache_write(const struct cni_cache *c, char **out, size_t *len, struct b_err *err)
{
	_cleanup_(jw_freep) struct jw *w = NULL;
	yajl_val result = NULL;
	int r;

	if (!c->network || !c->container_id || !c->ifname || !c->config)
		return b_err_set(err, EINVAL, "CNI cache: network, container id, interface "
				 "name and config are required");
	if (c->result && (r = parse_result_text(c->result, &result, err)) < 0)
		return r;
	w = jw_new(false);
	if (w)
		write_cache(w, c, result);
	yajl_tree_free(result);
	*out = w ? jw_finish(w, len) : NULL;
	if (!*out)
		return b_err_set(err, ENOMEM, "CNI cache: cannot write (out of memory, "
				 "or a string is not UTF-8)");
	return 0;
}

/* ---- parsing ---------------------------------------------------------- */

static int parse_port(struct oj *c, yajl_val obj, const char *key, uint16_t *out)
{
	size_t mark;
	int r = oj_u16(c, obj, key, true, out);

	if (r < 0 || *out != 0)
		return r < 0 ? r : 0;
	mark = oj_push_key(c, key);
	r = oj_fail(c, "port 0 (expected 1 to 65535)");
	oj_pop(c, mark);
	return r;
}

static int parse_host_ip(struct oj *c, yajl_val obj, const char **out)
{
	size_t mark;
	char *s = NULL;
	int r = oj_str(c, obj, "hostIP", false, &s);

	*out = s;
	if (r <= 0 || cni_ip_family(s))
		return r < 0 ? r : 0;
	mark = oj_push_key(c, "hostIP");
	r = oj_fail(c, "\"%s\" is not an IPv4 or IPv6 address", oj_quote(c, s));
	oj_pop(c, mark);
	return r;
}

static int parse_mapping(struct oj *c, yajl_val v, void *item, void *ud)
{
	struct cni_port_mapping *m = item;
	long proto;
	int r;

	(void)ud;
	if ((r = oj_v_object(c, v)) < 0 ||
	    (r = parse_port(c, v, "hostPort", &m->host_port)) < 0 ||
	    (r = parse_port(c, v, "containerPort", &m->container_port)) < 0 ||
	    (r = oj_enum(c, v, "protocol", true, protocols, B_ARRAY_SIZE(protocols),
			 "protocol", true, &proto)) < 0 ||
	    (r = parse_host_ip(c, v, &m->host_ip)) < 0)
		return r;
	m->protocol = protocols[proto].name;
	return 0;
}

static int parse_kind(struct oj *c, yajl_val doc)
{
	size_t mark;
	char *kind;
	int r = oj_str(c, doc, "kind", true, &kind);

	if (r < 0 || !strcmp(kind, CNI_CACHE_KIND))
		return r < 0 ? r : 0;
	mark = oj_push_key(c, "kind");
	r = oj_fail(c, "\"%s\" is not a berth CNI cache (expected \"%s\")",
		    oj_quote(c, kind), CNI_CACHE_KIND);
	oj_pop(c, mark);
	return r;
}

/* The result is kept as text, the way the caller hands it to plugins. */
static int parse_result(struct oj *c, yajl_val doc, struct cni_cache *cc)
{
	yajl_val v;
	char *text;
	int r = oj_obj(c, doc, "result", false, &v);

	if (r <= 0)
		return r;
	if (cni_tree_depth(v) >= CNI_GEN_DEPTH) {   /* so that it can be written again */
		oj_push_key(c, "result");
		return oj_fail(c, "nesting too deep (at most %d levels)", CNI_GEN_DEPTH - 1);
	}
	text = cni_tree_text(v, NULL);
	if (!text)
		return oj_oom(c);
	cc->result = b_arena_strdup(c->arena, text);
	free(text);
	return 0;
}

static int parse_cache(struct oj *c, yajl_val doc, struct cni_cache *cc)
{
	void *maps = NULL;
	int r;

	if (!YAJL_IS_OBJECT(doc))
		return oj_fail(c, "expected a JSON object, got %s", oj_type_name(doc));
	if ((r = parse_kind(c, doc)) < 0 ||
	    (r = oj_str(c, doc, "network", true, &cc->network)) < 0 ||
	    (r = oj_str(c, doc, "containerId", true, &cc->container_id)) < 0 ||
	    (r = oj_str(c, doc, "ifName", true, &cc->ifname)) < 0 ||
	    (r = oj_str(c, doc, "netns", false, &cc->netns)) < 0 ||
	    (r = oj_str(c, doc, "cniArgs", false, &cc->cni_args)) < 0 ||
	    (r = oj_str(c, doc, "config", true, &cc->config)) < 0 ||
	    (r = oj_str(c, doc, "cniPath", false, &cc->cni_path)) < 0 ||
	    (r = oj_array(c, doc, "portMappings", false, sizeof(struct cni_port_mapping),
			  &maps, &cc->n_port_mappings, parse_mapping, NULL)) < 0)
		return r;
	cc->port_mappings = maps;
	return parse_result(c, doc, cc);
}

int cni_cache_parse(const char *docname, const char *json, size_t len, struct cni_cache **out,
		    struct b_err *err)
{
	struct cni_cache *cc;
	yajl_val doc = NULL;
	struct oj c;
	int r;

	cc = calloc(1, sizeof(*cc));
	if (!cc)
		return b_err_set(err, ENOMEM, "%s: out of memory", docname ? docname : "CNI cache");
	oj_init(&c, docname ? docname : "CNI cache", &cc->arena, err);
	r = oj_parse_text(&c, json, len, &doc);
	if (r == 0)
		r = parse_cache(&c, doc, cc);
	yajl_tree_free(doc);
	if (r < 0) {
		cni_cache_free(cc);
		return r;
	}
	*out = cc;
	return 0;
}
