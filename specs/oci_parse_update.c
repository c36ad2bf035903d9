/* A bare linux.resources document, as `update --resources FILE` reads. */
#include <errno.h>

#include "oci_parse_internal.h"

static int resources_fn(struct oj *c, yajl_val v, void *obj)
{
	return oci_parse_resources(c, v, obj);
}

int oci_resources_parse(const char *name, const char *json, size_t len,
			struct b_arena *arena, struct oci_resources **out,
			struct b_err *err)
{
	return oci_parse_bare(name, json, len, arena, sizeof(**out), resources_fn, (void **)out, err);
}
