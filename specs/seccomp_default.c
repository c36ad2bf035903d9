/* The embedded RuntimeDefault profile; see seccomp_default.h.  The bytes
 * come from a source file specs/meson.build generates from the JSON, so
 * the data file stays the single place the profile is written. */
#include "seccomp_default.h"

#include "oci_parse_internal.h"

/* Defined in the generated seccomp_default_json.c, NUL-terminated. */
extern const unsigned char berth_seccomp_default_text[];

const char *berth_default_seccomp_json(void)
{
	return (const char *)berth_seccomp_default_text;
}

int oci_seccomp_parse(const char *name, const char *json, size_t len,
		      struct b_arena *arena, struct oci_seccomp **out,
		      struct b_err *err)
{
	struct oci_seccomp *s;
	yajl_val doc = NULL;
	struct oj c;
	int r;

	oj_init(&c, name, arena, err);
	r = oj_parse_text(&c, json, len, &doc);
	if (r < 0)
		return r;
	s = b_arena_alloc(arena, sizeof(*s));
	if (!YAJL_IS_OBJECT(doc))
		r = oj_fail(&c, "expected a JSON object, got %s", oj_type_name(doc));
	else
		r = oci_parse_seccomp(&c, doc, s);
	yajl_tree_free(doc);
	if (r < 0)
		return r;
	*out = s;
	return 0;
}
