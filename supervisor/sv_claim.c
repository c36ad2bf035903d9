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

/* Create the state directory and take its lock, or take over a stale one:
 * a directory whose lock nobody holds was left by a supervisor that was
 * killed (or kept with --keep); what it left is cleaned up first. */
int sv_claim_dir(struct sv *s, bool *recovered, struct b_err *err)
{
	char lock[PATH_MAX + 8];
	_cleanup_close_ int dfd = -1;
	bool created;
	int r;

	if ((size_t)snprintf(s->dir, sizeof(s->dir), "%s/pods/%s", s->ctx->root, s->pod->name) >=
	    sizeof(s->dir) - 64)
		return b_err_set(err, ENAMETOOLONG, "pod state path too long");
	snprintf(lock, sizeof(lock), "%s/lock", s->dir);
	/* Checked level by level: the leftovers of a stale directory are
	 * killed and removed on its word. */
	dfd = sv_state_dir_open(s->ctx->root, s->pod->name, true, &created, err);
	if (dfd < 0)
		return dfd;
	*recovered = !created;
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
	if (*recovered && (r = sv_cleanup_leftovers(s->ctx, s->pod->name, s->dir, dfd, err)) < 0) {
		/* Leave what could not be cleaned up as it is, for `pod rm`
		 * or a person to look at: no teardown of it. */
		close(s->lock_fd);
		s->lock_fd = -1;
		return r;
	}
	return 0;
}
