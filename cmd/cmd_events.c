/* events: runc's stream of JSON events (stats every interval, "oom" when
 * the kernel OOM-kills inside the container) and `--stats` for one shot.
 * OOM kills are noticed through inotify on memory.events, not by polling. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "cgroups/stats.h"
#include "cli.h"
#include "opts.h"
#include "common/cleanup.h"
#include "common/fsutil.h"
#include "common/strutil.h"
#include "runtime/syscalls.h"
#include "specs/jsonw.h"

static void stats_json(struct jw *w, const struct cg_stats *s)
{
	/* Limits of "max" are reported as the largest uint64, as runc does. */
	jw_obj_open(w);
	jw_key(w, "cpu");
	jw_obj_open(w);
	jw_key(w, "usage");
	jw_obj_open(w);
	jw_kuint(w, "total", s->cpu_usage_usec * 1000);
	jw_kuint(w, "kernel", s->cpu_system_usec * 1000);
	jw_kuint(w, "user", s->cpu_user_usec * 1000);
	jw_obj_close(w);
	jw_key(w, "throttling");
	jw_obj_open(w);
	jw_kuint(w, "periods", s->nr_periods);
	jw_kuint(w, "throttledPeriods", s->nr_throttled);
	jw_kuint(w, "throttledTime", s->throttled_usec * 1000);
	jw_obj_close(w);
	jw_obj_close(w);
	if (s->has_memory) {
		jw_key(w, "memory");
		jw_obj_open(w);
		jw_key(w, "usage");
		jw_obj_open(w);
		jw_kuint(w, "usage", s->mem_current);
		jw_kuint(w, "max", s->mem_peak);
		jw_kuint(w, "limit", s->mem_max);
		jw_kuint(w, "failcnt", s->mem_events_max);
		jw_obj_close(w);
		jw_key(w, "swap");
		jw_obj_open(w);
		jw_kuint(w, "usage", s->swap_current);
		jw_kuint(w, "limit", s->swap_max);
		jw_obj_close(w);
		jw_key(w, "raw");
		jw_obj_open(w);
		for (size_t i = 0; i < s->n_mem_stat; i++)
			jw_kuint(w, s->mem_stat[i].key, s->mem_stat[i].value);
		jw_obj_close(w);
		jw_kuint(w, "oomKills", s->mem_events_oom_kill);
		jw_obj_close(w);
	}
	if (s->has_pids) {
		jw_key(w, "pids");
		jw_obj_open(w);
		jw_kuint(w, "current", s->pids_current);
		jw_kuint(w, "limit", s->pids_max == CG_MAX ? 0 : s->pids_max);
		jw_obj_close(w);
	}
	jw_key(w, "blkio");
	jw_obj_open(w);
	jw_key(w, "ioServiceBytesRecursive");
	jw_arr_open(w);
	for (size_t i = 0; i < s->n_io; i++) {
		const char *ops[] = { "Read", "Write" };
		uint64_t v[] = { s->io[i].rbytes, s->io[i].wbytes };
		for (int k = 0; k < 2; k++) {
			jw_obj_open(w);
			jw_kuint(w, "major", s->io[i].major);
			jw_kuint(w, "minor", s->io[i].minor);
			jw_kstr(w, "op", ops[k]);
			jw_kuint(w, "value", v[k]);
			jw_obj_close(w);
		}
	}
	jw_arr_close(w);
	jw_obj_close(w);
	jw_key(w, "hugetlb");
	jw_obj_open(w);
	for (size_t i = 0; i < s->n_hugetlb; i++) {
		jw_key(w, s->hugetlb[i].size);
		jw_obj_open(w);
		jw_kuint(w, "usage", s->hugetlb[i].current);
		jw_kuint(w, "max", s->hugetlb[i].max);
		jw_kuint(w, "failcnt", s->hugetlb[i].failcnt);
		jw_obj_close(w);
	}
	jw_obj_close(w);
	jw_obj_close(w);
}

static int print_event(const char *type, const char *id, const struct cg_stats *s)
{
	struct jw *w = jw_new(false);
	char *out;

	jw_obj_open(w);
	jw_kstr(w, "type", type);
	jw_kstr(w, "id", id);
	if (s) {
		jw_key(w, "data");
		stats_json(w, s);
	}
	jw_obj_close(w);
	out = jw_finish(w, NULL);
	jw_free(w);
	if (!out)
		return -1;
	printf("%s\n", out);
	fflush(stdout);
	free(out);
	return 0;
}

