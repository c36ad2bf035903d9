/* CRI log records: formatting, parsing, and the size-rotated writer. */
#include "supervisor/crilog.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fsutil.h"

/* ---- format ------------------------------------------------------------ */

int cri_format_head(char *buf, size_t size, const struct timespec *realtime,
		    const char *stream, bool partial)
{
	struct tm tm;
	char date[32];
	int n;

	if (!realtime || realtime->tv_nsec < 0 || realtime->tv_nsec > 999999999 ||
	    !stream || !*stream || strpbrk(stream, " \n"))
		return -EINVAL;
	if (!gmtime_r(&realtime->tv_sec, &tm) ||
	    !strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm))
		return -EINVAL;
	/* Always nine fraction digits (the kubelet's RFC3339NanoFixed), so
	 * records of one file sort as text too. */
	n = snprintf(buf, size, "%s.%09ldZ %s %c ", date, realtime->tv_nsec, stream,
		     partial ? 'P' : 'F');
	if (n < 0 || (size_t)n >= size)
		return -ENOSPC;
	return n;
}

/* ---- parse ------------------------------------------------------------- */

/* `n` decimal digits at s, or -1. */
static int digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static int days_in_month(int year, int month)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return month == 2 && leap ? 29 : days[month - 1];
}

/* "YYYY-MM-DDTHH:MM:SS" into tm, checking every field's range. */
static int parse_date_time(const char *s, struct tm *tm)
{
	int y = digits(s, 4), mo = digits(s + 5, 2), d = digits(s + 8, 2);
	int h = digits(s + 11, 2), mi = digits(s + 14, 2), sec = digits(s + 17, 2);

	if (s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') ||
	    s[13] != ':' || s[16] != ':')
		return -EINVAL;
	if (y < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 ||
	    mi > 59 || sec < 0 || sec > 59 || d > days_in_month(y, mo))
		return -EINVAL;
	*tm = (struct tm){ .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
			   .tm_hour = h, .tm_min = mi, .tm_sec = sec };
	return 0;
}

/* ".ddddddddd" (1 to 9 digits) at s[*i], if there; nanoseconds. */
static int parse_fraction(const char *s, size_t len, size_t *i, long *nsec)
{
	size_t start;
	long scale = 100000000;

	*nsec = 0;
	if (*i >= len || s[*i] != '.')
		return 0;
	start = ++*i;
	for (; *i < len && s[*i] >= '0' && s[*i] <= '9'; ++*i, scale /= 10) {
		if (*i - start >= 9)
			return -EINVAL;
		*nsec += (s[*i] - '0') * scale;
	}
	return *i > start ? 0 : -EINVAL;
}

/* "Z" or "+hh:mm"/"-hh:mm" ending the string; seconds east of UTC. */
static int parse_zone(const char *s, size_t len, long *offset)
{
	int h, m;

	*offset = 0;
	if (len == 1 && (s[0] == 'Z' || s[0] == 'z'))
		return 0;
	if (len != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':')
		return -EINVAL;
	h = digits(s + 1, 2);
	m = digits(s + 4, 2);
	if (h < 0 || h > 23 || m < 0 || m > 59)
		return -EINVAL;
	*offset = (h * 3600L + m * 60L) * (s[0] == '-' ? -1 : 1);
	return 0;
}

int cri_parse_time(const char *s, size_t len, struct timespec *out)
{
	struct tm tm;
	size_t i = 19;
	long nsec, offset;
	time_t t;

	if (len < 20 || parse_date_time(s, &tm) < 0 ||
	    parse_fraction(s, len, &i, &nsec) < 0 || parse_zone(s + i, len - i, &offset) < 0)
		return -EINVAL;
	t = timegm(&tm);
	out->tv_sec = t - offset;
	out->tv_nsec = nsec;
	return 0;
}

/* The next space-terminated field of line[*pos..len); NULL when there is
 * no space left. */
