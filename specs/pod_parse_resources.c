/* containers[].resources and quantity-valued members.  Quantities become
 * integers here (millicores, bytes) so the supervisor never parses one. */
#include <string.h>

#include "pod_parse_internal.h"

static const char *const resources_known[] = { "limits", "requests", NULL };
static const char *const resources_unsupported[] = { "claims", NULL };
static const struct pod_fields resources_fields = {
	resources_known, resources_unsupported, NULL,
};

/* ---- quantities ------------------------------------------------------ */

static int quantity_error(struct oj *c, const char *text, enum quantity_kind kind,
			  enum quantity_err e)
{
	const char *q = oj_quote(c, text);
	char hint[64];

	if (e == QUANTITY_RANGE || e == QUANTITY_NEGATIVE)
		return oj_fail(c, "\"%s\" %s", q, quantity_err_str(e));
	if (quantity_hint(text, kind, hint, sizeof(hint)))
		return oj_fail(c, "\"%s\" is not a quantity (try %s)", q, hint);
	return oj_fail(c, "\"%s\" is not a quantity (expected e.g. %s)", q,
		       kind == QUANTITY_MEMORY ? "128Mi or 1Gi" : "500m or 2");
}

int pod_v_quantity(struct oj *c, const char *text, enum quantity_kind kind,
		   struct pod_quantity *q)
{
	enum quantity_err e;
	bool exact = true;
	char hint[64];
	int64_t v;

	if (kind == QUANTITY_MEMORY)
		e = quantity_bytes(text, &v, &exact);
	else
		e = quantity_millis(text, &v);
	if (e != QUANTITY_OK)
		return quantity_error(c, text, kind, e);
	/* Kubernetes only warns, then rounds "128m" (0.128 bytes) up to one
	 * byte: a container that cannot start.  Refuse it. */
	if (!exact) {
		if (quantity_hint(text, kind, hint, sizeof(hint)))
			return oj_fail(c, "\"%s\" is not a whole number of bytes (try %s)",
				       oj_quote(c, text), hint);
		return oj_fail(c, "\"%s\" is not a whole number of bytes", oj_quote(c, text));
	}
	q->set = true;
	q->value = v;
	q->text = b_arena_strdup(c->arena, text);
	return 0;
}

/* Quantity's JSON form is a string, but numbers are accepted (Kubernetes
 * decodes `cpu: 1` and `memory: 1073741824` too). */
int pod_quantity(struct oj *c, yajl_val obj, const char *key,
		 enum quantity_kind kind, struct pod_quantity *q)
{
	yajl_val v = oj_member(obj, key);
	size_t mark;
	const char *text;
	int r;

	if (!v)
		return 0;
	mark = oj_push_key(c, key);
	if (YAJL_IS_STRING(v))
		text = v->u.string;
	else if (YAJL_IS_NUMBER(v))
		text = v->u.number.r;
	else
		return oj_fail(c, "expected a quantity (a string such as %s), got %s",
			       kind == QUANTITY_MEMORY ? "\"128Mi\"" : "\"500m\"",
			       oj_type_name(v));
	r = pod_v_quantity(c, text, kind, q);
	if (r < 0)
		return r;
	oj_pop(c, mark);
	return 1;
}

/* ---- limits and requests --------------------------------------------- */

/* Other resource names exist in Kubernetes (ephemeral-storage,
 * hugepages-<size>, extended resources such as example.com/gpu) but berth
 * only limits cpu and memory. */
static bool other_k8s_resource(const char *name)
{
	return !strcmp(name, "ephemeral-storage") || !strncmp(name, "hugepages-", 10) ||
	       strchr(name, '/');
}

static int check_amount_names(struct oj *c, yajl_val v)
{
	int r = oj_v_object(c, v);

	if (r < 0)
		return r;
	for (size_t i = 0; i < v->u.object.len; i++) {
		const char *k = v->u.object.keys[i];

		if (!strcmp(k, "cpu") || !strcmp(k, "memory"))
			continue;
		pod_push_field(c, k);
		if (other_k8s_resource(k))
			return oj_fail(c, "not supported by berth (berth limits cpu and memory)");
		return oj_fail(c, "unknown resource (expected cpu or memory)");
	}
	return 0;
}

static int parse_amounts(struct oj *c, yajl_val res, const char *key,
			 struct pod_quantity *cpu, struct pod_quantity *mem)
{
	size_t mark;
	yajl_val v = oj_member(res, key);
	int r;

	if (!v)
		return 0;
	mark = oj_push_key(c, key);
	if ((r = check_amount_names(c, v)) < 0 ||
	    (r = pod_quantity(c, v, "cpu", QUANTITY_CPU, cpu)) < 0 ||
	    (r = pod_quantity(c, v, "memory", QUANTITY_MEMORY, mem)) < 0)
		return r;
	oj_pop(c, mark);
	return 0;
}

/* A request defaults to its limit; an explicit one may not exceed it. */
static int request_vs_limit(struct oj *c, const char *name,
			    struct pod_quantity *req, const struct pod_quantity *lim)
{
	if (!lim->set)
		return 0;
	if (!req->set) {
		*req = *lim;
		return 0;
	}
	if (req->value <= lim->value)
		return 0;
	/* The path stays at the failing value, as after any other error. */
	oj_push_key(c, "requests");
	oj_push_key(c, name);
	return oj_fail(c, "\"%s\" must be less than or equal to limits.%s \"%s\"",
		       oj_quote(c, req->text), name, oj_quote(c, lim->text));
}

static int parse_resources_obj(struct oj *c, yajl_val v, void *item, void *ud)
{
	struct pod_resources *res = item;
	int r;

	if ((r = pod_v_object(c, v, &resources_fields)) < 0 ||
	    (r = parse_amounts(c, v, "limits", &res->cpu_limit, &res->memory_limit)) < 0 ||
	    (r = parse_amounts(c, v, "requests", &res->cpu_request, &res->memory_request)) < 0 ||
	    (r = request_vs_limit(c, "cpu", &res->cpu_request, &res->cpu_limit)) < 0 ||
	    (r = request_vs_limit(c, "memory", &res->memory_request, &res->memory_limit)) < 0)
		return r;
	return 0;
}

int pod_parse_resources(struct oj *c, yajl_val cont, struct pod_container *ct)
{
	int r = pod_member(c, cont, "resources", false, parse_resources_obj,
			   &ct->resources, NULL);

	return r < 0 ? r : 0;
}
