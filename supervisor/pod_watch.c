/* inotify watches on a pod's state and log directories and its lock file
 * (pod_watch.h). */
#include "supervisor/pod_watch.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <unistd.h>

#define LOGS_EVENTS                                                                         \
	(IN_MODIFY | IN_CREATE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE | IN_DELETE_SELF | \
	 IN_MOVE_SELF)
#define GONE_EVENTS (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED)
#define FILE_EVENTS (IN_CREATE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE)

static int add_watch(struct pod_watch *w, const char *path, uint32_t mask, struct b_err *err)
{
	int wd = inotify_add_watch(w->ifd, path, mask);

	if (wd < 0)
		return b_err_sys(err, errno, "watching %s", path);
	return wd;
}

/* The lock file, when there is one: its absence means no supervisor. */
static int watch_lock(struct pod_watch *w, const char *pod_dir, struct b_err *err)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/lock", pod_dir);
	w->lock_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (w->lock_fd < 0)
		return errno == ENOENT ? 0 : b_err_sys(err, errno, "opening %s", path);
	w->wd_lock = add_watch(w, path, IN_CLOSE_WRITE | IN_CLOSE_NOWRITE, err);
	return w->wd_lock < 0 ? w->wd_lock : 0;
}

/* The state dir's removal is seen as an entry leaving its parent: its own
 * IN_DELETE_SELF would only come once nothing pins it, and the lock file
 * held open here does. */
static int watch_pod_dir(struct pod_watch *w, const char *pod_dir, struct b_err *err)
{
	const char *slash = strrchr(pod_dir, '/');
	char parent[PATH_MAX];

	if (!slash || strlen(slash + 1) >= sizeof(w->name))
		return b_err_set(err, EINVAL, "%s: not a pod state directory", pod_dir);
	snprintf(parent, sizeof(parent), "%.*s", slash == pod_dir ? 1 : (int)(slash - pod_dir),
		 pod_dir);
	strcpy(w->name, slash + 1);
	w->wd_pods = add_watch(w, parent, IN_DELETE | IN_MOVED_FROM | IN_ONLYDIR, err);
	return w->wd_pods < 0 ? w->wd_pods : 0;
}

int pod_watch_open(struct pod_watch *w, const char *pod_dir, const char *logs_dir,
		   struct b_err *err)
{
	int r;

	*w = (struct pod_watch){ .lock_fd = -1, .wd_pods = -1, .wd_logs = -1, .wd_lock = -1 };
	w->ifd = inotify_init1(IN_CLOEXEC);
	if (w->ifd < 0)
		return b_err_sys(err, errno, "inotify_init1");
	/* logs_dir may be a symlink to a --log-dir: the watch follows it. */
	if ((w->wd_logs = add_watch(w, logs_dir, LOGS_EVENTS, err)) < 0 ||
	    (r = watch_pod_dir(w, pod_dir, err)) < 0 || (r = watch_lock(w, pod_dir, err)) < 0) {
		r = -err->code;
		pod_watch_close(w);
		return r;
	}
	return 0;
}

bool pod_watch_alive(struct pod_watch *w)
{
	if (w->lock_fd < 0)
		return false;
	if (flock(w->lock_fd, LOCK_SH | LOCK_NB) < 0)
		return errno == EWOULDBLOCK || errno == EINTR;
	/* Got it: nobody holds it exclusively.  Let it go at once, not to
	 * stand in the way of a supervisor starting again. */
	flock(w->lock_fd, LOCK_UN);
	return false;
}

/* What one event means; the lock is looked at by the caller. */
static int classify(const struct pod_watch *w, const struct inotify_event *ev)
{
	if (ev->mask & IN_Q_OVERFLOW) /* events lost: look at everything */
		return POD_WATCH_NEW_FILE | POD_WATCH_CHECK_LOCK;
	if (ev->wd == w->wd_lock)
		return ev->mask & (IN_CLOSE_WRITE | IN_CLOSE_NOWRITE) ? POD_WATCH_CHECK_LOCK : 0;
	if (ev->wd == w->wd_pods)
		return ev->len && !strcmp(ev->name, w->name) ? POD_WATCH_END : 0;
	if (ev->wd == w->wd_logs && ev->mask & GONE_EVENTS)
		return POD_WATCH_END;
	if (ev->wd == w->wd_logs && ev->mask & FILE_EVENTS)
		return POD_WATCH_NEW_FILE;
	return 0;
}

int pod_watch_classify(const struct pod_watch *w, const void *buf, size_t n)
{
	const char *p = buf, *end = p + n;
	int flags = 0;

	while (p + sizeof(struct inotify_event) <= end) {
		const struct inotify_event *ev = (const struct inotify_event *)p;

		flags |= classify(w, ev);
		p += sizeof(*ev) + ev->len;
	}
	return flags;
}

/* One look at the lock for the whole batch: it tells the state now,
 * which is what every event in it asked about. */
int pod_watch_wait(struct pod_watch *w, struct b_err *err)
{
	char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;
	int flags;

	do
		n = read(w->ifd, buf, sizeof(buf));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return b_err_sys(err, errno, "reading inotify events");
	flags = pod_watch_classify(w, buf, (size_t)n);
	if (flags & POD_WATCH_CHECK_LOCK && !pod_watch_alive(w))
		flags |= POD_WATCH_END;
	return flags & ~POD_WATCH_CHECK_LOCK;
}

void pod_watch_close(struct pod_watch *w)
{
	if (w->ifd >= 0)
		close(w->ifd);
	if (w->lock_fd >= 0)
		close(w->lock_fd);
	w->ifd = w->lock_fd = -1;
}
