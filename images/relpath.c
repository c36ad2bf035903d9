/* Relative path arithmetic on names from hostile archives (relpath.h). */
#include <errno.h>
#include <string.h>

#include "images/relpath.h"

/* Path arithmetic inside the archive's name space: "." and empty
 * components dropped, ".." pops one (refused with dotdot false, and never
 * above the root: -EINVAL).  out starts as `base` (already clean). */
int img_path_join(const char *base, const char *rel, bool dotdot, char *out, size_t size)
{
	size_t n = strlen(base);

	if (n >= size)
		return -ENAMETOOLONG;
	memmove(out, base, n + 1);
	for (const char *p = rel; *p;) {
		size_t len = strcspn(p, "/");
		if (len == 2 && !strncmp(p, "..", 2)) {
			if (!dotdot || !n)
				return -EINVAL;
			char *slash = strrchr(out, '/');
			n = slash ? (size_t)(slash - out) : 0;
		} else if (len && !(len == 1 && p[0] == '.')) {
			if (n + !!n + len + 1 > size)
				return -ENAMETOOLONG;
			if (n)
				out[n++] = '/';
			memcpy(out + n, p, len);
			n += len;
		}
		out[n] = '\0';
		p += len;
		p += *p == '/';
	}
	return 0;
}
