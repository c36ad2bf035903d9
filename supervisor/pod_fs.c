/* Per-container overlay writable layers and emptyDir volumes. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "common/fsutil.h"
#include "supervisor/supervisor.h"

static int umount_if(const char *path)
{
	if (umount2(path, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
		return -errno;
	return 0;
}

int sv_overlay_remove(const char *dir, struct b_err *err)
{
	char merged[PATH_MAX];
	int r;

	snprintf(merged, sizeof(merged), "%s/merged", dir);
	if ((r = umount_if(merged)) < 0)
		return b_err_sys(err, -r, "unmounting %s", merged);
	r = b_rm_rf(dir);
	if (r < 0 && r != -ENOENT)
		return b_err_sys(err, -r, "removing %s", dir);
	return 0;
}

int sv_overlay_setup(const char *dir, const char *lower, struct b_err *err)
{
	char upper[PATH_MAX], work[PATH_MAX], merged[PATH_MAX], opts[PATH_MAX * 3 + 64];
	int r;

	if ((r = sv_overlay_remove(dir, err)) < 0)
		return r;
	snprintf(upper, sizeof(upper), "%s/upper", dir);
	snprintf(work, sizeof(work), "%s/work", dir);
	snprintf(merged, sizeof(merged), "%s/merged", dir);
	if ((r = b_mkdir_p(upper, 0755)) < 0 || (r = b_mkdir_p(work, 0700)) < 0 ||
	    (r = b_mkdir_p(merged, 0755)) < 0)
		return b_err_sys(err, -r, "creating %s", dir);
	if (strchr(lower, ',') || strchr(lower, ':'))
		return b_err_set(err, EINVAL, "image %s: overlayfs cannot use a path with ',' or ':'", lower);
	snprintf(opts, sizeof(opts), "lowerdir=%s,upperdir=%s,workdir=%s", lower, upper, work);
	if (mount("overlay", merged, "overlay", 0, opts) < 0)
		return b_err_sys(err, errno,
				 "mounting the overlay writable layer at %s (lowerdir %s; is overlayfs available and the state root on a filesystem it accepts as upper?)",
				 merged, lower);
	return 0;
}

int sv_volumes_setup(const struct pod_spec *pod, const char *pod_dir, struct b_err *err)
{
	for (size_t i = 0; i < pod->n_volumes; i++) {
		const struct pod_volume *v = &pod->volumes[i];
		char path[PATH_MAX], opts[64] = "mode=1777";
		int r;

		if (v->kind != POD_VOLUME_EMPTY_DIR)
			continue;
		snprintf(path, sizeof(path), "%s/volumes/%s", pod_dir, v->name);
		if ((r = b_mkdir_p(path, 0777)) < 0)
			return b_err_sys(err, -r, "volume %s: creating %s", v->name, path);
		chmod(path, 0777);
		if (!v->memory)
			continue;
		if (v->size_limit.set)
			snprintf(opts, sizeof(opts), "mode=1777,size=%lld", (long long)v->size_limit.value);
		if (mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, opts) < 0)
			return b_err_sys(err, errno, "volume %s: mounting tmpfs at %s", v->name, path);
	}
	return 0;
}

void sv_volumes_remove(const struct pod_spec *pod, const char *pod_dir)
{
	for (size_t i = 0; i < pod->n_volumes; i++) {
		char path[PATH_MAX];

		if (pod->volumes[i].kind != POD_VOLUME_EMPTY_DIR || !pod->volumes[i].memory)
			continue;
		snprintf(path, sizeof(path), "%s/volumes/%s", pod_dir, pod->volumes[i].name);
		umount_if(path);
	}
}
