/* The config's mounts, made in the init's mount namespace before
 * pivot_root.  Every mount is built detached and attached on an fd resolved
 * inside the rootfs (safepath.h): a destination is looked up once, and a
 * process racing to swap it for a symlink after that changes nothing. */
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/strutil.h"
#include "internal.h"
#include "safepath.h"

/* Files under /proc a bind may cover (what lxcfs provides); anything else
 * under the container's /proc is refused, as runc does since
 * CVE-2019-19921: a mount there could fake what the runtime reads. */
static const char *const proc_binds_allowed[] = {
	"/proc/cpuinfo", "/proc/diskstats", "/proc/meminfo", "/proc/stat", "/proc/swaps",
	"/proc/uptime", "/proc/loadavg", "/proc/slabinfo", "/proc/net/dev",
	"/proc/sys/kernel/ns_last_pid", NULL,
};

static bool is_bind(const struct oci_mount *m, const struct rt_mount_flags *f)
{
	return f->bind || (m->type && !strcmp(m->type, "bind"));
}

static bool source_is_dir(const struct oci_mount *m, bool bind)
{
	struct stat st;

	if (!bind || !m->source)
		return true;
	if (stat(m->source, &st) < 0) /* trusted: a host path from the config */
		return true;
	return S_ISDIR(st.st_mode);
}

/* Where tfd really is, relative to the root: the kernel's name for it
 * (host /proc: this runs before pivot_root) minus the root's. */
static int resolved_dest(int root_fd, int tfd, char *rel, size_t size)
{
	char p[32], root[4096], dst[4096];
	ssize_t nr, nd;

	sp_fd_path(root_fd, p);
	nr = readlink(p, root, sizeof(root) - 1);
	sp_fd_path(tfd, p);
	nd = readlink(p, dst, sizeof(dst) - 1);
	if (nr < 0 || nd < 0)
		return -errno;
	root[nr] = dst[nd] = '\0';
	if (!strcmp(root, "/"))
		nr = 0;
	if (strncmp(dst, root, (size_t)nr) || (dst[nr] && dst[nr] != '/'))
		return -EXDEV;
	snprintf(rel, size, "%s", dst[nr] ? dst + nr : "/");
	return 0;
}

static int check_proc_dest(int root_fd, int tfd, const struct oci_mount *m, bool bind,
			   struct b_err *err)
{
	char rel[4096];
	int r = resolved_dest(root_fd, tfd, rel, sizeof(rel));

	if (r < 0)
		return b_err_sys(err, -r, "resolving the destination");
	if (strcmp(rel, "/proc") && strncmp(rel, "/proc/", 6))
		return 0;
	if (!strcmp(rel, "/proc") && m->type && !strcmp(m->type, "proc"))
		return 0;
	if (bind && b_strv_contains((char *const *)proc_binds_allowed, rel))
		return 0;
	return b_err_set(err, EPERM,
			 "%s is under /proc: only a proc filesystem may be mounted at /proc, and binds only onto /proc's lxcfs files",
			 rel);
}

/* What the options set and clear on the mount itself. */
static void wanted_attrs(const struct rt_mount_flags *f, uint64_t *set, uint64_t *clr)
{
	uint64_t ignore, cleared;

	sp_ms_to_attr(f->flags, set, clr);
	sp_ms_to_attr(f->clear & ~(MS_NOATIME | MS_STRICTATIME | MS_RELATIME), &cleared, &ignore);
	*clr |= cleared;
}

static int bind_tree(const char *source, bool recursive, const struct rt_mount_flags *f,
		     int *mfd, struct b_err *err)
{
	uint64_t set, clr;
	int r;

	*mfd = sp_tree_clone(AT_FDCWD, source, recursive); /* a host path from the config */
	/* Not in our mount namespace: a detached mount the caller made (a
	 * pod's subPath, /proc/PID/fd/N) is attached as it is. */
	if (*mfd == -EINVAL && (*mfd = open(source, O_PATH | O_CLOEXEC)) < 0)
		*mfd = -errno;
	if (*mfd < 0)
		return b_err_sys(err, -*mfd, "bind-mounting %s", source);
	wanted_attrs(f, &set, &clr);
	r = sp_setattr(*mfd, set, clr, 0, false);
	/* A user namespace locks flags the source had; keep them. */
	if (r == -EPERM)
		r = sp_setattr(*mfd, set, 0, 0, false);
	if (r < 0)
		return b_err_sys(err, -r, "setting the options of the bind mount of %s", source);
	return 0;
}

static int mount_cgroup(const struct rt_init_args *a, const struct rt_mount_flags *f, int *mfd,
			struct b_err *err)
{
	uint64_t set, clr;
	struct b_err ign = { 0 };

	/* With a cgroup namespace, a fresh cgroup2 shows the container's own
	 * cgroup as its root; without one, bind the container's cgroup so the
	 * host hierarchy stays hidden. */
	wanted_attrs(f, &set, &clr);
	if (oci_config_ns(a->cfg, OCI_NS_CGROUP) &&
	    sp_fs_new("cgroup2", "cgroup2", NULL, 0, set, mfd, &ign) == 0)
		return 0;
	if (!a->cgroup_abs || !*a->cgroup_abs)
		return b_err_set(err, ign.code ? ign.code : ENOENT, "mounting cgroup2: %s",
				 ign.code ? ign.msg : "the container has no cgroup");
	return bind_tree(a->cgroup_abs, true, f, mfd, err);
}

