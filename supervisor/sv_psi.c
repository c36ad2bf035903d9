/* Pressure warnings: a PSI trigger on each running container's
 * cpu/memory/io.pressure (the kernel's trigger interface: write
 * "some <stall us> <window us>", then poll for POLLPRI), so the supervisor
 * hears of memory pressure while the container is still alive, before any
 * OOM kill, without polling.  An episode starts with the first trigger
 * event ("pressure" event, STATUS=, `pod ps`) and ends when
 * SV_PSI_CLEAR_MS pass without one ("pressure-cleared").  With oom-policy
 * grow, a memory trigger event (the stall passed its threshold over a
 * whole window: sustained, not a blip) while the container is within a
 * tenth of its limit raises the limit at once, as an OOM kill would, but
 * without the kill; at most once per SV_PSI_CLEAR_MS. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "cgroups/cgroup.h"
#include "cgroups/psi.h"
#include "common/cleanup.h"
#include "common/fsutil.h"
#include "supervisor/sv_internal.h"

/* pod_pressure_res and cg_psi_res name the files in the same order. */
_Static_assert((int)POD_PRESSURE_CPU == (int)CG_PSI_CPU && (int)POD_PRESSURE_MEMORY == (int)CG_PSI_MEMORY &&
	       (int)POD_PRESSURE_IO == (int)CG_PSI_IO, "pressure resources out of step");

static void no_psi(struct sv *s, const char *path)
{
	struct b_err e = { 0 };

	if (s->psi_warned)
		return;
	s->psi_warned = true;
	b_err_set(&e, ENOENT, "no pressure warnings: %s is missing (a kernel without PSI, "
		  "or booted with psi=0)", path);
	sv_warn(s, &e);
}

static void refused(struct sv *s, const struct sv_ctr *c, int r, const struct pod_pressure *p,
		    int err)
{
	struct b_err e = { 0 };

	if (err == EINVAL && p->window_us % 2000000)
		b_err_set(&e, EINVAL, "container %s: the kernel refused the %s pressure trigger: "
			  "without CAP_SYS_RESOURCE its window must be a multiple of 2s (it is %lldms; "
			  "see berth.dev/pressure)", c->c->name, pod_pressure_res_name(r),
			  (long long)(p->window_us / 1000));
	else
		b_err_sys(&e, err, "container %s: arming the %s pressure trigger (berth.dev/pressure: "
			  "off silences this)", c->c->name, pod_pressure_res_name(r));
	sv_warn(s, &e);
}

static int arm_one(struct sv *s, struct sv_ctr *c, int r)
{
	const struct pod_pressure *p = &c->c->pressure[r];
	struct epoll_event ev = { .events = EPOLLPRI };
	char path[1100], trig[64];
	int fd, n;

	snprintf(path, sizeof(path), "%s/%s.pressure", c->cg, pod_pressure_res_name(r));
	fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		if (errno == ENOENT && access("/proc/pressure/memory", F_OK) < 0)
			no_psi(s, path);
		else
			refused(s, c, r, p, errno);
		return -1;
	}
	n = snprintf(trig, sizeof(trig), "some %lld %lld", (long long)p->stall_us,
		     (long long)p->window_us);
	if (write(fd, trig, (size_t)n + 1) < 0) {
		refused(s, c, r, p, errno);
		close(fd);
		return -1;
	}
	/* An event of the fd a restart closed may still sit in the loop's
	 * batch when the new one is armed: the parity tells them apart. */
	ev.data.u64 = sv_tag(EV_PSI, (size_t)(c - s->cs) * POD_PRESSURE_N + (size_t)r,
			     (int)(++c->psi[r].arms & 1));
	if (epoll_ctl(s->ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
		refused(s, c, r, p, errno);
		close(fd);
		return -1;
	}
	return fd;
}

void sv_psi_arm(struct sv *s, struct sv_ctr *c)
{
	if (!c->cg[0])
		return;
	for (int r = 0; r < POD_PRESSURE_N; r++)
		if (!c->c->pressure[r].off && c->psi[r].fd < 0)
			c->psi[r].fd = arm_one(s, c, r);
}

static void cleared(struct sv *s, struct sv_ctr *c, int r)
{
	struct sv_ev e = { .type = "pressure-cleared", .c = c, .backoff_ms = -1,
			   .resource = pod_pressure_res_name(r), .avg10 = c->psi[r].avg10,
			   .usage = -1, .limit = -1 };

	c->psi[r].high = false;
	c->psi[r].episode_events = 0;
	sv_event(s, &e);
}

void sv_psi_disarm(struct sv *s, struct sv_ctr *c)
{
	for (int r = 0; r < POD_PRESSURE_N; r++) {
		if (c->psi[r].fd >= 0) {
			epoll_ctl(s->ep, EPOLL_CTL_DEL, c->psi[r].fd, NULL);
			close(c->psi[r].fd);
			c->psi[r].fd = -1;
		}
		/* The run is over: so is its episode. */
		if (c->psi[r].high)
			cleared(s, c, r);
	}
}

