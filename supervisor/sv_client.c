/* The other side of a running supervisor: finding pods, asking them over
 * the control socket, waiting for them to end, and removing what a pod
 * left behind.  Liveness is the supervisor's flock on <state dir>/lock:
 * held for its whole life and released by the kernel however it dies, so
 * a reused pid can never look like a live pod. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/strutil.h"
#include "common/fsutil.h"
#include "supervisor/sv_internal.h"

int sv_pod_dir(const struct rt_ctx *ctx, const char *name, char *buf, size_t size,
	       struct b_err *err)
{
	struct b_err ign = { 0 };

	/* Pod names are DNS labels: this also keeps "../x" out of paths. */
	if (rt_validate_id(name, &ign) < 0 || strchr(name, '_') || strchr(name, '.'))
		return b_err_set(err, EINVAL, "\"%s\" is not a pod name", name);
	if ((size_t)snprintf(buf, size, "%s/pods/%s", ctx->root, name) >= size)
		return b_err_set(err, ENAMETOOLONG, "pod state path too long");
	return 0;
}

int sv_id_reserved(const struct rt_ctx *ctx, const char *id, struct b_err *err)
{
	const char *us = strchr(id, '_');
	char pod[256], dir[PATH_MAX];
	struct b_err ign = { 0 };

	if (!us || us == id || (size_t)(us - id) >= sizeof(pod))
		return 0;
	memcpy(pod, id, (size_t)(us - id));
	pod[us - id] = '\0';
	if (sv_pod_dir(ctx, pod, dir, sizeof(dir), &ign) < 0 || access(dir, F_OK) < 0)
		return 0;
	return b_err_set(err, EEXIST,
			 "container id \"%s\" is reserved: pod \"%s\" names its containers %s_<container>; "
			 "choose another id", id, pod, pod);
}

int sv_pod_probe(const struct rt_ctx *ctx, const char *name, struct b_err *err)
{
	char dir[PATH_MAX], lock[PATH_MAX + 8];
	_cleanup_close_ int fd = -1;
	int r;

	if ((r = sv_pod_dir(ctx, name, dir, sizeof(dir), err)) < 0)
		return r;
	if (access(dir, F_OK) < 0) {
		if (errno == ENOENT)
			return SV_POD_ABSENT;
		return b_err_sys(err, errno, "pod %s: %s", name, dir);
	}
	snprintf(lock, sizeof(lock), "%s/lock", dir);
	fd = open(lock, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)   /* being created or being removed */
			return access(dir, F_OK) == 0 ? SV_POD_RUNNING : SV_POD_ABSENT;
		return b_err_sys(err, errno, "pod %s: %s", name, lock);
	}
	if (flock(fd, LOCK_SH | LOCK_NB) < 0) {
		if (errno == EWOULDBLOCK)
			return SV_POD_RUNNING;
		return b_err_sys(err, errno, "pod %s: locking %s", name, lock);
	}
	return SV_POD_DEAD;
}

bool sv_pod_lock_held(const struct rt_ctx *ctx, const char *name)
{
	char dir[PATH_MAX], lock[PATH_MAX + 8];
	_cleanup_close_ int fd = -1;
	struct b_err e = { 0 };

	if (sv_pod_dir(ctx, name, dir, sizeof(dir), &e) < 0)
		return false;
	snprintf(lock, sizeof(lock), "%s/lock", dir);
	fd = open(lock, O_RDONLY | O_CLOEXEC);
	return fd >= 0 && flock(fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK;
}

bool sv_pod_restarting(const struct rt_ctx *ctx, const char *name)
{
	char dir[PATH_MAX], mark[PATH_MAX + 16];
	struct b_err e = { 0 };

	if (sv_pod_dir(ctx, name, dir, sizeof(dir), &e) < 0)
		return false;
	snprintf(mark, sizeof(mark), "%s/restarting", dir);
	return access(mark, F_OK) == 0 && sv_pod_lock_held(ctx, name);
}

/* With a timeout, the connect does not wait for room in a full backlog
 * (a stopped supervisor's), and reads and writes end after it. */
static int ctl_connect(const char *dir, const char *name, int timeout_ms, struct b_err *err)
{
	struct timeval tv = { .tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000 };
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if ((size_t)snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/control.sock", dir) >=
	    sizeof(sa.sun_path))
		return b_err_set(err, ENAMETOOLONG, "control socket path too long");
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | (timeout_ms > 0 ? SOCK_NONBLOCK : 0), 0);
	if (fd < 0)
		return b_err_sys(err, errno, "socket");
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;
		close(fd);
		if (e == ECONNREFUSED || e == ENOENT)
			return b_err_set(err, ESRCH, "pod %s is not running (its supervisor is gone)", name);
		if (e == EAGAIN)
			return b_err_set(err, ETIMEDOUT, "pod %s: its supervisor does not answer (control socket full)", name);
		return b_err_sys(err, e, "pod %s: connecting to %s", name, sa.sun_path);
	}
	if (timeout_ms > 0 && (fcntl(fd, F_SETFL, 0) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0)) {
		int e = errno;
		close(fd);
		return b_err_sys(err, e, "pod %s: control socket", name);
	}
	return fd;
}