static const char *field(const char *line, size_t len, size_t *pos, size_t *flen)
{
	const char *start = line + *pos;
	const char *sp = memchr(start, ' ', len - *pos);

	if (!sp)
		return NULL;
	*flen = (size_t)(sp - start);
	*pos += *flen + 1;
	return start;
}

static const char *parse_stream(const char *s, size_t len)
{
	if (len == 6 && !memcmp(s, "stdout", 6))
		return "stdout";
	if (len == 6 && !memcmp(s, "stderr", 6))
		return "stderr";
	return NULL;
}

int cri_parse_line(const char *line, size_t len, struct cri_line *out)
{
	const char *stream, *tags, *colon;
	size_t pos = 0, slen, tlen, first;

	if (len && line[len - 1] == '\n')
		len--;
	out->time = field(line, len, &pos, &out->time_len);
	if (!out->time || cri_parse_time(out->time, out->time_len, &out->ts) < 0)
		return -EINVAL;
	stream = field(line, len, &pos, &slen);
	if (!stream || !(out->stream = parse_stream(stream, slen)))
		return -EINVAL;
	/* The tag field is "P" or "F", possibly followed by ":more" tags a
	 * later format version may add. */
	tags = field(line, len, &pos, &tlen);
	if (!tags)
		return -EINVAL;
	colon = memchr(tags, ':', tlen);
	first = colon ? (size_t)(colon - tags) : tlen;
	if (first != 1 || (tags[0] != 'P' && tags[0] != 'F'))
		return -EINVAL;
	out->partial = tags[0] == 'P';
	out->msg = line + pos;
	out->msg_len = len - pos;
	return 0;
}

/* ---- rotating writer --------------------------------------------------- */

/* O_NOFOLLOW: a symlink planted in the directory fails (ELOOP) rather
 * than take root's writes elsewhere.  O_NONBLOCK: a FIFO there fails
 * (ENXIO) or is refused below instead of blocking the supervisor. */
static int open_live(const struct cri_logfile *lf, struct b_err *err)
{
	int fd = openat(lf->dirfd, lf->name,
			O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0640);
	struct stat st;

	if (fd < 0 && errno == ELOOP)
		return b_err_set(err, ELOOP, "log file %s is a symbolic link: refusing to follow it",
				 lf->path);
	if (fd < 0)
		return b_err_sys(err, errno, "opening log file %s", lf->path);
	if (fstat(fd, &st) < 0) {
		int e = errno;
		close(fd);
		return b_err_sys(err, e, "stat %s", lf->path);
	}
	/* A hard link would be another file's content under this name. */
	if (!S_ISREG(st.st_mode) || st.st_nlink != 1) {
		close(fd);
		return b_err_set(err, EPERM, "log file %s is not a regular file with a single link: "
				 "refusing to write to it", lf->path);
	}
	return fd;
}

int cri_logfile_openat(struct cri_logfile *lf, int dirfd, const char *dir, const char *name,
		       int64_t max_size, int max_files, struct b_err *err)
{
	struct stat st;
	int fd;

	*lf = (struct cri_logfile){ .fd = -1, .dirfd = -1, .max_size = max_size,
				    .max_files = max_files };
	/* Room for the ".N" suffixes of the rotated names. */
	if (strchr(name, '/') || strlen(name) + 12 >= sizeof(lf->name) ||
	    (size_t)snprintf(lf->path, sizeof(lf->path), "%s/%s", dir, name) + 12 >= sizeof(lf->path))
		return b_err_set(err, ENAMETOOLONG, "log file %s/%s: bad or too long a name", dir, name);
	strcpy(lf->name, name);
	lf->dirfd = fcntl(dirfd, F_DUPFD_CLOEXEC, 3);
	if (lf->dirfd < 0)
		return b_err_sys(err, errno, "log directory %s", dir);
	if ((fd = open_live(lf, err)) < 0 || fstat(fd, &st) < 0) {
		if (fd >= 0)
			close(fd);
		close(lf->dirfd);
		lf->dirfd = -1;
		return fd < 0 ? fd : b_err_sys(err, errno, "stat %s", lf->path);
	}
	lf->fd = fd;
	lf->size = st.st_size;
	return 0;
}

