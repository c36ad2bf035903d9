/* What the image documents (image.c, image_config.c, image_docker.c)
 * share; internal to specs/. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <yajl/yajl_tree.h>

#include "specs/image.h"
#include "specs/oci_json.h"

/* Fills the result from the parsed document; `res` is the caller's. */
typedef int (*img_doc_fn)(struct oj *c, yajl_val doc, void *res);

/* The frame of every image parser: the size cap ("<docname>: larger than
 * 4 MiB", before any parsing), the text to a tree, fn on it, the tree
 * freed.  Strings land in `arena`. */
int img_doc_run(const char *docname, const char *json, size_t len,
		struct b_arena *arena, img_doc_fn fn, void *res, struct b_err *err);

/* `s` checked as a digest, the message at the current path naming what is
 * wrong (another algorithm by its name, a bad encoding). */
int img_v_digest(struct oj *c, const char *s);

/* Member `key`, a string that must be a digest, copied into out. */
int img_digest_member(struct oj *c, yajl_val obj, const char *key, bool required,
		      char out[IMG_DIGEST_SIZE]);

/* The array member `key` (required), refused before any item is parsed
 * when it has fewer than 1 or more than IMG_LAYERS_MAX items: an image
 * without layers has no root filesystem, and one with more cannot be
 * mounted. */
int img_layer_count(struct oj *c, yajl_val obj, const char *key);

/* A string list member: NULL and 0 when absent or null. */
int img_strv(struct oj *c, yajl_val obj, const char *key, char ***out, size_t *n);

/* "" and absent are the same for optional texts like a variant: both
 * give NULL and 0. */
int img_opt_str(struct oj *c, yajl_val obj, const char *key, char **out);

/* A required string that must not be empty ("must not be empty"). */
int img_required_str(struct oj *c, yajl_val obj, const char *key, char **out);

/* The document's root must be an object. */
int img_top_object(struct oj *c, yajl_val doc);
