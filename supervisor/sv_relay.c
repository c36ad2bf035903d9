/* sd_notify from inside a container (berth.dev/sd-notify.<name>): the
 * container gets NOTIFY_SOCKET pointing at a socket the supervisor owns,
 * bind-mounted at SV_NOTIFY_DIR.  The supervisor passes on to its own
 * NOTIFY_SOCKET what common/notify_filter.h allows a pod's container
 * (STATUS=, WATCHDOG=1, RELOADING=1 with MONOTONIC_USEC=, ERRNO=,
 * BUSERROR=): the unit's stop, watchdog and timeouts are the
 * supervisor's.  READY=1 is not passed on but makes the container ready,
 * and systemd gets READY=1 when the whole pod is. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/fsutil.h"
#include "common/notify_filter.h"
#include "supervisor/sv_internal.h"

int sv_relay_open(struct sv *s, struct sv_ctr *c, struct b_err *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct epoll_event e = { .events = EPOLLIN };
	int r;

	if (!c->c->sd_notify)
		return 0;
	if ((size_t)snprintf(c->notify_dir, sizeof(c->notify_dir), "%s/notify/%s", s->dir,
			     c->c->name) >= sizeof(c->notify_dir) ||
	    (size_t)snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/notify.sock", c->notify_dir) >=
	    sizeof(sa.sun_path))
		return b_err_set(err, ENAMETOOLONG, "container %s: notify socket path too long",
				 c->c->name);
	if ((r = b_mkdir_p(c->notify_dir, 0755)) < 0)
		return b_err_sys(err, -r, "creating %s", c->notify_dir);
	/* The state dir is 0700; the bind mount is the container's only way in. */
	chmod(c->notify_dir, 0755);
	c->notify_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (c->notify_fd < 0)
		return b_err_sys(err, errno, "notify socket");
	if (bind(c->notify_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    chmod(sa.sun_path, 0666) < 0)
		return b_err_sys(err, errno, "container %s: binding %s", c->c->name, sa.sun_path);
	e.data.u64 = ((uint64_t)EV_NOTIFY << 32) | ((uint64_t)(c - s->cs) << 1);
	if (epoll_ctl(s->ep, EPOLL_CTL_ADD, c->notify_fd, &e) < 0)
		return b_err_sys(err, errno, "epoll_ctl");
	return 0;
}

static void handle_msg(struct sv *s, struct sv_ctr *c, const char *msg, size_t len)
{
	char out[4096];
	bool ready;

	b_notify_filter(B_NOTIFY_POD, msg, len, out, sizeof(out), &ready);
	if (ready && !c->notify_ready) {
		c->notify_ready = true;
		sv_simple_event(s, "notify-ready", c);
		/* Before what the container sent with it. */
		sv_check_ready(s);
	}
	if (out[0])
		sv_notify(out);
}

void sv_relay_read(struct sv *s, size_t idx)
{
	struct sv_ctr *c;
	char buf[4096];

	if (idx >= s->n || (c = &s->cs[idx])->notify_fd < 0)
		return;
	for (;;) {
		ssize_t n = recv(c->notify_fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return;
		/* As systemd: an overlong datagram is dropped, not cut. */
		if (n == 0 || (size_t)n > sizeof(buf))
			continue;
		/* Only from a process of this container's current run. */
		if (c->st == CS_RUNNING)
			handle_msg(s, c, buf, (size_t)n);
	}
}

void sv_relay_close(struct sv_ctr *c)
{
	if (c->notify_fd >= 0)
		close(c->notify_fd);
	c->notify_fd = -1;
}
