/* create, start, run, kill, delete, pause, resume. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "cli.h"
#include "opts.h"
#include "run_notify_relay.h"
#include "common/signals.h"
#include "common/strutil.h"
#include "supervisor/supervisor.h"

struct create_args {
	struct rt_create_opts o;
	bool detach, keep;
	const char *id;
};

static int create_opt(struct cli_args *p, int key, struct create_args *a)
{
	switch (key) {
	case 'b': a->o.bundle = p->arg; break;
	case OPT_PID_FILE: a->o.pid_file = p->arg; break;
	case OPT_CONSOLE_SOCKET: a->o.console_socket = p->arg; break;
	case OPT_PRESERVE_FDS:
		if (b_parse_int(p->arg, &a->o.preserve_fds) < 0 || a->o.preserve_fds < 0)
			return p->rc = cli_usage(p->cli, p->c, "--preserve-fds: \"%s\" is not a count", p->arg);
		break;
	case OPT_NO_PIVOT: a->o.no_pivot = true; break;
	case OPT_NO_NEW_KEYRING: a->o.no_new_keyring = true; break;
	case 'd': a->detach = true; break;
	case OPT_KEEP: a->keep = true; break;
	}
	return 0;
}

/* create's options, and run's (create's and -d, --keep) */
static int parse_create(struct cli *cli, const struct command *c, int argc, char **argv,
			struct create_args *a, int *rc)
{
	CLI_ARGS p = { 0 };
	int k;

	rt_create_opts_init(&a->o);
	if (cli_args_init(&p, cli, c, argc, argv) < 0) {
		*rc = cli_errorf(cli, "out of memory");
		return -1;
	}
	while ((k = cli_next(&p)) > 0)
		if (create_opt(&p, k, a)) {
			*rc = p.rc;
			return -1;
		}
	if (k == CLI_EXIT || cli_want_pos(&p, 1, 1, "exactly one container ID")) {
		*rc = p.rc;
		return -1;
	}
	a->id = a->o.id = p.pos[0];
	return 0;
}

int cmd_create(struct cli *cli, const struct command *c, int argc, char **argv)
{
	struct create_args a = { 0 };
	int rc;
	struct rt_created out = { .pidfd = -1, .console_master = -1 };
	struct b_err err = { 0 };

	if (parse_create(cli, c, argc, argv, &a, &rc) < 0)
		return rc;
	if (sv_id_reserved(&cli->ctx, a.o.id, &err) < 0 || rt_create(&cli->ctx, &a.o, &out, &err) < 0)
		return cli_error(cli, &err);
	if (out.pidfd >= 0)
		close(out.pidfd);
	return 0;
}

/* A warning is printed; it never changes the exit code. */
static void warn_if(struct cli *cli, const struct b_err *warn)
{
	if (warn->code)
		cli_warn(cli, warn);
}

int cmd_start(struct cli *cli, const struct command *c, int argc, char **argv)
{
	struct b_err err = { 0 }, warn = { 0 };
	CLI_ARGS a = { 0 };

	if (cli_simple(&a, cli, c, argc, argv, 1, 1, "exactly one container ID"))
		return a.rc;
	if (rt_start(&cli->ctx, a.pos[0], &warn, &err) < 0)
		return cli_error(cli, &err);
	warn_if(cli, &warn);
	return 0;
}

