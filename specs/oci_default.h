/* The starter config.json written by `berth spec`. */
#pragma once

#include <stdbool.h>

/* The same content as `runc spec` (or `runc spec --rootless`), with hostname
 * "berth".  The rootless variant maps the caller's euid/egid to 0 in a new
 * user namespace.  Returns malloc'd pretty-printed JSON, or NULL (ENOMEM). */
char *oci_default_spec_json(bool rootless);

/* The paths every default config masks / makes read-only (runc's lists);
 * NULL-terminated.  The pod supervisor uses the same ones. */
extern const char *const oci_default_masked_paths[];
extern const char *const oci_default_readonly_paths[];
