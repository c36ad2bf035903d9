/* The ownership and mode checks of common/safedir.h. */
#include "common/safedir.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"

static bool trusted_uid(uid_t uid)
{
	return uid == 0 || uid == geteuid();
}

static int refuse_owner(const struct stat *st, const char *what, const char *path,
			struct b_err *err)
{
	if (geteuid() == 0)
		return b_err_set(err, EPERM, "%s %s is owned by uid %u, not by root: another user "
				 "could redirect what berth writes there (chown root %s, or use "
				 "another directory)", what, path, (unsigned)st->st_uid, path);
	return b_err_set(err, EPERM, "%s %s is owned by uid %u, neither root nor berth's uid %u: "
			 "another user could redirect what berth writes there (chown %u %s, or "
			 "use another directory)", what, path, (unsigned)st->st_uid,
			 (unsigned)geteuid(), (unsigned)geteuid(), path);
}

int b_dir_check_owner(int fd, const char *what, const char *path, struct b_err *err)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return b_err_sys(err, errno, "%s %s", what, path);
	if (!S_ISDIR(st.st_mode))
		return b_err_set(err, ENOTDIR, "%s %s is not a directory", what, path);
	if (!trusted_uid(st.st_uid))
		return refuse_owner(&st, what, path, err);
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return b_err_set(err, EPERM, "%s %s is writable by group or others (mode %04o): "
				 "another user could redirect what berth writes there (chmod go-w %s, "
				 "or use another directory)", what, path, (unsigned)(st.st_mode & 07777),
				 path);
	return 0;
}

int b_dir_open_owned(int atfd, const char *path, const char *shown, bool nofollow,
		     const char *what, struct b_err *err)
{
	_cleanup_close_ int fd = openat(atfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC |
					(nofollow ? O_NOFOLLOW : 0));
	int r, e = errno;
	struct stat st;

	if (!shown)
		shown = path;
	if (fd < 0 && nofollow && (e == ELOOP || e == ENOTDIR) &&
	    fstatat(atfd, path, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
		return b_err_set(err, ELOOP, "%s %s is a symbolic link: berth does not follow one "
				 "there (remove it)", what, shown);
	if (fd < 0)
		return b_err_sys(err, e, "%s %s", what, shown);
	if ((r = b_dir_check_owner(fd, what, shown, err)) < 0)
		return r;
	return b_steal_fd(fd);
}

int b_dir_check_parent(const char *path, const char *what, struct b_err *err)
{
	char parent[PATH_MAX];
	const char *slash = strrchr(path, '/');
	struct stat st;

	if (!slash || (size_t)(slash - path) >= sizeof(parent))
		return b_err_set(err, EINVAL, "%s %s: expected an absolute path", what, path);
	snprintf(parent, sizeof(parent), "%.*s", slash == path ? 1 : (int)(slash - path), path);
	if (stat(parent, &st) < 0)
		return b_err_sys(err, errno, "%s %s: its parent %s", what, path, parent);
	if (!trusted_uid(st.st_uid))
		return b_err_set(err, EPERM, "%s %s is in %s, which uid %u owns: that user could "
				 "replace it (use a directory whose parent root owns)", what, path,
				 parent, (unsigned)st.st_uid);
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX))
		return b_err_set(err, EPERM, "%s %s is in %s, which group or others may write "
				 "(mode %04o): another user could replace it (chmod go-w %s, or "
				 "use another directory)", what, path, parent,
				 (unsigned)(st.st_mode & 07777), parent);
	return 0;
}
