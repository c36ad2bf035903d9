/* The state directory: <root>/<id>/{state.json,config.json,start.sock}.
 * state.json is replaced atomically; mutations hold flock on the dir. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cgroups/cgroup.h"
#include "common/cleanup.h"
#include "common/fsutil.h"
#include "internal.h"

int rt_state_dir(const struct rt_ctx *ctx, const char *id, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s/%s", ctx->root ? ctx->root : RT_DEFAULT_ROOT, id);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

int rt_state_lock(const char *dir, struct b_err *err)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return b_err_sys(err, errno, "opening %s", dir);
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			int e = errno;
			close(fd);
			return b_err_sys(err, e, "locking %s", dir);
		}
	}
	return fd;
}

int rt_state_save(const char *dir, const struct oci_state *st, struct b_err *err)
{
	char path[PATH_MAX];
	_cleanup_free_ char *json = oci_state_to_json(st, true, false);
	int r;

	if (!json)
		return b_err_set(err, ENOMEM, "serialising container state");
	snprintf(path, sizeof(path), "%s/state.json", dir);
	r = b_write_atomic(path, json, strlen(json), 0600);
	if (r < 0)
		return b_err_sys(err, -r, "writing %s", path);
	return 0;
}

int rt_state_load(const struct rt_ctx *ctx, const char *id, struct oci_state **out,
		  struct b_err *err)
{
	char dir[PATH_MAX], path[PATH_MAX + 16];
	_cleanup_free_ char *json = NULL;
	size_t len = 0;
	int r;

	if ((r = rt_validate_id(id, err)) < 0)
		return r;
	if (rt_state_dir(ctx, id, dir, sizeof(dir)) < 0)
		return b_err_set(err, ENAMETOOLONG, "container id too long");
	snprintf(path, sizeof(path), "%s/state.json", dir);
	r = b_read_file(path, 0, &json, &len);
	if (r == -ENOENT)
		return b_err_set(err, ENOENT, "container \"%s\" does not exist", id);
	if (r < 0)
		return b_err_sys(err, -r, "reading %s", path);
	r = oci_state_parse(path, json, len, out, err);
	if (r < 0)
		return r;
	rt_state_refresh(dir, *out);
	return 0;
}

void rt_state_refresh(const char *dir, struct oci_state *st)
{
	char sock[PATH_MAX + 16];
	bool alive = rt_proc_alive(st->pid, st->pid_start_time);
	const char *cg = st->cgroup_path && *st->cgroup_path ? st->cgroup_path : NULL;

	snprintf(sock, sizeof(sock), "%s/start.sock", dir);
	if (cg && st->oom_kill_base < cg_oom_kills(cg))
		st->oom_killed = true;
	/* `create` holds the directory lock until the container is created:
	 * a "creating" state nobody holds the lock for is a create that died. */
	if (!strcmp(st->status, "creating")) {
		int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		bool busy = fd >= 0 && flock(fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK;

		if (fd >= 0)
			close(fd);
		if (busy)
			return;
	}
	if (!alive) {
		st->status = "stopped";
		st->pid = 0;
	} else if (access(sock, F_OK) == 0) {
		st->status = "created";
	} else if (cg && cg_is_frozen(cg) == 1) {
		st->status = "paused";
	} else {
		st->status = "running";
	}
}

int rt_state_json_for_hooks(const struct oci_config *cfg, const char *id, const char *status,
			    pid_t pid, const char *bundle, char **out)
{
	struct oci_state st = {
		.oci_version = cfg->oci_version,
		.id = (char *)id,
		.status = (char *)status,
		.pid = pid,
		.bundle = (char *)bundle,
		.annotations = cfg->annotations,
	};

	*out = oci_state_to_json(&st, false, false);
	return *out ? 0 : -ENOMEM;
}

int rt_start_sockaddr(const char *dir, struct sockaddr_un *sa, int *dfd)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	*dfd = -1;
	if (snprintf(sa->sun_path, sizeof(sa->sun_path), "%s/start.sock", dir) < (int)sizeof(sa->sun_path))
		return 0;
	/* Too long for sun_path (deep --root, 64-hex ids): go through an fd
	 * of the directory instead. */
	*dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (*dfd < 0)
		return -errno;
	snprintf(sa->sun_path, sizeof(sa->sun_path), "/proc/self/fd/%d/start.sock", *dfd);
	return 0;
}
