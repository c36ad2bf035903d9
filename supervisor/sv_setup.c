/* Setting a pod up before its loop runs (state dir contents, cgroups,
 * logs, namespaces, seccomp, volumes, event fds) and tearing it all down
 * after: whatever setup made, teardown removes, also after a setup that
 * failed half way. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroups/cgroup.h"
#include "cgroups/resources.h"
#include "common/cleanup.h"
#include "common/fsutil.h"
#include "common/safedir.h"
#include "supervisor/sv_internal.h"

/* With `keep`, what `berth pod ps/inspect` shows of a pod that ended
 * (also during a restart, for a moment). */
static void write_final_status(struct sv *s)
{
	char path[PATH_MAX + 16];
	size_t len;
	_cleanup_free_ char *json = NULL;
	struct b_err e = { 0 };

	sv_wall_time(s->ended_at, sizeof(s->ended_at), false);
	json = sv_status_json(s, true, &len);

	snprintf(path, sizeof(path), "%s/status.json", s->dir);
	if (!json || b_write_atomic(path, json, len, 0600) < 0) {
		b_err_sys(&e, json ? errno : ENOMEM, "writing %s", path);
		sv_warn(s, &e);
	}
}

/* <state dir>/restarting: from the end of a run that `pod restart` ended
 * until the next run's control socket is up (sv_ctl_open removes it), so
 * that clients can tell that gap from a start or a stop. */
static void mark_restarting(struct sv *s)
{
	char path[PATH_MAX + 16];
	struct b_err e = { 0 };

	snprintf(path, sizeof(path), "%s/restarting", s->dir);
	if (b_write_atomic(path, "", 0, 0600) < 0) {
		b_err_sys(&e, errno, "writing %s", path);
		sv_warn(s, &e);
	}
}

