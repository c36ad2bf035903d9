/* What the supervisor and `berth pod rm` check before they act as root on
 * a directory or a cgroup someone else may have prepared:
 *
 * - the state directories <root>, <root>/pods and <root>/pods/<pod> and
 *   the log directory must be root's and writable by nobody else
 *   (common/safedir.h), and the pod's own state dir must not be a symlink:
 *   `pod rm` empties it and trusts the `cgroup` file in it;
 * - the cgroup named by that file is only killed if it is the pod's: a
 *   plain path beneath the cgroup2 root (openat2 with RESOLVE_BENEATH and
 *   RESOLVE_NO_SYMLINKS), ending in the pod's name, and marked by the
 *   supervisor that created it with the xattr trusted.berth.pod = its state
 *   directory (only root can set trusted.* xattrs).  An unmarked cgroup is
 *   accepted at the default place, /berth/pods/<pod>, only. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "cgroups/cgroup.h"
#include "common/cleanup.h"
#include "common/fsutil.h"
#include "common/safedir.h"
#include "supervisor/sv_internal.h"

#define POD_CG_XATTR "trusted.berth.pod"

/* ---- directories ------------------------------------------------------ */

int sv_log_dir_open(const char *given, char *resolved, size_t size, struct b_err *err)
{
	char real[PATH_MAX];
	struct stat st;
	int r;

	/* A symlink another user made (in /tmp, say) is theirs to repoint. */
	if (lstat(given, &st) == 0 && S_ISLNK(st.st_mode) && st.st_uid != 0 &&
	    st.st_uid != geteuid())
		return b_err_set(err, EPERM, "log directory %s is a symbolic link owned by uid %u: "
				 "refusing to follow it (give the directory itself)", given,
				 (unsigned)st.st_uid);
	if (!realpath(given, real))
		return b_err_sys(err, errno, "log directory %s", given);
	if ((size_t)snprintf(resolved, size, "%s", real) >= size)
		return b_err_set(err, ENAMETOOLONG, "log directory %s: path too long", real);
	if ((r = b_dir_check_parent(real, "log directory", err)) < 0)
		return r;
	return b_dir_open_owned(AT_FDCWD, real, NULL, true, "log directory", err);
}

/* One level below `atfd`: made if missing and allowed, then checked. */
static int open_level(int atfd, const char *name, const char *path, mode_t mode, bool create,
		      bool *made, const char *what, struct b_err *err)
{
	if (made)
		*made = false;
	if (create && mkdirat(atfd, name, mode) == 0) {
		if (made)
			*made = true;
	} else if (create && errno != EEXIST) {
		return b_err_sys(err, errno, "creating %s", path);
	}
	return b_dir_open_owned(atfd, name, path, true, what, err);
}

int sv_state_dir_open(const char *root, const char *name, bool create, bool *created,
		      struct b_err *err)
{
	char pods[PATH_MAX], dir[PATH_MAX + 64];
	_cleanup_close_ int rfd = -1, pfd = -1;
	int r;

	if (created)
		*created = false;
	snprintf(pods, sizeof(pods), "%s/pods", root);
	snprintf(dir, sizeof(dir), "%s/%s", pods, name);
	if (create && (r = b_mkdir_p(root, 0711)) < 0)
		return b_err_sys(err, -r, "creating %s", root);
	/* --root itself may be a symlink (/var/run); what it is must be root's. */
	if ((rfd = b_dir_open_owned(AT_FDCWD, root, NULL, false, "--root", err)) < 0)
		return rfd;
	if ((pfd = open_level(rfd, "pods", pods, 0711, create, NULL, "pods directory", err)) < 0)
		return pfd;
	return open_level(pfd, name, dir, 0700, create, created, "pod state directory", err);
}

/* The state directory as the kernel names it: the same string for the
 * supervisor and for a later `pod rm`, however --root was spelt. */