static int64_t read_i64(const char *dir, const char *file)
{
	char path[1100];
	_cleanup_free_ char *buf = NULL;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (b_read_file(path, 64, &buf, NULL) < 0 || !strncmp(buf, "max", 3))
		return -1;
	return strtoll(buf, NULL, 10);
}

/* oom-policy grow, before the kill: the new limit goes to the running
 * container's cgroup and the pod's, and stays for later runs. */
static void grow_live(struct sv *s, struct sv_ctr *c, int64_t usage)
{
	int64_t next = sv_policy_grown_limit(&s->pod->oom_grow, c->mem_limit);
	struct oci_resources res = { .has_memory_limit = true, .memory_limit = next };
	struct sv_ev e = { .type = "memory-grown", .c = c, .backoff_ms = -1,
			   .message = "memory pressure near the limit" };
	struct cg_path cg;
	struct b_err err = { 0 };

	if (!next || c->mem_limit <= 0 || usage < c->mem_limit - c->mem_limit / 10)
		return;
	/* Raise the pod's ceiling first: a child's limit above it means nothing. */
	e.from = c->mem_limit;
	e.to = c->mem_limit = next;
	sv_pod_memory_update(s);
	c->psi_grown_ms = sv_now_ms();   /* tried: not again for a while, either way */
	if (cg_path_from_abs(c->cg, &cg, &err) < 0 || cg_apply_resources(&cg, &res, &err) < 0) {
		b_err_prefix(&err, "raising the memory limit of container %s", c->c->name);
		sv_warn(s, &err);
		c->mem_limit = e.from;      /* what the cgroup still has */
		sv_pod_memory_update(s);
		return;
	}
	sv_event(s, &e);
}

static void pressure(struct sv *s, struct sv_ctr *c, int r)
{
	struct sv_psi *p = &c->psi[r];
	struct sv_ev e = { .type = "pressure", .c = c, .backoff_ms = -1,
			   .resource = pod_pressure_res_name(r), .usage = -1, .limit = -1 };
	struct cg_psi psi;
	char buf[256];
	ssize_t n = pread(p->fd, buf, sizeof(buf) - 1, 0);

	if (n >= 0) {
		buf[n] = '\0';
		if (cg_psi_parse(buf, &psi) == 0)
			p->avg10 = psi.some.avg10;
	}
	p->events++;
	p->episode_events++;
	p->last_ms = sv_now_ms();
	if (r == POD_PRESSURE_MEMORY) {
		e.usage = read_i64(c->cg, "memory.current");
		e.limit = c->mem_limit;
	}
	e.avg10 = p->avg10;
	if (!p->high) {
		p->high = true;
		sv_event(s, &e);
	}
	if (r == POD_PRESSURE_MEMORY && c->c->oom_policy == POD_OOM_GROW &&
	    (!c->psi_grown_ms || p->last_ms - c->psi_grown_ms >= SV_PSI_CLEAR_MS) && e.usage >= 0)
		grow_live(s, c, e.usage);
}

void sv_psi_io(struct sv *s, size_t idx, int parity, uint32_t revents)
{
	size_t ci = idx / POD_PRESSURE_N;
	int r = (int)(idx % POD_PRESSURE_N);
	struct sv_ctr *c;

	if (ci >= s->n || s->cs[ci].psi[r].fd < 0 || (int)(s->cs[ci].psi[r].arms & 1) != parity)
		return;
	c = &s->cs[ci];
	if (revents & (EPOLLERR | EPOLLHUP)) {
		/* The cgroup went away under the trigger: the run is ending. */
		epoll_ctl(s->ep, EPOLL_CTL_DEL, c->psi[r].fd, NULL);
		close(c->psi[r].fd);
		c->psi[r].fd = -1;
		return;
	}
	if (revents & EPOLLPRI)
		pressure(s, c, r);
}

/* When a high episode ends without another trigger event: two windows
 * after the last (the kernel fires at most once a window, so steady
 * pressure with a long window must not look like episodes ending), and
 * never sooner than SV_PSI_CLEAR_MS. */
static int64_t clear_due(const struct sv_ctr *c, int r)
{
	int64_t win2 = c->c->pressure[r].window_us / 500;   /* two windows, ms */

	return c->psi[r].last_ms + (win2 > SV_PSI_CLEAR_MS ? win2 : SV_PSI_CLEAR_MS);
}

int64_t sv_psi_next(const struct sv *s)
{
	int64_t next = -1;

	for (size_t i = 0; i < s->n; i++)
		for (int r = 0; r < POD_PRESSURE_N; r++) {
			int64_t due = clear_due(&s->cs[i], r);

			if (s->cs[i].psi[r].high && (next < 0 || due < next))
				next = due;
		}
	return next;
}

void sv_psi_timer(struct sv *s, int64_t now)
{
	for (size_t i = 0; i < s->n; i++)
		for (int r = 0; r < POD_PRESSURE_N; r++)
			if (s->cs[i].psi[r].high && now >= clear_due(&s->cs[i], r))
				cleared(s, &s->cs[i], r);
}
