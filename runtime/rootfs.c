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
#include <sys/statvfs.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fsutil.h"
#include "common/strutil.h"
#include "internal.h"
#include "syscalls.h"

/* mount(2) flags a remount must keep because a user namespace locks them. */
static unsigned long locked_flags(const char *path)
{
	struct statvfs sv;
	unsigned long f = 0;

	if (statvfs(path, &sv) < 0)
		return 0;
	if (sv.f_flag & ST_NOSUID)
		f |= MS_NOSUID;
	if (sv.f_flag & ST_NODEV)
		f |= MS_NODEV;
	if (sv.f_flag & ST_NOEXEC)
		f |= MS_NOEXEC;
	if (sv.f_flag & ST_RDONLY)
		f |= MS_RDONLY;
	if (sv.f_flag & ST_NOATIME)
		f |= MS_NOATIME;
	if (sv.f_flag & ST_NODIRATIME)
		f |= MS_NODIRATIME;
	if (sv.f_flag & ST_RELATIME)
		f |= MS_RELATIME;
	return f;
}

static int remount_bind(const char *target, unsigned long flags, struct b_err *err)
{
	unsigned long f = MS_BIND | MS_REMOUNT | flags;

	if (mount(NULL, target, NULL, f, NULL) == 0)
		return 0;
	if (errno == EPERM) {
		/* Keep what the user namespace locked, add what was asked. */
		unsigned long keep = locked_flags(target) & ~MS_RDONLY;
		if (mount(NULL, target, NULL, f | keep, NULL) == 0)
			return 0;
	}
	return -errno;
}

static bool is_bind(const struct oci_mount *m, const struct rt_mount_flags *f)
{
	return f->bind || (m->type && !strcmp(m->type, "bind"));
}

static bool source_is_dir(const struct oci_mount *m, bool bind)
{
	struct stat st;

	if (!bind || !m->source)
		return true;
	if (stat(m->source, &st) < 0)
		return true;
	return S_ISDIR(st.st_mode);
}

static int apply_rec_attrs(const char *target, const struct rt_mount_flags *f)
{
	struct b_mount_attr attr = { .attr_set = f->rec_set, .attr_clr = f->rec_clr };

	if (!f->rec_set && !f->rec_clr)
		return 0;
	if (f->rec_clr & MOUNT_ATTR_NOATIME)
		attr.attr_clr |= MOUNT_ATTR__ATIME;
	if (f->rec_set & (MOUNT_ATTR_RELATIME | MOUNT_ATTR_NOATIME | MOUNT_ATTR_STRICTATIME))
		attr.attr_clr |= MOUNT_ATTR__ATIME;
	return b_mount_setattr(AT_FDCWD, target, AT_RECURSIVE, &attr) < 0 ? -errno : 0;
}

/* After mounting on an fd-resolved target, that fd still names the
 * directory underneath: resolve again to reach the new mount's root, which
 * is what remount, propagation and mount_setattr must act on. */
static int reopen_target(int root_fd, const char *dest, int *tfd, char target[static 32],
			 struct b_err *err)
{
	int fd = rt_path_open_in_root(root_fd, dest, false, false, err);

	if (fd < 0)
		return fd;
	close(*tfd);
	*tfd = fd;
	rt_fd_path(fd, target);
	return 0;
}

static int mount_cgroup(const struct rt_init_args *a, int root_fd, const char *dest, int *tfd,
			char *target, const struct rt_mount_flags *f, struct b_err *err)
{
	unsigned long flags = f->flags & ~MS_REMOUNT;
	const struct oci_namespace *cg = oci_config_ns(a->cfg, OCI_NS_CGROUP);

	/* With a cgroup namespace, a fresh cgroup2 mount shows the container's
	 * own cgroup as its root; without one, bind the container's cgroup so
	 * the host hierarchy stays hidden. */
	if (cg && mount("cgroup2", target, "cgroup2", flags, NULL) == 0)
		return 0;
	if (!a->cgroup_abs || !*a->cgroup_abs)
		return b_err_sys(err, errno, "mounting cgroup2");
	if (mount(a->cgroup_abs, target, NULL, MS_BIND | MS_REC, NULL) < 0)
		return b_err_sys(err, errno, "bind-mounting cgroup %s", a->cgroup_abs);
	if (reopen_target(root_fd, dest, tfd, target, err) < 0)
		return -err->code;
	if ((flags & ~MS_REC) && remount_bind(target, flags, err) < 0)
		return b_err_sys(err, errno, "remounting cgroup mount");
	return 0;
}

