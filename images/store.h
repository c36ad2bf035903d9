/* The image store (docs/design/image-facts.md §8), by default
 * /var/lib/berth/images, root-owned, mode 0700:
 *
 *	lock                   flock: LOCK_SH to add content or pin an image, LOCK_EX for rm/prune
 *	blobs/sha256/<hex>     verified content, read-only files
 *	layers/<diffid hex>/   an unpacked layer, renamed into place only once complete
 *	locks/<hex>            per-layer flock: one unpack of a layer at a time
 *	tmp/                   half-written blobs and layers; never trusted
 *
 * Crash safety comes from the commit protocol: content is written under
 * tmp/, synced, verified and only then renamed to its digest name, so a
 * name under blobs/ or layers/ always means complete and verified. */
#pragma once

#include <stdint.h>

#include "common/error.h"
#include "images/unpack.h"

/* --image-root's default: persistent data (the store is <root>/images),
 * unlike --root's runtime state on tmpfs. */
#define IMG_DEFAULT_ROOT "/var/lib/berth"

/* Where an import is, for progress lines: `layer` of `n_layers` is
 * being unpacked (layer == n_layers: all done), `bytes` unpacked so far. */
struct img_progress {
	size_t layer, n_layers;
	uint64_t bytes;
};

struct img_store {
	int dir;        /* the store root */
	int lock_fd;    /* <root>/lock, flocked while the store is open */
	char path[4096];
	/* NULL: silent.  Called by imports between layers. */
	void (*progress)(void *arg, const struct img_progress *p);
	void *progress_arg;
};

enum img_store_mode { IMG_STORE_SHARED, IMG_STORE_EXCLUSIVE };

/* Create the layout when missing (the root itself with its parents, 0700),
 * check the root is owned by root and not group/other writable, take the
 * store lock in `mode` (waiting), and clear tmp/ entries no other holder
 * can be using (only under EXCLUSIVE). */
int img_store_open(struct img_store *s, const char *path, enum img_store_mode mode,
		   struct b_err *err);
void img_store_close(struct img_store *s);

/* Copy `size` bytes from fd into the store as blob `digest`, hashing as it
 * goes; a different size or digest is -EBADMSG and nothing enters the
 * store.  An existing blob is success (content addressing). */
int img_blob_put(struct img_store *s, int fd, const char *digest, int64_t size,
		 struct b_err *err);
/* Open blob `digest` read-only; -ENOENT when absent. */
int img_blob_open(struct img_store *s, const char *digest, struct b_err *err);

/* Make layers/<diffid hex> from blob `blob_digest` unless it is there
 * already: under the layer's flock, unpack into tmp/, verify the diffID,
 * rename.  stats may be NULL (all zero when the layer was present). */
int img_layer_ensure(struct img_store *s, const char *blob_digest, const char *diff_id,
		     struct img_unpack_stats *stats, struct b_err *err);
