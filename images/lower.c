/* Overlay mounts over an image's layers (lower.h). */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "images/lower.h"

/* overlayfs' OVL_MAX_STACK */
#define LOWER_MAX 500
/* fsconfig copies a string value of at most this many bytes */
#define FSCONFIG_VALUE_MAX 255
/* mount(2) copies one page of options */
#define LEGACY_MAX 4096

static int fsconfig_str(int fd, const char *key, const char *value)
{
	return (int)syscall(SYS_fsconfig, fd, FSCONFIG_SET_STRING, key, value, 0);
}

/* A layer that appears twice (the empty layer of some builders) is
 * stacked once, at its topmost place: overlayfs refuses the same lower
 * twice, and the upper copy already shows all the lower one would. */
static bool shadowed(const struct img_config *c, size_t i)
{
	for (size_t j = i + 1; j < c->n_diff_ids; j++)
		if (!strcmp(c->diff_ids[j], c->diff_ids[i]))
			return true;
	return false;
}

/* "lowerdir+" (one layer per call, no option-length limit) came in 6.8. */
static bool has_lowerdir_plus(void)
{
	struct utsname u;
	int major = 0, minor = 0;

	if (uname(&u) < 0 || sscanf(u.release, "%d.%d", &major, &minor) != 2)
		return false;
	return major > 6 || (major == 6 && minor >= 8);
}

/* fsconfig refuses values over 255 bytes: a longer path goes as the
 * short /proc/self/fd/N name of a directory opened here (returned, -1
 * when the path itself fits). */
static int fd_path(const char *path, char *buf, size_t size)
{
	if (strlen(path) <= FSCONFIG_VALUE_MAX) {
		snprintf(buf, size, "%s", path);
		return -1;
	}
	int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0)
		snprintf(buf, size, "/proc/self/fd/%d", fd);
	return fd < 0 ? -errno : fd;
}

static int config_layers(int fs, struct img_store *s, const struct img_config *c)
{
	_cleanup_close_ int layers = openat(s->dir, "layers", O_PATH | O_DIRECTORY | O_CLOEXEC);
	char path[4200];

	if (layers < 0)
		return -errno;
	for (size_t i = c->n_diff_ids; i-- > 0;) {
		if (shadowed(c, i))
			continue;
		/* the readable path in mountinfo when it fits */
		if ((size_t)snprintf(path, sizeof(path), "%s/layers/%s", s->path, c->diff_ids[i] + 7) >
		    FSCONFIG_VALUE_MAX)
			snprintf(path, sizeof(path), "/proc/self/fd/%d/%s", layers, c->diff_ids[i] + 7);
		if (fsconfig_str(fs, "lowerdir+", path) < 0)
			return -errno;
	}
	return 0;
}

static int mount_new_api(struct img_store *s, const struct img_config *c, const char *upper,
			 const char *work, const char *target)
{
	_cleanup_close_ int fs = (int)syscall(SYS_fsopen, "overlay", FSOPEN_CLOEXEC);
	char up[FSCONFIG_VALUE_MAX + 1], wk[FSCONFIG_VALUE_MAX + 1];
	_cleanup_close_ int upfd = fd_path(upper, up, sizeof(up));
	_cleanup_close_ int wkfd = fd_path(work, wk, sizeof(wk));
	int r;

	if (fs < 0 || upfd < -1 || wkfd < -1)
		return fs < 0 ? -errno : upfd < -1 ? upfd : wkfd;
	if ((r = config_layers(fs, s, c)) < 0)
		return r;
	if (fsconfig_str(fs, "upperdir", up) < 0 || fsconfig_str(fs, "workdir", wk) < 0 ||
	    syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return -errno;
	_cleanup_close_ int mnt = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, 0);
	if (mnt < 0 || syscall(SYS_move_mount, mnt, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return -errno;
	return 0;
}

/* "lowerdir=<top>:…:<bottom>,upperdir=…,workdir=…" with each layer as
 * prefix + hex; -E2BIG when it does not fit in a page. */
static int legacy_options(const struct img_config *c, const char *prefix, const char *upper,
			  const char *work, char *buf, size_t size)
{
	size_t len = (size_t)snprintf(buf, size, "lowerdir=");

	bool first = true;

	for (size_t i = c->n_diff_ids; i-- > 0 && len < size;) {
		if (shadowed(c, i))
			continue;
		len += (size_t)snprintf(buf + len, size - len, "%s%s%s", first ? "" : ":", prefix,
					c->diff_ids[i] + 7);
		first = false;
	}
	if (len < size)
		len += (size_t)snprintf(buf + len, size - len, ",upperdir=%s,workdir=%s", upper, work);
	return len < size ? 0 : -E2BIG;
}

/* Relative lower names resolve against the cwd of the mounting process:
 * a child chdirs into layers/ so the supervisor's own cwd never moves. */
static int mount_from_layers_dir(struct img_store *s, const char *opts, const char *target)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (fchdir(s->dir) < 0 || chdir("layers") < 0 ||
		    mount("overlay", target, "overlay", 0, opts) < 0)
			_exit(errno & 0xff);
		_exit(0);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (!WIFEXITED(status))
		return -EIO;
	return -WEXITSTATUS(status);
}

static int mount_legacy(struct img_store *s, const struct img_config *c, const char *upper,
			const char *work, const char *target)
{
	_cleanup_free_ char *opts = malloc(LEGACY_MAX);
	char prefix[4200];

	if (!opts)
		return -ENOMEM;
	snprintf(prefix, sizeof(prefix), "%s/layers/", s->path);
	if (legacy_options(c, prefix, upper, work, opts, LEGACY_MAX) == 0)
		return mount("overlay", target, "overlay", 0, opts) < 0 ? -errno : 0;
	if (legacy_options(c, "", upper, work, opts, LEGACY_MAX) < 0)
		return -E2BIG;
	return mount_from_layers_dir(s, opts, target);
}

int img_overlay_mount(struct img_store *s, const struct img_config *c, const char *upper,
		      const char *work, const char *target, struct b_err *err)
{
	int r;

	if (c->n_diff_ids > LOWER_MAX)
		return b_err_set(err, E2BIG, "the image has %zu layers; overlayfs stacks at most %d",
				 c->n_diff_ids, LOWER_MAX);
	if (has_lowerdir_plus())
		r = mount_new_api(s, c, upper, work, target);
	else
		r = mount_legacy(s, c, upper, work, target);
	if (r == -E2BIG)
		return b_err_set(err, E2BIG,
				 "the image has %zu layers, more than this kernel's overlay mount options can name (Linux 6.8 or later stacks up to %d)",
				 c->n_diff_ids, LOWER_MAX);
	if (r < 0)
		return b_err_sys(err, -r, "mounting the image's %zu layers at %s", c->n_diff_ids, target);
	return 0;
}