static int parse_interval(const char *s, int *ms)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || v <= 0)
		return -1;
	if (!strcmp(end, "ms"))
		*ms = (int)v;
	else if (!strcmp(end, "s") || !*end)
		*ms = (int)(v * 1000);
	else if (!strcmp(end, "m"))
		*ms = (int)(v * 60000);
	else
		return -1;
	return *ms > 0 ? 0 : -1;
}

static int stream(struct cli *cli, const char *id, int interval_ms)
{
	struct oci_state *st = NULL;
	struct b_err err = { 0 };
	struct cg_stats s;
	char path[1200];
	_cleanup_close_ int ifd = -1, tfd = -1, pidfd = -1;
	uint64_t oom_seen;
	struct itimerspec its = { 0 };

	if (rt_state(&cli->ctx, id, &st, &err) < 0)
		return cli_error(cli, &err);
	if (!st->cgroup_path || !*st->cgroup_path || !strcmp(st->status, "stopped")) {
		oci_state_free(st);
		return cli_errorf(cli, "events: container \"%s\" is not running", id);
	}
	snprintf(path, sizeof(path), "%s/memory.events", st->cgroup_path);
	ifd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (ifd >= 0 && inotify_add_watch(ifd, path, IN_MODIFY) < 0) {
		close(ifd);
		ifd = -1; /* no memory controller: no OOM events */
	}
	pidfd = b_pidfd_open(st->pid, 0);
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	its.it_value.tv_sec = its.it_interval.tv_sec = interval_ms / 1000;
	its.it_value.tv_nsec = its.it_interval.tv_nsec = (long)(interval_ms % 1000) * 1000000;
	timerfd_settime(tfd, 0, &its, NULL);
	oom_seen = cg_stats_read(st->cgroup_path, &s, &err) == 0 ? s.mem_events_oom_kill : 0;
	for (;;) {
		struct pollfd p[3] = { { tfd, POLLIN, 0 }, { ifd, POLLIN, 0 }, { pidfd, POLLIN, 0 } };
		char buf[4096];
		uint64_t ticks;

		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[1].revents & POLLIN) {
			while (read(ifd, buf, sizeof(buf)) > 0)
				;
			if (cg_stats_read(st->cgroup_path, &s, &err) == 0 && s.mem_events_oom_kill > oom_seen) {
				oom_seen = s.mem_events_oom_kill;
				print_event("oom", id, NULL);
			}
		}
		if (p[0].revents & POLLIN) {
			if (read(tfd, &ticks, sizeof(ticks)) < 0) {
				/* spurious */
			}
			if (cg_stats_read(st->cgroup_path, &s, &err) == 0)
				print_event("stats", id, &s);
		}
		if (p[2].revents & POLLIN)
			break; /* the container's init exited */
	}
	oci_state_free(st);
	return 0;
}

int cmd_events(struct cli *cli, const struct command *c, int argc, char **argv)
{
	struct b_err err = { 0 };
	struct cg_stats s;
	CLI_ARGS a = { 0 };
	bool once = false;
	int k, interval_ms = 5000;

	if (cli_args_init(&a, cli, c, argc, argv) < 0)
		return cli_errorf(cli, "out of memory");
	while ((k = cli_next(&a)) > 0)
		if (k == OPT_STATS)
			once = true;
		else if (k == OPT_INTERVAL && parse_interval(a.arg, &interval_ms) < 0)
			return cli_usage(cli, c, "--interval: \"%s\" is not a duration (5s, 500ms)", a.arg);
	if (k == CLI_EXIT || cli_want_pos(&a, 1, 1, "exactly one container ID"))
		return a.rc;
	if (!once)
		return stream(cli, a.pos[0], interval_ms);
	if (rt_stats(&cli->ctx, a.pos[0], &s, &err) < 0)
		return cli_error(cli, &err);
	return print_event("stats", a.pos[0], &s) < 0 ? cli_errorf(cli, "events: JSON failed") : 0;
}
