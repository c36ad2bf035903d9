/* /dev inside the container: the default nodes every runtime provides, the
 * config's linux.devices, and the conventional symlinks. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "internal.h"
#include "safepath.h"

static const struct oci_device default_devices[] = {
	{ .type = 'c', .path = "/dev/null", .major = 1, .minor = 3 },
	{ .type = 'c', .path = "/dev/zero", .major = 1, .minor = 5 },
	{ .type = 'c', .path = "/dev/full", .major = 1, .minor = 7 },
	{ .type = 'c', .path = "/dev/random", .major = 1, .minor = 8 },
	{ .type = 'c', .path = "/dev/urandom", .major = 1, .minor = 9 },
	{ .type = 'c', .path = "/dev/tty", .major = 5, .minor = 0 },
};

static const struct { const char *path, *target; } dev_links[] = {
	{ "/dev/fd", "/proc/self/fd" },
	{ "/dev/stdin", "/proc/self/fd/0" },
	{ "/dev/stdout", "/proc/self/fd/1" },
	{ "/dev/stderr", "/proc/self/fd/2" },
	{ "/dev/ptmx", "pts/ptmx" },
};

static mode_t dev_type(char t)
{
	switch (t) {
	case 'b': return S_IFBLK;
	case 'p': return S_IFIFO;
	default: return S_IFCHR;
	}
}

/* Split "/dev/net/tun" into a resolved parent fd and "tun". */
static int open_parent(int root_fd, const char *path, const char **leaf, struct b_err *err)
{
	char parent[4096];
	const char *slash = strrchr(path, '/');
	size_t n = (size_t)(slash - path);

	if (!slash || n >= sizeof(parent) || !slash[1])
		return b_err_set(err, EINVAL, "devices: bad path %s", path);
	memcpy(parent, path, n);
	parent[n] = '\0';
	*leaf = slash + 1;
	return sp_open_in_root(root_fd, n ? parent : "/", true, false, err);
}

/* In a user namespace mknod is refused: bind the host's node instead. */
static int bind_device(int root_fd, const struct oci_device *d, struct b_err *err)
{
	_cleanup_close_ int fd = sp_open_in_root(root_fd, d->path, true, true, err);
	_cleanup_close_ int mfd = -1;
	int r;

	if (fd < 0)
		return fd;
	/* d->path names the host's node here: this runs before pivot_root. */
	mfd = sp_tree_clone(AT_FDCWD, d->path, false);
	if (mfd < 0 || (r = sp_move_onto(mfd, fd)) < 0)
		return b_err_sys(err, mfd < 0 ? -mfd : -r, "devices: bind-mounting host %s", d->path);
	return 0;
}

static int make_device(int root_fd, const struct oci_device *d, bool in_userns, struct b_err *err)
{
	_cleanup_close_ int dir = -1;
	const char *leaf;
	mode_t mode;
	dev_t dev;
	struct stat st;

	if (in_userns)
		return bind_device(root_fd, d, err);
	dir = open_parent(root_fd, d->path, &leaf, err);
	if (dir < 0)
		return dir;
	/* O_PATH fds cannot be used with mknodat: reopen as a directory. */
	{
		int real = openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (real < 0)
			return b_err_sys(err, errno, "devices: opening parent of %s", d->path);
		close(dir);
		dir = real;
	}
	mode = (d->has_file_mode ? d->file_mode : 0666) & 07777;
	dev = d->type == 'p' ? 0 : makedev((unsigned)d->major, (unsigned)d->minor);
	if (fstatat(dir, leaf, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		/* A config may list a default device again; an existing
		 * regular file (placeholder) is replaced. */
		if (unlinkat(dir, leaf, 0) < 0)
			return b_err_sys(err, errno, "devices: replacing %s", d->path);
	}
	if (mknodat(dir, leaf, mode | dev_type(d->type), dev) < 0)
		return b_err_sys(err, errno, "devices: mknod %s", d->path);
	if (fchmodat(dir, leaf, mode, 0) < 0)
		return b_err_sys(err, errno, "devices: chmod %s", d->path);
	if (fchownat(dir, leaf, d->has_uid ? d->uid : 0, d->has_gid ? d->gid : 0, AT_SYMLINK_NOFOLLOW) < 0)
		return b_err_sys(err, errno, "devices: chown %s", d->path);
	return 0;
}

static bool listed(const struct oci_config *cfg, const char *path)
{
	for (size_t i = 0; i < cfg->linux.n_devices; i++)
		if (!strcmp(cfg->linux.devices[i].path, path))
			return true;
	return false;
}

static int make_links(int root_fd, struct b_err *err)
{
	for (size_t i = 0; i < sizeof(dev_links) / sizeof(dev_links[0]); i++) {
		_cleanup_close_ int dir = -1;
		const char *leaf;
		int real;

		dir = open_parent(root_fd, dev_links[i].path, &leaf, err);
		if (dir < 0)
			return dir;
		real = openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (real < 0)
			return b_err_sys(err, errno, "devices: opening /dev");
		if (symlinkat(dev_links[i].target, real, leaf) < 0 && errno != EEXIST) {
			int e = errno;
			close(real);
			return b_err_sys(err, e, "devices: symlink %s", dev_links[i].path);
		}
		close(real);
	}
	return 0;
}

int rt_devices_create(int root_fd, const struct oci_config *cfg, bool in_userns,
		      struct b_err *err)
{
	mode_t old = umask(0);
	int r = 0;

	for (size_t i = 0; i < sizeof(default_devices) / sizeof(default_devices[0]) && r == 0; i++)
		if (!listed(cfg, default_devices[i].path))
			r = make_device(root_fd, &default_devices[i], in_userns, err);
	for (size_t i = 0; i < cfg->linux.n_devices && r == 0; i++)
		r = make_device(root_fd, &cfg->linux.devices[i], in_userns, err);
	umask(old);
	if (r < 0)
		return r;
	return make_links(root_fd, err);
}
