/* The layer writer.  Every name is cleaned (no "/x", no ".."), its parent
 * opened with openat2 beneath the layer root refusing symlinks, and the
 * entry created relative to that fd: an earlier entry's symlink is never
 * followed, so entry order cannot be used to escape.  Whiteouts become
 * overlayfs whiteouts (0/0 character devices) and opaque markers the
 * trusted.overlay.opaque xattr; overlay's own xattrs in the layer are
 * dropped, since they would steer overlayfs (redirects, metacopy). */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fsutil.h"
#include "images/relpath.h"
#include "images/unpack_internal.h"

#define WH_PREFIX ".wh."
#define WH_OPAQUE ".wh..wh..opq"

static int open_beneath(int root, const char *path, int flags)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC),
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS |
			   RESOLVE_NO_XDEV,
	};
	int fd = (int)syscall(SYS_openat2, root, path[0] ? path : ".", &how, sizeof(how));

	return fd < 0 ? -errno : fd;
}

int unpack_clean_name(const char *name, char *out, size_t size)
{
	if (name[0] == '/')
		return -EINVAL;
	return img_path_join("", name, false, out, size);
}

/* Create the missing directories of `path` one component at a time, each
 * opened beneath the root again, so a symlink component stays refused. */
static int mkdir_parents(int root, const char *path)
{
	char buf[PATH_MAX];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *s = buf;; s++) {
		if (*s && *s != '/')
			continue;
		char c = *s;
		*s = '\0';
		_cleanup_close_ int fd = open_beneath(root, buf, O_PATH | O_DIRECTORY);
		if (fd == -ENOENT) {
			char *slash = strrchr(buf, '/');
			_cleanup_close_ int up = open_beneath(root, slash ? (*slash = '\0', buf) : "",
							       O_PATH | O_DIRECTORY);
			if (slash)
				*slash = '/';
			if (up < 0)
				return up;
			if (mkdirat(up, slash ? slash + 1 : buf, 0755) < 0 && errno != EEXIST)
				return -errno;
		} else if (fd < 0) {
			return fd;
		}
		if (!c)
			return 0;
		*s = c;
	}
}

static int parent_fd(struct unpack_ctx *u, const char *parent, const char *entry,
		     struct b_err *err)
{
	int fd;

	if (u->parent_fd >= 0 && !strcmp(u->parent, parent))
		return u->parent_fd;
	if (u->parent_fd >= 0)
		close(u->parent_fd);
	u->parent_fd = -1;
	fd = open_beneath(u->root, parent, O_PATH | O_DIRECTORY);
	if (fd == -ENOENT && (fd = mkdir_parents(u->root, parent)) == 0)
		fd = open_beneath(u->root, parent, O_PATH | O_DIRECTORY);
	if (fd == -ELOOP || fd == -ENOTDIR || fd == -EXDEV || fd == -EEXIST)
		return b_err_set(err, EINVAL,
				 "layer entry \"%s\": its directory \"%s\" is a symlink or not a directory in the layer (refused: it could lead outside)",
				 entry, parent);
	if (fd < 0)
		return b_err_sys(err, -fd, "layer entry \"%s\": opening \"%s\"", entry, parent);
	snprintf(u->parent, sizeof(u->parent), "%s", parent);
	u->parent_fd = fd;
	return fd;
}

/* A later entry replaces an earlier one of the same name, as tar does;
 * a directory stays (its metadata is updated). */