static int mount_one(const struct rt_init_args *a, int root_fd, const struct oci_mount *m,
		     struct b_err *err)
{
	struct rt_mount_flags f;
	_cleanup_close_ int tfd = -1;
	char target[32];
	bool bind;
	int r;

	r = rt_mount_flags_parse(m->options, &f, err);
	if (r < 0)
		return r;
	bind = is_bind(m, &f);
	tfd = rt_path_open_in_root(root_fd, m->destination, true, !source_is_dir(m, bind), err);
	if (tfd < 0) {
		r = tfd;
		goto out;
	}
	rt_fd_path(tfd, target);

	if (m->type && (!strcmp(m->type, "cgroup") || !strcmp(m->type, "cgroup2"))) {
		r = mount_cgroup(a, root_fd, m->destination, &tfd, target, &f, err);
	} else if (bind) {
		unsigned long bf = MS_BIND | (f.rbind ? MS_REC : 0);
		if (mount(m->source, target, NULL, bf, NULL) < 0) {
			r = b_err_sys(err, errno, "bind-mounting %s", m->source ? m->source : "(null)");
		} else if ((r = reopen_target(root_fd, m->destination, &tfd, target, err)) < 0) {
			;
		} else if (f.flags & ~(MS_REC | MS_BIND)) {
			r = remount_bind(target, f.flags & ~MS_REMOUNT, err);
			if (r < 0)
				r = b_err_sys(err, -r, "remounting bind mount with its options");
		}
	} else {
		r = 0;
		if (mount(m->source ? m->source : m->type, target, m->type, f.flags, f.data) < 0) {
			int e = errno;
			/* sysfs in a user namespace without its own network
			 * namespace is refused; runc binds the host's instead. */
			if (e == EPERM && m->type && !strcmp(m->type, "sysfs") &&
			    mount("/sys", target, NULL, MS_BIND | MS_REC, NULL) == 0) {
				r = reopen_target(root_fd, m->destination, &tfd, target, err);
				if (r == 0 && (r = remount_bind(target, f.flags | MS_RDONLY, err)) < 0)
					r = b_err_sys(err, -r, "remounting the host /sys read-only");
			}
			else if (e == EPERM && m->type && !strcmp(m->type, "mqueue") &&
				 mount("/dev/mqueue", target, NULL, MS_BIND | MS_REC, NULL) == 0)
				r = 0;
			else
				r = b_err_sys(err, e, "mounting %s (type %s)", m->source ? m->source : "none",
					      m->type ? m->type : "none");
		}
	}
	if (r == 0 && !bind && (f.propagation || f.rec_set || f.rec_clr))
		r = reopen_target(root_fd, m->destination, &tfd, target, err);
	if (r == 0 && f.propagation && mount(NULL, target, NULL, f.propagation, NULL) < 0)
		r = b_err_sys(err, errno, "setting mount propagation");
	if (r == 0 && (r = apply_rec_attrs(target, &f)) < 0)
		r = b_err_sys(err, -r, "setting recursive mount attributes");
out:
	if (r < 0)
		b_err_prefix(err, "mounts: %s", m->destination);
	rt_mount_flags_free(&f);
	return r;
}

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
	unsigned long prop = cfg->linux.rootfs_propagation;
	_cleanup_close_ int root_fd = -1;
	int r;

	/* Nothing mounted from here on may propagate back to the host. */
	if (!prop || (prop & MS_SHARED))
		prop = MS_SLAVE | MS_REC;
	if (mount(NULL, "/", NULL, prop, NULL) < 0)
		return b_err_sys(err, errno, "rootfs: setting the propagation of /");
	/* pivot_root needs the new root to be a mount point. */
	if (mount(a->rootfs, a->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
		return b_err_sys(err, errno, "rootfs: bind-mounting %s", a->rootfs);
	root_fd = open(a->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0)
		return b_err_sys(err, errno, "rootfs: opening %s", a->rootfs);
	for (size_t i = 0; i < cfg->n_mounts; i++) {
		r = mount_one(a, root_fd, &cfg->mounts[i], err);
		if (r < 0)
			return r;
	}
	if (!dev_is_bind(cfg)) {
		const struct oci_namespace *user = oci_config_ns(cfg, OCI_NS_USER);
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

static int do_chroot(const char *rootfs, struct b_err *err)
{
	if (chdir(rootfs) < 0)
		return b_err_sys(err, errno, "chdir %s", rootfs);
	if (mount(rootfs, "/", NULL, MS_MOVE, NULL) < 0)
		return b_err_sys(err, errno, "moving %s to /", rootfs);
	if (chroot(".") < 0)
		return b_err_sys(err, errno, "chroot %s", rootfs);
	if (chdir("/") < 0)
		return b_err_sys(err, errno, "chdir /");
	return 0;
}

int rt_rootfs_pivot(const struct rt_init_args *a, struct b_err *err)
{
	return a->no_pivot ? do_chroot(a->rootfs, err) : do_pivot(a->rootfs, err);
}

/* Masked and read-only paths are resolved after pivot_root: "/" is the
 * container's root by then, so symlinks are followed (a masked symlink
 * masks its target, as with runc) but magic links are refused. */
static int mask_path(const char *path, struct b_err *err)
{
	struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_NO_MAGICLINKS };
	_cleanup_close_ int fd = b_openat2(AT_FDCWD, path, &how);
	struct stat st;
	char target[32];

	if (fd < 0)
		return errno == ENOENT || errno == ELOOP ? 0 : b_err_sys(err, errno, "maskedPaths: %s", path);
	if (fstat(fd, &st) < 0)
		return b_err_sys(err, errno, "maskedPaths: %s", path);
	rt_fd_path(fd, target);
	if (S_ISDIR(st.st_mode)) {
		if (mount("tmpfs", target, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=0k") < 0)
			return b_err_sys(err, errno, "maskedPaths: %s", path);
	} else if (mount("/dev/null", target, NULL, MS_BIND, NULL) < 0) {
		return b_err_sys(err, errno, "maskedPaths: %s", path);
	}
	return 0;
}

static int readonly_path(const char *path, struct b_err *err)
{
	struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_NO_MAGICLINKS };
	_cleanup_close_ int fd = b_openat2(AT_FDCWD, path, &how);
	char target[32];
	int r;

	if (fd < 0)
		return errno == ENOENT || errno == ELOOP ? 0 : b_err_sys(err, errno, "readonlyPaths: %s", path);
	rt_fd_path(fd, target);
	if (mount(target, target, NULL, MS_BIND | MS_REC, NULL) < 0)
		return b_err_sys(err, errno, "readonlyPaths: %s", path);
	/* The new bind mount now covers the path: act on it by name. */
	r = remount_bind(path, MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, err);
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

int rt_rootfs_finalize(const struct rt_init_args *a, struct b_err *err)
{
	const struct oci_config *cfg = a->cfg;
	int r;

	r = write_sysctls(cfg, err);
	if (r < 0)
		return r;
	for (size_t i = 0; cfg->linux.masked_paths && cfg->linux.masked_paths[i]; i++)
		if ((r = mask_path(cfg->linux.masked_paths[i], err)) < 0)
			return r;
	for (size_t i = 0; cfg->linux.readonly_paths && cfg->linux.readonly_paths[i]; i++)
		if ((r = readonly_path(cfg->linux.readonly_paths[i], err)) < 0)
			return r;
	if (cfg->root_readonly) {
		r = remount_bind("/", MS_RDONLY, err);
		if (r < 0)
			return b_err_sys(err, -r, "remounting the root read-only");
	}
	if (cfg->linux.rootfs_propagation &&
	    mount(NULL, "/", NULL, cfg->linux.rootfs_propagation, NULL) < 0)
		return b_err_sys(err, errno, "setting rootfsPropagation");
	return 0;
}
