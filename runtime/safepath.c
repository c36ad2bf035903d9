/* Resolving paths inside a tree a container controls (see safepath.h).  A
 * rootfs or volume is untrusted: a symlink such as /etc -> /host/etc must
 * never make berth open, mount or create something outside it.
 * openat2(RESOLVE_IN_ROOT) treats root_fd as "/" for every symlink and ".."
 * on the way; RESOLVE_NO_MAGICLINKS keeps /proc/self/fd/N from jumping out. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "safepath.h"
#include "syscalls.h"

void sp_fd_path(int fd, char buf[static 32])
{
	snprintf(buf, 32, "/proc/self/fd/%d", fd);
}

int sp_resolve(int root_fd, const char *path)
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

int sp_open_in_root(int root_fd, const char *path, bool create, bool leaf_file,
		    struct b_err *err)
{
	int fd = sp_resolve(root_fd, path);

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
		fd = sp_resolve(root_fd, prefix);
		if (fd == -ENOENT) {
			bool last = *p == '\0' || strspn(p, "/") == strlen(p);
			q = create_leaf(parent, name, last && leaf_file);
			if (q < 0)
				return b_err_sys(err, -q, "creating %s inside the rootfs", prefix);
			fd = sp_resolve(root_fd, prefix);
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

int sp_chdir_in_root(const char *cwd, struct b_err *err)
{
	_cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	_cleanup_close_ int fd = -1;
	struct stat st;

	if (root < 0)
		return b_err_sys(err, errno, "opening /");
	fd = sp_resolve(root, cwd);
	if (fd < 0)
		return b_err_sys(err, -fd, "process.cwd %s", cwd);
	if (fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode))
		return b_err_set(err, ENOTDIR, "process.cwd %s is not a directory", cwd);
	if (fchdir(fd) < 0)
		return b_err_sys(err, errno, "chdir to process.cwd %s", cwd);
	return 0;
}

int sp_open_file_in_root(int root_fd, const char *path)
{
	struct open_how how = {
		.flags = O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	struct stat st;
	int fd;

	do
		fd = b_openat2(root_fd, path, &how);
	while (fd < 0 && errno == EAGAIN);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	return fd;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* Closing, not close-on-exec: an fd must be gone before berth looks up a
 * path the container chose (CVE-2024-21626), not only at execve. */
int sp_close_fds_from(int first, const int *keep, size_t n_keep)
{
	int sorted[16];
	size_t n = 0;
	unsigned lo = (unsigned)first;

	for (size_t i = 0; i < n_keep; i++) {
		if (keep[i] < first)
			continue;
		if (n == B_ARRAY_SIZE(sorted))
			return -E2BIG;
		sorted[n++] = keep[i];
	}
	qsort(sorted, n, sizeof(*sorted), cmp_int);
	for (size_t i = 0; i < n; i++) {
		if ((unsigned)sorted[i] > lo && b_close_range(lo, (unsigned)sorted[i] - 1, 0) < 0)
			return -errno;
		lo = (unsigned)sorted[i] + 1;
	}
	return b_close_range(lo, ~0U, 0) < 0 ? -errno : 0;
}

int sp_open_null_in_root(int root_fd)
{
	struct open_how how = {
		.flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	struct stat st;
	int fd = b_openat2(root_fd, "/dev/null", &how);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3)) {
		close(fd);
		return -ENODEV;
	}
	return fd;
}