int sv_pod_request(const struct rt_ctx *ctx, const char *name, const char *req,
		   char **out, size_t *out_len, struct b_err *err)
{
	return sv_pod_request_timeout(ctx, name, req, 0, out, out_len, err);
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* 1 when fd has something to read before deadline, 0 when it ran out. */
static int wait_readable(int fd, int64_t deadline)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int64_t left;
	int r;

	do {
		left = deadline - mono_ms();
		if (left <= 0)
			return 0;
		r = poll(&p, 1, (int)left);
	} while (r < 0 && errno == EINTR);
	return r != 0;
}

int sv_pod_send(const struct rt_ctx *ctx, const char *name, const char *req, int timeout_ms,
		struct b_err *err)
{
	char dir[PATH_MAX];
	int fd, r;

	if ((r = sv_pod_dir(ctx, name, dir, sizeof(dir), err)) < 0)
		return r;
	if ((fd = ctl_connect(dir, name, timeout_ms, err)) < 0)
		return fd;
	if (b_write_all(fd, req, strlen(req)) < 0 || b_write_all(fd, "\n", 1) < 0) {
		r = b_err_sys(err, errno, "pod %s: sending a request", name);
		close(fd);
		return r;
	}
	return fd;
}

/* "ok\n<body>" or "error <message>\n" */
static int reply_body(const char *name, char **buf, size_t len, char **out, size_t *out_len,
		      struct b_err *err)
{
	char *b = *buf;

	if (!b)
		return b_err_set(err, EPROTO, "pod %s: the supervisor closed without replying", name);
	b[len] = '\0';
	if (!strncmp(b, "error ", 6)) {
		b[strcspn(b, "\n")] = '\0';
		return b_err_set(err, !strncmp(b + 6, "permission", 10) ? EACCES : EPROTO,
				 "pod %s: %s", name, b + 6);
	}
	if (strncmp(b, "ok\n", 3))
		return b_err_set(err, EPROTO, "pod %s: unexpected reply from the supervisor", name);
	memmove(b, b + 3, len - 3 + 1);
	*out_len = len - 3;
	*out = b;
	*buf = NULL;
	return 0;
}

int sv_pod_reply(int fd, const char *name, int64_t deadline_ms, char **out, size_t *out_len,
		 struct b_err *err)
{
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, cap = 0;

