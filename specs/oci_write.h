/* Writing a config back as JSON, for containers whose config was built in
 * memory (the pod supervisor's): what `berth exec` needs later. */
#pragma once

#include <stddef.h>

#include "specs/oci_config.h"

/* A config.json with cfg's ociVersion, root and process sections, and
 * `seccomp_json` (a profile's JSON text, or NULL) as linux.seccomp: the
 * parts `exec` takes the process defaults and the seccomp filter from.
 * malloc'ed, NUL-terminated; NULL when out of memory. */
char *oci_exec_config_json(const struct oci_config *cfg, const char *seccomp_json, size_t *len);