static int make_room(int dir, const char *leaf, bool want_dir)
{
	struct stat st;

	if (fstatat(dir, leaf, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (S_ISDIR(st.st_mode))
		return want_dir ? 1 : b_rm_rf_at(dir, leaf);
	return unlinkat(dir, leaf, 0) < 0 ? -errno : 0;
}

/* Not from an image: overlayfs' own (opaque, redirect, metacopy would
 * steer the mount), and the host's security labels and integrity data
 * (an image must not choose a host SELinux label for its files). */
static bool xattr_allowed(const char *name)
{
	static const char *const refused[] = { "trusted.overlay.", "security.selinux",
					      "security.ima", "security.evm" };

	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		if (!strncmp(name, refused[i], strlen(refused[i])))
			return false;
	return true;
}

static int set_xattrs(struct unpack_ctx *u, int fd, struct archive_entry *e)
{
	const char *name;
	const void *val;
	size_t len;

	archive_entry_xattr_reset(e);
	while (archive_entry_xattr_next(e, &name, &val, &len) == ARCHIVE_OK) {
		if (!xattr_allowed(name)) {
			u->stats.dropped_xattrs++;
			continue;
		}
		/* a store on a filesystem without that namespace (user.* on
		 * tmpfs before 6.6): skipped as docker and containerd skip it */
		if (fsetxattr(fd, name, val, len, 0) == 0)
			continue;
		if (errno != EOPNOTSUPP)
			return -errno;
		u->stats.unsupported_xattrs++;
	}
	return 0;
}

/* Owner first: chown clears set-id bits, so the mode goes after it. */
static int set_meta(struct unpack_ctx *u, int fd, struct archive_entry *e)
{
	struct timespec ts[2] = {
		{ archive_entry_atime(e), archive_entry_atime_nsec(e) },
		{ archive_entry_mtime(e), archive_entry_mtime_nsec(e) },
	};

	if (!archive_entry_atime_is_set(e))
		ts[0] = ts[1];
	if (fchown(fd, (uid_t)archive_entry_uid(e), (gid_t)archive_entry_gid(e)) < 0 ||
	    fchmod(fd, archive_entry_perm(e) & 07777) < 0)
		return -errno;
	int r = set_xattrs(u, fd, e);
	if (r < 0)
		return r;
	return futimens(fd, ts) < 0 ? -errno : 0;
}

static int write_data(struct archive *t, struct archive_entry *e, int fd)
{
	const void *buf;
	size_t len;
	la_int64_t off, end = 0;
	int ar;

	while ((ar = archive_read_data_block(t, &buf, &len, &off)) == ARCHIVE_OK) {
		for (size_t done = 0; done < len;) {
			ssize_t n = pwrite(fd, (const char *)buf + done, len - done, off + (off_t)done);
			if (n < 0)
				return -errno;
			done += (size_t)n;
		}
		end = off + (la_int64_t)len;
	}
	if (ar != ARCHIVE_EOF)
		return -EBADMSG;
	/* a sparse file may end in a hole */
	if (archive_entry_size(e) > end)
		end = archive_entry_size(e);
	return ftruncate(fd, end) < 0 ? -errno : 0;
}

static int new_file(struct unpack_ctx *u, int dir, const char *leaf, struct archive *t,
		    struct archive_entry *e)
{
	_cleanup_close_ int fd = openat(dir, leaf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
					0600);
	int r;

	if (fd < 0)
		return -errno;
	if ((r = write_data(t, e, fd)) < 0)
		return r;
	return set_meta(u, fd, e);
}

static int new_dir(struct unpack_ctx *u, int dir, const char *leaf, struct archive_entry *e)
{
	if (mkdirat(dir, leaf, 0700) < 0 && errno != EEXIST)
		return -errno;
	_cleanup_close_ int fd = openat(dir, leaf, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	return fd < 0 ? -errno : set_meta(u, fd, e);
}

static int new_symlink(int dir, const char *leaf, struct archive_entry *e)
{
	const char *target = archive_entry_symlink(e);
	struct timespec ts[2] = {
		{ archive_entry_mtime(e), archive_entry_mtime_nsec(e) },
		{ archive_entry_mtime(e), archive_entry_mtime_nsec(e) },
	};

	/* The target is only text: it is never followed while unpacking. */
	if (!target || symlinkat(target, dir, leaf) < 0)
		return target ? -errno : -EINVAL;
	if (fchownat(dir, leaf, (uid_t)archive_entry_uid(e), (gid_t)archive_entry_gid(e),
		     AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	return utimensat(dir, leaf, ts, AT_SYMLINK_NOFOLLOW) < 0 ? -errno : 0;
}

/* The link target is resolved beneath the layer like any parent, and
 * linkat does not follow a symlink there: a hardlink can only name
 * something this layer wrote. */
static int new_hardlink(struct unpack_ctx *u, int dir, const char *leaf, struct archive_entry *e,
			const char *entry, struct b_err *err)
{
	char target[PATH_MAX];
	const char *hl = archive_entry_hardlink(e);

	if (unpack_clean_name(hl, target, sizeof(target)) < 0 || !target[0])
		return b_err_set(err, EINVAL,
				 "layer entry \"%s\": hardlink to \"%s\" leaves the layer (refused)",
				 entry, hl);
	char *slash = strrchr(target, '/');
	_cleanup_close_ int tdir = open_beneath(u->root, slash ? (*slash = '\0', target) : "",
						 O_PATH | O_DIRECTORY);
	if (tdir < 0 || linkat(tdir, slash ? slash + 1 : target, dir, leaf, 0) < 0)
		return b_err_set(err, EINVAL,
				 "layer entry \"%s\": hardlink to \"%s\", which is not a file of this layer (refused)",
				 entry, hl);
	return 0;
}

static int new_node(struct unpack_ctx *u, int dir, const char *leaf, struct archive_entry *e)
{
	mode_t type = archive_entry_filetype(e);
	dev_t dev = makedev(archive_entry_rdevmajor(e), archive_entry_rdevminor(e));

	if (mknodat(dir, leaf, type | 0600, type == AE_IFIFO ? 0 : dev) < 0)
		return -errno;
	_cleanup_close_ int fd = openat(dir, leaf, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* O_PATH fds take no fchown/fchmod: go through the fd's name in
	 * /proc, which names exactly this inode. */
	char p[64];
	snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
	if (chown(p, (uid_t)archive_entry_uid(e), (gid_t)archive_entry_gid(e)) < 0 ||
	    chmod(p, archive_entry_perm(e) & 07777) < 0)
		return -errno;
	(void)u;
	return 0;
}

/* ".wh.<name>": <name> is deleted in this layer; ".wh..wh..opq": the
 * directory hides everything below from lower layers. */
static int whiteout(struct unpack_ctx *u, int dir, const char *leaf)
{
	u->stats.whiteouts++;
	if (!strcmp(leaf, WH_OPAQUE)) {
		char p[64];
		snprintf(p, sizeof(p), "/proc/self/fd/%d", dir);
		_cleanup_close_ int fd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0 || fsetxattr(fd, "trusted.overlay.opaque", "y", 1, 0) < 0)
			return -errno;
		return 0;
	}
	const char *name = leaf + strlen(WH_PREFIX);
	if (!strncmp(name, WH_PREFIX, strlen(WH_PREFIX)))
		return 0; /* aufs bookkeeping (.wh..wh.plnk and the like) */
	/* ".wh..." would make room by removing ".." (the layer's parent: the
	 * store's tmp/) and ".wh.." its own directory */
	if (!name[0] || !strcmp(name, ".") || !strcmp(name, ".."))
		return -EINVAL;
	int r = make_room(dir, name, false);
	if (r < 0)
		return r;
	if (mknodat(dir, name, S_IFCHR | 0000, makedev(0, 0)) < 0)
		return -errno;
	return fchownat(dir, name, 0, 0, AT_SYMLINK_NOFOLLOW) < 0 ? -errno : 0;
}

static int create(struct unpack_ctx *u, int dir, const char *leaf, struct archive *t,
		  struct archive_entry *e, const char *entry, struct b_err *err)
{
	mode_t type = archive_entry_filetype(e);
	int r;

	if (!strncmp(leaf, WH_PREFIX, strlen(WH_PREFIX)))
		return whiteout(u, dir, leaf);
	if ((r = make_room(dir, leaf, type == AE_IFDIR)) < 0)
		return r;
	if (archive_entry_hardlink(e))
		return new_hardlink(u, dir, leaf, e, entry, err);
	switch (type) {
	case AE_IFREG: return new_file(u, dir, leaf, t, e);
	case AE_IFDIR: return new_dir(u, dir, leaf, e);
	case AE_IFLNK: return new_symlink(dir, leaf, e);
	case AE_IFCHR: case AE_IFBLK: case AE_IFIFO: return new_node(u, dir, leaf, e);
	default:
		return b_err_set(err, EINVAL, "layer entry \"%s\": unsupported file type 0%o",
				 entry, (unsigned)type);
	}
}

int unpack_entry(struct unpack_ctx *u, struct archive *t, struct archive_entry *e,
		 struct b_err *err)
{
	const char *entry = archive_entry_pathname(e);
	char name[PATH_MAX];
	int r;

	if (!entry || unpack_clean_name(entry, name, sizeof(name)) < 0)
		return b_err_set(err, EINVAL,
				 "layer entry \"%s\": absolute or \"..\" names are refused (it would write outside the layer)",
				 entry ? entry : "");
	if (!name[0]) {
		/* "./": the layer root's own metadata */
		_cleanup_close_ int fd = open_beneath(u->root, "", O_RDONLY | O_DIRECTORY);
		return fd < 0 ? b_err_sys(err, -fd, "layer root") : set_meta(u, fd, e);
	}
	char *slash = strrchr(name, '/');
	const char *leaf = slash ? slash + 1 : name;
	if (slash)
		*slash = '\0';
	int dir = parent_fd(u, slash ? name : "", entry, err);
	if (dir < 0)
		return dir;
	if ((r = create(u, dir, leaf, t, e, entry, err)) < 0 && !err->code)
		return b_err_sys(err, -r, "layer entry \"%s\"", entry);
	return r;
}

int unpack_finish(struct unpack_ctx *u, struct b_err *err)
{
	(void)err;
	/* Everything the layer wrote reaches the disk with one syncfs before
	 * the caller renames the directory into place. */
	return syncfs(u->root) < 0 ? -errno : 0;
}

void unpack_ctx_release(struct unpack_ctx *u)
{
	if (u->parent_fd >= 0)
		close(u->parent_fd);
	u->parent_fd = -1;
}
