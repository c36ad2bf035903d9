/* The container's filesystem view: rootfs bind, config mounts in order,
 * pivot_root, then masked/read-only paths.  Runs in the init, inside its
 * new mount namespace, before pivot_root for prepare, after for finalize. */
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fsutil.h"
#include "common/strutil.h"
#include "internal.h"
#include "safepath.h"
#include "syscalls.h"

static bool dev_is_bind(const struct oci_config *cfg)
{
	for (size_t i = 0; i < cfg->n_mounts; i++) {
		const struct oci_mount *m = &cfg->mounts[i];
		if (strcmp(m->destination, "/dev"))
			continue;
		if ((m->type && !strcmp(m->type, "bind")) || b_strv_contains(m->options, "bind") ||
		    b_strv_contains(m->options, "rbind"))
			return true;
	}
	return false;
}

int rt_rootfs_prepare(const struct rt_init_args *a, struct b_err *err)
{
	const struct oci_config *cfg = a->cfg;
	_cleanup_close_ int root_fd = -1;
	int r;

	/* Always rslave here, whatever rootfsPropagation asks: nothing
	 * mounted from here on may propagate back to the host, the rootfs
	 * (under "/") could not be bound if "/" were unbindable, and
	 * pivot_root refuses a shared parent.  The requested propagation is
	 * applied to the container's own "/" after the root switch
	 * (rt_rootfs_finalize). */
	rt_logf(a->log, RT_LOG_DEBUG, "rootfs: / made rslave, binding %s onto itself", a->rootfs);
	if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		return b_err_sys(err, errno, "rootfs: setting the propagation of /");
	/* pivot_root needs the new root to be a mount point. */
	if (mount(a->rootfs, a->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
		return b_err_sys(err, errno, "rootfs: bind-mounting %s", a->rootfs);
	root_fd = open(a->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0)
		return b_err_sys(err, errno, "rootfs: opening %s", a->rootfs);
	if ((r = rt_mounts_apply(a, root_fd, err)) < 0)
		return r;
	if (!dev_is_bind(cfg)) {
		const struct oci_namespace *user = oci_config_ns(cfg, OCI_NS_USER);
		rt_logf(a->log, RT_LOG_DEBUG, "rootfs: creating /dev nodes (%zu from linux.devices)",
			cfg->linux.n_devices);
		r = rt_devices_create(root_fd, cfg, user != NULL, err);
		if (r < 0)
			return r;
	}
	return 0;
}

static int do_pivot(const char *rootfs, struct b_err *err)
{
	_cleanup_close_ int oldroot = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	_cleanup_close_ int newroot = open(rootfs, O_DIRECTORY | O_RDONLY | O_CLOEXEC);

	if (oldroot < 0 || newroot < 0)
		return b_err_sys(err, errno, "pivot_root: opening roots");
	if (fchdir(newroot) < 0)
		return b_err_sys(err, errno, "pivot_root: chdir %s", rootfs);
	/* pivot_root(".", ".") stacks the old root on top of the new one;
	 * detaching "." then drops the old root without a temporary dir. */
	if (b_pivot_root(".", ".") < 0)
		return b_err_sys(err, errno, "pivot_root %s", rootfs);
	if (fchdir(oldroot) < 0)
		return b_err_sys(err, errno, "pivot_root: chdir old root");
	if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		return b_err_sys(err, errno, "pivot_root: making old root a slave");
	if (umount2(".", MNT_DETACH) < 0)
		return b_err_sys(err, errno, "pivot_root: detaching old root");
	if (chdir("/") < 0)
		return b_err_sys(err, errno, "pivot_root: chdir /");
	return 0;
}

/* Without a mount namespace of its own (move false) the init must mount
 * nothing: that would be in the runtime's namespace.  A plain chroot, as
 * runc does then. */
static int do_chroot(const char *rootfs, bool move, struct b_err *err)
{
	if (chdir(rootfs) < 0)
		return b_err_sys(err, errno, "chdir %s", rootfs);
	if (move && mount(rootfs, "/", NULL, MS_MOVE, NULL) < 0)
		return b_err_sys(err, errno, "moving %s to /", rootfs);
	if (chroot(".") < 0)
		return b_err_sys(err, errno, "chroot %s", rootfs);
	if (chdir("/") < 0)
		return b_err_sys(err, errno, "chdir /");
	return 0;
}

static int write_sysctls(const struct oci_config *cfg, struct b_err *err);

int rt_rootfs_pivot(const struct rt_init_args *a, struct b_err *err)
{
	int r;

	if (!a->new_mntns) {
		rt_logf(a->log, RT_LOG_DEBUG, "rootfs: no mount namespace: %zu sysctls, chroot into %s",
			a->cfg->linux.sysctl.n, a->rootfs);
		/* Through the runtime's /proc while it is still in reach:
		 * root.path may have no procfs. */
		if ((r = write_sysctls(a->cfg, err)) < 0)
			return r;
		return do_chroot(a->rootfs, false, err);
	}
	rt_logf(a->log, RT_LOG_DEBUG, "rootfs: %s into %s", a->no_pivot ? "chroot" : "pivot_root",
		a->rootfs);
	return a->no_pivot ? do_chroot(a->rootfs, true, err) : do_pivot(a->rootfs, err);
}

/* Masked and read-only paths are resolved after pivot_root, inside "/",
 * which is the container's root by then: symlinks are followed there (a
 * masked symlink masks its target, as with runc), magic links are refused.
 * The mask is the container's /dev/null only once it is known to be the
 * null device: it is container content, and a symlink there to
 * /proc/sys/kernel/core_pattern would make the mask a writable window on the
 * host (CVE-2025-31133). */
static int open_listed(const char *path, const char *what, int *fd, struct b_err *err)
{
	_cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

	*fd = root < 0 ? -errno : sp_resolve(root, path);
	if (*fd >= 0)
		return 1;
	if (*fd == -ENOENT)
		return 0;
	return b_err_sys(err, -*fd, "%s: %s", what, path);
}

static int mask_path(const char *path, int null_fd, struct b_err *err)
{
	_cleanup_close_ int fd = -1, mfd = -1;
	struct stat st;
	int r = open_listed(path, "maskedPaths", &fd, err);

	if (r <= 0)
		return r;
	if (fstat(fd, &st) < 0)
		return b_err_sys(err, errno, "maskedPaths: %s", path);
	if (S_ISDIR(st.st_mode)) {
		r = sp_fs_new("tmpfs", "tmpfs", "size=0k", 0, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
			      MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, &mfd, err);
		if (r < 0)
			return b_err_prefix(err, "maskedPaths: %s", path);
	} else if ((mfd = sp_tree_clone(null_fd, "", false)) < 0) {
		return b_err_sys(err, -mfd, "maskedPaths: %s: cloning /dev/null", path);
	}
	if ((r = sp_move_onto(mfd, fd)) < 0)
		return b_err_sys(err, -r, "maskedPaths: %s", path);
	return 0;
}

static int readonly_path(const char *path, struct b_err *err)
{
	_cleanup_close_ int fd = -1, mfd = -1;
	int r = open_listed(path, "readonlyPaths", &fd, err);

	if (r <= 0)
		return r;
	if ((mfd = sp_tree_clone(fd, "", true)) < 0)
		return b_err_sys(err, -mfd, "readonlyPaths: %s", path);
	r = sp_setattr(mfd, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
		       MOUNT_ATTR_NOEXEC, 0, 0, true);
	if (r == 0)
		r = sp_move_onto(mfd, fd);
	if (r < 0)
		return b_err_sys(err, -r, "readonlyPaths: remounting %s read-only", path);
	return 0;
}

static int write_sysctls(const struct oci_config *cfg, struct b_err *err)
{
	for (size_t i = 0; i < cfg->linux.sysctl.n; i++) {
		const struct oci_kv *kv = &cfg->linux.sysctl.items[i];
		char path[512];
		_cleanup_close_ int fd = -1;

		snprintf(path, sizeof(path), "/proc/sys/%s", kv->key);
		for (char *p = path + 10; *p; p++)
			if (*p == '.')
				*p = '/';
		fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0 || b_write_all(fd, kv->value, strlen(kv->value)) < 0)
			return b_err_sys(err, errno, "sysctl %s=%s", kv->key, kv->value);
	}
	return 0;
}

static int open_null(int *fd, struct b_err *err)
{
	_cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

	*fd = root < 0 ? -errno : sp_open_null_in_root(root);
	if (*fd == -ENODEV || *fd == -ELOOP)
		return b_err_set(err, ENODEV, "maskedPaths: the container's /dev/null is not the null device (1:3) or is reached through a symlink");
	if (*fd < 0)
		return b_err_sys(err, -*fd, "maskedPaths: opening /dev/null");
	return 0;
}

int rt_rootfs_finalize(const struct rt_init_args *a, struct b_err *err)
{
	const struct oci_config *cfg = a->cfg;
	_cleanup_close_ int null_fd = -1;
	int r;

	rt_logf(a->log, RT_LOG_DEBUG, "rootfs: %zu sysctls, masking and making read-only paths%s",
		cfg->linux.sysctl.n, cfg->root_readonly ? ", root read-only" : "");
	r = write_sysctls(cfg, err);
	if (r < 0)
		return r;
	if (cfg->linux.masked_paths && cfg->linux.masked_paths[0] && (r = open_null(&null_fd, err)) < 0)
		return r;
	for (size_t i = 0; cfg->linux.masked_paths && cfg->linux.masked_paths[i]; i++)
		if ((r = mask_path(cfg->linux.masked_paths[i], null_fd, err)) < 0)
			return r;
	for (size_t i = 0; cfg->linux.readonly_paths && cfg->linux.readonly_paths[i]; i++)
		if ((r = readonly_path(cfg->linux.readonly_paths[i], err)) < 0)
			return r;
	if (cfg->root_readonly) {
		_cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
		r = root < 0 ? -errno : sp_setattr(root, MOUNT_ATTR_RDONLY, 0, 0, false);
		if (r < 0)
			return b_err_sys(err, -r, "remounting the root read-only");
	}
	/* "/" is the container's root by now, so this changes only its own
	 * mount tree. */
	if (cfg->linux.rootfs_propagation &&
	    mount(NULL, "/", NULL, cfg->linux.rootfs_propagation, NULL) < 0)
		return b_err_sys(err, errno, "setting rootfsPropagation %#lx on /",
				 cfg->linux.rootfs_propagation);
	return 0;
}
