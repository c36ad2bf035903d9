/* Resolving mount targets and device nodes inside the container's rootfs.
 * A rootfs is untrusted: a symlink such as /etc -> /host/etc must never make
 * berth mount or create something outside it.  openat2(RESOLVE_IN_ROOT)
 * treats root_fd as "/" for every symlink and ".." on the way. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "internal.h"
#include "syscalls.h"

void rt_fd_path(int fd, char buf[static 32])
{
	snprintf(buf, 32, "/proc/self/fd/%d", fd);
}

static int open_in_root(int root_fd, const char *path)
{
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	int fd;

	do
		fd = b_openat2(root_fd, path, &how);
	while (fd < 0 && errno == EAGAIN);
	return fd < 0 ? -errno : fd;
}

/* Create `name` in the directory `parent_fd` (already resolved inside the
 * root).  A single component is never followed when created. */
static int create_leaf(int parent_fd, const char *name, bool file)
{
	if (!file)
		return mkdirat(parent_fd, name, 0755) < 0 && errno != EEXIST ? -errno : 0;
	int fd = openat(parent_fd, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return errno == EEXIST ? 0 : -errno;
	close(fd);
	return 0;
}

static int open_create(int root_fd, const char *path, bool leaf_file, int depth,
		       struct b_err *err);

int rt_path_open_in_root(int root_fd, const char *path, bool create, bool leaf_file,
			 struct b_err *err)
{
	int fd = open_in_root(root_fd, path);

	if (fd >= 0)
		return fd;
	if (fd != -ENOENT || !create)
		return b_err_sys(err, -fd, "resolving %s inside the rootfs", path);
	return open_create(root_fd, path, leaf_file, 0, err);
}

/* A dangling symlink on the way: continue at its target, still inside the
 * root (absolute targets are taken relative to it). */
static int follow_dangling(int root_fd, int parent, const char *name, const char *parent_prefix,
			   size_t parent_len, const char *rest, bool leaf_file, int depth,
			   struct b_err *err)
{
	char target[4096], next[8192];
	ssize_t n = readlinkat(parent, name, target, sizeof(target) - 1);

	if (n < 0)
		return -ENOENT;
	target[n] = '\0';
	if (depth >= 40)
		return b_err_set(err, ELOOP, "too many symlinks resolving %s inside the rootfs", name);
	if (target[0] == '/')
		snprintf(next, sizeof(next), "%s%s", target, rest);
	else
		snprintf(next, sizeof(next), "%.*s/%s%s", (int)parent_len, parent_prefix, target, rest);
	return open_create(root_fd, next, leaf_file, depth + 1, err);
}

static int open_create(int root_fd, const char *path, bool leaf_file, int depth,
		       struct b_err *err)
{
	char prefix[4096];
	_cleanup_close_ int parent = -1;
	size_t len = 0;
	int fd;

	parent = fcntl(root_fd, F_DUPFD_CLOEXEC, 3);
	if (parent < 0)
		return b_err_sys(err, errno, "dup");
	for (const char *p = path; *p;) {
		const char *e;
		char name[256];
		size_t n;
		int q;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		e = strchrnul(p, '/');
		n = (size_t)(e - p);
		size_t parent_len = len;

		if (n >= sizeof(name) || len + n + 2 >= sizeof(prefix))
			return b_err_set(err, ENAMETOOLONG, "path %s is too long", path);
		memcpy(name, p, n);
		name[n] = '\0';
		prefix[len++] = '/';
		memcpy(prefix + len, name, n + 1);
		len += n;
		p = e;
		fd = open_in_root(root_fd, prefix);
		if (fd == -ENOENT) {
			bool last = *p == '\0' || strspn(p, "/") == strlen(p);
			q = create_leaf(parent, name, last && leaf_file);
			if (q < 0)
				return b_err_sys(err, -q, "creating %s inside the rootfs", prefix);
			fd = open_in_root(root_fd, prefix);
			if (fd == -ENOENT)
				return follow_dangling(root_fd, parent, name, prefix, parent_len, p,
						       leaf_file, depth, err);
		}
		if (fd < 0)
			return b_err_sys(err, -fd, "resolving %s inside the rootfs", prefix);
		close(parent);
		parent = fd;
	}
	return b_steal_fd(parent);
}
