/* The control socket <state dir>/control.sock: `berth pod ps/inspect/stop`
 * talk to the supervisor here.  One request line per connection
 * ("status", "inspect", "metrics", "stop [SECONDS]", "restart [SECONDS]"), one reply: "ok\n" and the
 * payload, or "error MESSAGE\n".  Only root (or the supervisor's own uid)
 * is served: the socket is 0600 in a 0700 directory, and SO_PEERCRED is
 * checked as well, so a mode changed by hand does not open it up. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fsutil.h"
#include "supervisor/sv_internal.h"

int sv_ctl_open(struct sv *s, struct b_err *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct epoll_event e = { .events = EPOLLIN, .data.u64 = sv_tag(EV_CTL, 0, 0) };
	char path[PATH_MAX + 16];

	for (size_t i = 0; i < SV_MAX_CONNS; i++)
		s->conns[i].fd = -1;
	snprintf(path, sizeof(path), "%s/control.sock", s->dir);
	if (strlen(path) >= sizeof(sa.sun_path))
		return b_err_set(err, ENAMETOOLONG, "control socket path %s is too long", path);
	strcpy(sa.sun_path, path);
	s->ctl_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s->ctl_fd < 0)
		return b_err_sys(err, errno, "creating the control socket");
	unlink(path);
	if (bind(s->ctl_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    chmod(path, 0600) < 0 || listen(s->ctl_fd, SV_MAX_CONNS) < 0)
		return b_err_sys(err, errno, "control socket %s", path);
	if (epoll_ctl(s->ep, EPOLL_CTL_ADD, s->ctl_fd, &e) < 0)
		return b_err_sys(err, errno, "epoll_ctl");
	/* the next run after a restart is up (sv_setup.c) */
	snprintf(path, sizeof(path), "%s/restarting", s->dir);
	if (s->continuing && unlink(path) < 0 && errno != ENOENT)
		return b_err_sys(err, errno, "removing %s", path);
	return 0;
}

static void conn_close(struct sv *s, size_t idx)
{
	struct sv_conn *c = &s->conns[idx];

	if (c->fd < 0)
		return;
	epoll_ctl(s->ep, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	c->fd = -1;
	c->len = 0;
}

void sv_ctl_close(struct sv *s)
{
	char path[PATH_MAX + 16];

	for (size_t i = 0; i < SV_MAX_CONNS; i++)
		conn_close(s, i);
	if (s->ctl_fd < 0)
		return;
	close(s->ctl_fd);
	s->ctl_fd = -1;
	snprintf(path, sizeof(path), "%s/control.sock", s->dir);
	unlink(path);
}

static bool peer_allowed(int fd)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) < 0)
		return false;
	return cr.uid == 0 || cr.uid == geteuid();
}

/* Replies are small (a status is a few KiB per container) and the client
 * reads at once; a client that does not read gets cut off after a second
 * rather than stalling the supervisor. */
static void reply(int fd, const char *head, const char *body, size_t len)
{
	struct timeval tv = { .tv_sec = 1 };
	int fl = fcntl(fd, F_GETFL);

	if (fl >= 0)
		fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (b_write_all(fd, head, strlen(head)) < 0)
		return;
	if (body && len)
		(void)b_write_all(fd, body, len);
}

void sv_ctl_accept(struct sv *s)
{
	for (;;) {
		int fd = accept4(s->ctl_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		struct epoll_event e = { .events = EPOLLIN };
		size_t i;

		if (fd < 0)
			return;
		if (!peer_allowed(fd)) {
			reply(fd, "error permission denied: only root may control a pod\n", NULL, 0);
			close(fd);
			continue;
		}
		for (i = 0; i < SV_MAX_CONNS && s->conns[i].fd >= 0; i++)
			;
		if (i == SV_MAX_CONNS) {
			reply(fd, "error busy: too many control connections\n", NULL, 0);
			close(fd);
			continue;
		}
		e.data.u64 = sv_tag(EV_CONN, i, 0);
		if (epoll_ctl(s->ep, EPOLL_CTL_ADD, fd, &e) < 0) {
			close(fd);
			continue;
		}
		s->conns[i].fd = fd;
		s->conns[i].len = 0;
	}
}

static void do_status(struct sv *s, int fd, bool pretty)
{
	size_t len;
	_cleanup_free_ char *json = sv_status_json(s, pretty, &len);

	if (!json) {
		reply(fd, "error out of memory\n", NULL, 0);
		return;
	}
	json[len] = '\n';
	reply(fd, "ok\n", json, len + 1);
}

/* "stop" and "restart": the same graceful stop; a restart then runs the
 * pod again (sv_result.restart).  A stop already under way is not turned
 * into a restart: the stop was asked for first. */
static void do_stop(struct sv *s, int fd, const char *arg, bool restart)
{
	char *end;
	long secs = -1;

	if (*arg) {
		secs = strtol(arg, &end, 10);
		if (*end || secs < 0) {
			reply(fd, "error stop: the grace period must be a number of seconds\n", NULL, 0);
			return;
		}
	}
	if (restart && sv_stopping(s) && !s->restart_requested) {
		reply(fd, "error the pod is stopping\n", NULL, 0);
		return;
	}
	if (!restart)
		sv_cancel_restart(s);   /* a stop wins over a restart */
	if (!sv_stopping(s)) {
		s->by_request = true;
		s->restart_requested = restart;
		sv_begin_stop(s, false, restart ? "restart requested" : "stop requested");
	}
	/* As kubectl's --grace-period: replaces the pod's, longer or
	 * shorter, counted from now. */
	if (secs >= 0 && !s->killed)
		s->grace_deadline = sv_now_ms() + secs * 1000;
	reply(fd, "ok\n", NULL, 0);
}

static void do_metrics(struct sv *s, int fd)
{
	size_t len;
	_cleanup_free_ char *text = sv_metrics_text(s, &len);

	if (!text)
		reply(fd, "error out of memory\n", NULL, 0);
	else
		reply(fd, "ok\n", text, len);
}

static void handle(struct sv *s, int fd, char *line)
{
	if (!strcmp(line, "status"))
		do_status(s, fd, false);
	else if (!strcmp(line, "inspect"))
		do_status(s, fd, true);
	else if (!strcmp(line, "metrics"))
		do_metrics(s, fd);
	else if (!strcmp(line, "stop"))
		do_stop(s, fd, "", false);
	else if (!strncmp(line, "stop ", 5))
		do_stop(s, fd, line + 5, false);
	else if (!strcmp(line, "restart"))
		do_stop(s, fd, "", true);
	else if (!strncmp(line, "restart ", 8))
		do_stop(s, fd, line + 8, true);
	else
		reply(fd, "error unknown request\n", NULL, 0);
}

void sv_ctl_read(struct sv *s, size_t idx)
{
	struct sv_conn *c = &s->conns[idx];
	ssize_t n;
	char *nl;

	if (idx >= SV_MAX_CONNS || c->fd < 0)
		return;
	n = read(c->fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		conn_close(s, idx);
		return;
	}
	c->len += (size_t)n;
	c->buf[c->len] = '\0';
	nl = strchr(c->buf, '\n');
	if (!nl) {
		if (c->len == sizeof(c->buf) - 1) {
			reply(c->fd, "error request too long\n", NULL, 0);
			conn_close(s, idx);
		}
		return;
	}
	*nl = '\0';
	handle(s, c->fd, c->buf);
	conn_close(s, idx);
}
