/* Mounts made from and onto fds (see safepath.h).  A legacy mount(2) takes
 * names, and the kernel looks each one up again: between berth's check and
 * the mount, or between the mount and a remount, a process sharing the tree
 * (a sidecar with the same volume) can swap a directory for a symlink.  Here
 * a mount is created detached (fsmount, or open_tree for binds), given its
 * attributes while nobody can see it, and attached on an fd berth resolved
 * itself; the mount fd then names the attached mount for propagation.  Needs
 * Linux 5.12 (mount_setattr). */
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "safepath.h"
#include "syscalls.h"

static int b_open_tree(int dirfd, const char *path, unsigned flags)
{
	return (int)syscall(SYS_open_tree, dirfd, path, flags);
}

static int b_move_mount(int from_fd, const char *from, int to_fd, const char *to, unsigned flags)
{
	return (int)syscall(SYS_move_mount, from_fd, from, to_fd, to, flags);
}

static int b_fsopen(const char *type, unsigned flags)
{
	return (int)syscall(SYS_fsopen, type, flags);
}

static int b_fsconfig(int fd, unsigned cmd, const char *key, const char *value, int aux)
{
	return (int)syscall(SYS_fsconfig, fd, cmd, key, value, aux);
}

static int b_fsmount(int fd, unsigned flags, unsigned attr)
{
	return (int)syscall(SYS_fsmount, fd, flags, attr);
}

int sp_tree_clone(int dirfd, const char *path, bool recursive)
{
	unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (recursive ? AT_RECURSIVE : 0);
	int fd;

	if (!*path)
		flags |= AT_EMPTY_PATH;
	fd = b_open_tree(dirfd, path, flags);
	return fd < 0 ? -errno : fd;
}

void sp_ms_to_attr(unsigned long ms, uint64_t *set, uint64_t *clr)
{
	static const struct { unsigned long ms; uint64_t attr; } map[] = {
		{ MS_RDONLY, MOUNT_ATTR_RDONLY }, { MS_NOSUID, MOUNT_ATTR_NOSUID },
		{ MS_NODEV, MOUNT_ATTR_NODEV }, { MS_NOEXEC, MOUNT_ATTR_NOEXEC },
		{ MS_NODIRATIME, MOUNT_ATTR_NODIRATIME },
	};

	*set = *clr = 0;
	for (size_t i = 0; i < B_ARRAY_SIZE(map); i++)
		if (ms & map[i].ms)
			*set |= map[i].attr;
	/* The atime mode is one field: naming one replaces the others. */
	if (ms & (MS_NOATIME | MS_STRICTATIME | MS_RELATIME))
		*clr |= MOUNT_ATTR__ATIME;
	if (ms & MS_NOATIME)
		*set |= MOUNT_ATTR_NOATIME;
	else if (ms & MS_STRICTATIME)
		*set |= MOUNT_ATTR_STRICTATIME;
}

/* The fs context's own explanation ("e ...") makes a better error than the
 * bare errno. */
static int fs_fail(int fsfd, int e, const char *what, const char *type, struct b_err *err)
{
	char log[256];
	ssize_t n = read(fsfd, log, sizeof(log) - 1);

	if (n > 2) {
		log[n] = '\0';
		log[strcspn(log, "\n")] = '\0';
		return b_err_set(err, e, "mounting %s: %s: %s (%s)", type, what, strerror(e), log + 2);
	}
	return b_err_sys(err, e, "mounting %s: %s", type, what);
}

static int fs_options(int fsfd, const char *type, const char *data, unsigned long sb_ms,
		      struct b_err *err)
{
	static const struct { unsigned long ms; const char *name; } sb_flags[] = {
		{ MS_SYNCHRONOUS, "sync" }, { MS_DIRSYNC, "dirsync" },
		{ MS_LAZYTIME, "lazytime" }, { MS_MANDLOCK, "mand" },
	};
	_cleanup_free_ char *copy = data ? strdup(data) : NULL;
	char *save = NULL;

	if (data && !copy)
		return b_err_set(err, ENOMEM, "out of memory");
	for (size_t i = 0; i < B_ARRAY_SIZE(sb_flags); i++)
		if ((sb_ms & sb_flags[i].ms) &&
		    b_fsconfig(fsfd, FSCONFIG_SET_FLAG, sb_flags[i].name, NULL, 0) < 0)
			return fs_fail(fsfd, errno, sb_flags[i].name, type, err);
	for (char *o = copy ? strtok_r(copy, ",", &save) : NULL; o; o = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(o, '=');
		int r;

		if (eq) {
			*eq = '\0';
			r = b_fsconfig(fsfd, FSCONFIG_SET_STRING, o, eq + 1, 0);
			*eq = '=';
		} else {
			r = b_fsconfig(fsfd, FSCONFIG_SET_FLAG, o, NULL, 0);
		}
		if (r < 0)
			return fs_fail(fsfd, errno, o, type, err);
	}
	return 0;
}

int sp_fs_new(const char *type, const char *source, const char *data, unsigned long sb_ms,
	      uint64_t attr, int *mfd, struct b_err *err)
{
	_cleanup_close_ int fsfd = b_fsopen(type, FSOPEN_CLOEXEC);
	int r;

	if (fsfd < 0)
		return b_err_sys(err, errno, "mounting %s", type);
	if (source && *source && b_fsconfig(fsfd, FSCONFIG_SET_STRING, "source", source, 0) < 0)
		return fs_fail(fsfd, errno, "source", type, err);
	if ((r = fs_options(fsfd, type, data, sb_ms, err)) < 0)
		return r;
	if (b_fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return fs_fail(fsfd, errno, "creating the filesystem", type, err);
	*mfd = b_fsmount(fsfd, FSMOUNT_CLOEXEC, (unsigned)attr);
	if (*mfd < 0)
		return fs_fail(fsfd, errno, "fsmount", type, err);
	return 0;
}

int sp_setattr(int mfd, uint64_t set, uint64_t clr, unsigned long propagation, bool recursive)
{
	struct b_mount_attr a = { .attr_set = set, .attr_clr = clr, .propagation = propagation };

	if (!set && !clr && !propagation)
		return 0;
	if (b_mount_setattr(mfd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &a) < 0)
		return -errno;
	return 0;
}

int sp_move_onto(int mfd, int target_fd)
{
	if (b_move_mount(mfd, "", target_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return -errno;
	return 0;
}