int cri_logfile_open(struct cri_logfile *lf, const char *path, int64_t max_size,
		     int max_files, struct b_err *err)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	_cleanup_close_ int dfd = -1;

	*lf = (struct cri_logfile){ .fd = -1, .dirfd = -1 };
	if (strlen(path) >= sizeof(dir))
		return b_err_set(err, ENAMETOOLONG, "log file %s: path too long", path);
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else
		snprintf(dir, sizeof(dir), "%.*s", slash == path ? 1 : (int)(slash - path), path);
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return b_err_sys(err, errno, "opening log file %s", path);
	return cri_logfile_openat(lf, dfd, dir, slash ? slash + 1 : path, max_size, max_files, err);
}

void cri_logfile_close(struct cri_logfile *lf)
{
	if (lf->fd >= 0) {
		close(lf->fd);
		close(lf->dirfd);
	}
	lf->fd = lf->dirfd = -1;
}

static void rotated_name(char *buf, size_t size, const char *name, int n)
{
	if (n == 0)
		snprintf(buf, size, "%s", name);
	else
		snprintf(buf, size, "%s.%d", name, n);
}

/* name.(n) -> name.(n+1) in the directory (rename replaces a symlink at
 * the target, never follows it); a missing source is not an error (fewer
 * files than max_files so far). */
static int shift(struct cri_logfile *lf, int n, struct b_err *err)
{
	/* lf->name leaves room for the suffix (cri_logfile_openat checks). */
	char from[NAME_MAX + 16], to[NAME_MAX + 16];
	size_t nl = strlen(lf->name);

	rotated_name(from, sizeof(from), lf->name, n);
	rotated_name(to, sizeof(to), lf->name, n + 1);
	if (renameat(lf->dirfd, from, lf->dirfd, to) < 0 && errno != ENOENT)
		return b_err_sys(err, errno, "rotating log file %s%s to %s%s", lf->path, from + nl,
				 lf->path, to + nl);
	return 0;
}

/* Shift every file one place towards the oldest (name.(max-1), which the
 * rename overwrites, is dropped) and switch to a fresh file.  Until the
 * fresh file is open the old fd stays in use: then a failure loses no
 * record, they only land in name.1. */
static int rotate(struct cri_logfile *lf, struct b_err *err)
{
	struct stat st;
	int fd, r;

	if (lf->max_files <= 1) {
		if (ftruncate(lf->fd, 0) < 0)
			return b_err_sys(err, errno, "truncating log file %s", lf->path);
		lf->size = 0;
		return 0;
	}
	for (int n = lf->max_files - 2; n >= 0; n--)
		if ((r = shift(lf, n, err)) < 0)
			return r;
	if ((fd = open_live(lf, err)) < 0)
		return b_err_prefix(err, "after rotation");
	close(lf->fd);
	lf->fd = fd;
	lf->size = fstat(fd, &st) == 0 ? st.st_size : 0;
	return 0;
}

static bool wants_rotation(const struct cri_logfile *lf, size_t len)
{
	return lf->max_size > 0 && lf->size > 0 && lf->size >= lf->retry_size &&
	       (uint64_t)lf->size + len > (uint64_t)lf->max_size;
}

int cri_logfile_write(struct cri_logfile *lf, const void *rec, size_t len, struct b_err *err)
{
	struct stat st;
	ssize_t n;
	int rr = 0;

	if (lf->fd < 0)
		return b_err_set(err, EBADF, "log file %s is not open", lf->path);
	if (wants_rotation(lf, len)) {
		rr = rotate(lf, err);
		lf->retry_size = rr < 0 ? lf->size + lf->max_size : 0;
	}
	n = b_write_all(lf->fd, rec, len);
	if (n < 0) {
		/* Part of the record may be in: take the size from the file. */
		if (fstat(lf->fd, &st) == 0)
			lf->size = st.st_size;
		return b_err_sys(err, (int)-n, "writing log file %s", lf->path);
	}
	lf->size += (int64_t)len;
	return rr;
}
