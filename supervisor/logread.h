/* Reading one log of a pod (a container's CRI log, or events.jsonl) as a
 * stream of records: its rotated files oldest first (name.N ... name.1),
 * then the live file, which can then be followed across rotations.
 *
 * Every file is opened relative to the log directory's fd and never
 * through a symlink: the supervisor's writer (crilog.h) never makes one,
 * so a symlink there was planted, and root must not read where it points.
 * Nothing here prints. */
#pragma once

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "common/error.h"

struct logbuf {
	char *p;
	size_t len, cap;
};

/* Room for `extra` more bytes and a NUL. */
int logbuf_reserve(struct logbuf *b, size_t extra);
/* Append, keeping the content NUL-terminated. */
int logbuf_add(struct logbuf *b, const void *data, size_t len);
void logbuf_free(struct logbuf *b);

/* One record: a whole line (CRI: P pieces joined with their F record). */
struct log_rec {
	char ts[48];             /* CRI: the timestamp as written; "" otherwise */
	struct timespec time;    /* CRI: the same, for merging; 0 otherwise */
	struct logbuf msg;       /* without newline */
};

struct logsrc {
	char *label;             /* the container, for "[label] " prefixes */
	int dirfd;               /* the log directory (our own dup) */
	char path[PATH_MAX];     /* the live file, for messages */
	size_t name_off;         /* where its name starts in path */
	bool cri;                /* parse CRI records; otherwise lines as they are */
	int *fds;                /* fds[cur..nfds): to read, the live file last */
	size_t nfds, cur;
	bool have_live;
	dev_t dev;               /* of the live file */
	ino_t ino;
	off_t off;               /* read offset in fds[cur] */
	struct logbuf in;        /* read but not yet taken, from in_off */
	size_t in_off;
	struct log_rec part[2];  /* P pieces so far, per stream (stdout, stderr) */
	bool has_part[2];
	struct log_rec head;     /* the next record, when has_head */
	bool has_head;
};

/* Open `name` and its rotated files in the directory `dirfd` (duplicated;
 * `dir` names it in messages).  A missing live file is fine: it may
 * appear later, see logsrc_refresh.  `label` is copied.  On failure s
 * still needs logsrc_free. */
int logsrc_openat(struct logsrc *s, int dirfd, const char *dir, const char *name,
		  const char *label, bool cri, struct b_err *err);

/* The same with the directory given by its path. */
int logsrc_open(struct logsrc *s, const char *dir, const char *name, const char *label,
		bool cri, struct b_err *err);

/* When the live name now names another file (rotated away and recreated,
 * or created for the first time), queue it: it is read from its start
 * once the old one is drained.  Returns 1 when it queued one, else 0. */
int logsrc_refresh(struct logsrc *s, struct b_err *err);

/* Make the next record available in s->head: 1 when there is one, 0 when
 * everything written so far has been taken.  With `final` (nothing more
 * will be written) an unterminated last line and unfinished P pieces are
 * returned as records too. */
int logsrc_peek(struct logsrc *s, bool final, struct b_err *err);

/* Done with s->head. */
void logsrc_pop(struct logsrc *s);

void logsrc_free(struct logsrc *s);
