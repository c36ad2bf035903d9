/* A pod's logs (`berth pod logs`, `pod events`) as one stream of records
 * in time order: <root>/pods/<name>/logs/ holds <container>.log in the
 * CRI format and events.jsonl, each with its rotated files (logread.h).
 * Records go to a callback; nothing here prints. */
#pragma once

#include <limits.h>
#include <stdbool.h>

#include "common/error.h"
#include "supervisor/logread.h"

struct pod_logs {
	char pod[NAME_MAX + 1];
	char pod_dir[PATH_MAX], logs_dir[PATH_MAX];
	int dirfd;               /* logs_dir (it may be a symlink to a --log-dir) */
	struct logsrc *srcs;
	size_t n;
	bool discover;           /* all containers: take in logs that appear later */
};

/* Find pod `pod` under root and open its logs directory; no log yet.
 * pl needs pod_logs_free even on failure. */
int pod_logs_open(struct pod_logs *pl, const char *root, const char *pod, struct b_err *err);

/* One container's log; ENOENT, naming the containers there are, when it
 * has none. */
int pod_logs_add_container(struct pod_logs *pl, const char *container, struct b_err *err);

/* Every container's log, and (pod_logs_refresh) those that appear later. */
int pod_logs_add_all(struct pod_logs *pl, struct b_err *err);

/* The pod's events.jsonl: plain lines, no label. */
int pod_logs_add_events(struct pod_logs *pl, struct b_err *err);

/* After a change seen by pod_watch: with new_files, take in containers'
 * logs that appeared (when adding all); then queue recreated live files. */
int pod_logs_refresh(struct pod_logs *pl, bool new_files, struct b_err *err);

/* Gets each record; `label` is the container when lines need a "[label] "
 * prefix (more than one container shown), else NULL.  Nonzero stops. */
typedef int (*pod_logs_fn)(void *ud, const char *label, const struct log_rec *r);

/* Hand on every record available now, oldest first across the logs (ties
 * go to the log added first).  `final` as for logsrc_peek.  0 or a
 * negative errno. */
int pod_logs_drain(struct pod_logs *pl, bool final, pod_logs_fn fn, void *ud,
		   struct b_err *err);

/* The line `pod logs` prints for r: "[label] ", with timestamps the
 * record's own, the message, a newline.  0 or -ENOMEM. */
int log_rec_format(struct logbuf *line, const char *label, const struct log_rec *r,
		   bool timestamps);

void pod_logs_free(struct pod_logs *pl);
