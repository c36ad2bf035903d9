/* create, start, run, kill, delete, pause, resume. */
#include <errno.h>
#include <limits.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "cli.h"
#include "run_notify_relay.h"
#include "common/signals.h"
#include "common/strutil.h"
#include "supervisor/supervisor.h"

enum {
	OPT_BUNDLE = 'b', OPT_DETACH = 'd',
	OPT_PIDFILE = 300, OPT_CONSOLE, OPT_PRESERVE, OPT_NOPIVOT, OPT_NOKEYRING, OPT_KEEP,
	OPT_NOSUBREAPER,
};

static const struct option create_opts[] = {
	{ "bundle", required_argument, NULL, OPT_BUNDLE },
	{ "pid-file", required_argument, NULL, OPT_PIDFILE },
	{ "console-socket", required_argument, NULL, OPT_CONSOLE },
	{ "preserve-fds", required_argument, NULL, OPT_PRESERVE },
	{ "no-pivot", no_argument, NULL, OPT_NOPIVOT },
	{ "no-new-keyring", no_argument, NULL, OPT_NOKEYRING },
	{ "detach", no_argument, NULL, OPT_DETACH },
	{ "keep", no_argument, NULL, OPT_KEEP },
	{ "no-subreaper", no_argument, NULL, OPT_NOSUBREAPER },
	{ 0 },
};

struct create_args {
	struct rt_create_opts o;
	bool detach, keep;
	const char *id;
};

static int parse_create(struct cli *cli, const struct command *c, int argc, char **argv,
			bool is_run, struct create_args *a)
{
	int ch;

	rt_create_opts_init(&a->o);
	optind = 0;
	while ((ch = getopt_long(argc, argv, is_run ? "+b:d" : "+b:", create_opts, NULL)) != -1) {
		switch (ch) {
		case OPT_BUNDLE: a->o.bundle = optarg; break;
		case OPT_PIDFILE: a->o.pid_file = optarg; break;
		case OPT_CONSOLE: a->o.console_socket = optarg; break;
		case OPT_PRESERVE:
			if (b_parse_int(optarg, &a->o.preserve_fds) < 0 || a->o.preserve_fds < 0)
				return cli_usage(cli, c, "--preserve-fds: \"%s\" is not a count", optarg);
			break;
		case OPT_NOPIVOT: a->o.no_pivot = true; break;
		case OPT_NOKEYRING: a->o.no_new_keyring = true; break;
		case OPT_DETACH:
			if (!is_run)
				goto bad;
			a->detach = true;
			break;
		case OPT_KEEP:
			if (!is_run)
				goto bad;
			a->keep = true;
			break;
		case OPT_NOSUBREAPER: break;
		default:
		bad:
			return cli_usage(cli, c, "unknown option %s", argv[optind - 1]);
		}
	}
	if (optind != argc - 1)
		return cli_usage(cli, c, "expected exactly one container ID");
	a->id = argv[optind];
	a->o.id = a->id;
	return 0;
}

int cmd_create(struct cli *cli, int argc, char **argv)
{
	const struct command *c = cli_find_command("create");
	struct create_args a = { 0 };
	struct rt_created out = { .pidfd = -1, .console_master = -1 };
	struct b_err err = { 0 };

	if (parse_create(cli, c, argc, argv, false, &a))
		return 1;
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

int cmd_start(struct cli *cli, int argc, char **argv)
{
	struct b_err err = { 0 }, warn = { 0 };

	if (argc != 2)
		return cli_usage(cli, cli_find_command("start"), "expected exactly one container ID");
	if (rt_start(&cli->ctx, argv[1], &warn, &err) < 0)
		return cli_error(cli, &err);
	warn_if(cli, &warn);
	return 0;
}

int cmd_run(struct cli *cli, int argc, char **argv)
{
	const struct command *c = cli_find_command("run");
	struct create_args a = { 0 };
	struct rt_created out = { .pidfd = -1, .console_master = -1 };
	struct b_err err = { 0 }, warn = { 0 };
	char notify_dir[PATH_MAX];
	int code, notify_fd = -1;

	if (parse_create(cli, c, argc, argv, true, &a))
		return 1;
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
	code = cli_wait_forward(out.pid, out.pidfd, true, out.console_master, notify_fd);
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

int cmd_kill(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { { "all", no_argument, NULL, 'a' }, { 0 } };
	const struct command *c = cli_find_command("kill");
	struct b_err err = { 0 };
	bool all = false;
	int ch, sig = SIGTERM;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "+a", opts, NULL)) != -1) {
		if (ch != 'a')
			return cli_usage(cli, c, "unknown option %s", argv[optind - 1]);
		all = true;
	}
	if (optind >= argc || argc - optind > 2)
		return cli_usage(cli, c, "expected a container ID and an optional signal");
	if (argc - optind == 2) {
		sig = b_signal_parse(argv[optind + 1]);
		if (sig < 0)
			return cli_usage(cli, c, "unknown signal \"%s\"", argv[optind + 1]);
	}
	if (rt_kill(&cli->ctx, argv[optind], sig, all, &err) < 0)
		return cli_error(cli, &err);
	return 0;
}

int cmd_delete(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { { "force", no_argument, NULL, 'f' }, { 0 } };
	const struct command *c = cli_find_command("delete");
	struct b_err err = { 0 }, warn = { 0 };
	bool force = false;
	int ch;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "+f", opts, NULL)) != -1) {
		if (ch != 'f')
			return cli_usage(cli, c, "unknown option %s", argv[optind - 1]);
		force = true;
	}
	if (optind != argc - 1)
		return cli_usage(cli, c, "expected exactly one container ID");
	if (rt_delete(&cli->ctx, argv[optind], force, &warn, &err) < 0) {
		/* runc: deleting a missing container with --force succeeds. */
		if (force && err.code == ENOENT)
			return 0;
		return cli_error(cli, &err);
	}
	warn_if(cli, &warn);
	return 0;
}

static int one_id(struct cli *cli, const char *name, int argc, char **argv,
		  int (*fn)(const struct rt_ctx *, const char *, struct b_err *))
{
	struct b_err err = { 0 };

	if (argc != 2)
		return cli_usage(cli, cli_find_command(name), "expected exactly one container ID");
	if (fn(&cli->ctx, argv[1], &err) < 0)
		return cli_error(cli, &err);
	return 0;
}

int cmd_pause(struct cli *cli, int argc, char **argv)
{
	return one_id(cli, "pause", argc, argv, rt_pause);
}

int cmd_resume(struct cli *cli, int argc, char **argv)
{
	return one_id(cli, "resume", argc, argv, rt_resume);
}
