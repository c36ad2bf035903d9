/* A pod container's process: argv, env, cwd and user from the container
 * and, for an image, the image's config and user, by the kubelet's and
 * containerd's rules (docs/design/image-facts.md §9). */
#pragma once

#include "common/error.h"
#include "specs/oci_config.h"
#include "specs/pod_spec.h"
#include "supervisor/supervisor.h"

/* Fill cfg->process (in cfg's arena) for `c` with oc->image and oc->user
 * (both NULL for a local rootfs):
 *  - argv: neither command nor args → Entrypoint + Cmd; command only →
 *    command; args only → Entrypoint + args; both → command + args.  An
 *    empty list counts as absent, an Entrypoint of [""] as none; nothing
 *    at all is an error ("no command specified");
 *  - env: the PATH default unless the image or the pod sets PATH, the
 *    image's Env, NOTIFY_SOCKET (oc->notify_dir), the pod's env; a later
 *    name replaces an earlier one in its place;
 *  - cwd: workingDir, else the image's WorkingDir (refused unless
 *    absolute), else "/";
 *  - user: runAsUser / runAsGroup over oc->user (see struct sv_oci_ctx),
 *    whose groups become the additional gids;
 *  - capabilities and no_new_privs from the security context. */
int sv_build_process(struct oci_config *cfg, const struct sv_oci_ctx *oc,
		     const struct pod_container *c, struct b_err *err);

/* sv_image_verify_non_root() is declared in supervisor/supervisor.h. */
