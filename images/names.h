/* The store's names: names.json maps a normalised reference
 * ("docker.io/library/nginx:1.25") to an image ID (its manifest digest).
 * Changes happen under <store>/names.lock (LOCK_EX) as read, modify,
 * write to a temporary file, fsync, rename: a crash leaves the old or the
 * new map, never a torn one. */
#pragma once

#include "common/error.h"
#include "images/store.h"
#include "specs/image.h"

/* The current map (an empty one when the file does not exist yet). */
int img_names_load(struct img_store *s, struct img_names **out, struct b_err *err);

/* Point `name` at `id` (moving it from another image, as a re-pull of a
 * tag does).  old_id, when not NULL, gets the ID the name had ("" for
 * none), so the caller can tell that image lost a name. */
int img_names_set(struct img_store *s, const char *name, const char *id, char *old_id,
		  struct b_err *err);

/* Drop `name`; -ENOENT when it is not there. */
int img_names_unset(struct img_store *s, const char *name, struct b_err *err);
