/* berth pod restart NAME... [-t SECONDS] [--timeout SECONDS]: the pod's
 * own supervisor stops it gracefully and runs it again (sv_control.c,
 * cmd_pod.c's supervise loop); here, the request and the wait until the
 * next run is up (its berth.run is higher and its main containers have
 * started: what `pod run -d` waits for). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "opts.h"
#include "pod_cmds.h"
#include "specs/pod_status.h"
#include "supervisor/supervisor.h"

struct restart_opts {
	long grace;              /* -t; -1: the pod's terminationGracePeriodSeconds */
	long timeout;            /* --timeout; -1: as long as its supervisor lives */
};

/* The running pod's status; ESRCH when its supervisor is gone. */
static int status_now(struct cli *cli, const char *name, struct pod_status_view **v,
		      struct b_err *err)
{
	_cleanup_free_ char *doc = NULL;
	size_t len;
	int r = sv_pod_request_timeout(&cli->ctx, name, "status", 5000, &doc, &len, err);

	return r < 0 ? r : pod_status_parse(name, doc, len, v, err);
}

/* Why a pod that is not running cannot be restarted. */
static int not_running(struct cli *cli, const char *name, int st, struct b_err *err)
{
	_cleanup_free_ char *json = NULL;
	struct b_err ign = { 0 };
	size_t len;

	if (st == SV_POD_ABSENT)
		return b_err_set(err, ENOENT, "pod %s not found", name);
	if (sv_pod_final_status(&cli->ctx, name, &json, &len, &ign) == 0)
		return b_err_set(err, EINVAL, "pod %s has ended: `berth pod run --replace FILE` "
				 "runs it again (pod restart restarts a running pod)", name);
	return b_err_set(err, ESRCH, "pod %s: its supervisor is gone (it was killed); "
			 "`berth pod rm %s` cleans up", name, name);
}

/* The supervisor ended (it holds the pod's lock across runs): did a run
 * after `run` come (and end already), or did the next not start? */
static int ended(struct cli *cli, const char *name, int64_t run, struct b_err *err)
{
	_cleanup_free_ char *doc = NULL;
	struct pod_status_view *v = NULL;
	size_t len;
	int later = 0;

	if (sv_pod_final_status(&cli->ctx, name, &doc, &len, err) == 0 &&
	    pod_status_parse(name, doc, len, &v, err) == 0) {
		later = v->run > run;
		pod_status_free(v);
	}
	b_err_clear(err);
	if (later)
		return 1;
	return b_err_set(err, ESRCH, "pod %s: it stopped during the restart and did not run again "
			 "(`berth pod events %s` says why when it can)", name, name);
}

/* 1 once a run after `run` is up, 0 while it is not yet. */
static int next_run_up(struct cli *cli, const char *name, int64_t run, struct b_err *err)
{
	struct pod_status_view *v = NULL;
	int st = sv_pod_probe(&cli->ctx, name, err), up;

	if (st < 0)
		return st;
	if (st != SV_POD_RUNNING)
		return ended(cli, name, run, err);
	if (status_now(cli, name, &v, err) < 0) {
		b_err_clear(err);   /* between two runs: no control socket */
		return 0;
	}
	up = v->run > run && strcmp(v->phase, "Pending") != 0;
	pod_status_free(v);
	return up;
}

static int restart_one(struct cli *cli, const char *name, const struct restart_opts *o,
		       struct b_err *err)
{
	struct pod_status_view *v = NULL;
	_cleanup_free_ char *reply = NULL;
	char req[40];
	size_t len;
	int64_t run, waited_ms = 0;
	int st = sv_pod_probe(&cli->ctx, name, err), r;

	if (st < 0)
		return st;
	if (st != SV_POD_RUNNING)
		return not_running(cli, name, st, err);
	if ((r = status_now(cli, name, &v, err)) < 0)
		return r;
	run = v->run;
	pod_status_free(v);
	snprintf(req, sizeof(req), o->grace >= 0 ? "restart %ld" : "restart", o->grace);
	if ((r = sv_pod_request(&cli->ctx, name, req, &reply, &len, err)) < 0)
		return r;
	while ((r = next_run_up(cli, name, run, err)) == 0) {
		if (o->timeout >= 0 && waited_ms >= o->timeout * 1000)
			return b_err_set(err, ETIMEDOUT, "pod %s: not up again after %lds "
					 "(`berth pod ps %s` shows where it is)", name, o->timeout, name);
		usleep(100 * 1000);
		waited_ms += 100;
	}
	return r < 0 ? r : 0;
}

static int parse_secs(struct cli_args *a, const char *what, long *out)
{
	char *end;

	*out = strtol(a->arg, &end, 10);
	if (*end || end == a->arg || *out < 0)
		return cli_usage(a->cli, a->c, "%s: expected a number of seconds", what);
	return 0;
}

int pod_restart_main(struct cli *cli, const struct command *c, int argc, char **argv)
{
	struct restart_opts o = { .grace = -1, .timeout = -1 };
	CLI_ARGS a = { 0 };
	int k, r, rc = 0;

	if (cli_args_init(&a, cli, c, argc, argv) < 0)
		return cli_errorf(cli, "out of memory");
	while ((k = cli_next(&a)) > 0)
		if (k == 't' && (r = parse_secs(&a, "--time", &o.grace)))
			return r;
		else if (k == OPT_POD_TIMEOUT && (r = parse_secs(&a, "--timeout", &o.timeout)))
			return r;
	if (k == CLI_EXIT || cli_want_pos(&a, 1, -1, "one or more pod names"))
		return a.rc;
	for (int i = 0; i < a.npos; i++) {
		struct b_err err = { 0 };

		if (restart_one(cli, a.pos[i], &o, &err) < 0)
			rc = cli_error(cli, &err);
		else
			printf("%s\n", a.pos[i]);
	}
	return rc;
}
