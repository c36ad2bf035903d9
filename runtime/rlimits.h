/* process.rlimits. */
#pragma once

#include <stddef.h>

#include "common/error.h"
#include "specs/oci_config.h"

/* setrlimit each entry, in order; stops at the first failure.
 *
 * soft > hard is an error.  2^64-1 means RLIM_INFINITY.  Raising a hard
 * limit above the current one without CAP_SYS_RESOURCE fails with EPERM and
 * the message
 *   rlimit RLIMIT_NOFILE: cannot raise the hard limit from 524288 to 1048576:
 *   operation not permitted (raising a hard limit needs CAP_SYS_RESOURCE)
 * and RLIMIT_NOFILE above fs.nr_open is reported as such. */
int rt_rlimits_apply(const struct oci_rlimit *rl, size_t n, struct b_err *err);

/* "RLIMIT_NOFILE", or NULL for a resource number this code does not know. */
const char *rt_rlimit_name(int resource);
