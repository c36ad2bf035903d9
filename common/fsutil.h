/* File helpers shared by the library layers.  All return 0 or a negative
 * errno and never print. */
#pragma once

#include <stddef.h>
#include <sys/types.h>

/* Read a whole file (or what is at dirfd/path); *out is malloc'd and
 * NUL-terminated.  `max` bounds the size (0 = 64 MiB). */
int b_read_file_at(int dirfd, const char *path, size_t max, char **out, size_t *len);
int b_read_file(const char *path, size_t max, char **out, size_t *len);
/* The same from an open fd, from its current offset. */
int b_read_fd(int fd, size_t max, char **out, size_t *len);

/* Write `len` bytes at dirfd/path with O_WRONLY|O_TRUNC (no O_CREAT): the
 * shape of writes to cgroup, proc and sysfs files. */
int b_write_file_at(int dirfd, const char *path, const char *buf, size_t len);
int b_write_file(const char *path, const char *buf, size_t len);

/* Write to a temporary name beside `path`, fsync-free, then rename over it:
 * readers see the old or the new content, never a torn one. */
int b_write_atomic(const char *path, const char *buf, size_t len, mode_t mode);

int b_mkdir_p(const char *path, mode_t mode);

/* Remove a directory tree without following symlinks or crossing mounts. */
int b_rm_rf(const char *path);
/* The same for `name` in the directory dirfd (not below a mount on it). */
int b_rm_rf_at(int dirfd, const char *name);

/* `path` beneath dirfd resolved with openat2 and `resolve`
 * (RESOLVE_* flags), opened read-only only once fstat shows a regular
 * file: a device node or FIFO planted in an image or layout is never
 * opened (opening one can block, or act, like a watchdog's close).
 * Returns the fd (O_CLOEXEC), -EINVAL for another type, or -errno. */
int b_open_regular_at(int dirfd, const char *path, unsigned long long resolve);

/* write(2)/read(2) loops over EINTR and short counts. */
ssize_t b_write_all(int fd, const void *buf, size_t len);
ssize_t b_read_all(int fd, void *buf, size_t len);
