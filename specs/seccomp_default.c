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

static int seccomp_fn(struct oj *c, yajl_val v, void *obj)
{
	return oci_parse_seccomp(c, v, obj);
}

int oci_seccomp_parse(const char *name, const char *json, size_t len,
		      struct b_arena *arena, struct oci_seccomp **out,
		      struct b_err *err)
{
	return oci_parse_bare(name, json, len, arena, sizeof(**out), seccomp_fn, (void **)out, err);
}
