/* Shared between unpack.c (the readers) and unpack_write.c (the writer). */
#pragma once

#include <limits.h>

#include "common/error.h"
#include "images/unpack.h"

struct archive;
struct archive_entry;

#define IMG_HEX_SIZE 65

struct unpack_ctx {
	int root;                     /* the layer directory */
	/* the last parent directory opened, reused while entries stay in it
	 * (tar streams are mostly grouped by directory) */
	int parent_fd;
	char parent[PATH_MAX];
	struct img_unpack_stats stats;
};

/* Write one entry (its data is read from t). */
int unpack_entry(struct unpack_ctx *u, struct archive *t, struct archive_entry *e,
		 struct b_err *err);
/* After the last entry. */
int unpack_finish(struct unpack_ctx *u, struct b_err *err);
void unpack_ctx_release(struct unpack_ctx *u);

/* An entry's name made relative and checked: leading "./" and "/" runs are
 * NOT stripped for "/" (an absolute name is refused), "." components are
 * dropped, ".." anywhere is refused, "" means the layer root.  out gets
 * the clean name; -EINVAL when refused. */
int unpack_clean_name(const char *name, char *out, size_t size);
