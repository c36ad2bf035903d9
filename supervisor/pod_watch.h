/* Watching a pod for `pod logs -f` and `pod events -f`: changes in its log
 * directory, the end of its supervisor, the removal of its state
 * directory.  inotify only: no polling.
 *
 * The supervisor holds flock(LOCK_EX) on <pod dir>/lock for its whole
 * life, so a shared non-blocking flock that succeeds means it is gone.
 * Its death closes the file, which inotify reports as IN_CLOSE_*; the
 * lock is then tested again on an fd this side keeps open (closing a test
 * fd would itself be an IN_CLOSE event, waking us forever).  Nothing
 * here prints. */
#pragma once

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

struct inotify_event;

struct pod_watch {
	int ifd;                 /* inotify */
	int lock_fd;             /* <pod dir>/lock, -1 when there is none */
	int wd_pods, wd_logs, wd_lock;   /* <root>/pods, the logs, the lock */
	char name[NAME_MAX + 1];         /* the pod's entry in <root>/pods */
};

enum {
	POD_WATCH_NEW_FILE = 1,  /* a file appeared in (or left) the log directory */
	POD_WATCH_END = 2,       /* supervisor gone or state directory removed */
	/* From pod_watch_classify only: POD_WATCH_END if no supervisor holds
	 * the lock now (pod_watch_wait finds out and never returns it). */
	POD_WATCH_CHECK_LOCK = 4,
};

/* Set up the watches.  Do this before reading the logs, so that nothing
 * written meanwhile goes unnoticed. */
int pod_watch_open(struct pod_watch *w, const char *pod_dir, const char *logs_dir,
		   struct b_err *err);

/* Whether a supervisor holds the pod's lock now. */
bool pod_watch_alive(struct pod_watch *w);

/* Wait for the next batch of events; returns POD_WATCH_* flags (0: only
 * writes to the logs) or a negative errno. */
int pod_watch_wait(struct pod_watch *w, struct b_err *err);

/* What a batch of events read from w->ifd (n bytes at buf) means, without
 * looking at anything else: POD_WATCH_* flags. */
int pod_watch_classify(const struct pod_watch *w, const void *buf, size_t n);

void pod_watch_close(struct pod_watch *w);
