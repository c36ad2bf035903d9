/* CRI container log records and a size-rotated log file.
 *
 * The record format is the kubelet's (and containerd's, CRI-O's):
 *
 *     2026-11-25T09:00:00.123456789Z stdout F a line
 *
 * an RFC 3339 timestamp with nanoseconds in UTC, the stream, "F" for a full
 * line or "P" for a piece continued by the next record of the same stream,
 * one space, the text, a newline.  The writer rotates like the kubelet's
 * containerLogMaxSize/containerLogMaxFiles: c.log, c.log.1 (newest rotated),
 * ..., c.log.<max_files-1> (oldest).  Nothing here prints or exits. */
#pragma once

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "common/error.h"

/* Room for the longest head cri_format_head writes (with a 6-character
 * stream name such as "stdout"). */
#define CRI_HEAD_MAX 64

/* Write "<RFC3339Nano UTC> <stream> <P|F> " (NUL-terminated) into buf.
 * Returns its length, -EINVAL for a bad time or stream, -ENOSPC when buf
 * is too small. */
int cri_format_head(char *buf, size_t size, const struct timespec *realtime,
		    const char *stream, bool partial);

/* One parsed record; the pointers point into the parsed line. */
struct cri_line {
	const char *time;        /* the timestamp as written */
	size_t time_len;
	struct timespec ts;      /* the same, as seconds since the epoch */
	const char *stream;      /* "stdout" or "stderr" (static strings) */
	bool partial;            /* P: continued by the next record */
	const char *msg;
	size_t msg_len;
};

/* Parse one record; `len` may include the trailing newline.  Tags may carry
 * extra ":"-separated fields after P/F, as the format allows.  Returns 0 or
 * -EINVAL for a malformed line. */
int cri_parse_line(const char *line, size_t len, struct cri_line *out);

/* Parse an RFC 3339 timestamp ("Z" or a "+hh:mm" offset, up to 9 fraction
 * digits) as found in CRI logs; 0 or -EINVAL. */
int cri_parse_time(const char *s, size_t len, struct timespec *out);

/* A log file rotated by size.  Records go in whole: one record is never
 * split across two files, and a record larger than max_size still gets
 * written (alone in a fresh file).  Every open and rename is relative to
 * the directory's fd and never follows a symlink: a log directory is
 * checked once (supervisor/sv_trust.c), and what is in it later cannot
 * redirect root's writes. */
struct cri_logfile {
	int fd;
	int dirfd;               /* the directory, open while fd is */
	char path[PATH_MAX];     /* for messages */
	char name[NAME_MAX + 1]; /* in dirfd; room for the ".N" suffixes */
	int64_t size, max_size;  /* max_size <= 0: never rotate */
	int max_files;           /* counts the live file; <= 1: truncate in place */
	/* After a failed rotation the next attempt waits for another max_size
	 * bytes, so a read-only or full filesystem costs one error per
	 * max_size rather than one per record. */
	int64_t retry_size;
};

/* Open `name` in the directory `dirfd` (`dir` names it in messages;
 * dirfd is duplicated) with O_APPEND|O_CREAT, mode 0640, and take the
 * current size.  A symlink, or anything but a regular file with one link,
 * is refused (ELOOP, EPERM).  lf->fd is -1 on failure. */
int cri_logfile_openat(struct cri_logfile *lf, int dirfd, const char *dir, const char *name,
		       int64_t max_size, int max_files, struct b_err *err);
/* The same for a path: its directory is opened as it is. */
int cri_logfile_open(struct cri_logfile *lf, const char *path, int64_t max_size,
		     int max_files, struct b_err *err);

/* Append one record (normally a whole line with its newline), rotating
 * first when it would push a non-empty file past max_size.  A failed
 * rotation still writes the record, to the file in use, and then returns
 * the rotation's error; a failed write returns its own. */
int cri_logfile_write(struct cri_logfile *lf, const void *rec, size_t len, struct b_err *err);

/* Close; safe on a closed or never-opened (fd -1) file. */
void cri_logfile_close(struct cri_logfile *lf);
