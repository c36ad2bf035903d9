/* The RuntimeDefault seccomp profile (Docker's and containerd's default,
 * in OCI linux.seccomp form), embedded from data/seccomp/runtime-default.json
 * at build time, and a parser for bare linux.seccomp documents. */
#pragma once

#include <stddef.h>

#include "common/arena.h"
#include "common/error.h"
#include "specs/oci_config.h"

/* The profile's JSON text, NUL-terminated, static. */
const char *berth_default_seccomp_json(void);

/* Parse a bare linux.seccomp object (the RuntimeDefault text above, or a
 * Localhost profile file) with the config.json parser's rules; messages
 * read "<name>: <json.path>: ...".  Allocates in `arena`. */
int oci_seccomp_parse(const char *name, const char *json, size_t len,
		      struct b_arena *arena, struct oci_seccomp **out,
		      struct b_err *err);