/* sysfs in a user namespace without its own network namespace, and mqueue
 * without an ipc one, are refused: runc binds the host's instead. */
static int host_fallback(const struct oci_mount *m, const struct rt_mount_flags *f, int *mfd,
			 struct b_err *err)
{
	struct rt_mount_flags ro = *f;

	if (!strcmp(m->type, "sysfs")) {
		ro.flags |= MS_RDONLY;
		return bind_tree("/sys", true, &ro, mfd, err);
	}
	return bind_tree("/dev/mqueue", true, f, mfd, err);
}

static int new_fs(const struct oci_mount *m, const struct rt_mount_flags *f, int *mfd,
		  struct b_err *err)
{
	uint64_t set, clr;
	unsigned long sb = f->flags & (MS_SYNCHRONOUS | MS_DIRSYNC | MS_LAZYTIME | MS_MANDLOCK);
	int r;

	if (!m->type)
		return b_err_set(err, EINVAL, "a mount needs a type (or a bind option)");
	wanted_attrs(f, &set, &clr);
	r = sp_fs_new(m->type, m->source ? m->source : m->type, f->data, sb, set, mfd, err);
	if (r == -EPERM && (!strcmp(m->type, "sysfs") || !strcmp(m->type, "mqueue"))) {
		struct b_err first = *err;
		if (host_fallback(m, f, mfd, err) == 0)
			return 0;
		*err = first;
	}
	return r;
}

static int make_mount(const struct rt_init_args *a, const struct oci_mount *m,
		      const struct rt_mount_flags *f, bool bind, int *mfd, struct b_err *err)
{
	if (m->type && (!strcmp(m->type, "cgroup") || !strcmp(m->type, "cgroup2")))
		return mount_cgroup(a, f, mfd, err);
	if (bind)
		return m->source ? bind_tree(m->source, f->rbind, f, mfd, err) :
				   b_err_set(err, EINVAL, "a bind mount needs a source");
	return new_fs(m, f, mfd, err);
}

static void trace_mount(const struct rt_init_args *a, const struct oci_mount *m,
			const struct rt_mount_flags *f, bool bind)
{
	char opts[512];
	size_t n = 0;

	if (!rt_log_enabled(a->log, RT_LOG_DEBUG))
		return;
	opts[0] = '\0';
	for (size_t i = 0; m->options && m->options[i] && n < sizeof(opts); i++)
		n += (size_t)snprintf(opts + n, sizeof(opts) - n, "%s%s", i ? "," : "", m->options[i]);
	rt_logf(a->log, RT_LOG_DEBUG,
		"mounts: %s on %s type %s (%s) options \"%s\" flags %#lx clear %#lx propagation %#lx data \"%s\"",
		m->source ? m->source : "(none)", m->destination, m->type ? m->type : "(none)",
		bind ? (f->rbind ? "rbind" : "bind") : "new filesystem", opts, f->flags, f->clear,
		f->propagation, f->data ? f->data : "");
}

static int mount_one(const struct rt_init_args *a, int root_fd, const struct oci_mount *m,
		     struct b_err *err)
{
	struct rt_mount_flags f;
	_cleanup_close_ int tfd = -1, mfd = -1;
	bool bind;
	int r;

	if ((r = rt_mount_flags_parse(m->options, &f, err)) < 0)
		return b_err_prefix(err, "mounts: %s", m->destination);
	bind = is_bind(m, &f);
	trace_mount(a, m, &f, bind);
	tfd = sp_open_in_root(root_fd, m->destination, true, !source_is_dir(m, bind), err);
	r = tfd < 0 ? tfd : check_proc_dest(root_fd, tfd, m, bind, err);
	if (r == 0)
		r = make_mount(a, m, &f, bind, &mfd, err);
	if (r == 0 && (r = sp_move_onto(mfd, tfd)) < 0)
		r = b_err_sys(err, -r, "attaching the mount");
	if (r == 0 && (r = sp_setattr(mfd, 0, 0, f.propagation & ~(unsigned long)MS_REC,
				      f.propagation & MS_REC)) < 0)
		r = b_err_sys(err, -r, "setting mount propagation");
	if (r == 0 && (r = sp_setattr(mfd, f.rec_set, f.rec_clr, 0, true)) < 0)
		r = b_err_sys(err, -r, "setting recursive mount attributes");
	if (r < 0)
		b_err_prefix(err, "mounts: %s", m->destination);
	rt_mount_flags_free(&f);
	return r;
}

int rt_mounts_apply(const struct rt_init_args *a, int root_fd, struct b_err *err)
{
	for (size_t i = 0; i < a->cfg->n_mounts; i++) {
		int r = mount_one(a, root_fd, &a->cfg->mounts[i], err);
		if (r < 0)
			return r;
	}
	return 0;
}
