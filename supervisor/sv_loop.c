/* The event loop: one epoll set whose registrations carry sv_tag()s, one
 * signalfd, one timerfd re-armed for the earliest deadline; after each
 * batch of events the pod's state machine takes its steps. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "supervisor/sv_internal.h"

int sv_ep_add(struct sv *s, int fd, uint64_t tag, struct b_err *err)
{
	struct epoll_event e = { .events = EPOLLIN, .data.u64 = tag };

	if (epoll_ctl(s->ep, EPOLL_CTL_ADD, fd, &e) < 0)
		return b_err_sys(err, errno, "epoll_ctl");
	return 0;
}

void sv_pidfd_close(struct sv *s, struct sv_ctr *c)
{
	if (c->pidfd < 0)
		return;
	epoll_ctl(s->ep, EPOLL_CTL_DEL, c->pidfd, NULL);
	close(c->pidfd);
	c->pidfd = -1;
}

static void watchdog(struct sv *s, int64_t now)
{
	if (!s->watchdog_us || now < s->next_watchdog_ms)
		return;
	sv_notify("WATCHDOG=1");
	s->next_watchdog_ms = now + s->watchdog_us / 2000;
}

static void on_timer(struct sv *s)
{
	int64_t now = sv_now_ms();
	uint64_t ticks;

	(void)!read(s->tfd, &ticks, sizeof(ticks));
	watchdog(s, now);
	sv_probes_timer(s, now);
	sv_grace_check(s, now);
	sv_restarts_due(s, now);
	sv_psi_timer(s, now);
}

static void earliest(int64_t *next, int64_t t)
{
	if (t >= 0 && (*next < 0 || t < *next))
		*next = t;
}

/* The one timerfd, at the earliest of: a backoff ending, the grace
 * period ending, the systemd watchdog, a probe. */
static void schedule_check(struct sv *s)
{
	struct itimerspec its = { 0 };
	int64_t next = -1;

	for (size_t i = 0; i < s->n; i++)
		if (s->cs[i].st == CS_BACKOFF)
			earliest(&next, s->cs[i].restart_at_ms);
	if (sv_stopping(s) && !s->killed)
		earliest(&next, s->grace_deadline);
	if (s->watchdog_us)
		earliest(&next, s->next_watchdog_ms);
	earliest(&next, sv_probes_next(s));
	earliest(&next, sv_psi_next(s));
	if (next >= 0) {
		if (next < 1)
			next = 1;
		its.it_value.tv_sec = next / 1000;
		its.it_value.tv_nsec = (next % 1000) * 1000000;
	}
	timerfd_settime(s->tfd, TFD_TIMER_ABSTIME, &its, NULL);
}

static void on_signal(struct sv *s)
{
	struct signalfd_siginfo si;

	while (read(s->sfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGCHLD)
			sv_reap(s);
		else
			sv_begin_stop(s, true, si.ssi_signo == SIGINT ? "SIGINT" : "SIGTERM");
	}
	sv_reap(s);
}

/* systemd hears READY=1 once a run, when the whole pod is first ready
 * (after `pod restart`, it ends the unit's "reloading"). */
void sv_check_ready(struct sv *s)
{
	if (!s->ready_sent && sv_pod_ready(s)) {
		s->ready_sent = true;
		sv_notify("READY=1");
	}
}

static void on_pipe(struct sv *s, size_t idx, int which)
{
	struct sv_ctr *c = &s->cs[idx];

	if (c->out[which].fd >= 0 && sv_stream_read(s, c, which))
		sv_stream_close(s, c, which);
}

static void dispatch(struct sv *s, uint64_t tag, uint32_t revents)
{
	size_t idx = sv_tag_index(tag);

	switch (sv_tag_kind(tag)) {
	case EV_SIGNAL:
		on_signal(s);
		break;
	case EV_TIMER:
		on_timer(s);
		break;
	case EV_PIDFD:
		/* The exit itself is collected by sv_reap(); a pidfd of a
		 * process that is not (yet) our child must not keep firing. */
		sv_pidfd_close(s, &s->cs[idx]);
		sv_reap(s);
		break;
	case EV_PIPE:
		on_pipe(s, idx, sv_tag_which(tag));
		break;
	case EV_CTL:
		sv_ctl_accept(s);
		break;
	case EV_CONN:
		sv_ctl_read(s, idx);
		break;
	case EV_PROBE:
		sv_probe_io(s, idx, revents);
		break;
	case EV_NOTIFY:
		sv_relay_read(s, idx);
		break;
	case EV_PSI:
		sv_psi_io(s, idx, sv_tag_which(tag), revents);
		break;
	}
}

void sv_loop(struct sv *s)
{
	sv_progress(s);
	while (s->pst != PS_DONE) {
		struct epoll_event evs[16];
		int n;

		sv_check_ready(s);
		sv_notify_status(s);
		schedule_check(s);
		n = epoll_wait(s->ep, evs, 16, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			b_err_sys(&s->fatal, errno, "epoll_wait");
			s->failed = true;
			break;
		}
		s->wakeups++;
		for (int k = 0; k < n; k++)
			dispatch(s, evs[k].data.u64, evs[k].events);
		sv_progress(s);
	}
}
