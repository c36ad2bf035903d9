/* Helpers the CNI documents share; see cni_internal.h. */
#include "cni_internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"

/* 0.1.0 and 0.2.0 results have another shape (ip4/ip6), and no plugin on
 * the systems berth targets speaks 1.1.0 (cni-facts.md 0): refusing them
 * here beats a confusing failure in the middle of an ADD. */
static const struct oj_name versions[] = {
	{ "0.3.0", 0 }, { "0.3.1", 1 }, { "0.4.0", 2 }, { "1.0.0", 3 },
};

int cni_version(struct oj *c, yajl_val obj, char **out)
{
	size_t mark;
	long which;
	int r = oj_str(c, obj, "cniVersion", true, out);

	if (r < 0)
		return r;
	mark = oj_push_key(c, "cniVersion");
	r = oj_v_enum(c, *out, versions, B_ARRAY_SIZE(versions), "CNI version", true, &which);
	if (r < 0)
		return r;
	oj_pop(c, mark);
	return 0;
}

int cni_ip_family(const char *s)
{
	unsigned char buf[sizeof(struct in6_addr)];

	if (inet_pton(AF_INET, s, buf) == 1)
		return 4;
	if (inet_pton(AF_INET6, s, buf) == 1)
		return 6;
	return 0;
}

int cni_object_text(struct oj *c, const char *json, size_t len, yajl_val *out)
{
	yajl_val v = NULL;
	int r = oj_parse_text(c, json, len, &v);

	if (r < 0)
		return r;
	if (!YAJL_IS_OBJECT(v)) {
		r = oj_fail(c, "expected a JSON object, got %s", oj_type_name(v));
		yajl_tree_free(v);
		return r;
	}
	*out = v;
	return 0;
}

size_t cni_tree_depth(yajl_val v)
{
	size_t max = 0, d;

	for (size_t i = 0; YAJL_IS_ARRAY(v) && i < v->u.array.len; i++)
		if ((d = cni_tree_depth(v->u.array.values[i])) > max)
			max = d;
	for (size_t i = 0; YAJL_IS_OBJECT(v) && i < v->u.object.len; i++)
		if ((d = cni_tree_depth(v->u.object.values[i])) > max)
			max = d;
	return YAJL_IS_ARRAY(v) || YAJL_IS_OBJECT(v) ? max + 1 : 0;
}

char *cni_tree_text(yajl_val v, size_t *len)
{
	_cleanup_(jw_freep) struct jw *w = jw_new(false);

	if (!w)
		return NULL;
	jw_tree(w, v);
	return jw_finish(w, len);
}

void cni_write_mappings(struct jw *w, const struct cni_port_mapping *m, size_t n)
{
	jw_arr_open(w);
	for (size_t i = 0; i < n; i++) {
		jw_obj_open(w);
		jw_kuint(w, "hostPort", m[i].host_port);
		jw_kuint(w, "containerPort", m[i].container_port);
		jw_kstr(w, "protocol", m[i].protocol ? m[i].protocol : "tcp");
		if (m[i].host_ip)
			jw_kstr(w, "hostIP", m[i].host_ip);
		jw_obj_close(w);
	}
	jw_arr_close(w);
}