static int state_id(int dirfd, char *buf, size_t size, struct b_err *err)
{
	char link[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", dirfd);
	n = readlink(link, buf, size - 1);
	if (n < 0)
		return b_err_sys(err, errno, "reading %s", link);
	buf[n] = '\0';
	return 0;
}

/* ---- the pod's cgroup ------------------------------------------------- */

static int state_id_of(const char *state_dir, char *buf, size_t size, struct b_err *err)
{
	_cleanup_close_ int dfd = open(state_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (dfd < 0)
		return b_err_sys(err, errno, "opening %s", state_dir);
	return state_id(dfd, buf, size, err);
}

int sv_pod_cgroup_check_free(const char *cg_abs, const char *state_dir, struct b_err *err)
{
	char id[PATH_MAX], mark[PATH_MAX];
	ssize_t n = getxattr(cg_abs, POD_CG_XATTR, mark, sizeof(mark) - 1);
	int r;

	if (n < 0)
		return 0;   /* not there yet, or not marked */
	mark[n] = '\0';
	if ((r = state_id_of(state_dir, id, sizeof(id), err)) < 0)
		return r;
	if (!strcmp(mark, id) || cg_is_empty(cg_abs))
		return 0;
	return b_err_set(err, EBUSY, "cgroup %s is in use by the pod of %s (a pod of the same name "
			 "under another --root): give this pod another name or a --cgroup-parent",
			 cg_abs, mark);
}

int sv_pod_cgroup_mark(const char *cg_abs, const char *state_dir, struct b_err *err)
{
	char id[PATH_MAX];
	int r;

	if ((r = state_id_of(state_dir, id, sizeof(id), err)) < 0)
		return r;
	if (setxattr(cg_abs, POD_CG_XATTR, id, strlen(id), 0) < 0)
		return b_err_sys(err, errno, "marking cgroup %s as the pod's (%s)", cg_abs,
				 POD_CG_XATTR);
	return 0;
}

/* "/a/b/<name>": absolute, no empty, "." or ".." component, ends in name. */
static bool plain_pod_path(const char *rel, const char *name)
{
	const char *last = strrchr(rel, '/');

	if (rel[0] != '/' || !last || strcmp(last + 1, name))
		return false;
	for (const char *s = rel + 1;;) {
		const char *e = strchrnul(s, '/');
		size_t n = (size_t)(e - s);

		if (n == 0 || (n == 1 && s[0] == '.') || (n == 2 && !strncmp(s, "..", 2)))
			return false;
		if (!*e)
			return true;
		s = e + 1;
	}
}

static int open_beneath(const char *mnt, const char *rel, struct b_err *err)
{
	struct open_how how = {
		.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS |
			   RESOLVE_NO_XDEV,
	};
	_cleanup_close_ int mfd = open(mnt, O_PATH | O_DIRECTORY | O_CLOEXEC);
	int fd;

	if (mfd < 0)
		return b_err_sys(err, errno, "opening the cgroup2 mount %s", mnt);
	fd = (int)syscall(SYS_openat2, mfd, rel + 1, &how, sizeof(how));
	if (fd < 0 && errno == ENOENT)
		return -ENOENT;
	if (fd < 0)
		return b_err_sys(err, errno, "cgroup %s is not a plain directory beneath %s", rel, mnt);
	return fd;
}

/* Is the open cgroup the pod's?  By its mark, or by the default place. */
static int check_mark(int cfd, int state_fd, const char *rel, const char *name,
		      struct b_err *err)
{
	char id[PATH_MAX], mark[PATH_MAX], def[256];
	ssize_t n = fgetxattr(cfd, POD_CG_XATTR, mark, sizeof(mark) - 1);
	int r;

	if (n < 0 && errno != ENODATA)
		return b_err_sys(err, errno, "cgroup %s: reading %s", rel, POD_CG_XATTR);
	if (n < 0) {
		snprintf(def, sizeof(def), "/berth/pods/%s", name);
		if (!strcmp(rel, def))
			return 0;
		return b_err_set(err, EPERM, "cgroup %s was not created by berth for this pod "
				 "(it has no %s)", rel, POD_CG_XATTR);
	}
	mark[n] = '\0';
	if ((r = state_id(state_fd, id, sizeof(id), err)) < 0)
		return r;
	if (strcmp(mark, id))
		return b_err_set(err, EPERM, "cgroup %s belongs to the pod of %s, not %s", rel, mark, id);
	return 0;
}

int sv_pod_cgroup_open(const char *rel, const char *name, int state_fd, char *abs,
		       size_t size, struct b_err *err)
{
	char mnt[256];
	struct statfs sfs;
	_cleanup_close_ int cfd = -1;
	int r;

	if (!plain_pod_path(rel, name))
		return b_err_set(err, EPERM, "cgroup \"%s\" is not a plain absolute path ending in "
				 "the pod's name", rel);
	if (cg_find_mount(mnt, sizeof(mnt), err) < 0) {
		b_err_clear(err);
		return -ENOENT;   /* no cgroup2 here: nothing of the pod's to kill */
	}
	if ((size_t)snprintf(abs, size, "%s%s", mnt, rel) >= size)
		return b_err_set(err, ENAMETOOLONG, "cgroup %s: path too long", rel);
	if ((cfd = open_beneath(mnt, rel, err)) < 0)
		return cfd;
	if (fstatfs(cfd, &sfs) < 0 || sfs.f_type != CGROUP2_SUPER_MAGIC)
		return b_err_set(err, EPERM, "%s is not a cgroup2 directory", abs);
	if ((r = check_mark(cfd, state_fd, rel, name, err)) < 0)
		return r;
	return b_steal_fd(cfd);
}
