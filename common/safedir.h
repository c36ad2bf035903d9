/* Directories only root may change.  berth runs as root and writes into
 * its state and log directories: a directory another user can write (or
 * owns, and so can chmod) lets that user plant a symlink or a hard link
 * there and redirect root's writes and deletions.  As sshd's StrictModes,
 * such a directory is refused, with an error that names it and says how
 * to fix it.  The checks are on open fds, so what was checked is what is
 * used. */
#pragma once

#include <stdbool.h>

#include "common/error.h"

/* Refuse the open directory `fd` unless it is owned by root (or by berth's
 * euid) and not writable by group or others.  `what` and `path` name it in
 * the error ("log directory", "/var/log/x").  0, or -EPERM. */
int b_dir_check_owner(int fd, const char *what, const char *path, struct b_err *err);

/* Open `path` (relative to atfd; `shown`, or path when NULL, names it in
 * errors) as a directory that b_dir_check_owner accepts; with `nofollow`
 * a symlink as its last component is refused (-ELOOP).  Returns an
 * O_RDONLY|O_DIRECTORY|O_CLOEXEC fd or a negative errno. */
int b_dir_open_owned(int atfd, const char *path, const char *shown, bool nofollow,
		     const char *what, struct b_err *err);

/* The directory holding `path` (an absolute path without symlinks, as
 * realpath() returns): owned by root or berth's euid, or sticky if others
 * may write it (as /tmp), so no other user can rename `path` away and put
 * something else there.  0, or a negative errno. */
int b_dir_check_parent(const char *path, const char *what, struct b_err *err);
