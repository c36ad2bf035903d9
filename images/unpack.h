/* One image layer (a tar stream, plain, gzip or zstd) unpacked into one
 * empty directory, converted for overlayfs, its diffID verified
 * (docs/design/image-facts.md §6).
 *
 * The layer is hostile.  libarchive only reads it; every write is done here
 * relative to directory fds, each parent resolved with openat2 beneath the
 * layer directory and refusing symlinks, so no entry can reach outside it
 * whatever the order of entries: "../x", "/x", a symlink followed by a file
 * "through" it, a hardlink to a path outside are all errors naming the
 * entry. */
#pragma once

#include <stdint.h>

#include "common/error.h"

struct img_unpack_stats {
	uint64_t tar_bytes;      /* uncompressed stream length */
	uint64_t entries;
	uint64_t whiteouts;      /* .wh.<name> and opaque markers */
	uint64_t dropped_xattrs; /* trusted.overlay.*, security.selinux/ima/evm refused */
	uint64_t unsupported_xattrs;  /* the store's filesystem has no such namespace */
};

/* Unpack the stream on blob_fd (read from its current offset) into dirfd,
 * which must be an empty directory berth just created.  When diff_id is
 * not NULL ("sha256:<hex>") the uncompressed stream must hash to it, else
 * -EBADMSG.  On any error the directory is left for the caller to remove:
 * it was never renamed into place.  stats may be NULL. */
int img_unpack_layer(int blob_fd, int dirfd, const char *diff_id,
		     struct img_unpack_stats *stats, struct b_err *err);
