/* linux.personality, for the calling process (the container init). */
#pragma once

#include "common/error.h"
#include "specs/oci_config.h"

/* personality(domain).  The spec defines no flags yet; any given are
 * ignored, as runc does (it only warns). */
int rt_personality_apply(const struct oci_personality *p, struct b_err *err);
