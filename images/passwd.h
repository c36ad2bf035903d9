/* An image's `User` resolved against the image's own /etc/passwd and
 * /etc/group, as containerd's CRI does (docs/design/image-facts.md §9).
 * Pure logic over the two files' TEXTS: the caller reads them from the
 * merged image with safe-path semantics and a size cap, and passes NULL
 * (length 0) for a file the image does not have.  Both texts come from the
 * image author and are untrusted: any bytes, any line length, missing
 * fields.  A line whose id is not a decimal number from 0 to
 * 4294967294 is skipped, as are empty lines and '#' comments; the first
 * matching line wins. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

/* Supplementary groups kept for one user.  More is refused rather than
 * cut: a group left out can be one that denies access (CVE-2023-25173). */
#define IMG_USER_GROUPS_MAX 64

struct img_user {
	uint32_t uid, gid;
	/* Every /etc/group entry whose member list names the user, once each,
	 * in file order, the primary gid left out. */
	uint32_t groups[IMG_USER_GROUPS_MAX];
	size_t n_groups;
};

/* Resolve `spec` (the image's User): "uid", "name", "uid:gid",
 * "name:group", "uid:group" or "name:gid".
 *  - a numeric uid alone takes the gid of its passwd entry, 0 when there
 *    is none (no error);
 *  - a name (user or group) must be found, else -ENOENT;
 *  - uid:gid both numeric are used as they are;
 *  - the supplementary groups are those of the user's NAME: the name
 *    given, or the name of the passwd entry of a numeric uid (none when
 *    there is no entry).
 * NULL or "" is root: as "0:0".  Errors (err says "user \"...\": ..."):
 * -EINVAL for a malformed spec or an id above 4294967294, -ENOENT for a
 * name not found, -E2BIG for more than IMG_USER_GROUPS_MAX groups.
 * *out is zeroed first. */
int img_user_resolve(const char *spec, const char *passwd, size_t plen,
		     const char *group, size_t glen, struct img_user *out,
		     struct b_err *err);

/* A numeric uid without a gid (securityContext runAsUser without
 * runAsGroup): exactly img_user_resolve() of "uid", so the gid comes from
 * the passwd entry (0 without one) and the groups from its name. */
int img_user_for_uid(uint32_t uid, const char *passwd, size_t plen,
		     const char *group, size_t glen, struct img_user *out,
		     struct b_err *err);
