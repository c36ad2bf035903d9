/* --pid-file: written atomically, relative to the caller's cwd. */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/fsutil.h"
#include "internal.h"

int rt_write_pid_file(const char *path, pid_t pid, struct b_err *err)
{
	char buf[32];
	char abs[PATH_MAX];
	int n = snprintf(buf, sizeof(buf), "%d", (int)pid);
	int r;

	/* Relative to the caller's cwd, made absolute for the temp+rename. */
	if (path[0] != '/' && getcwd(abs, sizeof(abs))) {
		size_t l = strlen(abs);
		snprintf(abs + l, sizeof(abs) - l, "/%s", path);
		path = abs;
	}
	r = b_write_atomic(path, buf, (size_t)n, 0644);
	if (r < 0)
		return b_err_sys(err, -r, "writing pid file %s", path);
	return 0;
}
