/* Network namespace plumbing. */
#pragma once

#include "common/error.h"

/* Bring the loopback interface up in the calling process's network
 * namespace (a new namespace starts with lo down). */
int ns_loopback_up(struct b_err *err);
