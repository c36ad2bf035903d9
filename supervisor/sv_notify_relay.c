/* sd_notify from inside a container (berth.dev/sd-notify.<name>): the
 * container gets NOTIFY_SOCKET pointing at a socket the supervisor owns
 * (common/notify_inbox.h), bind-mounted at SV_NOTIFY_DIR.  The supervisor
 * passes on to its own NOTIFY_SOCKET what common/notify_filter.h allows a
 * pod's container (STATUS=, WATCHDOG=1, RELOADING=1 with MONOTONIC_USEC=,
 * ERRNO=, BUSERROR=): the unit's stop, watchdog and timeouts are the
 * supervisor's.  READY=1 is not passed on but makes the container ready,
 * and systemd gets READY=1 when the whole pod is. */
#include <errno.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "common/notify_filter.h"
#include "common/notify_inbox.h"
#include "supervisor/sv_internal.h"

int sv_relay_open(struct sv *s, struct sv_ctr *c, struct b_err *err)
{
	struct epoll_event e = { .events = EPOLLIN };

	if (!c->c->sd_notify)
		return 0;
	if ((size_t)snprintf(c->notify_dir, sizeof(c->notify_dir), "%s/notify/%s", s->dir,
			     c->c->name) >= sizeof(c->notify_dir))
		return b_err_set(err, ENAMETOOLONG, "container %s: notify socket path too long",
				 c->c->name);
	if ((c->notify_fd = b_notify_inbox_open(c->notify_dir, err)) < 0) {
		c->notify_fd = -1;
		return b_err_prefix(err, "container %s", c->c->name);
	}
	e.data.u64 = sv_tag(EV_NOTIFY, (size_t)(c - s->cs), 0);
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
	ssize_t n;

	if (idx >= s->n || (c = &s->cs[idx])->notify_fd < 0)
		return;
	while ((n = b_notify_inbox_recv(c->notify_fd, buf, sizeof(buf))) > 0)
		/* Only from a process of this container's current run. */
		if (c->st == CS_RUNNING)
			handle_msg(s, c, buf, (size_t)n);
}

void sv_relay_close(struct sv_ctr *c)
{
	if (c->notify_fd >= 0)
		close(c->notify_fd);
	c->notify_fd = -1;
}
