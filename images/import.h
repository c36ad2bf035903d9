/* Bringing images into the store from an OCI image layout directory (what
 * `skopeo copy ... oci:DIR` and `podman save --format oci-dir` write, and
 * what oci-archive/docker-archive loads are turned into).  Every blob is
 * copied in verified (digest and size), every layer unpacked and checked
 * against the config's diffIDs, before the image is recorded. */
#pragma once

#include "common/error.h"
#include "images/platform.h"
#include "images/store.h"
#include "specs/image.h"

struct img_imported {
	char id[IMG_DIGEST_SIZE];        /* the manifest digest: the image ID */
	char config[IMG_DIGEST_SIZE];
	char name[512];                  /* normalised name from the layout, "" when none */
	size_t n_layers;
	uint64_t bytes;                  /* uncompressed layer bytes unpacked now */
};

/* Import the manifest `desc` (or, for an index, the entry for `want`) from
 * the layout open at layout_fd.  Blobs are opened beneath the layout with
 * openat2, as regular files only. */
int img_import_manifest(struct img_store *s, int layout_fd, const struct img_descriptor *desc,
			const struct img_plat *want, struct img_imported *out, struct b_err *err);
