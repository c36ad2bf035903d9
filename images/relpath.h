/* Relative path arithmetic for names that come from images and archives:
 * pure string work, used before any file is touched (the file system side
 * stays with openat2, unpack_write.c). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* base + "/" + rel, cleaned: "." and empty components dropped, ".." pops
 * one (refused with dotdot false, and never above the root: -EINVAL);
 * -ENAMETOOLONG when it does not fit.  base must be clean already ("" for
 * the root). */
int img_path_join(const char *base, const char *rel, bool dotdot, char *out, size_t size);