int cmd_run(struct cli *cli, const struct command *c, int argc, char **argv)
{
	struct create_args a = { 0 };
	int rc;
	struct rt_created out = { .pidfd = -1, .console_master = -1 };
	struct b_err err = { 0 }, warn = { 0 };
	char notify_dir[PATH_MAX];
	int code, notify_fd = -1;

	if (parse_create(cli, c, argc, argv, &a, &rc) < 0)
		return rc;
	if (sv_id_reserved(&cli->ctx, a.o.id, &err) < 0)
		return cli_error(cli, &err);
	a.o.keep_parent = !a.detach;
	a.o.want_console = !a.detach;
	/* Under systemd (Type=notify) a foreground run relays the
	 * container's notifications; a detached one has nobody to relay. */
	if (!a.detach) {
		if (run_notify_relay_open(cli->ctx.root, a.id, notify_dir, sizeof(notify_dir),
					  &notify_fd, &err) < 0)
			return cli_error(cli, &err);
		if (notify_fd >= 0)
			a.o.notify_dir = notify_dir;
	}
	/* Orphans of a container without its own pid namespace come to us. */
	if (!a.detach)
		prctl(PR_SET_CHILD_SUBREAPER, 1);
	if (rt_create(&cli->ctx, &a.o, &out, &err) < 0) {
		run_notify_relay_close(notify_fd, notify_dir);
		return cli_error(cli, &err);
	}
	if (rt_start(&cli->ctx, a.id, &warn, &err) < 0) {
		struct b_err ignored = { 0 };
		rt_delete(&cli->ctx, a.id, true, NULL, &ignored);
		run_notify_relay_close(notify_fd, notify_dir);
		return cli_error(cli, &err);
	}
	warn_if(cli, &warn);
	if (a.detach)
		return 0;
	code = cli_wait_forward(out.pid, out.pidfd, true, out.console_master, notify_fd, true);
	run_notify_relay_close(notify_fd, notify_dir);
	if (out.console_master >= 0)
		close(out.console_master);
	if (out.pidfd >= 0)
		close(out.pidfd);
	if (!a.keep) {
		memset(&err, 0, sizeof(err));
		memset(&warn, 0, sizeof(warn));
		if (rt_delete(&cli->ctx, a.id, true, &warn, &err) < 0)
			cli_error(cli, &err);
		warn_if(cli, &warn);
	}
	return code;
}

int cmd_kill(struct cli *cli, const struct command *c, int argc, char **argv)
{
	struct b_err err = { 0 };
	CLI_ARGS a = { 0 };
	bool all = false;
	int k, sig = SIGTERM;

	if (cli_args_init(&a, cli, c, argc, argv) < 0)
		return cli_errorf(cli, "out of memory");
	while ((k = cli_next(&a)) > 0)
		all = all || k == 'a';
	if (k == CLI_EXIT || cli_want_pos(&a, 1, 2, "a container ID and an optional signal"))
		return a.rc;
	if (a.npos == 2 && (sig = b_signal_parse(a.pos[1])) < 0)
		return cli_usage(cli, c, "unknown signal \"%s\"", a.pos[1]);
	if (rt_kill(&cli->ctx, a.pos[0], sig, all, &err) < 0)
		return cli_error(cli, &err);
	return 0;
}

int cmd_delete(struct cli *cli, const struct command *c, int argc, char **argv)
{
	struct b_err err = { 0 }, warn = { 0 };
	CLI_ARGS a = { 0 };
	bool force = false;
	int k;

	if (cli_args_init(&a, cli, c, argc, argv) < 0)
		return cli_errorf(cli, "out of memory");
	while ((k = cli_next(&a)) > 0)
		force = force || k == 'f';
	if (k == CLI_EXIT || cli_want_pos(&a, 1, 1, "exactly one container ID"))
		return a.rc;
	if (rt_delete(&cli->ctx, a.pos[0], force, &warn, &err) < 0) {
		/* runc: deleting a missing container with --force succeeds. */
		if (force && err.code == ENOENT)
			return 0;
		return cli_error(cli, &err);
	}
	warn_if(cli, &warn);
	return 0;
}

static int one_id(struct cli *cli, const struct command *c, int argc, char **argv,
		  int (*fn)(const struct rt_ctx *, const char *, struct b_err *))
{
	struct b_err err = { 0 };
	CLI_ARGS a = { 0 };

	if (cli_simple(&a, cli, c, argc, argv, 1, 1, "exactly one container ID"))
		return a.rc;
	if (fn(&cli->ctx, a.pos[0], &err) < 0)
		return cli_error(cli, &err);
	return 0;
}

int cmd_pause(struct cli *cli, const struct command *c, int argc, char **argv)
{
	return one_id(cli, c, argc, argv, rt_pause);
}

int cmd_resume(struct cli *cli, const struct command *c, int argc, char **argv)
{
	return one_id(cli, c, argc, argv, rt_resume);
}
