/* sv_pod_run(): a pod from start to end.  The pieces, by state
 * (docs/design/supervisor.md):
 *   sv_claim.c     the state directory and its lock, recovery
 *   sv_setup.c     setup before the loop, teardown after it
 *   sv_loop.c      the event loop and its fd tags
 *   sv_progress.c  the pod's state machine
 *   sv_start.c     WAITING/BACKOFF -> STARTING -> RUNNING
 *   sv_exit.c      RUNNING/TERMINATING -> EXITED -> BACKOFF/DONE
 *   sv_stop.c      RUNNING -> TERMINATING, the pod's stop and grace period
 *   sv_state.c     every state change
 *   sv_policy.c    the decisions, as pure functions */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "common/fsutil.h"

#include "supervisor/sv_internal.h"

static int init_ctrs(struct sv *s)
{
	const struct pod_spec *pod = s->pod;

	s->n_init = pod->n_init_containers;
	s->n = pod->n_init_containers + pod->n_containers;
	s->cs = calloc(s->n ? s->n : 1, sizeof(*s->cs));
	if (!s->cs)
		return -ENOMEM;
	for (size_t i = 0; i < s->n; i++) {
		struct sv_ctr *c = &s->cs[i];
		c->c = i < s->n_init ? &pod->init_containers[i] : &pod->containers[i - s->n_init];
		snprintf(c->id, sizeof(c->id), "%s_%s", pod->name, c->c->name);
		c->pidfd = c->log.fd = c->notify_fd = c->img.pin = -1;
		c->out[0].fd = c->out[1].fd = -1;
		for (int r = 0; r < POD_PRESSURE_N; r++)
			c->psi[r].fd = -1;
		c->mem_limit = pod_memory_limit(c->c);
		if (sv_probes_init(s, c) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* The status a shell would show for a container's last run: its exit
 * code, 128+N when signal N killed it, 1 when it never ran. */
static int shell_status(const struct sv_ctr *c)
{
	if (!c->last.set)
		return 1;
	if (c->last.signal)
		return 128 + c->last.signal;
	return c->last.code ? c->last.code : 1;
}

static void result(const struct sv *s, struct sv_result *res)
{
	res->stopped_by_signal = s->by_signal || s->by_request;
	res->all_succeeded = !s->failed;
	res->exit_code = 0;
	for (size_t i = 0; i < s->n; i++)
		if (!s->cs[i].c->sidecar && (!s->cs[i].exited || !s->cs[i].succeeded)) {
			if (res->all_succeeded || !res->exit_code)
				res->exit_code = shell_status(&s->cs[i]);
			res->all_succeeded = false;
		}
	if (!res->all_succeeded && !res->exit_code)
		res->exit_code = 1;
}

/* What one run hands the next after `pod restart`. */
struct sv_carry {
	bool continuing;
	int lock_fd;             /* the state dir's lock, still held; -1: none */
	unsigned run;
};

static void started_events(struct sv *s, bool recovered, const struct b_err *err)
{
	struct sv_ev ev = { .backoff_ms = -1 };

	/* After `pod restart` the events go on: say why there is no next run
	 * (when the events file is open by then). */
	if (err && s->continuing) {
		ev.type = "restart-failed";
		ev.message = err->msg;
		sv_event(s, &ev);
	}
	if (err)
		return;
	sv_simple_event(s, "pod-started", NULL);
	if (recovered && !s->continuing) {
		ev.type = "recovered";
		ev.message = "removed what an earlier run of this pod left";
		sv_event(s, &ev);
	}
}

static void close_fds(struct sv *s, struct sv_carry *carry)
{
	if (s->ep >= 0)
		close(s->ep);
	if (s->sfd >= 0)
		close(s->sfd);
	if (s->tfd >= 0)
		close(s->tfd);
	carry->lock_fd = -1;
	if (s->lock_fd >= 0 && s->restart_requested && !s->fatal.code)
		carry->lock_fd = s->lock_fd;   /* held into the next run */
	else if (s->lock_fd >= 0)
		close(s->lock_fd);
}

/* One run of the pod, from claiming its state directory to teardown;
 * *restart when `pod restart` ended it (carry then holds the lock). */
static int run_once(const struct rt_ctx *ctx, const struct pod_spec *pod,
		    const struct sv_opts *opts, struct sv_carry *carry, bool *restart,
		    struct sv_result *res, struct b_err *err)
{
	struct sv s = {
		.ctx = ctx, .pod = pod, .o = opts,
		.ns = { -1, -1, -1 }, .ep = -1, .sfd = -1, .tfd = -1, .lock_fd = -1, .ctl_fd = -1,
		.events = { .fd = -1 }, .store = { .dir = -1, .lock_fd = -1 },
		.continuing = carry->continuing, .held_lock = carry->lock_fd, .run = carry->run,
	};
	bool recovered = false;
	int r = init_ctrs(&s) < 0 ? b_err_set(err, ENOMEM, "out of memory") : 0;

	if (r < 0 && s.continuing)
		close(s.held_lock);
	if (r == 0)
		r = sv_claim_dir(&s, &recovered, err);
	if (r == 0)
		r = sv_setup(&s, err);
	started_events(&s, recovered, r < 0 ? err : NULL);
	if (r == 0) {
		s.ran = true;
		sv_loop(&s);
	}
	if (s.lock_fd >= 0)
		sv_teardown(&s);
	close_fds(&s, carry);
	if (r == 0 && s.fatal.code) {
		*err = s.fatal;
		r = -s.fatal.code;
	}
	if (r == 0)
		result(&s, res);
	*restart = r == 0 && carry->lock_fd >= 0;
	for (size_t i = 0; i < s.n; i++)
		sv_probes_free(&s.cs[i]);
	sv_seccomp_free(&s);
	sv_images_free(&s);
	free(s.cs);
	return r;
}

/* SIGTERM or SIGINT between two runs (they stay blocked): taken, so the
 * pod stops for good instead of running again. */
static bool stop_between_runs(void)
{
	sigset_t stop;
	struct timespec now = { 0, 0 };

	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	return sigtimedwait(&stop, NULL, &now) > 0;
}

/* The run before kept the state directory for the next one, which will
 * not come: as it would have ended (kept, or removed with --rm). */
static void end_after_restart(const struct rt_ctx *ctx, const struct pod_spec *pod,
			      const struct sv_opts *opts, struct sv_carry *carry)
{
	char dir[PATH_MAX];
	struct b_err e = { 0 };
	int r;

	snprintf(dir, sizeof(dir), "%s/pods/%s", ctx->root, pod->name);
	if (!opts->keep && (r = b_rm_rf(dir)) < 0 && opts->on_warn) {
		b_err_sys(&e, -r, "removing %s", dir);
		opts->on_warn(opts->ud, &e);
	}
	close(carry->lock_fd);
	carry->lock_fd = -1;
}

int sv_pod_run(const struct rt_ctx *ctx, const struct pod_spec *pod,
	       const struct sv_opts *opts, struct sv_result *res, struct b_err *err)
{
	struct sv_carry carry = { .lock_fd = -1, .run = 1 };
	sigset_t set, old;
	bool restart;
	int r;

	*res = (struct sv_result){ 0 };
	/* Blocked before anything is started, so no signal is lost (also
	 * between runs); the container inits reset their mask. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, &old);
	while ((r = run_once(ctx, pod, opts, &carry, &restart, res, err)) == 0 && restart) {
		if (stop_between_runs()) {
			end_after_restart(ctx, pod, opts, &carry);
			res->stopped_by_signal = true;
			break;
		}
		/* The unit is reloading with its watchdog armed: the next run's
		 * setup (a pull, CNI) starts the interval afresh. */
		sv_notify("WATCHDOG=1");
		carry.continuing = true;
		carry.run++;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return r;
}
