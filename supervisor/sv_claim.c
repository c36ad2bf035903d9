/* The pod's state directory, <root>/pods/<name>: claimed with a lock that
 * lives as long as the supervisor, or taken over from a supervisor that
 * died (what it left is cleaned up first, sv_cleanup.c). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "supervisor/sv_internal.h"

/* The lock of a pod state dir, when its supervisor is dead: another
 * pod's start may hold it for a moment (sv_net_gc.c runs the dead pod's
 * DEL under it, sv_pod_probe tests it), so a second is allowed before
 * the pod counts as running. */
int sv_lock_dead_pod(int fd)
{
	for (int i = 0; i < 50; i++) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return 0;
		if (errno != EWOULDBLOCK)
			return -1;
		usleep(20000);
	}
	errno = EWOULDBLOCK;
	return -1;
}

/* A pod that ended keeps its state directory (status.json, logs, events)
 * until `pod rm`: a new run of its name must not silently wipe that. */
static int check_ended(struct sv *s, int dfd, struct b_err *err)
{
	if (s->o->replace || s->continuing || faccessat(dfd, "status.json", F_OK, 0) < 0)
		return 0;
	return b_err_set(err, EEXIST, "pod \"%s\" exists: it has ended, and its status, logs and "
			 "events are kept until `berth pod rm %s` (or run it with --replace)",
			 s->pod->name, s->pod->name);
}

/* The state directory exists and its lock is ours: an ended pod's is kept
 * (without --replace), what else is there is removed.  On failure the
 * lock is let go and what could not be cleaned up stays as it is, for
 * `pod rm` or a person to look at: no teardown of it. */
static int take_over(struct sv *s, int dfd, struct b_err *err)
{
	int r = check_ended(s, dfd, err);

	if (r == 0)
		r = sv_cleanup_leftovers(s->ctx, s->pod->name, s->dir, dfd, s->continuing, err);
	if (r < 0) {
		close(s->lock_fd);
		s->lock_fd = -1;
	}
	return r;
}

/* Create the state directory and take its lock, or take over a stale one:
 * a directory whose lock nobody holds was left by a supervisor that was
 * killed, or by a pod that ended (with --replace or for `pod restart`);
 * what it left is cleaned up first. */
int sv_claim_dir(struct sv *s, bool *recovered, struct b_err *err)
{
	char lock[PATH_MAX + 8];
	_cleanup_close_ int dfd = -1;
	bool created;

	if ((size_t)snprintf(s->dir, sizeof(s->dir), "%s/pods/%s", s->ctx->root, s->pod->name) >=
	    sizeof(s->dir) - 64)
		return b_err_set(err, ENAMETOOLONG, "pod state path too long");
	snprintf(lock, sizeof(lock), "%s/lock", s->dir);
	/* Checked level by level: the leftovers of a stale directory are
	 * killed and removed on its word. */
	dfd = sv_state_dir_open(s->ctx->root, s->pod->name, true, &created, err);
	if (dfd < 0 && s->continuing)
		close(s->held_lock);
	if (dfd < 0)
		return dfd;
	*recovered = !created;
	if (s->continuing) {
		s->lock_fd = s->held_lock;   /* held since the run before */
		return take_over(s, dfd, err);
	}
	s->lock_fd = openat(dfd, "lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (s->lock_fd < 0)
		return b_err_sys(err, errno, "creating %s", lock);
	if (sv_lock_dead_pod(s->lock_fd) < 0) {
		int e = errno;
		close(s->lock_fd);
		s->lock_fd = -1;
		if (e == EWOULDBLOCK)
			return b_err_set(err, EEXIST, "pod \"%s\" is already running (state directory %s)",
					 s->pod->name, s->dir);
		return b_err_sys(err, e, "locking %s", lock);
	}
	return *recovered ? take_over(s, dfd, err) : 0;
}
