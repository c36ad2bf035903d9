/* process.user and process.capabilities: the credentials the container
 * process ends up with, plus process.noNewPrivileges. */
#pragma once

#include "common/error.h"
#include "specs/oci_config.h"

/* Switch to `user` and `caps`.  Called as root (in the container's user
 * namespace, if any) after rootfs setup, in the container child.
 *
 * Order: PR_SET_KEEPCAPS=1; drop from the bounding set every capability not
 * in caps->bounding; setgroups(additionalGids); setresgid; setresuid;
 * PR_SET_KEEPCAPS=0; capset(effective, permitted, inheritable); clear the
 * ambient set and raise caps->ambient.  user->umask is not applied here.
 *
 * setgroups is always called (an empty list clears the runtime's own
 * supplementary groups) unless /proc/self/setgroups is "deny", in which case
 * an empty list is skipped and a non-empty one is an error.
 *
 * Capabilities above the running kernel's cap_last_cap are ignored (runc
 * warns and ignores them).  An ambient capability that is not in both
 * permitted and inheritable, or an effective one not in permitted, is an
 * error reported before any credential changes.
 *
 * caps == NULL keeps the capabilities as the uid switch leaves them: all of
 * them for uid 0, none otherwise (as runc without a capabilities section). */
int rt_identity_apply(const struct oci_user *user, const struct oci_caps *caps,
		      struct b_err *err);

/* prctl(PR_SET_NO_NEW_PRIVS, 1). */
int rt_no_new_privs(struct b_err *err);
