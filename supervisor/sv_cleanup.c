/* What a SIGKILLed supervisor leaves behind, found again from the pod's
 * name alone: its runtime containers (id "<pod>_<container>" with a bundle
 * in the pod's state dir), the pod cgroup, the overlay and tmpfs mounts
 * under the state dir.  Used by `berth pod run` on a stale state dir and
 * by `berth pod rm`. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroups/cgroup.h"
#include "common/cleanup.h"
#include "common/fsutil.h"
#include "supervisor/sv_internal.h"

static bool under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return path && !strncmp(path, dir, n) && path[n] == '/';
}

static int remove_containers(const struct rt_ctx *ctx, const char *name, const char *dir,
			     struct b_err *err)
{
	struct oci_state **list = NULL;
	size_t n = 0, plen = strlen(name);
	int r, ret = 0;

	if ((r = rt_list(ctx, &list, &n, err)) < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		const struct oci_state *st = list[i];
		struct b_err e = { 0 };

		if (strncmp(st->id, name, plen) || st->id[plen] != '_' || !under(st->bundle, dir))
			continue;
		if ((r = rt_delete(ctx, st->id, true, NULL, &e)) < 0 && !ret) {
			*err = e;
			ret = r;
		}
	}
	rt_list_free(list, n);
	return ret;
}

/* Undo mountinfo's octal escapes (\040 for a space) in place. */
static void unescape(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] && s[3]) {
			*w++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*w++ = *s;
		}
	}
	*w = '\0';
}

/* Deepest first, so a volume inside a container's merged dir goes before
 * the overlay under it; repeated until nothing under dir is mounted. */
static int unmount_under(const char *dir, struct b_err *err)
{
	for (int round = 0; round < 64; round++) {
		_cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
		_cleanup_free_ char *line = NULL;
		char best[PATH_MAX] = "";
		size_t cap = 0;

		if (!f)
			return b_err_sys(err, errno, "reading /proc/self/mountinfo");
		while (getline(&line, &cap, f) > 0) {
			char mp[PATH_MAX];

			if (sscanf(line, "%*s %*s %*s %*s %4095s", mp) != 1)
				continue;
			unescape(mp);
			if (under(mp, dir) && strlen(mp) > strlen(best))
				snprintf(best, sizeof(best), "%s", mp);
		}
		if (!best[0])
			return 0;
		if (umount2(best, MNT_DETACH) < 0)
			return b_err_sys(err, errno, "unmounting %s", best);
	}
	return b_err_set(err, EBUSY, "mounts under %s keep coming back", dir);
}

int sv_cgroup_base(const char *parent, const char *name, char *buf, size_t size,
		   struct b_err *err)
{
	struct cg_path cg;
	size_t n;

	if (!parent) {
		snprintf(buf, size, "/berth/pods/%s", name);
		return 0;
	}
	if (!strcmp(parent, "self")) {
		/* Resolved once, before the supervisor may move itself into a
		 * leaf of that cgroup (cgroups/: the no-internal-process rule). */
		if (cg_resolve(name, name, false, &cg, err) < 0)
			return b_err_prefix(err, "--cgroup-parent self");
		snprintf(buf, size, "%s", cg.rel);
		return 0;
	}
	n = strlen(parent);
	while (n > 1 && parent[n - 1] == '/')
		n--;
	if (parent[0] != '/' || strstr(parent, "/../") || strstr(parent, "/./"))
		return b_err_set(err, EINVAL, "--cgroup-parent \"%s\": expected an absolute cgroup path "
				 "(e.g. /system.slice/web.service) or \"self\"", parent);
	if ((size_t)snprintf(buf, size, "%.*s/%s", (int)(n == 1 ? 0 : n), parent, name) >= size)
		return b_err_set(err, ENAMETOOLONG, "--cgroup-parent: path too long");
	return 0;
}

/* Where the pod's cgroup is: recorded by the supervisor that made it
 * (read without following a symlink; the directory is root's). */