	for (;;) {
		ssize_t n;

		/* One deadline for the whole reply: a supervisor trickling
		 * bytes must not hold a scrape past it. */
		if (deadline_ms > 0 && wait_readable(fd, deadline_ms) == 0)
			return b_err_set(err, ETIMEDOUT, "pod %s: no reply from its supervisor in time", name);
		if (cap - len < 4096) {
			char *nb = realloc(buf, cap = cap ? cap * 2 : 16384);
			if (!nb)
				return b_err_set(err, ENOMEM, "out of memory");
			buf = nb;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return b_err_set(err, ETIMEDOUT, "pod %s: no reply from its supervisor in time", name);
		if (n < 0)
			return b_err_sys(err, errno, "pod %s: reading the reply", name);
		if (n == 0)
			break;
		len += (size_t)n;
	}
	return reply_body(name, &buf, len, out, out_len, err);
}

int64_t sv_deadline_ms(int timeout_ms)
{
	return timeout_ms > 0 ? mono_ms() + timeout_ms : 0;
}

int sv_pod_request_timeout(const struct rt_ctx *ctx, const char *name, const char *req,
			   int timeout_ms, char **out, size_t *out_len, struct b_err *err)
{
	int64_t deadline = sv_deadline_ms(timeout_ms);
	_cleanup_close_ int fd = sv_pod_send(ctx, name, req, timeout_ms, err);

	if (fd < 0)
		return fd;
	return sv_pod_reply(fd, name, deadline, out, out_len, err);
}

int sv_pod_wait(const struct rt_ctx *ctx, const char *name, struct b_err *err)
{
	char dir[PATH_MAX], lock[PATH_MAX + 8];
	_cleanup_close_ int fd = -1;
	int r;

	if ((r = sv_pod_dir(ctx, name, dir, sizeof(dir), err)) < 0)
		return r;
	snprintf(lock, sizeof(lock), "%s/lock", dir);
	fd = open(lock, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : b_err_sys(err, errno, "pod %s: %s", name, lock);
	while (flock(fd, LOCK_SH) < 0)
		if (errno != EINTR)
			return b_err_sys(err, errno, "pod %s: waiting on %s", name, lock);
	return 0;
}

int sv_pod_remove(const struct rt_ctx *ctx, const char *name, struct b_err *err)
{
	char dir[PATH_MAX], lock[PATH_MAX + 8];
	_cleanup_close_ int dfd = -1, fd = -1;
	struct stat st;
	int r;

	if ((r = sv_pod_dir(ctx, name, dir, sizeof(dir), err)) < 0)
		return r;
	if (lstat(dir, &st) < 0 && errno == ENOENT)
		return b_err_set(err, ENOENT, "pod %s not found (no %s)", name, dir);
	/* What is removed and killed next is chosen by what is in there: a
	 * symlink, or a directory someone else can write, is refused. */
	if ((dfd = sv_state_dir_open(ctx->root, name, false, NULL, err)) < 0)
		return b_err_prefix(err, "pod %s", name);
	snprintf(lock, sizeof(lock), "%s/lock", dir);
	fd = openat(dfd, "lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return b_err_sys(err, errno, "pod %s: %s", name, lock);
	if (sv_lock_dead_pod(fd) < 0) {
		if (errno == EWOULDBLOCK)
			return b_err_set(err, EBUSY, "pod %s is running (stop it first, or use --force)", name);
		return b_err_sys(err, errno, "pod %s: locking %s", name, lock);
	}
	if ((r = sv_cleanup_leftovers(ctx, name, dir, dfd, false, err)) < 0)
		return r;
	if (unlinkat(dfd, "lock", 0) < 0 || rmdir(dir) < 0)
		return b_err_sys(err, errno, "pod %s: removing %s", name, dir);
	return 0;
}

int sv_pod_list(const struct rt_ctx *ctx, char ***out, size_t *n, struct b_err *err)
{
	char pods[PATH_MAX];
	_cleanup_(b_closedirp) DIR *d = NULL;
	char **v = NULL;
	size_t cnt = 0;
	struct dirent *de;

	*out = NULL;
	*n = 0;
	snprintf(pods, sizeof(pods), "%s/pods", ctx->root);
	if (!(d = opendir(pods)))
		return errno == ENOENT ? 0 : b_err_sys(err, errno, "opening %s", pods);
	while ((de = readdir(d))) {
		char **nv;

		if (de->d_name[0] == '.')
			continue;
		nv = realloc(v, (cnt + 1) * sizeof(*v));
		if (!nv || !(nv[cnt] = strdup(de->d_name))) {
			sv_pod_list_free(nv ? nv : v, cnt);
			return b_err_set(err, ENOMEM, "out of memory");
		}
		v = nv;
		cnt++;
	}
	b_strv_sort(v, cnt);
	*out = v;
	*n = cnt;
	return 0;
}

void sv_pod_list_free(char **names, size_t n)
{
	b_strv_free(names, n);
}

int sv_pod_final_status(const struct rt_ctx *ctx, const char *name, char **out,
			size_t *len, struct b_err *err)
{
	char dir[PATH_MAX], path[PATH_MAX + 16];
	int r;

	if ((r = sv_pod_dir(ctx, name, dir, sizeof(dir), err)) < 0)
		return r;
	snprintf(path, sizeof(path), "%s/status.json", dir);
	if ((r = b_read_file(path, 16 << 20, out, len)) < 0)
		return b_err_sys(err, -r, "pod %s: %s", name, path);
	return 0;
}
