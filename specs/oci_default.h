/* The starter config.json written by `berth spec`. */
#pragma once

#include <stdbool.h>

/* The same content as `runc spec` (or `runc spec --rootless`), with hostname
 * "berth".  The rootless variant maps the caller's euid/egid to 0 in a new
 * user namespace.  Returns malloc'd pretty-printed JSON, or NULL (ENOMEM). */
char *oci_default_spec_json(bool rootless);