static void recorded_base(const char *name, int dirfd, char *buf, size_t size)
{
	_cleanup_close_ int fd = openat(dirfd, "cgroup", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	ssize_t n = fd >= 0 ? b_read_all(fd, buf, size - 1) : -1;

	if (n > 0 && buf[0] == '/') {
		buf[n] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		return;
	}
	snprintf(buf, size, "/berth/pods/%s", name);
}

/* Kill and remove the pod cgroup, if it is this pod's: a forged or stale
 * `cgroup` file must not make root kill someone else's processes. */
static int remove_pod_cgroup(const char *name, const char *dir, int dirfd, struct b_err *err)
{
	char rel[768], abs[1024], why[B_ERR_MSG_MAX];
	_cleanup_close_ int cfd = -1;
	struct b_err ign = { 0 };
	int r;

	recorded_base(name, dirfd, rel, sizeof(rel));
	cfd = sv_pod_cgroup_open(rel, name, dirfd, abs, sizeof(abs), err);
	if (cfd == -ENOENT)
		return 0;
	if (cfd < 0) {
		snprintf(why, sizeof(why), "%s", err->msg);
		return b_err_set(err, -cfd, "%s: refusing to kill it; nothing was killed (if the "
				 "pod's processes run there, stop them and remove %s by hand)", why, dir);
	}
	/* Through the fd checked above; kernels before 5.14 lack cgroup.kill. */
	r = b_write_file_at(cfd, "cgroup.kill", "1", 1);
	if (r == -ENOENT)
		(void)cg_kill_all(abs, &ign);
	return cg_destroy(abs, err);
}

static bool is_real_dir(int dirfd, const char *name)
{
	struct stat st;

	return fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
}

enum {
	KEEP_LOG_DIR = 1,        /* logs, when a directory (a --log-dir symlink goes) */
	KEEP_LOGS = 2,           /* logs, directory or symlink to the --log-dir */
	KEEP_STATUS = 4,         /* status.json */
	KEEP_RESTARTING = 8,     /* the restarting mark (sv_setup.c) */
};

/* Remove every entry of dir but the lock and what `keep` names. */
static int empty_dir_but(int dirfd, const char *dir, int keep, struct b_err *err)
{
	_cleanup_close_ int fd = fcntl(dirfd, F_DUPFD_CLOEXEC, 3);
	_cleanup_(b_closedirp) DIR *d = NULL;
	struct dirent *de;
	int r;

	if (fd < 0 || !(d = fdopendir(fd)))
		return b_err_sys(err, errno, "opening %s", dir);
	fd = -1;   /* owned by d */
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    !strcmp(de->d_name, "lock"))
			continue;
		if (!strcmp(de->d_name, "logs") &&
		    ((keep & KEEP_LOGS) || ((keep & KEEP_LOG_DIR) && is_real_dir(dirfd, "logs"))))
			continue;
		if ((keep & KEEP_STATUS) && !strcmp(de->d_name, "status.json"))
			continue;
		if ((keep & KEEP_RESTARTING) && !strcmp(de->d_name, "restarting"))
			continue;
		if ((r = b_rm_rf_at(dirfd, de->d_name)) < 0)
			return b_err_sys(err, -r, "removing %s/%s", dir, de->d_name);
	}
	return 0;
}

int sv_cleanup_leftovers(const struct rt_ctx *ctx, const char *name, const char *dir,
			 int dirfd, bool keep_logs, struct b_err *err)
{
	int r;

	/* First, while the namespace is surely alive (pinned, and held by
	 * the containers too), and before the unmount below lets go of it. */
	if ((r = sv_net_cleanup_dir(ctx, name, dir, dirfd, 0, err)) < 0)
		return r;
	if ((r = remove_containers(ctx, name, dir, err)) < 0)
		return b_err_prefix(err, "pod %s: removing its containers", name);
	if ((r = remove_pod_cgroup(name, dir, dirfd, err)) < 0)
		return b_err_prefix(err, "pod %s", name);
	if ((r = unmount_under(dir, err)) < 0)
		return b_err_prefix(err, "pod %s", name);
	if ((r = empty_dir_but(dirfd, dir, keep_logs ? KEEP_LOG_DIR | KEEP_RESTARTING : 0, err)) < 0)
		return b_err_prefix(err, "pod %s", name);
	return 0;
}

int sv_prune_ended(const struct rt_ctx *ctx, const char *name, struct b_err *err)
{
	char dir[PATH_MAX];
	bool created;
	_cleanup_close_ int dfd = sv_state_dir_open(ctx->root, name, false, &created, err);

	if (dfd < 0)
		return dfd;
	snprintf(dir, sizeof(dir), "%s/pods/%s", ctx->root, name);
	return empty_dir_but(dfd, dir, KEEP_LOGS | KEEP_STATUS, err);
}
