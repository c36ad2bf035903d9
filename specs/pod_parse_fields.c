/* Member-level helpers of the Pod parser.  Unlike config.json, whose spec
 * lets runtimes ignore what they do not know, a Pod manifest is checked
 * strictly: a misspelt field would otherwise silently change nothing, and
 * a Kubernetes field berth does not implement would be silently dropped. */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "pod_parse_internal.h"

static bool in_list(const char *const *l, const char *k)
{
	for (; l && *l; l++)
		if (!strcmp(*l, k))
			return true;
	return false;
}

/* null, [] and {} carry no setting: a generated manifest ("resources: {}",
 * "tolerations: []") means the same as one without the field. */
static bool empty_value(yajl_val v)
{
	if (!v || YAJL_IS_NULL(v))
		return true;
	if (YAJL_IS_ARRAY(v))
		return v->u.array.len == 0;
	if (YAJL_IS_OBJECT(v))
		return v->u.object.len == 0;
	return false;
}

void pod_push_field(struct oj *c, const char *k)
{
	oj_push_field(c, k);
}

/* Case-insensitive edit distance of at most one (substitution, insertion,
 * deletion or swap of neighbours). */
static bool near(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i = 0;

	if (la < lb)
		return near(b, a);
	if (la - lb > 1)
		return false;
	while (i < lb && tolower((unsigned char)a[i]) == tolower((unsigned char)b[i]))
		i++;
	if (i == lb)
		return true;
	if (la > lb)
		return !strcasecmp(a + i + 1, b + i);
	if (!strcasecmp(a + i + 1, b + i + 1))
		return true;
	return i + 1 < la && tolower((unsigned char)a[i]) == tolower((unsigned char)b[i + 1]) &&
	       tolower((unsigned char)a[i + 1]) == tolower((unsigned char)b[i]) &&
	       !strcasecmp(a + i + 2, b + i + 2);
}

static int unknown_field(struct oj *c, const char *k, const struct pod_fields *f)
{
	for (const char *const *l = f->known; *l; l++)
		if (near(k, *l))
			return oj_fail(c, "unknown field (did you mean %s?)", *l);
	return oj_fail(c, "unknown field");
}

int pod_v_object(struct oj *c, yajl_val v, const struct pod_fields *f)
{
	int r = oj_v_object(c, v);

	if (r < 0)
		return r;
	for (size_t i = 0; i < v->u.object.len; i++) {
		const char *k = v->u.object.keys[i];
		size_t mark;

		if (in_list(f->known, k) || in_list(f->ignored, k))
			continue;
		mark = c->len;
		pod_push_field(c, k);
		if (!in_list(f->unsupported, k))
			return unknown_field(c, k, f);
		if (!empty_value(v->u.object.values[i]))
			return oj_fail(c, "not supported by berth");
		oj_pop(c, mark);
	}
	return 0;
}

int pod_member(struct oj *c, yajl_val obj, const char *key, bool required,
	       oj_item_fn fn, void *item, void *ud)
{
	size_t mark;
	yajl_val v;
	int r = oj_obj(c, obj, key, required, &v);

	if (r <= 0)
		return r;
	mark = oj_push_key(c, key);
	r = fn(c, v, item, ud);
	if (r < 0)
		return r;
	oj_pop(c, mark);
	return 1;
}

int pod_enum(struct oj *c, yajl_val obj, const char *key,
	     const struct oj_name *t, size_t n, const char *what, long *out)
{
	long v;
	int r = oj_enum(c, obj, key, false, t, n, what, true, &v);

	if (r > 0)
		*out = v;
	return r;
}

int pod_i32_default(struct oj *c, yajl_val obj, const char *key, int32_t *out)
{
	int64_t v;
	int r = oj_i64(c, obj, key, false, 0, INT32_MAX, &v);

	if (r > 0 && v != 0)
		*out = (int32_t)v;
	return r;
}

int pod_strv_nonempty(struct oj *c, yajl_val obj, const char *key,
		      bool required, const char *why, char ***out)
{
	size_t mark;
	int r;

	if (!oj_member(obj, key)) {
		*out = NULL;
		if (!required)
			return 0;
		oj_push_key(c, key);
		return oj_fail(c, "required field is missing%s", why);
	}
	r = oj_strv(c, obj, key, out);
	if (r < 0)
		return r;
	mark = oj_push_key(c, key);
	if (!(*out)[0])
		return oj_fail(c, "must not be empty%s", why);
	if (!(*out)[0][0]) {
		oj_push_index(c, 0);
		return oj_fail(c, "must not be empty");
	}
	oj_pop(c, mark);
	return 1;
}
