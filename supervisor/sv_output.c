/* A container's stdout and stderr: read from the pipes its init writes
 * to, cut into lines, and handed to the CRI log (sv_log_line). */
#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "supervisor/sv_internal.h"

void sv_stream_close(struct sv *s, struct sv_ctr *c, int which)
{
	struct sv_stream *st = &c->out[which];

	if (st->fd < 0)
		return;
	if (st->len)
		sv_log_line(s, c, which, st->buf, st->len, false);
	st->len = 0;
	epoll_ctl(s->ep, EPOLL_CTL_DEL, st->fd, NULL);
	close(st->fd);
	st->fd = -1;
}

/* Whole lines to the log; a line longer than the buffer goes out in
 * pieces marked partial, as the CRI format has it. */
static void cut_lines(struct sv *s, struct sv_ctr *c, int which)
{
	struct sv_stream *st = &c->out[which];
	size_t off = 0;
	char *nl;

	while ((nl = memchr(st->buf + off, '\n', st->len - off))) {
		sv_log_line(s, c, which, st->buf + off, (size_t)(nl - st->buf - off), false);
		off = (size_t)(nl - st->buf) + 1;
	}
	if (off == 0 && st->len == sizeof(st->buf)) {
		sv_log_line(s, c, which, st->buf, st->len, true);
		off = st->len;
	}
	memmove(st->buf, st->buf + off, st->len - off);
	st->len -= off;
}

bool sv_stream_read(struct sv *s, struct sv_ctr *c, int which)
{
	struct sv_stream *st = &c->out[which];

	for (;;) {
		ssize_t n = read(st->fd, st->buf + st->len, sizeof(st->buf) - st->len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno != EAGAIN;
		if (n == 0)
			return true;
		st->len += (size_t)n;
		cut_lines(s, c, which);
	}
}

void sv_streams_drain(struct sv *s, struct sv_ctr *c)
{
	for (int w = 0; w < 2; w++) {
		if (c->out[w].fd >= 0)
			sv_stream_read(s, c, w);
		sv_stream_close(s, c, w);
	}
}