static void teardown_ctr(struct sv *s, struct sv_ctr *c)
{
	struct b_err e = { 0 };

	if (sv_alive(c) && c->pid > 0) {
		rt_kill(s->ctx, c->id, SIGKILL, true, &e);
		while (waitpid(c->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	for (int w = 0; w < 2; w++)
		sv_stream_close(s, c, w);
	sv_pidfd_close(s, c);
	if (c->created)
		sv_ctr_delete(s, c);
	memset(&e, 0, sizeof(e));
	if (sv_overlay_remove(c->dir, &e) < 0)
		sv_warn(s, &e);
	cri_logfile_close(&c->log);
	sv_relay_close(c);
	sv_ctr_drop_config(c);
}

void sv_teardown(struct sv *s)
{
	struct b_err e = { 0 };
	int r;

	sv_ctl_close(s);
	for (size_t i = 0; i < s->n; i++)
		teardown_ctr(s, &s->cs[i]);
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	sv_volumes_remove(s->pod, s->dir);
	/* Before the namespace goes: a DEL without it leaks rules. */
	sv_net_teardown(s);
	if (s->pod_cg[0] && access(s->pod_cg, F_OK) == 0 && cg_destroy(s->pod_cg, &e) < 0)
		sv_warn(s, &e);
	sv_ns_close(&s->ns);
	/* A failed DEL keeps the state dir: `pod rm` retries from it.  A
	 * restart keeps it for the next run, which takes it over. */
	/* A pod that could not be set up leaves nothing, as bad input must;
	 * one that ran stays (keep), also when its next run failed. */
	if (((s->o->keep && (s->ran || s->continuing)) || s->net.del_failed ||
	     (s->restart_requested && !s->fatal.code)) && s->lock_fd >= 0) {
		/* Not after a failed DEL: network.json and the pin are
		 * what pod rm retries it from. */
		if (!s->net.del_failed && sv_prune_ended(s->ctx, s->pod->name, &e) < 0)
			sv_warn(s, &e);
		write_final_status(s);
		if (s->restart_requested && !s->fatal.code)
			mark_restarting(s);
		sv_simple_event(s, "stopped", NULL);
		cri_logfile_close(&s->events);
		sv_net_free(s);
		return;
	}
	sv_simple_event(s, "stopped", NULL);
	cri_logfile_close(&s->events);
	sv_net_free(s);
	/* b_rm_rf returns the error; errno is whatever its last call left. */
	if (s->lock_fd >= 0 && (r = b_rm_rf(s->dir)) < 0 && s->o->on_warn) {
		b_err_sys(&e, -r, "removing %s", s->dir);
		s->o->on_warn(s->o->ud, &e);
	}
}

/* memory.max for the pod: the sum of the containers' limits, when every
 * (non-init) container has one. */
static bool pod_memory_sum(const struct sv *s, struct oci_resources *res)
{
	bool all = s->n > 0;

	for (size_t i = 0; i < s->n; i++) {
		const struct pod_container *c = s->cs[i].c;
		if (c->init && !c->sidecar)
			continue;
		if (!c->resources.memory_limit.set)
			all = false;
		else
			res->memory_limit += c->resources.memory_limit.value;
	}
	return res->has_memory_limit = all;
}

/* A limit this host cannot enforce is an error before anything starts,
 * naming the container and the manifest's field. */
static int check_limits(const struct sv *s, const char *mount, struct b_err *err)
{
	size_t n_init = 0, n_main = 0;

	for (size_t i = 0; i < s->n; i++) {
		const struct pod_container *c = s->cs[i].c;
		size_t k = c->init ? n_init++ : n_main++;
		const struct { bool set; unsigned ctrl; const char *field; } need[] = {
			{ c->resources.memory_limit.set, CG_MEMORY, "limits.memory" },
			{ c->resources.cpu_limit.set, CG_CPU, "limits.cpu" },
			{ c->resources.cpu_request.set, CG_CPU, "requests.cpu" },
		};

		for (size_t j = 0; j < sizeof(need) / sizeof(need[0]); j++) {
			struct b_err e = { 0 };
			if (!need[j].set || cg_check_available(mount, 1u << need[j].ctrl, &e) == 0)
				continue;
			return b_err_set(err, ENOTSUP, "container %s: spec.%s[%zu].resources.%s needs the "
					 "cgroup v2 %s controller, which this host does not delegate (%s); "
					 "remove the limit, or run on a host with it (docs/pod-supervisor.md)",
					 c->name, c->init ? "initContainers" : "containers", k,
					 need[j].field, cg_ctrl_name(need[j].ctrl), e.msg);
		}
	}
	return 0;
}

/* The pod-level cgroup, the parent of the containers' cgroups: with a
 * memory limit on every container it holds their sum (memory.max).  It is
 * created here, before the containers, to be marked as the pod's, and
 * removed at the end. */
static int pod_cgroup(struct sv *s, struct b_err *err)
{
	struct cg_path cg;
	struct oci_resources res = { 0 };
	struct b_err e = { 0 };
	char rel[512];
	int fd = -1, r;
	bool all = pod_memory_sum(s, &res);

	snprintf(rel, sizeof(rel), "%s", s->cg_base);
	if (cg_resolve(rel, s->pod->name, false, &cg, err) < 0) {
		b_err_clear(err);
		return 0;   /* no cgroup2 here: the containers will say so */
	}
	if ((r = check_limits(s, cg.mount, err)) < 0)
		return r;
	/* Not another live pod's (same name, other --root): neither its
	 * limit nor its teardown is ours. */
	if ((r = sv_pod_cgroup_check_free(cg.abs, s->dir, err)) < 0)
		return r;
	snprintf(s->pod_cg, sizeof(s->pod_cg), "%s", cg.abs);
	if ((r = cg_create(&cg, &res, &fd, err)) < 0 ||
	    (all && (r = cg_apply_resources(&cg, &res, err)) < 0)) {
		if (fd >= 0)
			close(fd);
		return b_err_prefix(err, "pod cgroup %s", cg.rel);
	}
	close(fd);
	s->pod_mem_limited = all;
	/* Before any container runs in it: `pod rm` and crash recovery kill
	 * only a cgroup marked as this pod's (sv_trust.c). */
	if (sv_pod_cgroup_mark(cg.abs, s->dir, &e) < 0) {
		b_err_prefix(&e, "pod rm will not kill this pod's cgroup");
		sv_warn(s, &e);
	}
	return 0;
}

/* <state dir>/logs is the log directory, or a symlink to --log-dir.
 * Root appends container output there: the directory must be one only
 * root can change, and every file is opened relative to it without
 * following symlinks (sv_trust.c, crilog.c). */
static int setup_logs(struct sv *s, struct b_err *err)
{
	char path[PATH_MAX + 64], name[NAME_MAX + 1];
	int64_t max = s->o->log_max_size > 0 ? s->o->log_max_size : 10 << 20;
	int files = s->o->log_max_files > 0 ? s->o->log_max_files : 3;
	_cleanup_close_ int dfd = -1;
	int r;

	snprintf(path, sizeof(path), "%s/logs", s->dir);
	if (s->o->log_dir) {
		if ((r = b_mkdir_p(s->o->log_dir, 0755)) < 0)
			return b_err_sys(err, -r, "creating log directory %s", s->o->log_dir);
		dfd = sv_log_dir_open(s->o->log_dir, s->log_dir, sizeof(s->log_dir), err);
		if (dfd < 0)
			return dfd;
		if (symlink(s->log_dir, path) < 0)
			return b_err_sys(err, errno, "creating %s", path);
	} else {
		if ((size_t)snprintf(s->log_dir, sizeof(s->log_dir), "%s", path) >= sizeof(s->log_dir))
			return b_err_set(err, ENAMETOOLONG, "%s: path too long", path);
		/* After `pod restart` the logs and events go on in the same files. */
		if (mkdir(path, 0700) < 0 && !(errno == EEXIST && s->continuing))
			return b_err_sys(err, errno, "creating %s", path);
		if ((dfd = b_dir_open_owned(AT_FDCWD, path, NULL, true, "log directory", err)) < 0)
			return dfd;
	}
	for (size_t i = 0; i < s->n; i++) {
		snprintf(name, sizeof(name), "%s.log", s->cs[i].c->name);
		if ((r = cri_logfile_openat(&s->cs[i].log, dfd, s->log_dir, name, max, files, err)) < 0)
			return r;
	}
	return cri_logfile_openat(&s->events, dfd, s->log_dir, "events.jsonl", max, files, err);
}

/* A container with one of the pod's ids that the pod did not make (a
 * leftover of an earlier run of it is gone by now, sv_claim_dir): the pod
 * does not start, rather than delete or trip over someone's container. */
static int check_id_free(struct sv *s, const struct sv_ctr *c, struct b_err *err)
{
	struct oci_state *st = NULL;
	struct b_err e = { 0 };

	if (rt_state(s->ctx, c->id, &st, &e) < 0)
		return 0;
	oci_state_free(st);
	return b_err_set(err, EEXIST,
			 "container %s: the id %s is taken by a container that is not this pod's "
			 "(berth delete %s, or rename the pod)", c->c->name, c->id, c->id);
}

static int setup_ctrs(struct sv *s, struct b_err *err)
{
	int r;

	for (size_t i = 0; i < s->n; i++) {
		struct sv_ctr *c = &s->cs[i];
		struct cg_path cg;
		struct b_err ign = { 0 };
		char rel[sizeof(s->cg_base) + NAME_MAX + 2];

		if ((r = rt_validate_id(c->id, err)) < 0 || (r = check_id_free(s, c, err)) < 0)
			return r;
		if ((size_t)snprintf(c->dir, sizeof(c->dir), "%s/%s", s->dir, c->c->name) >= sizeof(c->dir))
			return b_err_set(err, ENAMETOOLONG, "%s: path too long", s->dir);
		snprintf(rel, sizeof(rel), "%s/%s", s->cg_base, c->c->name);
		if (cg_resolve(rel, c->id, false, &cg, &ign) == 0)
			snprintf(c->cg, sizeof(c->cg), "%s", cg.abs);
	}
	return 0;
}

/* Recorded first, so that whoever cleans up after a crash finds it. */
static int setup_cgroup_base(struct sv *s, struct b_err *err)
{
	char path[PATH_MAX + 16];
	int r;

	if ((r = sv_cgroup_base(s->o->cgroup_parent, s->pod->name, s->cg_base, sizeof(s->cg_base),
				err)) < 0)
		return r;
	snprintf(path, sizeof(path), "%s/cgroup", s->dir);
	if ((r = b_write_atomic(path, s->cg_base, strlen(s->cg_base), 0600)) < 0)
		return b_err_sys(err, -r, "writing %s", path);
	return 0;
}

static void setup_watchdog(struct sv *s)
{
	const char *usec = getenv("WATCHDOG_USEC"), *pid = getenv("WATCHDOG_PID");

	/* As sd_watchdog_enabled(): WATCHDOG_PID, when set, must be us. */
	if (!usec || (pid && atol(pid) != (long)getpid()))
		return;
	s->watchdog_us = atoll(usec);
	if (s->watchdog_us <= 0) {
		s->watchdog_us = 0;
		return;
	}
	s->next_watchdog_ms = sv_now_ms();
}

/* A local image (a root filesystem directory) that is not there fails the
 * pod before anything of it exists, as a missing image reference does. */
static int check_local_roots(const struct sv *s, struct b_err *err)
{
	for (size_t i = 0; i < s->n; i++) {
		const struct pod_container *c = s->cs[i].c;

		if (!c->rootfs || access(c->rootfs, X_OK) == 0)
			continue;
		return b_err_sys(err, errno, "container %s: image %s (%s): a local image is a root "
				 "filesystem directory, relative to the pod file; or name an image "
				 "reference (berth image load/pull, docs/images.md)",
				 c->name, c->image, c->rootfs);
	}
	return 0;
}

static int setup_events(struct sv *s, struct b_err *err)
{
	sigset_t set;
	int r;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGCHLD);
	s->sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	s->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	s->ep = epoll_create1(EPOLL_CLOEXEC);
	if (s->sfd < 0 || s->tfd < 0 || s->ep < 0)
		return b_err_sys(err, errno, "creating the supervisor's event fds");
	if ((r = sv_ep_add(s, s->sfd, sv_tag(EV_SIGNAL, 0, 0), err)) < 0 ||
	    (r = sv_ep_add(s, s->tfd, sv_tag(EV_TIMER, 0, 0), err)) < 0)
		return r;
	for (size_t i = 0; i < s->n; i++)
		if ((r = sv_relay_open(s, &s->cs[i], err)) < 0)
			return r;
	return sv_ctl_open(s, err);
}

int sv_setup(struct sv *s, struct b_err *err)
{
	int r;

	sv_wall_time(s->started_at, sizeof(s->started_at), false);
	if ((r = setup_cgroup_base(s, err)) < 0)
		return r;
	if ((r = setup_ctrs(s, err)) < 0 || (r = setup_logs(s, err)) < 0)
		return r;
	/* before anything of the pod exists: a missing image leaves nothing */
	if ((r = check_local_roots(s, err)) < 0 || (r = sv_images_setup(s, err)) < 0)
		return r;
	if ((r = pod_cgroup(s, err)) < 0)
		return r;
	if ((r = sv_ns_create(s->pod, &s->ns, err)) < 0 || (r = sv_net_setup(s, err)) < 0)
		return r;
	if ((r = sv_seccomp_setup(s, err)) < 0)
		return r;
	if ((r = sv_volumes_setup(s->pod, s->dir, err)) < 0)
		return r;
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		return b_err_sys(err, errno, "becoming the child subreaper");
	setup_watchdog(s);
	return setup_events(s, err);
}
