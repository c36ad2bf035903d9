/* The one way berth touches a path inside a tree a container controls (its
 * rootfs, a volume, an image layer).  Such a tree may hold a symlink planted
 * to redirect berth to the host, so nothing here opens, creates or mounts by
 * name: paths are resolved with openat2 inside a root fd, never through a
 * magic link (/proc/self/fd/N, /proc/PID/root), the type of what was found is
 * checked with fstat, and mounts are made from and onto fds with
 * open_tree/fsmount/move_mount/mount_setattr, so no name is looked up twice.
 *
 * tests/lint/fs_calls.py keeps runtime/ and supervisor/ from calling
 * mount/open/mkdir on such paths anywhere else. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/error.h"

/* ---- resolution ---------------------------------------------------------- */

/* O_PATH fd of `path` resolved inside root_fd as if it were "/" (absolute
 * symlinks and ".." stay inside), no magic links; -errno. */
int sp_resolve(int root_fd, const char *path);

/* sp_resolve, and with `create` make what is missing on the way (mode 0755
 * directories; the last component an empty 0644 file when `leaf_file`).
 * Dangling symlinks are followed inside the root.  Fills err. */
int sp_open_in_root(int root_fd, const char *path, bool create, bool leaf_file,
		    struct b_err *err);

/* chdir to `cwd` inside the current root ("/"), refusing magic links and
 * anything but a directory: a container cannot turn its cwd into a way out. */
int sp_chdir_in_root(const char *cwd, struct b_err *err);

/* Open a regular file inside root_fd for reading (O_NONBLOCK, so a FIFO planted
 * in its place cannot hang the caller); -errno, -EINVAL when not regular. */
int sp_open_file_in_root(int root_fd, const char *path);

/* ---- fds ----------------------------------------------------------------- */

/* Close every fd >= first except those in keep[] (which may hold -1s). */
int sp_close_fds_from(int first, const int *keep, size_t n_keep);

/* "/proc/self/fd/N": how a legacy mount(2) names an fd.  Only valid while
 * /proc is the host's (before pivot_root). */
void sp_fd_path(int fd, char buf[static 32]);

/* /dev/null inside root_fd as an O_PATH fd, with no symlink anywhere on the
 * way and checked to be the 1:3 character device (whatever holds it, such a
 * node is the null device); -errno, -ENODEV when it is something else. */
int sp_open_null_in_root(int root_fd);

/* ---- mounts on fds ------------------------------------------------------- */

/* Detached copy of the mount tree at dirfd/path (path "" for dirfd itself),
 * recursive or not; returns the mount fd or -errno. */
int sp_tree_clone(int dirfd, const char *path, bool recursive);

/* A new detached filesystem of `type` from `source` with `data` (comma
 * separated key[=value], as mount(2) takes it), superblock flags `sb_ms`
 * (MS_SYNCHRONOUS...), mount attributes `attr` (MOUNT_ATTR_*). */
int sp_fs_new(const char *type, const char *source, const char *data, unsigned long sb_ms,
	      uint64_t attr, int *mfd, struct b_err *err);

/* mount_setattr on the mount `mfd`: set/clear MOUNT_ATTR_* and, when
 * non-zero, propagation (MS_SHARED/...); -errno. */
int sp_setattr(int mfd, uint64_t set, uint64_t clr, unsigned long propagation, bool recursive);

/* Attach the detached mount `mfd` on top of what target_fd names; -errno.
 * mfd then names the attached mount. */
int sp_move_onto(int mfd, int target_fd);

/* MS_RDONLY/NOSUID/NODEV/NOEXEC/NOATIME/... → MOUNT_ATTR_* (with the atime
 * field cleared when an atime mode is given). */
void sp_ms_to_attr(unsigned long ms, uint64_t *set, uint64_t *clr);
