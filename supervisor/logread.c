/* A pod log as a stream of records across its rotated files (logread.h). */
#include "supervisor/logread.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/strutil.h"
#include "supervisor/crilog.h"

#define READ_CHUNK 65536

/* ---- buffers ----------------------------------------------------------- */

int logbuf_reserve(struct logbuf *b, size_t extra)
{
	size_t cap = b->cap ? b->cap : 256;
	char *p;

	if (b->len + extra + 1 <= b->cap)
		return 0;
	while (cap < b->len + extra + 1)
		cap *= 2;
	if (!(p = realloc(b->p, cap)))
		return -ENOMEM;
	b->p = p;
	b->cap = cap;
	return 0;
}

int logbuf_add(struct logbuf *b, const void *data, size_t len)
{
	if (logbuf_reserve(b, len) < 0)
		return -ENOMEM;
	if (len)
		memcpy(b->p + b->len, data, len);
	b->len += len;
	b->p[b->len] = '\0';
	return 0;
}

void logbuf_free(struct logbuf *b)
{
	free(b->p);
	*b = (struct logbuf){ 0 };
}

/* ---- opening ----------------------------------------------------------- */

static int push_fd(struct logsrc *s, int fd)
{
	int *v = realloc(s->fds, (s->nfds + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	s->fds = v;
	s->fds[s->nfds++] = fd;
	return 0;
}

/* N when `entry` is "<name>.N" with N >= 1, else 0. */
static int rotation_number(const char *entry, const char *name)
{
	size_t len = strlen(name);
	int n;

	if (strncmp(entry, name, len) || entry[len] != '.' || !entry[len + 1] ||
	    !strchr("123456789", entry[len + 1]) || b_parse_int(entry + len + 1, &n) < 0)
		return 0;
	return n;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

static int add_num(int **v, size_t *n, int num)
{
	int *nv = realloc(*v, (*n + 1) * sizeof(**v));

	if (!nv)
		return -ENOMEM;
	*v = nv;
	(*v)[(*n)++] = num;
	return 0;
}

/* The rotation numbers present in dirfd for name, ascending.  The scan
 * goes through a dup of dirfd: a DIR owns and closes its fd. */
static int list_rotated(int dirfd, const char *name, int **out, size_t *n)
{
	_cleanup_free_ int *v = NULL;
	int fd = fcntl(dirfd, F_DUPFD_CLOEXEC, 3), r = 0;
	struct dirent *de;
	DIR *d;

	*n = 0;
	if (fd < 0)
		return -errno;
	if (!(d = fdopendir(fd))) {
		r = -errno;
		close(fd);
		return r;
	}
	rewinddir(d); /* the dup shares its offset with dirfd */
	while (r == 0 && (de = readdir(d))) {
		int num = rotation_number(de->d_name, name);

		if (num > 0)
			r = add_num(&v, n, num);
	}
	closedir(d);
	if (r < 0)
		return r;
	if (*n)
		qsort(v, *n, sizeof(*v), cmp_int);
	*out = b_steal_ptr(v);
	return 0;
}

/* Open `name` in the log directory; -1 with errno ENOENT when it is not
 * there. */
static int open_log(const struct logsrc *s, const char *name, struct stat *st)
{
	int fd = openat(s->dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd >= 0 && fstat(fd, st) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* Whether st is one of the files still open here.  Only open ones count:
 * the inode number of a file closed and deleted may already belong to a
 * new one. */
static bool open_file(const struct logsrc *s, const struct stat *st)
{
	struct stat o;

	for (size_t i = s->cur; i < s->nfds; i++)
		if (fstat(s->fds[i], &o) == 0 && same_file(&o, st))
			return true;
	return false;
}

static void reverse_fds(struct logsrc *s, size_t from)
{
	for (size_t i = from, j = s->nfds; i + 1 < j; i++, j--) {
		int t = s->fds[i];
		s->fds[i] = s->fds[j - 1];
		s->fds[j - 1] = t;
	}
}

/* Take the rotated file `name` unless it is the live one or already
 * queued: 1 when it was already open (so everything older was read), 0
 * otherwise. */
static int queue_one(struct logsrc *s, const char *name, const struct stat *live, struct b_err *err)
{
	struct stat st;
	int fd = open_log(s, name, &st);

	if (fd < 0 && errno == ENOENT)
		return 0; /* rotated on meanwhile: found under its next number */
	if (fd < 0)
		return b_err_sys(err, errno, "opening %.*s%s", (int)s->name_off, s->path, name);
	if (live && same_file(&st, live)) {
		close(fd);
		return 0;
	}
	if (open_file(s, &st)) {
		close(fd);
		return 1;
	}
	if (push_fd(s, fd) < 0) {
		close(fd);
		return b_err_sys(err, ENOMEM, "%s", s->path);
	}
	return 0;
}

/* Queue the rotated files not read yet, oldest first.  They are opened
 * name.1, name.2, ... (newest first) right after `live` was, so that a
 * rotation meanwhile shows up as a file already open (skipped) rather
 * than as a gap.  With `stop_at_open` (when following) the first file
 * already open ends the scan: everything older has been read. */
static int queue_rotated(struct logsrc *s, const struct stat *live, bool stop_at_open,
			 struct b_err *err)
{
	_cleanup_free_ int *nums = NULL;
	const char *name = s->path + s->name_off;
	size_t n, first = s->nfds;
	int r;

	if ((r = list_rotated(s->dirfd, name, &nums, &n)) < 0)
		return b_err_sys(err, -r, "reading %.*s", (int)s->name_off - 1, s->path);
	for (size_t i = 0; i < n; i++) {
		char rot[NAME_MAX + 16];

		snprintf(rot, sizeof(rot), "%s.%d", name, nums[i]);
		if ((r = queue_one(s, rot, live, err)) < 0)
			return r;
		if (r && stop_at_open)
			break;
	}
	reverse_fds(s, first);
	return 0;
}

/* Make fd (the file now at the live name) the live file, after the
 * rotated files not read yet. */
static int queue_live(struct logsrc *s, int fd, const struct stat *st, bool following,
		      struct b_err *err)
{
	int r;

	if ((r = queue_rotated(s, st, following, err)) < 0)
		return r;
	if (push_fd(s, fd) < 0)
		return b_err_sys(err, ENOMEM, "%s", s->path);
	s->have_live = true;
	s->dev = st->st_dev;
	s->ino = st->st_ino;
	return 0;
}

int logsrc_openat(struct logsrc *s, int dirfd, const char *dir, const char *name, const char *label,
		  bool cri, struct b_err *err)
{
	int live, r;
	struct stat st;

	*s = (struct logsrc){ .cri = cri, .dirfd = -1 };
	if (strlen(name) > NAME_MAX || strchr(name, '/') ||
	    (size_t)snprintf(s->path, sizeof(s->path) - 16, "%s/%s", dir, name) >=
		    sizeof(s->path) - 16)
		return b_err_set(err, ENAMETOOLONG, "%s/%s: path too long", dir, name);
	s->name_off = strlen(dir) + 1;
	if (label && !(s->label = strdup(label)))
		return b_err_sys(err, ENOMEM, "%s", s->path);
	if ((s->dirfd = fcntl(dirfd, F_DUPFD_CLOEXEC, 3)) < 0)
		return b_err_sys(err, errno, "%s", dir);
	if ((live = open_log(s, name, &st)) < 0) {
		if (errno != ENOENT)
			return b_err_sys(err, errno, "opening %s", s->path);
		return queue_rotated(s, NULL, false, err);
	}
	if ((r = queue_live(s, live, &st, false, err)) < 0)
		close(live);
	return r;
}

int logsrc_open(struct logsrc *s, const char *dir, const char *name, const char *label, bool cri,
		struct b_err *err)
{
	_cleanup_close_ int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (dirfd < 0) {
		*s = (struct logsrc){ .dirfd = -1 };
		return b_err_sys(err, errno, "opening %s", dir);
	}
	return logsrc_openat(s, dirfd, dir, name, label, cri, err);
}

int logsrc_refresh(struct logsrc *s, struct b_err *err)
{
	const char *name = s->path + s->name_off;
	struct stat st, cur;
	int fd, r;

	if (fstatat(s->dirfd, name, &st, 0) < 0 ||
	    (s->have_live && st.st_dev == s->dev && st.st_ino == s->ino))
		return 0; /* gone (mid-rotation, or the pod's removal) or unchanged */
	if ((fd = open_log(s, name, &st)) < 0)
		return errno == ENOENT ? 0 : b_err_sys(err, errno, "opening %s", s->path);
	cur = (struct stat){ .st_dev = s->dev, .st_ino = s->ino };
	if (s->have_live && same_file(&st, &cur)) {
		close(fd);
		return 0;
	}
	/* Rotated more than once since the last look: the files in between
	 * come first. */
	if ((r = queue_live(s, fd, &st, true, err)) < 0) {
		close(fd);
		return r;
	}
	return 1;
}

void logsrc_free(struct logsrc *s)
{
	for (size_t i = s->cur; i < s->nfds; i++)
		close(s->fds[i]);
	free(s->fds);
	free(s->label);
	if (s->dirfd >= 0)
		close(s->dirfd);
	logbuf_free(&s->in);
	for (int i = 0; i < 2; i++)
		logbuf_free(&s->part[i].msg);
	logbuf_free(&s->head.msg);
	*s = (struct logsrc){ .dirfd = -1 };
}

/* ---- records ----------------------------------------------------------- */

static int set_rec(struct log_rec *r, const char *ts, size_t ts_len, const struct timespec *time,
		   const char *msg, size_t len)
{
	if (ts_len >= sizeof(r->ts))
		ts_len = sizeof(r->ts) - 1;
	memcpy(r->ts, ts, ts_len);
	r->ts[ts_len] = '\0';
	r->time = *time;
	r->msg.len = 0;
	return logbuf_add(&r->msg, msg, len);
}

/* A CRI record: P pieces wait (per stream: stdout and stderr lines do not
 * continue each other) until their F record completes the line.  A
 * malformed line is skipped, as the kubelet does. */
static int take_cri(struct logsrc *s, const char *line, size_t len)
{
	struct cri_line l;
	struct log_rec *p;
	int i, r;

	if (cri_parse_line(line, len, &l) < 0)
		return 0;
	i = !strcmp(l.stream, "stderr");
	p = &s->part[i];
	if (!s->has_part[i]) {
		if ((r = set_rec(p, l.time, l.time_len, &l.ts, "", 0)) < 0)
			return r;
		s->has_part[i] = true;
	}
	if ((r = logbuf_add(&p->msg, l.msg, l.msg_len)) < 0 || l.partial)
		return r;
	if ((r = set_rec(&s->head, p->ts, strlen(p->ts), &p->time, p->msg.p, p->msg.len)) < 0)
		return r;
	s->has_part[i] = false;
	s->has_head = true;
	return 0;
}

static int take_line(struct logsrc *s, const char *line, size_t len)
{
	static const struct timespec zero;
	int r;

	if (s->cri)
		return take_cri(s, line, len);
	if ((r = set_rec(&s->head, "", 0, &zero, line, len)) < 0)
		return r;
	s->has_head = true;
	return 0;
}

/* ---- reading ----------------------------------------------------------- */

/* The next newline-terminated line buffered, without its newline. */
static bool next_line(struct logsrc *s, const char **line, size_t *len)
{
	char *start, *nl;

	if (s->in_off >= s->in.len)
		return false;
	start = s->in.p + s->in_off;
	if (!(nl = memchr(start, '\n', s->in.len - s->in_off)))
		return false;
	*line = start;
	*len = (size_t)(nl - start);
	s->in_off += *len + 1;
	return true;
}

static void drop_buffered(struct logsrc *s)
{
	s->in.len = 0;
	s->in_off = 0;
}

/* Read more of the current file: 1 when something came, 0 at its end. */
static int fill(struct logsrc *s, struct b_err *err)
{
	ssize_t n;

	if (s->in_off) {
		memmove(s->in.p, s->in.p + s->in_off, s->in.len - s->in_off);
		s->in.len -= s->in_off;
		s->in_off = 0;
	}
	if (logbuf_reserve(&s->in, READ_CHUNK) < 0)
		return b_err_sys(err, ENOMEM, "reading %s", s->path);
	do
		n = read(s->fds[s->cur], s->in.p + s->in.len, s->in.cap - s->in.len - 1);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return b_err_sys(err, errno, "reading %s", s->path);
	s->in.len += (size_t)n;
	s->off += n;
	return n > 0;
}

/* An unterminated rest, at the end of a file nothing more is written to,
 * is a line of its own: records never continue across files. */
static int take_rest(struct logsrc *s)
{
	int r = 0;

	if (s->in_off < s->in.len)
		r = take_line(s, s->in.p + s->in_off, s->in.len - s->in_off);
	drop_buffered(s);
	return r;
}

static int next_file(struct logsrc *s)
{
	int r = take_rest(s);

	close(s->fds[s->cur++]);
	s->off = 0;
	return r;
}

/* The live file shrank below what was read (truncated in place, the
 * max_files 1 rotation): start it over. */
static bool truncated(struct logsrc *s)
{
	struct stat st;
	int fd = s->fds[s->cur];

	if (fstat(fd, &st) < 0 || st.st_size >= s->off || lseek(fd, 0, SEEK_SET) < 0)
		return false;
	s->off = 0;
	drop_buffered(s);
	return true;
}

/* At the very end: the unterminated rest, then unfinished P lines. */
static int take_final(struct logsrc *s)
{
	int r;

	if ((r = take_rest(s)) < 0 || s->has_head)
		return r;
	for (int i = 0; i < 2; i++) {
		if (!s->has_part[i])
			continue;
		s->has_part[i] = false;
		r = set_rec(&s->head, s->part[i].ts, strlen(s->part[i].ts), &s->part[i].time,
			    s->part[i].msg.p, s->part[i].msg.len);
		s->has_head = r == 0;
		return r;
	}
	return 0;
}

/* One step towards a record: 1 to go on, 0 when nothing more is there. */
static int step(struct logsrc *s, bool final, struct b_err *err)
{
	const char *line;
	size_t len;
	int r;

	bool at_end = false;

	if (next_line(s, &line, &len))
		r = take_line(s, line, len);
	else if (s->cur >= s->nfds)
		at_end = true;
	else if ((r = fill(s, err)) != 0)
		return r;
	else if (s->cur + 1 < s->nfds)
		r = next_file(s);
	else if (truncated(s))
		return 1;
	else
		at_end = true;
	if (at_end)
		r = final ? take_final(s) : 0;
	if (r < 0)
		return b_err_sys(err, -r, "reading %s", s->path);
	return at_end ? 0 : 1;
}

int logsrc_peek(struct logsrc *s, bool final, struct b_err *err)
{
	while (!s->has_head) {
		int r = step(s, final, err);

		if (r < 0)
			return r;
		if (r == 0)
			break;
	}
	return s->has_head;
}

void logsrc_pop(struct logsrc *s)
{
	s->has_head = false;
}
