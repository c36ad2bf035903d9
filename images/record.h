/* Image records: an image is in the store when images/<manifest hex>
 * exists, an empty file created only after its manifest, config and every
 * layer are in place (img_image_commit), so a crash before it leaves
 * nothing that looks like an image.  Names (names.h) point at records.
 *
 * Pins: a pod supervisor holds LOCK_SH on the record file for as long as
 * a container uses the image's layers (img_image_pin); rm and prune take
 * LOCK_EX|LOCK_NB on it and leave a pinned image alone.  The kernel drops
 * the lock when the supervisor dies, so no pin goes stale. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "common/error.h"
#include "images/import.h"
#include "images/store.h"
#include "specs/image.h"

/* Create images/<hex of im->id> (fsync'd).  Existing: success. */
int img_image_commit(struct img_store *s, const char *id, struct b_err *err);

/* Record the image and point each name at it (names may be NULL / 0).
 * Prints nothing; the caller reports. */
int img_image_add(struct img_store *s, const struct img_imported *im, const char *const *names,
		  size_t n_names, struct b_err *err);

/* What `image ls` and `inspect` show. */
struct img_info {
	char id[IMG_DIGEST_SIZE];        /* manifest digest */
	char config[IMG_DIGEST_SIZE];
	char created[64];                /* config "created", "" when absent */
	char platform[96];               /* os/arch[/variant] */
	time_t stored;                   /* when it entered the store */
	uint64_t size;                   /* config + compressed layer bytes */
	size_t n_layers;
	char **names;                    /* malloc'ed, NULL-terminated */
	bool pinned;                     /* a pod uses it now */
};
void img_info_free(struct img_info *v, size_t n);

/* Every record, sorted by stored time, newest first. */
int img_image_list(struct img_store *s, struct img_info **out, size_t *n, struct b_err *err);

/* A name ("nginx", "docker.io/library/nginx:1.25", normalised first), a
 * full ID ("sha256:<hex>") or a unique ID prefix of at least 12 hex digits
 * → the image ID.  -ENOENT with a message naming `text` when absent. */
int img_image_resolve(struct img_store *s, const char *text, char id[IMG_DIGEST_SIZE],
		      struct b_err *err);

/* The record's manifest and config, parsed from the store's blobs. */
int img_image_read(struct img_store *s, const char *id, struct img_manifest **m,
		   struct img_config **c, struct b_err *err);

/* Take LOCK_SH on the record; returns the fd (O_CLOEXEC) to keep open. */
int img_image_pin(struct img_store *s, const char *id, struct b_err *err);

/* 1 when a pod pins the image, 0 when not, -errno (-ENOENT: no record). */
int img_image_pinned(struct img_store *s, const char *id);

/* ---- removal (gc.c); the store must be open IMG_STORE_EXCLUSIVE ----- */

struct img_gc_stats {
	size_t images;     /* records removed */
	size_t layers;     /* layer directories removed */
	size_t blobs;      /* blobs removed */
	uint64_t bytes;    /* blob bytes freed */
};

/* `image rm TEXT`: a name loses that name (the image stays while it has
 * others); an ID, or the last name, removes the record, refused with
 * -EBUSY while a pod pins it; then content no record uses is swept.
 * *untagged gets 1 when only a name went. */
int img_image_remove(struct img_store *s, const char *text, int *untagged,
		     struct img_gc_stats *st, struct b_err *err);

/* `image prune`: records without a name (all records with `all`) that no
 * pod pins, then every blob and layer no remaining record uses. */
int img_prune(struct img_store *s, bool all, struct img_gc_stats *st, struct b_err *err);
