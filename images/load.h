/* `berth image load`: images brought into the store from an OCI image
 * layout directory, or from a docker-archive or oci-archive tar
 * (docs/design/image-facts.md §2, §3).  Both end in img_import_manifest,
 * so every blob is verified and every layer unpacked and checked against
 * its diffID before the callback hears of the image.
 *
 * Names (normalised with img_ref_parse + img_ref_format, §1 and §3):
 *   - a layout's index.json entry: its io.containerd.image.name annotation
 *     when that parses; otherwise org.opencontainers.image.ref.name when
 *     it is a full reference (contains '/', ':' or '@') and parses; a bare
 *     tag such as "1.0" gives no name;
 *   - a docker-archive image: each of its RepoTags.
 * A name that does not parse is skipped, not an error: the image itself
 * is still good and is reported unnamed.  Nothing here records names:
 * the callback does (img_image_add). */
#pragma once

#include <stddef.h>

#include "common/error.h"
#include "images/import.h"
#include "images/platform.h"
#include "images/store.h"

/* Called once per image, after img_import_manifest succeeded for it, with
 * its normalised names (n_names may be 0; im->name is names[0] or "").
 * The names live until the callback returns.  A negative return (with err
 * filled) aborts the load and is what the load function returns. */
typedef int (*img_load_cb)(void *arg, const struct img_imported *im, const char *const *names,
			   size_t n_names, struct b_err *err);

/* OCI layout open at dir_fd: each index.json entry is one image (an entry
 * that is an index is resolved to `want` by img_import_manifest).
 * Entries of media types that are neither a manifest nor an index are
 * ignored, as the spec says; so is a manifest entry whose "platform"
 * `want` cannot run (a layout listing one manifest per platform).  No
 * image at all is -ENOENT.  index.json is read beneath dir_fd, never
 * through a symlink, as a regular file of at most IMG_JSON_MAX bytes. */
int img_load_layout(struct img_store *s, int dir_fd, const struct img_plat *want, img_load_cb cb,
		    void *arg, struct b_err *err);

/* docker-archive or oci-archive (Docker >= 25 writes both in one tar:
 * prefer the OCI index.json then), plain or gzip/zstd-compressed, read
 * once, front to back, from fd: a pipe or stdin works.
 *
 * The tar is hostile.  No file is ever created under a member's name:
 * each regular member is copied, hashed, into a directory of the store's
 * tmp/ and named there by its own sha256 (blobs/sha256/<hex>), while an
 * in-memory table maps member names to (digest, size) and links to their
 * targets, resolved only within that table (never above the archive
 * root, bounded depth).  An oci-archive then loads as the layout that
 * directory is; a docker-archive's manifest.json entries become OCI
 * manifests synthesised from the members' digests and sizes (layers as
 * application/vnd.oci.image.layer.v1.tar: the unpacker sniffs any
 * compression).  The temporary directory is removed on every path. */
int img_load_archive(struct img_store *s, int fd, const struct img_plat *want, img_load_cb cb,
		     void *arg, struct b_err *err);
