/* A bare linux.resources document, as `update --resources FILE` reads. */
#include <errno.h>

#include "oci_parse_internal.h"

int oci_resources_parse(const char *name, const char *json, size_t len,
			struct b_arena *arena, struct oci_resources **out,
			struct b_err *err)
{
	struct oci_resources *res;
	yajl_val doc = NULL;
	struct oj c;
	int r;

	oj_init(&c, name, arena, err);
	r = oj_parse_text(&c, json, len, &doc);
	if (r < 0)
		return r;
	res = b_arena_alloc(arena, sizeof(*res));
	r = oci_parse_resources(&c, doc, res);
	yajl_tree_free(doc);
	if (r < 0)
		return r;
	*out = res;
	return 0;
}
